"""``server/recount.py``: the figures last seen current while a slow count runs, real
threads; and ``server/collector.py``'s pause shared by overlapping readers."""

from __future__ import annotations

import gc
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from skillgap.clock import FixedClock
from skillgap.errors import StillCounting
from skillgap.server.collector import collector_paused
from skillgap.server.recount import Recounts

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


class Workspace:
    """Figures that are current until ``change()``; ``count()`` gives the next ones (after
    ``delay`` seconds, or once ``gate`` is opened)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.version = 1
        self.counted: int | None = None  # the version whose figures are counted
        self.figures = ""  # and those figures (the same object each time, as a cache's)
        self.counts = 0
        self.delay = delay
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False

    def change(self) -> None:
        self.version += 1

    def current(self) -> str | None:
        return self.figures if self.counted == self.version else None

    def count(self) -> str:
        version = self.version
        self.counts += 1
        time.sleep(self.delay)
        assert self.gate.wait(10), "the test never opened the gate"
        if self.fail:
            raise LookupError("no such department any more")
        self.counted, self.figures = version, f"figures v{version}"
        return self.figures


def _recounts(clock: FixedClock, wait: float | None = 0.05) -> Recounts:
    return Recounts(clock, wait)


def test_figures_are_counted_and_kept_then_the_previous_ones_shown_while_a_slow_count_runs() -> (
    None
):
    clock = FixedClock(T0)
    recounts = _recounts(clock)
    ws = Workspace(delay=0.1)  # longer than the wait: a slow count
    first = recounts.figures("page", ws.current, ws.count)
    assert (first.value, first.current_at, ws.counts) == ("figures v1", None, 1)
    clock.moment = T0 + timedelta(minutes=2)
    again = recounts.figures("page", ws.current, ws.count)  # current: nothing counted
    assert (again.value, again.current_at, ws.counts) == ("figures v1", None, 1)

    ws.change()
    ws.gate.clear()  # the count of v2 runs until the test lets it end
    clock.moment = T0 + timedelta(minutes=5)
    shown = recounts.figures("page", ws.current, ws.count)
    assert shown.value == "figures v1"
    assert shown.current_at == T0 + timedelta(minutes=2)  # last seen current then
    later = recounts.figures("page", ws.current, ws.count)  # joins the same count
    assert later.value == "figures v1" and ws.counts == 2

    ws.gate.set()
    _wait(lambda: ws.current() is not None)
    _wait(lambda: recounts.figures("page", ws.current, ws.count).current_at is None)
    done = recounts.figures("page", ws.current, ws.count)
    assert (done.value, done.current_at, ws.counts) == ("figures v2", None, 2)


def test_a_count_that_was_quick_is_waited_for() -> None:
    """A small organisation's figures: counted again in less than the wait, so a page
    after a change shows the new ones, however long this count takes."""
    recounts = _recounts(FixedClock(T0), wait=0.05)
    ws = Workspace()
    recounts.figures("page", ws.current, ws.count)
    ws.change()
    ws.delay = 0.2  # this one is slow
    found = recounts.figures("page", ws.current, ws.count)
    assert (found.value, found.current_at) == ("figures v2", None)


@pytest.mark.parametrize("how", ["wait off", "patient"])
def test_without_a_wait_or_for_a_patient_caller_the_count_is_waited_for(how: str) -> None:
    recounts = _recounts(FixedClock(T0), wait=None if how == "wait off" else 0.01)
    ws = Workspace(delay=0.05)
    recounts.figures("page", ws.current, ws.count)
    ws.change()
    if how == "patient":
        with recounts.patient():  # the warmer: it is there to count them
            found = recounts.figures("page", ws.current, ws.count)
    else:
        found = recounts.figures("page", ws.current, ws.count)
    assert (found.value, found.current_at) == ("figures v2", None)


def test_figures_are_kept_per_key() -> None:
    recounts = _recounts(FixedClock(T0))
    ws = Workspace(delay=0.1)
    recounts.figures("organisation", ws.current, ws.count)
    ws.change()
    other = recounts.figures("department", ws.current, ws.count)  # none before: waited for
    assert (other.value, other.current_at) == ("figures v2", None)


def test_a_count_that_fails_reaches_the_caller_and_its_figures_are_forgotten() -> None:
    recounts = _recounts(FixedClock(T0))
    ws = Workspace(delay=0.1)
    recounts.figures("page", ws.current, ws.count)
    ws.change()
    ws.fail = True
    ws.delay = 0.0
    ws.gate.clear()
    shown = recounts.figures("page", ws.current, ws.count)  # slow: the previous ones
    assert shown.value == "figures v1" and shown.current_at is not None
    ws.gate.set()
    with pytest.raises(LookupError, match="no such department"):
        _wait_raising(lambda: recounts.figures("page", ws.current, ws.count))
    ws.fail = False  # nothing before any more: the next count is waited for, slow as it is
    ws.delay = 0.2
    found = recounts.figures("page", ws.current, ws.count)
    assert (found.value, found.current_at) == ("figures v2", None)


def test_the_collector_resumes_when_the_last_of_overlapping_readers_leaves() -> None:
    assert gc.isenabled()
    try:
        with collector_paused(True):
            assert not gc.isenabled()
            with collector_paused(True):  # a recount while the warmer reads
                assert not gc.isenabled()
            assert not gc.isenabled()  # the warmer still reads
        assert gc.isenabled()
        with collector_paused(False):  # not a served worker: nothing changes
            assert gc.isenabled()
        gc.disable()  # paused by someone else: left so
        with collector_paused(True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def _wait(done: object, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def _wait_raising(call: object, seconds: float = 10.0) -> None:
    """Call until it raises (the count ends with an error)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        call()  # type: ignore[operator]
        time.sleep(0.01)
    raise AssertionError("never raised")


def test_a_first_count_slower_than_the_first_wait_says_it_is_being_counted() -> None:
    """After a start nothing was counted before: a page waits ``first_wait`` at most, then
    is told to ask again; once the count is done, the figures are there."""
    recounts = Recounts(FixedClock(T0), 0.05, first_wait=0.05)
    ws = Workspace()
    ws.gate.clear()
    with pytest.raises(StillCounting, match="being counted for the first time") as raised:
        recounts.figures("page", ws.current, ws.count)
    assert raised.value.retry_after == 5
    with pytest.raises(StillCounting):  # the same count: no second one
        recounts.figures("page", ws.current, ws.count)
    assert ws.counts == 1
    ws.gate.set()
    _wait(lambda: ws.current() is not None)
    found = recounts.figures("page", ws.current, ws.count)
    assert (found.value, found.current_at, ws.counts) == ("figures v1", None, 1)


def test_a_patient_caller_waits_for_a_first_count() -> None:
    recounts = Recounts(FixedClock(T0), 0.05, first_wait=0.0)
    ws = Workspace(delay=0.1)
    with recounts.patient():
        found = recounts.figures("page", ws.current, ws.count)
    assert (found.value, found.current_at) == ("figures v1", None)
