"""The storage port: repositories grouped in a unit of work, opened as a transaction.

    with store.transaction() as ws:      # commits on a clean exit, rolls back on an error
        ws.people.add(person)

Two implementations keep the same contract (tests/store/test_contract.py runs it on both,
and on SQLite and PostgreSQL): ``MemoryStore`` (dicts; ships with the product, makes tests
fast) and ``SqlStore`` (SQLAlchemy Core, any database skillgap supports).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar

from skillgap.domain import (
    Achievement,
    Award,
    Framework,
    Issuer,
    Observation,
    Occupation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.governance import AuditEntry, PolicyRule
from skillgap.domain.pathways import Pathway, PathwayAward
from skillgap.domain.plans import Plan, PlanScope
from skillgap.domain.snapshots import PersonChange, Snapshot, StoredPeriod, StoredPeriods
from skillgap.domain.users import ApiToken, Session, User
from skillgap.errors import WorkspaceError
from skillgap.issuing import IssuedCredential

T = TypeVar("T")


class Repository(Protocol[T]):
    """A collection of one aggregate, keyed by a string id."""

    def add(self, item: T) -> None:
        """Store a new item; ``ConflictError`` if its id exists or a reference is missing."""
        ...

    def add_all(self, items: Iterable[T]) -> None:
        """Store many new items (one round trip where the backend allows it)."""
        ...

    def get(self, key: str) -> T:
        """The item with this id, else ``NotFoundError``."""
        ...

    def find(self, key: str) -> T | None: ...

    def list(self) -> list[T]:
        """Every item, ordered by id."""
        ...

    def count(self) -> int: ...


class ReplaceableRepository(Repository[T], Protocol):
    def put(self, item: T) -> None:
        """Store the item, replacing the stored one with its id (``add`` if there is none)."""
        ...


class PersonRepository(ReplaceableRepository[Person], Protocol):
    def by_email(self, email: str) -> Person | None: ...


class OccupationRepository(Repository[Occupation], Protocol):
    def for_framework(self, framework_id: str) -> list[Occupation]: ...

    def remove_for_framework(self, framework_id: str) -> int:
        """Remove the framework's occupations; returns how many there were."""
        ...


class PersonScopedRepository(Repository[T], Protocol):
    def for_person(self, employee_id: str) -> list[T]:
        """The items that belong to one person, ordered by id."""
        ...


class ReplaceableScopedRepository(PersonScopedRepository[T], ReplaceableRepository[T], Protocol):
    """Person-scoped items that can be replaced: an award verified again keeps its id."""


class IssuedRepository(ReplaceableRepository[IssuedCredential], Protocol):
    """Credentials the organisation issued; ``put`` records a revocation."""

    def next_index(self) -> int:
        """The status list index after the highest one allocated (0 for the first)."""
        ...


class SnapshotRepository(Protocol):
    """Dated snapshots of the organisation's gaps, in snapshot order: by as-of date, then
    id (numbered as they are taken). A snapshot is written once and never changed."""

    def add(self, snapshot: Snapshot) -> None:
        """Store the snapshot and its rows; ``ConflictError`` if its id exists."""
        ...

    def get(self, key: str) -> Snapshot:
        """The snapshot with its rows, else ``NotFoundError``."""
        ...

    def list(self, since: date | None = None) -> list[Snapshot]:
        """The snapshots dated on or after ``since`` (all when None), without their rows."""
        ...

    def latest(self) -> Snapshot | None:
        """The last snapshot in snapshot order, with its rows (None when there is none)."""
        ...

    def for_person(
        self,
        person_id: str,
        since: date | None = None,
        headers: Sequence[Snapshot] | None = None,
    ) -> tuple[Snapshot, ...]:
        """The snapshots dated on or after ``since``, in snapshot order, each with only
        ``person_id``'s row (none where they were not assessed); the totals stay the whole
        snapshot's. One person's history without reading everyone's rows. ``headers``: those
        snapshots' headers, when the caller has them (the read cache): not read again."""
        ...

    def count(self) -> int: ...

    def put_period(self, before: str, after: str, changes: Iterable[PersonChange]) -> None:
        """Store what changed from snapshot ``before`` to ``after`` (the one right after it),
        person by person and view by view (``analysis.progress.period_changes``), in place
        of anything stored for ``after`` (a snapshot taken later with an earlier date comes
        between two others). ``NotFoundError`` if either snapshot is missing."""
        ...

    def periods(self) -> dict[str, str]:
        """The periods whose changes are stored: each snapshot's id, with the id of the
        snapshot before it they were computed against."""
        ...

    def person_periods(self, person_id: str, verified: bool) -> dict[str, StoredPeriod]:
        """Every stored period, by the id of its last snapshot, with ``person_id``'s
        changes over it in one view: one read, however many periods (the periods and the
        changes read together, so a period stored again meanwhile is never mixed up)."""
        ...

    def stored_periods(self, most: int) -> StoredPeriods | None:
        """Every stored period with everyone's changes over it, read together (one
        statement), or None when more than ``most`` changes are stored (too many to keep
        in memory)."""
        ...


