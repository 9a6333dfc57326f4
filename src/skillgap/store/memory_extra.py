"""The memory twin's snapshots, audit log, sessions and login failures (its other
repositories in memory.py).

Same contract as their SQL counterparts (the contract suites run on both): references are
checked with the rules of ``references.py`` before anything is written, and audit details
come back as JSON values (tuples as lists), as they do from a database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from skillgap.domain.governance import AuditEntry
from skillgap.domain.snapshots import (
    PersonChange,
    Snapshot,
    StoredPeriod,
    StoredPeriods,
    twice,
)
from skillgap.domain.users import Session
from skillgap.errors import ConflictError, NotFoundError, ValidationError
from skillgap.store.references import Lookup, problem


def details_text(details: Mapping[str, Any]) -> str:
    """Audit details as the JSON text both stores keep, or ``ValidationError``."""
    try:
        return json.dumps(dict(details), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"audit entry details must be JSON values: {exc}") from None


class MemoryAuditLog:
    def __init__(self, data: dict[int, AuditEntry]) -> None:
        self._data = data

    def append(self, entry: AuditEntry) -> AuditEntry:
        key = max(self._data, default=0) + 1
        stored = replace(entry, id=key, details=json.loads(details_text(entry.details)))
        self._data[key] = stored
        return stored

    def list(
        self, *, action: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        found = [
            e
            for _, e in sorted(self._data.items(), reverse=True)
            if (action is None or e.action == action) and (since is None or e.at >= since)
        ]
        return found if limit is None else found[: max(limit, 0)]

    def count(self) -> int:
        return len(self._data)


class MemorySessionRepository:
    def __init__(self, data: dict[str, Session], lookup: Lookup) -> None:
        self._data = data
        self._lookup = lookup
        self.purged: set[str] = set()  # removed as expired in this unit of work

    def add(self, session: Session) -> None:
        if session.id_hash in self._data:
            raise ConflictError("that session already exists")
        reason = problem(session, self._lookup)
        if reason is not None:
            raise ConflictError(reason)
        self._data[session.id_hash] = session

    def find(self, id_hash: str) -> Session | None:
        return self._data.get(id_hash)

    def remove(self, id_hash: str) -> None:
        self._data.pop(id_hash, None)

    def remove_for_user(self, user_id: str) -> int:
        return self._drop([k for k, s in self._data.items() if s.user_id == user_id])

    def remove_expired(self, now: datetime) -> int:
        """Forget the sessions that expire at or before ``now`` (``purged``: their keys,
        whose removal raises no revision, ``store.EXPIRED_ONLY``)."""
        keys = [k for k, s in self._data.items() if s.expires_at <= now]
        self.purged.update(keys)
        return self._drop(keys)

    def _drop(self, keys: list[str]) -> int:
        for key in keys:
            del self._data[key]
        return len(keys)


class MemoryLoginFailures:
    def __init__(self, data: list[tuple[str, datetime]]) -> None:
        self._data = data

    def record(self, key: str, at: datetime) -> None:
        self._data.append((key, at))

    def count_since(self, key: str, since: datetime) -> int:
        return sum(1 for k, at in self._data if k == key and at >= since)

    def clear(self, key: str) -> None:
        self._data[:] = [(k, at) for k, at in self._data if k != key]

    def purge_before(self, at: datetime) -> int:
        before = len(self._data)
        self._data[:] = [(k, when) for k, when in self._data if when >= at]
        return before - len(self._data)


@dataclass(frozen=True)
class SnapshotPeriod:
    before: str
    changes: dict[tuple[str, bool], PersonChange]  # by person id and view


class MemorySnapshotRepository:
    def __init__(self, data: dict[str, Snapshot], periods: dict[str, SnapshotPeriod]) -> None:
        self._data = data
        self._periods = periods

    def add(self, snapshot: Snapshot) -> None:
        if snapshot.id in self._data:
            raise ConflictError(f"snapshot {snapshot.id!r} already exists")
        self._data[snapshot.id] = snapshot

    def get(self, key: str) -> Snapshot:
        found = self._data.get(key)
        if found is None:
            raise NotFoundError(f"no snapshot {key!r}")
        return found

    def list(self, since: date | None = None) -> list[Snapshot]:
        chosen = (s for s in self._data.values() if since is None or s.as_of >= since)
        return [s.header() for s in sorted(chosen, key=lambda s: s.order)]

    def latest(self) -> Snapshot | None:
        return max(self._data.values(), key=lambda s: s.order, default=None)

    def for_person(
        self,
        person_id: str,
        since: date | None = None,
        headers: Sequence[Snapshot] | None = None,
    ) -> tuple[Snapshot, ...]:
        chosen = (s for s in self._data.values() if since is None or s.as_of >= since)
        return tuple(
            replace(s, rows=tuple(r for r in s.rows if r.person_id == person_id))
            for s in sorted(chosen, key=lambda s: s.order)
        )

    def count(self) -> int:
        return len(self._data)

    def put_period(self, before: str, after: str, changes: Iterable[PersonChange]) -> None:
        for key in (before, after):
            self.get(key)
        found: dict[tuple[str, bool], PersonChange] = {}
        for change in changes:
            pair = (change.person_id, change.verified)
            if pair in found:
                raise ValidationError(twice(before, after, change))
            found[pair] = change
        self._periods[after] = SnapshotPeriod(before, found)

    def periods(self) -> dict[str, str]:
        return {after: period.before for after, period in self._periods.items()}

    def person_periods(self, person_id: str, verified: bool) -> dict[str, StoredPeriod]:
        return {
            after: StoredPeriod(period.before, period.changes.get((person_id, verified)))
            for after, period in self._periods.items()
        }

    def stored_periods(self, most: int) -> StoredPeriods | None:
        if sum(len(p.changes) for p in self._periods.values()) > most:
            return None
        periods = {a: (p.before, dict(p.changes)) for a, p in self._periods.items()}
        return StoredPeriods(periods, _as_kept)


def _as_kept(person_id: str, verified: bool, change: PersonChange) -> PersonChange:
    return change  # the twin keeps PersonChange values themselves
