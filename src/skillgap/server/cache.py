"""The server's read cache: workspace data every request shares and few change (frameworks
and their ``SkillContext``, scales, roles, people and the manager tree, issuers,
achievements and what stacks into each, the rubric, API tokens and users, awards and observations
read whole, and the gap engine's model of the organisation), kept in the process between
requests.

Never stale: the store raises the workspace's revision in the same transaction as every
write (``store.Revision``: a counter, and per area — people, roles, meta... — the number of
the last unit of work that wrote it), whichever process writes: this server, another
worker, the command line. Each value is kept with the ``stamp`` of the areas it was read
from; a unit of work reads the revision once (one indexed read) and is given a kept value
only if the stamp of its areas is the same, i.e. nothing it was read from has been written
since. So a write through the server is seen by the very next request, and one by another
process by the first unit of work that starts after it commits. A unit of work that writes
stops using the cache (it must see its own writes), and after its commit the values read
from what it wrote are dropped at once (their memory too).

What is kept lives as long as the workspace does not change: millions of objects at
100,000 people, which Python's cyclic garbage collector would walk at each full collection
(a pause of about a second for every request in flight). A served process's cache
(``ReadCache(freeze=True)``) therefore collects and then freezes after each load
(``gc.freeze``): what exists then is left out of later collections; not while a long
read (the warmer's, a recount's) is building, whose end does it (``collector.settle``: a
collection then walked everything built so far, seconds for a request's small load).
Values dropped later are still freed by reference counting (they hold no reference cycles).

``CachedStore`` wraps the workspace's store: its units of work answer ``list``, ``find``,
``get`` and ``count`` of the areas above from the cache (so every service reads them once
per change, not once per request), and ``find`` of a session once it has been found, while
no session ends (``kept_sessions``: a page's login check costs no read of its own); the
services that read derived data (``services.summary.cached``: the SkillContext, the
rubric, the model) find the cache there. Everything else goes to the store as before; on
PostgreSQL, a read made before the unit writes anything is a statement of its own,
outside a transaction (``CachedStore.transaction``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar, cast

from skillgap.domain.snapshots import Snapshot
from skillgap.server.collector import settle
from skillgap.server.kept_sessions import SeenSessions, live_session
from skillgap.services import summary as shared
from skillgap.store import ANY_AREA, Revision, Store, Workspace
from skillgap.store.sql import SqlStore

T = TypeVar("T")
#: Repository methods that only read: anything else marks the unit of work as writing.
READS = frozenset(
    {
        "get",
        "find",
        "list",
        "count",
        "by_email",
        "for_person",
        "for_framework",
        "for_subject",
        "items",
        "revision",
        "next_index",
        "latest",
        "count_since",
        "periods",
        "person_periods",
    }
)


@dataclass(frozen=True)
class _Entry:
    value: Any
    areas: frozenset[str]
    stamp: int  # Revision.stamp(areas) of the state it was read from


class ReadCache:
    """Values by name, each kept with the areas it was read from and their stamp."""

    def __init__(self, *, freeze: bool = False) -> None:
        self._freeze = freeze  # gc.freeze() after each load (a whole process's choice)
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.sessions = SeenSessions()  # not values by name: never frozen, never evicted
        self.hits = 0
        self.loads = 0

    def value(
        self,
        name: str,
        areas: frozenset[str],
        revision: Revision,
        load: Callable[[], T],
        recheck: Callable[[], Revision],
    ) -> T:
        """The value kept under ``name`` if it was read from the state of ``areas`` that
        ``revision`` describes; else ``load()``'s, kept unless something newer is (or
        ``recheck``, the revision read again, says the load may have seen later writes: a
        PostgreSQL transaction reads each statement's latest commits)."""
        stamp = revision.stamp(areas)
        entry = self._entries.get(name)
        if entry is not None and entry.stamp == stamp and entry.areas == areas:
            self.hits += 1
            return cast(T, entry.value)
        with self._lock(name):  # one load at a time: the others wait for it, then use it
            entry = self._entries.get(name)
            if entry is not None and entry.stamp == stamp and entry.areas == areas:
                self.hits += 1
                return cast(T, entry.value)
            value = load()
            self.loads += 1
            newer = entry is not None and entry.areas == areas and entry.stamp > stamp
            if not newer and recheck().stamp(areas) == stamp:
                self._entries[name] = _Entry(value, areas, stamp)
                if self._freeze:  # long-lived from now on: out of the collector's way
                    settle()
            return value

    def kept(self, name: str, areas: frozenset[str], revision: Revision) -> Any | None:
        """The value kept under ``name`` if it is current (as ``value`` judges), else None:
        never loads."""
        entry = self._entries.get(name)
        if entry is not None and entry.areas == areas and entry.stamp == revision.stamp(areas):
            self.hits += 1
            return entry.value
        return None

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def evict(self, written: set[str]) -> None:
        """Drop the values read from any of ``written`` (areas; ``ANY_AREA``: all)."""
        with self._guard:
            for name, entry in list(self._entries.items()):
                if ANY_AREA in written or entry.areas & written:
                    del self._entries[name]

    def clear(self) -> None:
        self.evict({ANY_AREA})

    def names(self) -> list[str]:
        """What the cache holds now, by name."""
        return sorted(self._entries)


