"""The organisation's figures on the pages while they are counted again after a change.

The organisation, department, team and role pages show figures counted from the whole
workspace (the gap engine's model of everyone). After a change to the people, roles,
ratings or credentials, the read cache counts them again (``server/cache.py``: it is never
stale): at 100,000 people that takes seconds, and the first page asked for right after
the change would wait for it. ``Recounts`` keeps, per page figure, the value last seen
current and how long it took to count; when it has to be counted again and the last count
took longer than ``wait``, the count runs in a thread of its own and the page waits at
most ``wait`` seconds for it, then shows the figures counted before, saying when they
were last current (``Counted.current_at``). Every later request of those figures joins
the same count; once it is done they are the current ones again.

A count that took less than ``wait`` (a small organisation) is simply waited for, as is
every count of a caller who needs the current figures (``patient``: the warmer), and
every count when ``wait`` is None (``SKILLGAP_RECOUNT_WAIT=off``). The API never reads
from here: its answers are always of the workspace as it is.

The first count of a figure (after a start: about half a minute at 100,000 people, unless
the warmer has done it) has nothing before it to show: a page waits for it at most
``first_wait`` seconds (served: ``FIRST_WAIT``), then answers ``StillCounting`` (503, with
``Retry-After``: the page reloads itself), so that no proxy in front of the server gives
up on a request that waits.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from skillgap.clock import Clock
from skillgap.errors import StillCounting
from skillgap.server.collector import collector_paused

T = TypeVar("T")
#: Figures kept (each page's: a page shows at most a few).
KEPT = 64
#: Seconds a page waits for a figure's first count before it says it is being counted.
FIRST_WAIT = 10.0
#: Seconds after which a page that said so asks again.
ASK_AGAIN = 5
#: Whether this thread's caller needs the current figures (the warmer; a count's thread).
_PATIENT: ContextVar[bool] = ContextVar("skillgap_recount_patient", default=False)


@dataclass(frozen=True)
class Counted(Generic[T]):
    """Figures, and None if they count the workspace as it is; else when they were last
    seen to (a change since is being counted)."""

    value: T
    current_at: datetime | None = None


@dataclass(frozen=True)
class _Last:
    value: Any
    seen_at: datetime  # when they were last known to count the workspace as it was
    took: float  # seconds their last count took (0: not counted here)


class Recounts:
    """Per key, the figures last seen current, and the count in progress (see the module).
    ``freeze``: a count's thread pauses the collector, as the warmer does."""

    def __init__(
        self,
        clock: Clock,
        wait: float | None,
        *,
        freeze: bool = False,
        first_wait: float = FIRST_WAIT,
    ) -> None:
        self.wait = wait
        self.first_wait = first_wait  # only when ``wait`` is not None
        self._clock = clock
        self._freeze = freeze
        self._last: OrderedDict[Hashable, _Last] = OrderedDict()
        self._running: dict[Hashable, tuple[Future[Any], float]] = {}  # and when it began
        self._lock = threading.Lock()
        self._counting = threading.Lock()  # one count at a time: they share the CPU

    def figures(
        self, key: Hashable, current: Callable[[], T | None], count: Callable[[], T]
    ) -> Counted[T]:
        """``current()`` (the figures of the workspace as it is, if they are counted
        already, else None) or ``count()``'s; or, while that count runs longer than
        ``wait``, the figures last seen current, if their last count took longer too."""
        found = current()
        if found is not None:
            self._remember(key, found, None)
            return Counted(found)
        with self._lock:
            last = self._last.get(key)
            running = self._running.get(key)
            limit: float | None = None  # how long to wait for the count: all of it
            if self.wait is not None and not _PATIENT.get():
                if last is None:
                    limit = self.first_wait
                elif last.took > self.wait:
                    limit = self.wait
            if running is None and limit is not None:
                running = self._running[key] = (self._start(key, count), time.monotonic())
        if running is None:
            return Counted(self._count(key, count))
        job, began = running
        # from the start of the count: a later request does not wait again
        left = None if limit is None else max(0.0, began + limit - time.monotonic())
        try:
            return Counted(job.result(timeout=left))
        except WaitedTooLong:
            if last is None:
                raise StillCounting(
                    "the organisation's figures are being counted for the first time since "
                    f"the server started ({time.monotonic() - began:.0f} s so far; about half "
                    "a minute at 100,000 people): this page asks again in a few seconds",
                    ASK_AGAIN,
                ) from None
            return Counted(last.value, last.seen_at)

    @contextmanager
    def patient(self) -> Iterator[None]:
        """Within: every figure asked for is the current one (waited for)."""
        token = _PATIENT.set(True)
        try:
            yield
        finally:
            _PATIENT.reset(token)

    def _count(self, key: Hashable, count: Callable[[], T]) -> T:
        seen_at, began = self._clock.now(), time.perf_counter()
        try:
            value = count()
        except BaseException:
            with self._lock:
                self._last.pop(key, None)  # nothing to show of figures that fail now
            raise
        self._remember(key, value, time.perf_counter() - began, seen_at)
        return value

    def _start(self, key: Hashable, count: Callable[[], T]) -> Future[T]:
        job: Future[T] = Future()

        def run() -> None:
            with self._counting, collector_paused(self._freeze), self.patient():
                try:
                    value = self._count(key, count)
                except BaseException as exc:  # the waiting requests report it
                    self._done(key)
                    job.set_exception(exc)
                    return
                self._done(key)  # first: a request after a later change must not join it
                job.set_result(value)  # before the collection that ends the pause

        threading.Thread(target=run, name="skillgap-recount", daemon=True).start()
        return job

    def _done(self, key: Hashable) -> None:
        with self._lock:
            self._running.pop(key, None)

    def _remember(
        self, key: Hashable, value: Any, took: float | None, seen_at: datetime | None = None
    ) -> None:
        with self._lock:
            before = self._last.pop(key, None)
            if took is None:  # seen current, not counted here: the last count's time holds
                took = before.took if before is not None and before.value is value else 0.0
            self._last[key] = _Last(value, seen_at or self._clock.now(), took)
            while len(self._last) > KEPT:
                self._last.popitem(last=False)
