"""``server/recount.py``: the figures last seen current while a slow count runs, real
threads; and ``server/collector.py``'s pause shared by overlapping readers."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from skillgap.clock import FixedClock
from skillgap.errors import StillCounting
from skillgap.server.collector import collector_paused, settle
from skillgap.server.recount import Recounts, Seen

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


class Workspace:
    """Figures that are current until ``change()``; ``count()`` gives those of the version
    it starts on (after ``delay`` seconds, and once ``gate`` is open)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.version = 1
        self.counted: dict[int, str] = {}  # the figures counted, by version
        self.counts = 0
        self.delay = delay
        self.gate = threading.Event()
        self.gate.set()
        self.fail: BaseException | None = None
        self.quick = False  # what the cache says: it keeps this version's model

    def change(self) -> None:
        self.version += 1

    def seen(self) -> Seen[str]:
        return Seen(self.version, self.quick, self.counted.get(self.version))

    def count(self) -> str:
        version = self.version
        self.counts += 1
        time.sleep(self.delay)
        assert self.gate.wait(10), "the test never opened the gate"
        if self.fail is not None:
            raise self.fail
        self.counted[version] = f"figures v{version}"  # the same object each time
        return self.counted[version]


def _slow_start(clock: FixedClock, wait: float = 0.05) -> tuple[Recounts, Workspace]:
    """Figures counted once, slowly (a large organisation): v1, seen current at T0."""
    recounts = Recounts(clock, wait)
    ws = Workspace(delay=wait * 2)
    first = recounts.figures("page", ws.seen, ws.count)
    assert (first.value, first.current_at, ws.counts) == ("figures v1", None, 1)
    assert recounts.slow
    ws.delay = 0.0
    return recounts, ws


def test_figures_are_counted_and_kept_then_the_previous_ones_shown_while_a_slow_count_runs() -> (
    None
):
    clock = FixedClock(T0)
    recounts, ws = _slow_start(clock)
    clock.moment = T0 + timedelta(minutes=2)
    again = recounts.figures("page", ws.seen, ws.count)  # current: nothing counted
    assert (again.value, again.current_at, ws.counts) == ("figures v1", None, 1)

    ws.change()
    ws.gate.clear()  # the count of v2 runs until the test lets it end
    clock.moment = T0 + timedelta(minutes=5)
    shown = recounts.figures("page", ws.seen, ws.count)
    assert shown.value == "figures v1"
    assert shown.current_at == T0 + timedelta(minutes=2)  # last seen current then
    later = recounts.figures("page", ws.seen, ws.count)  # joins the same count
    assert later.value == "figures v1" and ws.counts == 2

    ws.gate.set()
    _wait(lambda: recounts.figures("page", ws.seen, ws.count).current_at is None)
    done = recounts.figures("page", ws.seen, ws.count)
    assert (done.value, done.current_at, ws.counts) == ("figures v2", None, 2)


def test_a_small_organisations_counts_are_waited_for() -> None:
    """No count here took longer than the wait: a page after a change shows the new
    figures, however long this one count takes."""
    recounts = Recounts(FixedClock(T0), 0.5)
    ws = Workspace()
    recounts.figures("page", ws.seen, ws.count)
    assert not recounts.slow
    ws.change()
    ws.delay = 0.6  # this one is slow
    found = recounts.figures("page", ws.seen, ws.count)
    assert (found.value, found.current_at) == ("figures v2", None)


@pytest.mark.parametrize("how", ["wait off", "patient"])
def test_without_a_wait_or_for_a_patient_caller_the_count_is_waited_for(how: str) -> None:
    recounts = Recounts(FixedClock(T0), None if how == "wait off" else 0.01)
    ws = Workspace(delay=0.05)
    recounts.figures("page", ws.seen, ws.count)
    ws.change()
    if how == "patient":
        with recounts.patient():  # the warmer: it is there to count them
            found = recounts.figures("page", ws.seen, ws.count)
    else:
        found = recounts.figures("page", ws.seen, ws.count)
    assert (found.value, found.current_at) == ("figures v2", None)


def test_a_figure_whose_model_is_kept_is_counted_not_shown_from_before() -> None:
    """Only the figure was dropped (a cache keeps a bounded number), or another page's count
    built the model already: counting is quick, and the page says nothing of a change."""
    recounts, ws = _slow_start(FixedClock(T0))
    ws.counted.clear()
    ws.quick = True
    ws.delay = 0.2
    found = recounts.figures("page", ws.seen, ws.count)
    assert (found.value, found.current_at, ws.counts) == ("figures v1", None, 2)


def test_a_caller_who_sees_a_later_state_does_not_join_a_count_of_an_earlier_one() -> None:
    recounts, ws = _slow_start(FixedClock(T0))
    ws.change()
    ws.gate.clear()
    assert recounts.figures("page", ws.seen, ws.count).value == "figures v1"  # counts v2
    ws.change()  # v3, while v2 is counted
    found: list[Any] = []
    warmer = threading.Thread(target=_patient_call(recounts, ws, found))
    warmer.start()
    _wait(lambda: ws.counts == 3)  # the warmer counts v3 itself
    ws.gate.set()
    warmer.join(10)
    assert found == ["figures v3"]