#: The revision the request being served has read (PostgreSQL; see ``one_revision``).
_REQUEST_REVISION: ContextVar[list[Revision] | None] = ContextVar(
    "skillgap_request_revision", default=None
)


@contextmanager
def one_revision() -> Iterator[None]:
    """Within: on PostgreSQL, the units of work that only read reuse the revision the first
    one read (a request that authenticates, then answers, reads it once, not twice). Its
    reads are statements of their own (read committed) either way, so this widens the
    window in which a commit by another process is not yet seen from one unit to one
    request, never more. A unit that writes forgets it: the next reads it again.
    (``server/app.py`` wraps each GET in it.)"""
    token = _REQUEST_REVISION.set([])
    try:
        yield
    finally:
        _REQUEST_REVISION.reset(token)


class CachedStore:
    """``store`` with its reads of shared data answered from ``cache`` (see the module)."""

    def __init__(self, store: Store, cache: ReadCache) -> None:
        self.inner = store
        self.cache = cache

    @property
    def location(self) -> str:
        return self.inner.location

    @property
    def schema(self) -> str | None:
        return self.inner.schema

    @contextmanager
    def transaction(self) -> Iterator[Workspace]:
        """A unit of work: the store's transaction begins only when something is asked
        that the cache does not answer and cannot be read alone. On PostgreSQL, until the
        unit writes, the revision and every read the cache does not answer are single
        statements outside a transaction (``SqlStore.alone``: a unit that only reads costs
        one round trip per read, not three more); elsewhere all is read inside the
        transaction (SQLite's snapshot begins with the first read)."""
        inner = self.inner
        alone = inner.alone if isinstance(inner, SqlStore) and inner.reads_alone else None
        with ExitStack() as stack:
            work = CachedWorkspace(
                lambda: stack.enter_context(inner.transaction()), self.cache, alone
            )
            yield cast(Workspace, work)
        if work.written:  # committed: what it wrote is not worth keeping any more
            self.cache.evict(work.written)
            if held := _REQUEST_REVISION.get():
                held.clear()

    def close(self) -> None:
        self.inner.close()


