"""The SQL store's repositories: one per area of the workspace, on the unit of work's
connection (``store.sql.SqlWorkspace`` makes them), each mapping aggregates to rows through
its ``store.mappers`` mapper."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from skillgap.domain import CompetencyRef, Occupation, Person, ProficiencyScale
from skillgap.domain.plans import Plan, PlanScope
from skillgap.domain.snapshots import PersonChange, Snapshot, StoredPeriod, StoredPeriods
from skillgap.errors import ConflictError, NotFoundError
from skillgap.issuing import IssuedCredential
from skillgap.store import REVISION_KEY, Revision
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, chunks
from skillgap.store.mappers.catalog import CatalogItemMapper, PathwayAwardMapper, PathwayMapper
from skillgap.store.mappers.issuing import IssuedCredentialMapper
from skillgap.store.mappers.occupations import OccupationMapper
from skillgap.store.mappers.skills import ScaleMapper
from skillgap.store.mappers.snapshot_changes import PeriodMapper
from skillgap.store.mappers.snapshots import SnapshotMapper
from skillgap.store.references import Lookup, first_problem, problem, removal_problem

T = TypeVar("T")
#: Checks a batch before it is written: for what foreign keys cannot say (references in JSON,
#: prerequisite loops) or not in time (items of one batch that refer to each other).
Check = Callable[[list[T], Lookup], str | None]


class SqlRepository(Generic[T]):
    def __init__(self, conn: Connection, mapper: Mapper[T], check: Check[T] | None = None) -> None:
        self._conn = conn
        self._mapper = mapper
        self._key = mapper.table.c[mapper.key]
        self._check = check

    def _refuse(self, batch: list[T]) -> None:
        reason = None if self._check is None else self._check(batch, SqlLookup(self._conn))
        if reason is not None:
            raise ConflictError(reason)

    def add(self, item: T) -> None:
        self.add_all([item])

    def add_all(self, items: Iterable[T]) -> None:
        batch = list(items)
        if not batch:
            return
        keys = [self._mapper.key_of(item) for item in batch]
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                raise ConflictError(f"{self._mapper.what} {key!r} appears twice in one batch")
            seen.add(key)
        for part in chunks(keys):
            query = sa.select(self._key).where(self._key.in_(part))
            taken = self._conn.execute(query).first()
            if taken is not None:
                raise ConflictError(f"{self._mapper.what} {taken[0]!r} already exists")
        self._refuse(batch)
        # A savepoint keeps the transaction usable after a refused batch, as in MemoryStore.
        try:
            with self._conn.begin_nested():
                self._mapper.insert(self._conn, batch)
        except IntegrityError as exc:
            # say what is wrong, with the rules the memory twin uses
            reason = (self._check or first_problem)(batch, SqlLookup(self._conn))
            if reason is not None:
                raise ConflictError(reason) from None
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConflictError(
                f"cannot store {self._mapper.what} {keys[0]!r}"
                f"{f' (and {len(keys) - 1} more)' if len(keys) > 1 else ''}: it refers to "
                f"something the workspace does not hold, or repeats a unique value ({detail})"
            ) from None

    def put(self, item: T) -> None:
        if self.find(self._mapper.key_of(item)) is None:
            self.add(item)
            return
        self._refuse([item])
        try:
            with self._conn.begin_nested():
                self._mapper.update(self._conn, item)
        except IntegrityError as exc:
            reason = problem(item, SqlLookup(self._conn))
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConflictError(
                reason
                or f"cannot replace {self._mapper.what} {self._mapper.key_of(item)!r}: "
                f"something still refers to what the new version drops ({detail})"
            ) from None

    def get(self, key: str) -> T:
        item = self.find(key)
        if item is None:
            raise NotFoundError(f"no {self._mapper.what} {key!r}")
        return item

    def find(self, key: str) -> T | None:
        found = self._mapper.load(self._conn, self._key == key)
        return found[0] if found else None

    def list(self) -> list[T]:
        return self._mapper.load(self._conn)

    def count(self) -> int:
        table = self._mapper.table
        return int(self._conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


class SqlLookup:
    """What the workspace holds, asked of the database (used to explain a refused write)."""

    _tables: dict[str, sa.Column[str]] = {
        "scale": t.scales.c.id,
        "issuer": t.issuers.c.id,
        "achievement": t.achievements.c.id,
        "person": t.people.c.employee_id,
        "award": t.awards.c.id,
        "catalog item": t.catalog_items.c.id,
        "pathway": t.pathways.c.id,
        "user": t.users.c.id,
    }

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def has(self, kind: str, key: str) -> bool:
        column = self._tables[kind]
        return self._conn.execute(sa.select(column).where(column == key)).first() is not None

    def has_competency(self, ref: CompetencyRef) -> bool:
        c = t.competencies.c
        query = sa.select(c.code).where(c.framework_id == ref.framework, c.code == ref.code)
        return self._conn.execute(query).first() is not None

    def email_owner(self, email: str) -> str | None:
        c = t.person_emails.c
        query = sa.select(c.employee_id).where(c.email == email)
        owner = self._conn.execute(query).scalar_one_or_none()
        return None if owner is None else str(owner)

    def identifier_owner(self, identifier: str) -> str | None:
        c = t.person_identifiers.c
        query = sa.select(c.employee_id).where(c.identifier == identifier)
        owner = self._conn.execute(query).scalar_one_or_none()
        return None if owner is None else str(owner)

    def scale(self, scale_id: str) -> ProficiencyScale | None:
        found = ScaleMapper().load(self._conn, t.scales.c.id == scale_id)
        return found[0] if found else None

    def issued_index_owner(self, index: int) -> str | None:
        return IssuedCredentialMapper().index_owner(self._conn, index)

    def catalog_graph(self) -> dict[str, tuple[str, ...]]:
        return CatalogItemMapper().graph(self._conn)

    def pathways_using(self, item_id: str) -> list[str]:
        return PathwayMapper().using_item(self._conn, item_id)

    def pathway_award_for(self, pathway_id: str) -> str | None:
        return PathwayAwardMapper().first_for(self._conn, pathway_id)


class SqlRemovableRepository(SqlRepository[T]):
    def __init__(
        self,
        conn: Connection,
        mapper: Mapper[T],
        check: Check[T] | None = None,
        owned: tuple[sa.Column[str], ...] = (),  # child rows removed with the item
    ) -> None:
        super().__init__(conn, mapper, check)
        self._owned = owned

    def remove(self, key: str) -> None:
        what = self._mapper.what
        if self._conn.execute(sa.select(self._key).where(self._key == key)).first() is None:
            raise NotFoundError(f"no {what} {key!r}")
        reason = removal_problem(what, key, SqlLookup(self._conn))
        if reason is not None:
            raise ConflictError(reason)
        try:
            with self._conn.begin_nested():
                for column in self._owned:
                    self._conn.execute(column.table.delete().where(column == key))
                self._conn.execute(self._mapper.table.delete().where(self._key == key))
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConflictError(
                f"cannot remove {what} {key!r}: something still refers to it ({detail})"
            ) from None


class SqlPlanRepository(SqlRepository[Plan]):
    def for_subject(self, scope: PlanScope, subject: str) -> list[Plan]:
        c = t.plans.c
        found = self._mapper.load(self._conn, (c.scope == scope.value) & (c.subject == subject))
        return sorted(found, key=lambda p: p.created_at)  # stable: then by id


class SqlPersonRepository(SqlRepository[Person]):
    def by_email(self, email: str) -> Person | None:
        owner = sa.select(t.person_emails.c.employee_id).where(
            t.person_emails.c.email == email.strip().lower()
        )
        found = self._mapper.load(self._conn, t.people.c.employee_id.in_(owner))
        return found[0] if found else None


class SqlScopedRepository(SqlRepository[T]):
    def for_person(self, employee_id: str) -> list[T]:
        return self._mapper.load(self._conn, self._mapper.table.c.person_id == employee_id)


class SqlOccupationRepository(SqlRepository[Occupation]):
    def for_framework(self, framework_id: str) -> list[Occupation]:
        return self._mapper.load(self._conn, t.occupations.c.framework_id == framework_id)

    def remove_for_framework(self, framework_id: str) -> int:
        return OccupationMapper().delete_for_framework(self._conn, framework_id)


class SqlIssuedRepository(SqlRepository[IssuedCredential]):
    def next_index(self) -> int:
        return IssuedCredentialMapper().next_index(self._conn)


class SqlSnapshotRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._mapper = SnapshotMapper()

    def add(self, snapshot: Snapshot) -> None:
        if self._mapper.exists(self._conn, snapshot.id):
            raise ConflictError(f"snapshot {snapshot.id!r} already exists")
        try:  # a savepoint keeps the transaction usable after a refused snapshot
            with self._conn.begin_nested():
                self._mapper.insert(self._conn, snapshot)
        except IntegrityError as exc:  # another transaction stored the same id meanwhile
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConflictError(f"cannot store snapshot {snapshot.id!r} ({detail})") from None

    def get(self, key: str) -> Snapshot:
        found = self._mapper.load(self._conn, key)
        if found is None:
            raise NotFoundError(f"no snapshot {key!r}")
        return found

    def list(self, since: date | None = None) -> list[Snapshot]:
        return self._mapper.headers(self._conn, since)

    def latest(self) -> Snapshot | None:
        headers = self._mapper.headers(self._conn)
        return self.get(headers[-1].id) if headers else None

    def for_person(
        self,
        person_id: str,
        since: date | None = None,
        headers: Sequence[Snapshot] | None = None,
    ) -> tuple[Snapshot, ...]:
        return self._mapper.for_person(self._conn, person_id, since, headers)

    def count(self) -> int:
        return self._mapper.count(self._conn)

    def put_period(self, before: str, after: str, changes: Iterable[PersonChange]) -> None:
        for key in (before, after):
            if not self._mapper.exists(self._conn, key):
                raise NotFoundError(f"no snapshot {key!r}")
        try:  # a savepoint: the period is stored whole or not at all
            with self._conn.begin_nested():
                PeriodMapper().put(self._conn, before, after, changes)
        except IntegrityError as exc:
            if "snapshot_periods" not in str(exc.orig):
                raise
            # Another transaction stored this period meanwhile (PostgreSQL): its row says
            # which snapshot it was computed against, and readers check that.

    def periods(self) -> dict[str, str]:
        return PeriodMapper().periods(self._conn)

    def person_periods(self, person_id: str, verified: bool) -> dict[str, StoredPeriod]:
        return PeriodMapper().for_person(self._conn, person_id, verified)

    def stored_periods(self, most: int) -> StoredPeriods | None:
        return PeriodMapper().everyone(self._conn, most)


_READ_REVISION_QMARK = "SELECT value FROM workspace_meta WHERE key = ?"  # SQLite
_READ_REVISION_FORMAT = "SELECT value FROM workspace_meta WHERE key = %s"  # psycopg


class SqlMeta:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> str | None:
        query = sa.select(t.workspace_meta.c.value).where(t.workspace_meta.c.key == key)
        value = self._conn.execute(query).scalar_one_or_none()
        return None if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        table = t.workspace_meta
        updated = self._conn.execute(
            table.update().where(table.c.key == key).values(value=value)
        ).rowcount
        if not updated:
            self._conn.execute(table.insert().values(key=key, value=value))

    def items(self) -> dict[str, str]:
        c = t.workspace_meta.c
        query = sa.select(t.workspace_meta).where(c.key != REVISION_KEY).order_by(c.key)
        return {row.key: row.value for row in self._conn.execute(query)}

    def revision(self) -> Revision:
        # every unit of work of the server's read cache starts with this read: the driver's
        # own statement (a quarter of the time of a compiled SELECT)
        qmark = self._conn.dialect.paramstyle == "qmark"
        sql = _READ_REVISION_QMARK if qmark else _READ_REVISION_FORMAT
        found = self._conn.exec_driver_sql(sql, (REVISION_KEY,)).scalar()
        return Revision.from_text(None if found is None else str(found))
