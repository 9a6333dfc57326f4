"""SqlStore: the workspace in a relational database (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from skillgap.config import Settings
from skillgap.domain import (
    Achievement,
    Award,
    CompetencyRef,
    Framework,
    Issuer,
    Observation,
    Occupation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.governance import PolicyRule
from skillgap.domain.pathways import Pathway, PathwayAward
from skillgap.domain.plans import Plan, PlanScope
from skillgap.domain.snapshots import Snapshot
from skillgap.domain.users import ApiToken, User
from skillgap.errors import ConfigError, ConflictError, NotFoundError, WorkspaceError
from skillgap.issuing import IssuedCredential
from skillgap.store import ANY_AREA, REVISION_KEY, UNREVISED, Revision
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, chunks
from skillgap.store.mappers.catalog import (
    CatalogItemMapper,
    PathwayAwardMapper,
    PathwayMapper,
    PlanMapper,
)
from skillgap.store.mappers.credentials import AchievementMapper, AwardMapper, IssuerMapper
from skillgap.store.mappers.governance import PolicyMapper, SqlAuditLog
from skillgap.store.mappers.issuing import IssuedCredentialMapper
from skillgap.store.mappers.occupations import OccupationMapper
from skillgap.store.mappers.people import ObservationMapper, PersonMapper
from skillgap.store.mappers.skills import FrameworkMapper, RoleMapper, ScaleMapper
from skillgap.store.mappers.snapshots import SnapshotMapper
from skillgap.store.mappers.users import ApiTokenMapper, SqlLoginFailures, SqlSessions, UserMapper
from skillgap.store.references import (
    Lookup,
    catalog_problem,
    first_problem,
    problem,
    removal_problem,
)

T = TypeVar("T")
#: Checks a batch before it is written: for what foreign keys cannot say (references in JSON,
#: prerequisite loops) or not in time (items of one batch that refer to each other).
Check = Callable[[list[T], Lookup], str | None]

#: skillgap's own Alembic version table, so a database shared with another Alembic-managed
#: application is never mistaken for a skillgap workspace (or the reverse).
VERSION_TABLE = "skillgap_schema_version"
#: A statement that writes, and the table it writes to.
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE
)
#: ``Connection.info`` key: the areas the unit of work on this connection wrote.
_WROTE = "skillgap.wrote"
#: Tables whose area (``Workspace`` repository name) is not their own name.
_RENAMED = {
    "workspace_meta": "meta",
    "scale_levels": "scales",
    "capability_groups": "frameworks",
    "competencies": "frameworks",
    "occupation_skills": "occupations",
    "requirements": "roles",
    "person_emails": "people",
    "person_identifiers": "people",
    "alignments": "achievements",
    "issued_credentials": "issued",
    "snapshot_people": "snapshots",
    "snapshot_lines": "snapshots",
    "catalog_items": "catalog",
    "catalog_outcomes": "catalog",
    "catalog_prerequisites": "catalog",
    "plan_lines": "plans",
    "plan_open_gaps": "plans",
    "audit_log": "audit",
    "api_tokens": "tokens",
}
#: The area of each table (a table of no workspace's, written by hand: ``ANY_AREA``).
AREAS = {table.name: _RENAMED.get(table.name, table.name) for table in t.ALL_TABLES}


def schema_revision(conn: Connection) -> str | None:
    """The migration revision the workspace's schema is at, or None (no workspace)."""
    context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


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

    def for_person(self, person_id: str, since: date | None = None) -> tuple[Snapshot, ...]:
        return self._mapper.for_person(self._conn, person_id, since)

    def count(self) -> int:
        return self._mapper.count(self._conn)


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


def raise_revision(conn: Connection, written: set[str]) -> None:
    """Count a unit of work that wrote ``written`` (areas), in its own transaction. The row
    is created if need be (a concurrent creator wins quietly), then locked (PostgreSQL), so
    concurrent writers each count theirs."""
    table, c = t.workspace_meta, t.workspace_meta.c
    make = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    first = Revision().to_text()
    conn.execute(make(table).values(key=REVISION_KEY, value=first).on_conflict_do_nothing())
    query = sa.select(c.value).where(c.key == REVISION_KEY).with_for_update()
    now = Revision.from_text(conn.execute(query).scalar_one()).after(written)
    conn.execute(table.update().where(c.key == REVISION_KEY).values(value=now.to_text()))