class CachedWorkspace(shared.CachingWorkspace):
    """One unit of work of a ``CachedStore``: a ``Workspace`` (its repositories through
    ``__getattr__``) that keeps shared data in the cache."""

    def __init__(
        self,
        begin: Callable[[], Workspace],
        cache: ReadCache,
        alone: Callable[[], AbstractContextManager[Workspace]] | None = None,
    ) -> None:
        self.written: set[str] = set()  # areas written in this unit of work
        self._begin = begin  # the store's unit of work, begun when first needed
        self._inner: Workspace | None = None
        self._cache = cache
        self._alone = alone  # single statements outside a transaction (None: not here)
        self._revision: Revision | None = None
        self._repositories: dict[str, _Repository] = {}

    def begin(self) -> Workspace:
        """The store's unit of work, begun now if it is not yet."""
        if self._inner is None:
            self._inner = self._begin()
        return self._inner

    @property
    def inner(self) -> Workspace:
        return self.begin()

    @property
    def reads_alone(self) -> bool:
        """Whether a read goes to the store as a statement of its own: where the store
        allows it, until the unit has begun its transaction (to write)."""
        return self._alone is not None and self._inner is None and not self.written

    def read_alone(self, area: str, method: str, *args: Any, **kwargs: Any) -> Any:
        assert self._alone is not None
        with self._alone() as ws:
            return getattr(getattr(ws, area), method)(*args, **kwargs)

    def store_read(self, area: str, method: str) -> Callable[..., Any]:
        """The store's read ``method`` of ``area``: alone where it may be, else in the
        unit's transaction."""
        if self.reads_alone:
            return partial(self.read_alone, area, method)
        return getattr(getattr(self.inner, area), method)  # type: ignore[no-any-return]

    def cached(self, name: str, areas: frozenset[str], load: Callable[[Workspace], T]) -> T:
        if self.written:  # it must see its own writes
            return load(self.inner)
        return self._cache.value(
            name, areas, self._current(), lambda: load(self.inner), self._reread
        )

    def _current(self) -> Revision:
        """The revision, read once per unit of work."""
        if self._revision is None:
            if self.reads_alone:
                held = _REQUEST_REVISION.get()
                if held:  # read by an earlier unit of this request (``one_revision``)
                    self._revision = held[0]
                else:
                    self._revision = self.read_alone("meta", "revision")
                    if held is not None:
                        held.append(self._revision)
            else:
                self._revision = self.inner.meta.revision()
        return self._revision

    def _reread(self) -> Revision:
        return self.inner.meta.revision()

    def stamp(self, areas: frozenset[str]) -> int:
        """The stamp of ``areas`` in the revision this unit of work reads."""
        return self._current().stamp(areas)

    @property
    def seen_sessions(self) -> SeenSessions:
        return self._cache.sessions

    def kept(self, name: str, areas: frozenset[str]) -> Any | None:
        """What ``cached(name, areas, ...)`` would give without loading anything, else None
        (not kept, or out of date)."""
        if self.written:
            return None
        return self._cache.kept(name, areas, self._current())

    def clear(self) -> None:
        self.written.add(ANY_AREA)
        self.inner.clear()

    def __getattr__(self, area: str) -> Any:
        """The repository ``area`` (``people``, ``roles``...) of the unit of work."""
        found = self._repositories.get(area)
        if found is None:
            found = self._repositories[area] = _Repository(self, area)
        return found


def _from_index(index: Callable[[Workspace], dict[str, Any]]) -> dict[str, Callable[..., Any]]:
    """``list``, ``find``, ``get`` and ``count`` answered from an index by id (a miss
    goes to the store, which says what is missing, or what is wrong with the key, as it
    always does: PostgreSQL refuses a NUL character, for instance)."""

    def get(ws: CachedWorkspace, area: str, key: str) -> Any:
        found = index(cast(Workspace, ws)).get(key)
        return found if found is not None else ws.store_read(area, "get")(key)

    def find(ws: CachedWorkspace, area: str, key: str) -> Any:
        found = index(cast(Workspace, ws)).get(key)
        return found if found is not None else ws.store_read(area, "find")(key)

    return {
        "list": lambda ws, area: list(index(cast(Workspace, ws)).values()),
        "find": find,
        "get": get,
        "count": lambda ws, area: len(index(cast(Workspace, ws))),
    }