def test_a_caller_joins_a_count_in_progress_with_the_wait_even_when_the_model_is_kept() -> None:
    """The warmer counts a figure (the model is built: "quick", but the figure itself takes
    a second at 100,000 people); a page asked meanwhile does not queue behind it."""
    recounts, ws = _slow_start(FixedClock(T0))
    ws.change()
    ws.quick = True
    ws.gate.clear()
    found: list[Any] = []
    warmer = threading.Thread(target=_patient_call(recounts, ws, found))
    warmer.start()
    _wait(lambda: ws.counts == 2)  # the warmer's count has begun
    shown: list[Any] = []
    page = threading.Thread(
        target=lambda: shown.append(recounts.figures("page", ws.seen, ws.count))
    )
    page.start()
    page.join(5)
    try:
        assert shown and shown[0].value == "figures v1" and shown[0].current_at is not None
        assert ws.counts == 2  # joined, not counted again
    finally:
        ws.gate.set()
        warmer.join(10)
    assert found == ["figures v2"]


def test_figures_are_kept_per_key() -> None:
    recounts, ws = _slow_start(FixedClock(T0))
    ws.change()
    ws.delay = 0.1
    other = recounts.figures("department", ws.seen, ws.count)  # none before: waited for
    assert (other.value, other.current_at) == ("figures v2", None)


def test_a_count_that_fails_reaches_a_waiting_caller_and_its_figures_are_forgotten() -> None:
    recounts, ws = _slow_start(FixedClock(T0))
    ws.change()
    ws.fail = LookupError("no such department any more")
    ws.gate.clear()
    shown = recounts.figures("page", ws.seen, ws.count)  # slow: the previous ones
    assert shown.value == "figures v1" and shown.current_at is not None
    found: list[Any] = []
    waiting = threading.Thread(target=_patient_call(recounts, ws, found))
    waiting.start()  # joins the same count (same state)
    time.sleep(0.05)
    ws.gate.set()
    waiting.join(10)
    assert len(found) == 1 and isinstance(found[0], LookupError) and ws.counts == 2
    ws.fail = None  # nothing before any more: the next count is waited for, slow as it is
    ws.delay = 0.2
    found_now = recounts.figures("page", ws.seen, ws.count)
    assert (found_now.value, found_now.current_at, ws.counts) == ("figures v2", None, 3)


def test_a_count_that_times_out_itself_is_an_error_not_a_wait() -> None:
    recounts, ws = _slow_start(FixedClock(T0), wait=0.5)
    ws.change()
    ws.fail = TimeoutError("canceling statement due to statement timeout")
    with pytest.raises(TimeoutError, match="statement timeout"):
        recounts.figures("page", ws.seen, ws.count)


def test_one_page_waits_for_its_figures_once_not_once_each() -> None:
    recounts, ws = _slow_start(FixedClock(T0), wait=1.0)
    recounts.figures("other", ws.seen, ws.count)
    ws.change()
    ws.gate.clear()
    began = time.monotonic()
    with recounts.one_page():
        shown = [recounts.figures(key, ws.seen, ws.count) for key in ("page", "other")]
    took = time.monotonic() - began
    ws.gate.set()
    assert all(s.current_at is not None for s in shown)
    assert 1.0 <= took < 1.8  # one wait of 1 s, not two


def test_a_first_count_slower_than_the_first_wait_says_it_is_being_counted() -> None:
    """After a start nothing was counted before: a page waits ``first_wait`` at most, then
    is told to ask again; once the count is done, the figures are there."""
    recounts = Recounts(FixedClock(T0), 0.05, first_wait=0.05)
    ws = Workspace()
    ws.gate.clear()
    with pytest.raises(StillCounting, match="being counted for the first time") as raised:
        recounts.figures("page", ws.seen, ws.count)
    assert raised.value.retry_after == 5
    with pytest.raises(StillCounting):  # the same count: no second one
        recounts.figures("page", ws.seen, ws.count)
    assert ws.counts == 1
    ws.gate.set()
    _wait(lambda: 1 in ws.counted)
    found = recounts.figures("page", ws.seen, ws.count)
    assert (found.value, found.current_at, ws.counts) == ("figures v1", None, 1)


def test_a_patient_caller_waits_for_a_first_count() -> None:
    recounts = Recounts(FixedClock(T0), 0.05, first_wait=0.0)
    ws = Workspace(delay=0.1)
    with recounts.patient():
        found = recounts.figures("page", ws.seen, ws.count)
    assert (found.value, found.current_at) == ("figures v1", None)


def test_the_collector_resumes_when_the_last_of_overlapping_readers_leaves() -> None:
    assert gc.isenabled()
    try:
        with collector_paused(True):
            assert not gc.isenabled()
            inside = threading.Event()
            leave = threading.Event()

            def recount() -> None:  # a recount's thread while the warmer reads
                with collector_paused(True):
                    inside.set()
                    assert leave.wait(10)

            other = threading.Thread(target=recount)
            other.start()
            assert inside.wait(10)
        assert not gc.isenabled()  # the warmer is done, the recount still reads
        leave.set()
        other.join(10)
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


def _patient_call(recounts: Recounts, ws: Workspace, found: list[Any]) -> Callable[[], None]:
    def call() -> None:
        with recounts.patient():
            try:
                found.append(recounts.figures("page", ws.seen, ws.count).value)
            except LookupError as exc:
                found.append(exc)

    return call


def _wait(done: Callable[[], bool], seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_a_cache_load_during_a_long_read_leaves_the_collection_to_its_end() -> None:
    """A served cache collects and freezes after each load; during a long read that
    collection would walk everything the read has built so far."""
    try:
        gc.unfreeze()
        with collector_paused(True):
            built = [[object()] for _ in range(1000)]  # a long read's new objects
            settle()  # a request's small load meanwhile
            assert gc.get_freeze_count() == 0
        assert gc.get_freeze_count() > len(built)  # the read's end froze them
        gc.unfreeze()
        settle()  # no long read: at once
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