def _note_write(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    """after_cursor_execute: note the area a write goes to (in the connection's info)."""
    found = _WRITE.match(statement)
    if found is not None:
        area = AREAS.get(found.group(1).lower(), ANY_AREA)
        if area not in UNREVISED:
            conn.info.setdefault(_WROTE, set()).add(area)


class SqlWorkspace:
    """A unit of work on one connection. Its repositories are made when first used: a
    request of the server touches two or three of the twenty-one."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @cached_property
    def scales(self) -> SqlRepository[ProficiencyScale]:
        return SqlRepository(self._conn, ScaleMapper())

    @cached_property
    def frameworks(self) -> SqlRepository[Framework]:
        return SqlRepository(self._conn, FrameworkMapper())

    @cached_property
    def roles(self) -> SqlRepository[Role]:
        return SqlRepository(self._conn, RoleMapper())

    @cached_property
    def occupations(self) -> SqlOccupationRepository:
        return SqlOccupationRepository(self._conn, OccupationMapper())

    @cached_property
    def people(self) -> SqlPersonRepository:
        return SqlPersonRepository(self._conn, PersonMapper())

    @cached_property
    def issuers(self) -> SqlRepository[Issuer]:
        return SqlRepository(self._conn, IssuerMapper())

    @cached_property
    def achievements(self) -> SqlRepository[Achievement]:
        return SqlRepository(self._conn, AchievementMapper())

    @cached_property
    def awards(self) -> SqlScopedRepository[Award]:
        return SqlScopedRepository(self._conn, AwardMapper())

    @cached_property
    def observations(self) -> SqlScopedRepository[Observation]:
        return SqlScopedRepository(self._conn, ObservationMapper())

    @cached_property
    def issued(self) -> SqlIssuedRepository:
        return SqlIssuedRepository(self._conn, IssuedCredentialMapper())

    @cached_property
    def snapshots(self) -> SqlSnapshotRepository:
        return SqlSnapshotRepository(self._conn)

    @cached_property
    def meta(self) -> SqlMeta:
        return SqlMeta(self._conn)

    @cached_property
    def catalog(self) -> SqlRemovableRepository[CatalogItem]:
        return SqlRemovableRepository(
            self._conn, CatalogItemMapper(), catalog_problem, CatalogItemMapper.owned
        )

    @cached_property
    def pathways(self) -> SqlRemovableRepository[Pathway]:
        return SqlRemovableRepository(self._conn, PathwayMapper(), first_problem)

    @cached_property
    def pathway_awards(self) -> SqlScopedRepository[PathwayAward]:
        return SqlScopedRepository(self._conn, PathwayAwardMapper())

    @cached_property
    def plans(self) -> SqlPlanRepository:
        return SqlPlanRepository(self._conn, PlanMapper())

    @cached_property
    def policies(self) -> SqlRemovableRepository[PolicyRule]:
        return SqlRemovableRepository(self._conn, PolicyMapper())

    @cached_property
    def audit(self) -> SqlAuditLog:
        return SqlAuditLog(self._conn)

    @cached_property
    def users(self) -> SqlRepository[User]:
        return SqlRepository(self._conn, UserMapper())

    @cached_property
    def tokens(self) -> SqlRepository[ApiToken]:
        return SqlRepository(self._conn, ApiTokenMapper())

    @cached_property
    def sessions(self) -> SqlSessions:
        return SqlSessions(self._conn, SqlLookup(self._conn))

    @cached_property
    def login_failures(self) -> SqlLoginFailures:
        return SqlLoginFailures(self._conn)

    def clear(self) -> None:
        for table in reversed(t.ALL_TABLES):
            kept = table.c.key != REVISION_KEY if table is t.workspace_meta else None
            self._conn.execute(table.delete() if kept is None else table.delete().where(kept))


class SqlStore:
    """A workspace in a database whose schema is at the head migration (see ``open_store``)."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self._location = location
        if not event.contains(engine, "after_cursor_execute", _note_write):
            event.listen(engine, "after_cursor_execute", _note_write)

    @property
    def location(self) -> str:
        return self._location

    @property
    def schema(self) -> str | None:
        with self.engine.connect() as conn:
            return schema_revision(conn)

    @contextmanager
    def transaction(self) -> Iterator[SqlWorkspace]:
        try:
            with self.engine.begin() as conn:
                conn.info[_WROTE] = set()
                yield SqlWorkspace(conn)
                written = conn.info.pop(_WROTE, None)
                if written:
                    raise_revision(conn, written)
        except DBAPIError as exc:
            raise WorkspaceError(
                f"the workspace database at {self._location} failed: {db_error_summary(exc)}"
            ) from exc

    def close(self) -> None:
        self.engine.dispose()


def create_engine(settings: Settings) -> Engine:
    """An engine for the workspace; SQLite gets real transactions and enforced foreign keys."""
    try:
        engine = sa.create_engine(settings.url)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise ConfigError(
            f"cannot use the database at {settings.display_location}: {exc}"
        ) from None
    if engine.dialect.name == "sqlite":
        _make_sqlite_transactional(engine)
    return engine


def _make_sqlite_transactional(engine: Engine) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and breaks SAVEPOINT;
    # the SQLAlchemy docs' recipe hands transaction control to SQLAlchemy instead.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


def use_write_ahead_log(store: object) -> bool:
    """Switch a SQLite workspace file to the write-ahead log (the setting stays with the
    file: every later connection, the command line's too, uses it), so that a long read
    (a server reading every rating for its model) never blocks a write, nor a write the
    readers. True if it is in that mode now; other stores are left as they are (False)."""
    if not isinstance(store, SqlStore) or store.engine.dialect.name != "sqlite":
        return False
    raw = store.engine.raw_connection()
    try:  # outside any transaction (the pragma refuses to run in one)
        cursor = raw.cursor()
        mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()
        cursor.close()
    finally:
        raw.close()
    return bool(mode) and str(mode[0]).lower() == "wal"


def db_error_summary(exc: DBAPIError) -> str:
    """The first line of the database's own message, for a one-line error."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