def _for_person(ws: CachedWorkspace, area: str, employee_id: str) -> Any:
    """``for_person`` of awards or ratings from the area's rows read whole (which
    ``summary.award_list`` and ``observation_list`` keep under the area's name), grouped
    by person, when they are kept already: the dashboard's model reads them, and a served
    worker's warmer keeps them read; a request never starts that read. Until then, and in
    a unit of work that writes, the store answers, in the same order."""
    areas = frozenset({area})
    rows = ws.kept(area, areas)
    if rows is None:
        return ws.store_read(area, "for_person")(employee_id)
    grouped: dict[str, tuple[Any, ...]] = ws.cached(
        f"{area}-by-person", areas, lambda _: _by_person(rows)
    )
    return list(grouped.get(employee_id, ()))


def _snapshot_headers(ws: CachedWorkspace, since: date | None) -> list[Snapshot]:
    headers = shared.snapshot_headers(cast(Workspace, ws))
    return [h for h in headers if since is None or h.as_of >= since]


def _snapshots_for_person(
    ws: CachedWorkspace, area: str, person_id: str, since: date | None = None
) -> tuple[Snapshot, ...]:
    """A person's row of each snapshot: none to read when there is no snapshot (the
    headers are kept), else the store's (two queries however many there are: the kept
    headers are handed to it)."""
    headers = _snapshot_headers(ws, since)
    if not headers:
        return ()
    found: tuple[Snapshot, ...] = ws.store_read(area, "for_person")(person_id, since, headers)
    return found


#: Stored changes kept whole at most (a person's, per period and view; about 650 bytes
#: each): beyond, a person's periods are read from the store, one statement per page.
STORED_CHANGES_KEPT = 500_000
_SNAPSHOTS = frozenset({"snapshots"})


def keep_stored_periods(ws: Workspace) -> None:
    """Read every stored period with everyone's changes, and keep it (a served worker's
    warmer does; a request never starts that read): a person's periods then come from
    there (``_person_periods``), of the same revision as the snapshot headers."""
    shared.cached(
        ws, "stored-periods", _SNAPSHOTS, lambda w: w.snapshots.stored_periods(STORED_CHANGES_KEPT)
    )


def _person_periods(ws: CachedWorkspace, area: str, person_id: str, verified: bool) -> Any:
    kept = ws.kept("stored-periods", _SNAPSHOTS)  # None too when there are too many
    if kept is None:
        return ws.store_read(area, "person_periods")(person_id, verified)
    return kept.person(person_id, verified)


def _by_person(rows: tuple[Any, ...]) -> dict[str, tuple[Any, ...]]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.person_id, []).append(row)
    return {person: tuple(found) for person, found in grouped.items()}


#: The reads answered from the cache, per area.
SERVED: dict[str, dict[str, Callable[..., Any]]] = {
    "frameworks": _from_index(shared.framework_index),
    "scales": _from_index(shared.scale_index),
    "roles": _from_index(shared.role_index),
    "people": _from_index(shared.people_index),
    "issuers": _from_index(shared.issuer_index),
    "tokens": _from_index(shared.token_index),
    "users": _from_index(shared.user_index),
    "achievements": _from_index(shared.achievement_index),
    "awards": {
        "list": lambda ws, area: list(shared.award_list(cast(Workspace, ws))),
        "for_person": _for_person,
    },
    "observations": {
        "list": lambda ws, area: list(shared.observation_list(cast(Workspace, ws))),
        "for_person": _for_person,
    },
    "sessions": {"find": live_session},
    "snapshots": {
        "list": lambda ws, area, since=None: _snapshot_headers(ws, since),
        "for_person": _snapshots_for_person,
        "person_periods": _person_periods,
    },
}


class _Repository:
    """A repository of a ``CachedWorkspace``: reads of shared data from the cache, any
    other call to the store (a call that is not a read marks the area written)."""

    def __init__(self, ws: CachedWorkspace, area: str) -> None:
        self._ws = ws
        self._area = area
        self._served = SERVED.get(area, {})

    def __getattr__(self, method: str) -> Any:
        if method not in READS:
            self._ws.written.add(self._area)
            return getattr(getattr(self._ws.inner, self._area), method)
        if method in self._served and not self._ws.written:
            return partial(self._served[method], self._ws, self._area)
        return self._ws.store_read(self._area, method)
