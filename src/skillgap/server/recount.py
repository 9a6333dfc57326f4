"""The organisation's figures on the pages while they are counted again after a change.

The organisation, department, team and role pages show figures counted from the whole
workspace (the gap engine's model of everyone). After a change to the people, roles,
ratings or credentials, the read cache counts them again (``server/cache.py``: it is never
stale): at 100,000 people that takes seconds, and the first page asked for right after
the change would wait for it. ``Recounts`` keeps, per page figure, the value last seen
current. Once a count in this process has taken longer than ``wait`` (a large
organisation), a figure to count again without a model the cache keeps is counted in
a thread of its own, and a page waits at most ``wait`` seconds in all for its figures,
then shows those counted before, saying when they were last current
(``Counted.current_at``). A later request for the same state of the workspace joins that
count; one that sees a later state gets a count of its own.

Everything else is waited for: a small organisation's counts, a figure of a state whose
model the cache keeps and that nobody is counting (quick: the figure was dropped, or not
counted yet), every count of a caller who needs the current figures (``patient``: the
warmer), and every count when ``wait`` is None (``SKILLGAP_RECOUNT_WAIT=off``). Every
count is registered while it runs, in a thread or in its caller's, so that a page joins
it with the wait instead of queueing behind it. The API never reads from here: its
answers are always of the workspace as it is.

The first count of a figure (after a start: about half a minute at 100,000 people, unless
the warmer has done it) has nothing before it to show: a page waits for it at most
``first_wait`` seconds (served: ``FIRST_WAIT``), then answers ``StillCounting`` (503, with
``Retry-After``: the page reloads itself), so that no proxy in front of the server gives
up on a request that waits.
"""

from __future__ import annotations

import logging
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
log = logging.getLogger(__name__)
#: Figures kept (a page shows at most a few; a department's are small).
KEPT = 256
#: Seconds a page waits for a figure's first count before it says it is being counted.
FIRST_WAIT = 10.0
#: Seconds after which a page that said so asks again.
ASK_AGAIN = 5
#: Whether this thread's caller needs the current figures (the warmer; a count's thread).
_PATIENT: ContextVar[bool] = ContextVar("skillgap_recount_patient", default=False)
#: When the page being answered stops waiting for figures (``Recounts.one_page``).
_DEADLINE: ContextVar[list[float] | None] = ContextVar("skillgap_recount_deadline", default=None)


@dataclass(frozen=True)
class Counted(Generic[T]):
    """Figures, and None if they count the workspace as it is; else when they were last
    seen to (a change since is being counted)."""

    value: T
    current_at: datetime | None = None


@dataclass(frozen=True)
class Seen(Generic[T]):
    """What the caller's unit of work sees of a figure without counting anything."""

    state: Hashable  # the state of the workspace (its revision stamp, the analysis date)
    quick: bool  # whether counting it is quick: the cache keeps that state's model
    value: T | None  # the figure of that state, if it is counted already


@dataclass(frozen=True)
class _Last:
    value: Any
    seen_at: datetime  # when they were last known to count the workspace as it was


@dataclass(frozen=True)
class _Running:
    job: Future[Any]
    began: float  # time.monotonic()
    state: Hashable  # the state it was started for


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
        self.slow = False  # whether a count here has taken longer than ``wait``
        self._clock = clock
        self._freeze = freeze
        self._last: OrderedDict[Hashable, _Last] = OrderedDict()
        self._running: dict[Hashable, _Running] = {}
        self._lock = threading.Lock()
        self._counting = threading.Lock()  # one count in a thread at a time: they share the CPU

    def figures(
        self, key: Hashable, seen: Callable[[], Seen[T]], count: Callable[[], T]
    ) -> Counted[T]:
        """The figure under ``key``: ``seen()``'s if it is counted already, else
        ``count()``'s; or, while a slow count runs, the figure last seen current."""
        found = seen()
        if found.value is not None:
            self._remember(key, found.value)
            return Counted(found.value)
        mine: Future[T] | None = None  # a count this caller makes itself
        with self._lock:
            last = self._last.get(key)
            running = self._running.get(key)
            if running is not None and running.state != found.state:
                running = None  # a count of an earlier state: not what this caller sees
            limit: float | None = None  # how long to wait for the count: all of it
            if self.wait is not None and not _PATIENT.get():
                if last is None:
                    limit = self.first_wait
                elif self.slow and (running is not None or not found.quick):
                    limit = self.wait  # a count in progress, or one that builds a model
            if running is None:
                if limit is None:  # counted here, now; others may join it meanwhile
                    mine = Future()
                    job: Future[Any] = mine
                else:
                    job = self._start(key, count)
                running = self._running[key] = _Running(job, time.monotonic(), found.state)
        if mine is not None:
            self._settle(key, mine, count)
            return Counted(mine.result())  # or its error
        left = None
        if limit is not None:  # from the count's start, and the page's first wait
            end = running.began + limit
            page = _DEADLINE.get()
            if page is not None:
                if not page:
                    page.append(time.monotonic() + limit)
                end = min(end, page[0])
            left = max(0.0, end - time.monotonic())
        try:
            return Counted(running.job.result(left))
        except WaitedTooLong:
            if running.job.done():  # the count itself timed out (TimeoutError): say so
                return Counted(running.job.result())
            if last is None:
                raise StillCounting(
                    "the organisation's figures are being counted for the first time since "
                    f"the server started ({time.monotonic() - running.began:.0f} s so far; "
                    "about half a minute at 100,000 people): this page asks again in a few "
                    "seconds",
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

    @contextmanager
    def one_page(self) -> Iterator[None]:
        """Within: the figures asked for are one page's, which waits for them at most
        ``wait`` (or ``first_wait``) in all, not that long for each."""
        token = _DEADLINE.set([])
        try:
            yield
        finally:
            _DEADLINE.reset(token)

    def _count(self, key: Hashable, count: Callable[[], T]) -> T:
        seen_at, began = self._clock.now(), time.perf_counter()
        try:
            value = count()
        except BaseException:
            with self._lock:
                self._last.pop(key, None)  # nothing to show of figures that fail now
            raise
        took = time.perf_counter() - began
        if self.wait is not None and took > self.wait:
            self.slow = True
        self._remember(key, value, seen_at)
        return value

    def _start(self, key: Hashable, count: Callable[[], T]) -> Future[T]:
        job: Future[T] = Future()

        def run() -> None:
            with self._counting, collector_paused(self._freeze), self.patient():
                self._settle(key, job, count)  # before the collection that ends the pause

        threading.Thread(target=run, name="skillgap-recount", daemon=True).start()
        return job

    def _settle(self, key: Hashable, job: Future[T], count: Callable[[], T]) -> None:
        """Count, and give ``job`` the figures or the error (those waiting report it)."""
        try:
            value = self._count(key, count)
        except BaseException as exc:
            log.info("counting %r failed: %s", key, exc)
            self._done(key, job)
            job.set_exception(exc)
            return
        self._done(key, job)  # first: a request after a later change must not join it
        job.set_result(value)

    def _done(self, key: Hashable, job: Future[Any]) -> None:
        with self._lock:
            running = self._running.get(key)
            if running is not None and running.job is job:
                del self._running[key]

    def _remember(self, key: Hashable, value: Any, seen_at: datetime | None = None) -> None:
        with self._lock:
            self._last.pop(key, None)
            self._last[key] = _Last(value, seen_at or self._clock.now())
            while len(self._last) > KEPT:
                self._last.popitem(last=False)