class RemovableRepository(ReplaceableRepository[T], Protocol):
    def remove(self, key: str) -> None:
        """Remove the item; ``NotFoundError`` if there is none, ``ConflictError`` if
        something still refers to it."""
        ...


class PathwayAwardRepository(ReplaceableRepository[PathwayAward], Protocol):
    def for_person(self, employee_id: str) -> list[PathwayAward]:
        """The person's completed pathways, ordered by id."""
        ...


class PlanRepository(Repository[Plan], Protocol):
    """Saved learning plans with their lines and open gaps; written once, never changed."""

    def for_subject(self, scope: PlanScope, subject: str) -> list[Plan]:
        """The plans made for one person, team, department (or the organisation), oldest
        first (by creation time, then id)."""
        ...


class AuditLog(Protocol):
    """Append-only record of outputs about individuals."""

    def append(self, entry: AuditEntry) -> AuditEntry:
        """Record the entry; returns it with its ``id`` (increasing in recording order)."""
        ...

    def list(
        self, *, action: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Entries newest first, optionally of one action and at or after ``since``."""
        ...

    def count(self) -> int: ...


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...

    def find(self, id_hash: str) -> Session | None: ...

    def remove(self, id_hash: str) -> None:
        """Forget the session (nothing happens if there is none)."""
        ...

    def remove_for_user(self, user_id: str) -> int:
        """Forget every session of a user (on a password change, deactivation)."""
        ...

    def remove_expired(self, now: datetime) -> int: ...


class LoginFailures(Protocol):
    """Failed logins per key (an account or a client address), for throttling across worker
    processes."""

    def record(self, key: str, at: datetime) -> None: ...

    def count_since(self, key: str, since: datetime) -> int: ...

    def clear(self, key: str) -> None: ...

    def purge_before(self, at: datetime) -> int:
        """Forget failures older than ``at`` (past any throttling window); how many."""
        ...


#: The workspace_meta key of the workspace's revision (``MetaRepository.revision``): kept out
#: of ``items()`` and through ``clear()``, so its number only ever grows.
REVISION_KEY = "skillgap.revision"
#: What a unit of work may write without raising the revision: who is signed in, failed
#: logins, and what was shown to whom, which are written while people only read.
UNREVISED = frozenset({"sessions", "login_failures", "audit"})
#: Of those, the areas whose removals do raise it (a session that ends: logout, a password
#: or role change, deactivation; not a purge of expired ones, ``EXPIRED_ONLY``), so that a
#: reader may keep what it found there while the stamp of the area stands (the server
#: keeps the live sessions it has seen; a new one it does not know yet is read from the
#: store, so adding one need not raise it).
REVISED_ON_REMOVAL = frozenset({"sessions"})
#: The execution option (and, in the memory twin, the removal) of a purge of expired
#: sessions, which raises no revision: whether a session has expired is judged on every
#: request, kept or not, so forgetting one that has cannot leave anything stale (and a
#: login, which purges, would otherwise make every worker forget the sessions it keeps).
EXPIRED_ONLY = "skillgap_expired_only"
#: The area of anything written that has no area of its own (every stamp includes it).
ANY_AREA = "*"


@dataclass(frozen=True)
class Revision:
    """Where the workspace is: ``number``, raised by one in every unit of work that wrote
    anything (but ``UNREVISED``), and per area (a ``Workspace`` repository name: "people",
    "frameworks", "meta"...) the number of the last unit of work that wrote it. A cache of
    data read from some areas is current while their ``stamp`` is what it was read at."""

    number: int = 0
    areas: Mapping[str, int] = field(default_factory=dict)

    def stamp(self, areas: Iterable[str]) -> int:
        """The number of the last unit of work that wrote any of ``areas`` (0: none did)."""
        found = self.areas.get(ANY_AREA, 0)
        for area in areas:
            found = max(found, self.areas.get(area, 0))
        return found

    def after(self, written: Iterable[str]) -> Revision:
        """The revision once a unit of work that wrote ``written`` commits."""
        number = self.number + 1
        return Revision(number, {**self.areas, **dict.fromkeys(written, number)})

    def to_text(self) -> str:
        return json.dumps({"number": self.number, "areas": dict(sorted(self.areas.items()))})

    @classmethod
    def from_text(cls, text: str | None) -> Revision:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(int(data["number"]), {str(k): int(v) for k, v in data["areas"].items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            raise WorkspaceError(
                f"the workspace's revision ({REVISION_KEY!r} in workspace_meta) is unreadable: "
                "it is skillgap's own; remove it to start counting again"
            ) from None


class MetaRepository(Protocol):
    """Small workspace facts (organisation name, snapshot date) as text key-value pairs."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...

    def items(self) -> dict[str, str]:
        """Every fact but the revision."""
        ...

    def revision(self) -> Revision:
        """The workspace's revision, raised in the same transaction as the writes it counts
        (whichever process wrote them). One indexed read."""
        ...


class Workspace(Protocol):
    """One unit of work: everything the workspace holds, inside one transaction."""

    @property
    def scales(self) -> Repository[ProficiencyScale]: ...
    @property
    def frameworks(self) -> ReplaceableRepository[Framework]: ...
    @property
    def occupations(self) -> OccupationRepository: ...
    @property
    def roles(self) -> ReplaceableRepository[Role]: ...
    @property
    def people(self) -> PersonRepository: ...
    @property
    def issuers(self) -> ReplaceableRepository[Issuer]: ...
    @property
    def achievements(self) -> ReplaceableRepository[Achievement]: ...
    @property
    def awards(self) -> ReplaceableScopedRepository[Award]: ...
    @property
    def observations(self) -> PersonScopedRepository[Observation]: ...
    @property
    def issued(self) -> IssuedRepository: ...
    @property
    def snapshots(self) -> SnapshotRepository: ...
    @property
    def meta(self) -> MetaRepository: ...
    @property
    def catalog(self) -> RemovableRepository[CatalogItem]: ...
    @property
    def pathways(self) -> RemovableRepository[Pathway]: ...
    @property
    def pathway_awards(self) -> PathwayAwardRepository: ...
    @property
    def plans(self) -> PlanRepository: ...
    @property
    def policies(self) -> RemovableRepository[PolicyRule]: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def users(self) -> ReplaceableRepository[User]: ...
    @property
    def tokens(self) -> ReplaceableRepository[ApiToken]: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def login_failures(self) -> LoginFailures: ...

    def clear(self) -> None:
        """Remove everything the workspace holds (the schema stays)."""
        ...


class Store(Protocol):
    @property
    def location(self) -> str:
        """Where the data lives, for messages (never shows a password)."""
        ...

    @property
    def schema(self) -> str | None:
        """The schema revision the data is at (None where there is no schema: memory)."""
        ...

    def transaction(self) -> AbstractContextManager[Workspace]: ...

    def close(self) -> None: ...


__all__ = [
    "ANY_AREA",
    "EXPIRED_ONLY",
    "REVISED_ON_REMOVAL",
    "REVISION_KEY",
    "UNREVISED",
    "AuditLog",
    "IssuedRepository",
    "LoginFailures",
    "MetaRepository",
    "OccupationRepository",
    "PathwayAwardRepository",
    "PersonRepository",
    "PersonScopedRepository",
    "PlanRepository",
    "RemovableRepository",
    "ReplaceableRepository",
    "ReplaceableScopedRepository",
    "Repository",
    "Revision",
    "SessionRepository",
    "SnapshotRepository",
    "Store",
    "Workspace",
]
