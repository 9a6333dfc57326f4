"""SqlStore: the workspace in a relational database (SQLite by default, or PostgreSQL): the
engine, units of work (``SqlWorkspace``: its repositories are in ``sql_repositories``), and
the workspace revision every writing unit of work raises."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError

from skillgap.config import Settings
from skillgap.domain import (
    Achievement,
    Award,
    Framework,
    Issuer,
    Observation,
    ProficiencyScale,
    Role,
)
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.governance import PolicyRule
from skillgap.domain.pathways import Pathway, PathwayAward
from skillgap.domain.users import ApiToken, User
from skillgap.errors import ConfigError, WorkspaceError
from skillgap.store import (
    ANY_AREA,
    EXPIRED_ONLY,
    REVISED_ON_REMOVAL,
    REVISION_KEY,
    UNREVISED,
    Revision,
)
from skillgap.store import tables as t
from skillgap.store.intent import writing
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
from skillgap.store.mappers.users import ApiTokenMapper, SqlLoginFailures, SqlSessions, UserMapper
from skillgap.store.references import (
    catalog_problem,
    first_problem,
)
from skillgap.store.sql_repositories import (
    SqlIssuedRepository,
    SqlLookup,
    SqlMeta,
    SqlOccupationRepository,
    SqlPersonRepository,
    SqlPlanRepository,
    SqlRemovableRepository,
    SqlRepository,
    SqlScopedRepository,
    SqlSnapshotRepository,
)

#: skillgap's own Alembic version table, so a database shared with another Alembic-managed
#: application is never mistaken for a skillgap workspace (or the reverse).
VERSION_TABLE = "skillgap_schema_version"
#: A statement that writes, and the table it writes to.
_WRITE = re.compile(
    r'\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE
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
    "snapshot_periods": "snapshots",
    "snapshot_changes": "snapshots",
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
        verb, table = found.group(1, 2)
        area = AREAS.get(table.lower(), ANY_AREA)
        if area not in UNREVISED or (
            area in REVISED_ON_REMOVAL
            and verb[:6].upper() == "DELETE"
            and cursor.rowcount != 0
            and not (context is not None and context.execution_options.get(EXPIRED_ONLY))
        ):
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

    @property
    def reads_alone(self) -> bool:
        """Whether a read loses nothing by running as one statement outside any unit of
        work (``alone``): on PostgreSQL, whose transactions (read committed) see each
        statement's latest commits anyway, so a read made alone is one round trip instead
        of three (begin, read, commit). Not on SQLite, where a unit of work's snapshot
        begins with its first read."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def alone(self) -> Iterator[SqlWorkspace]:
        """Repositories whose every statement commits by itself (see ``reads_alone``):
        for reads only."""
        try:
            with self._autocommit.connect() as conn:
                yield SqlWorkspace(conn)
        except DBAPIError as exc:
            raise WorkspaceError(
                f"the workspace database at {self._location} failed: {db_error_summary(exc)}"
            ) from exc

    @cached_property
    def _autocommit(self) -> Engine:
        # an engine (and pool) of its own: switching a pooled connection in and out of
        # autocommit at each checkout costs a quarter of a single read
        return sa.create_engine(self.engine.url, isolation_level="AUTOCOMMIT")

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
        if "_autocommit" in self.__dict__:
            self._autocommit.dispose()


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
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing() else "BEGIN")


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
