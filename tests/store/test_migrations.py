"""Migrations and opening a workspace, on SQLite (a temporary file) and on PostgreSQL (a fresh
database per test; skipped without SKILLGAP_TEST_POSTGRES_URL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine

from skillgap.config import Settings, load_settings
from skillgap.domain import (
    CapabilityGroup,
    Competency,
    Framework,
    Level,
    Person,
    ProficiencyScale,
    SkillKind,
)
from skillgap.domain.snapshots import Snapshot, SnapshotRow
from skillgap.errors import SchemaMismatch, WorkspaceError, WorkspaceMissing
from skillgap.store import tables
from skillgap.store.schema import MIGRATIONS, current_revision, head_revision, migrate, open_store
from skillgap.store.sql import VERSION_TABLE, create_engine

SKILLGAP_TABLES = {table.name for table in tables.metadata.sorted_tables}
TAKEN = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
ROW = SnapshotRow("E1", "Data", None, "analyst", 50.0, 50.0)


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a database that does not hold a workspace yet."""
    if request.param == "sqlite":
        return load_settings({}, workspace=tmp_path / "workspace.db")
    url = request.getfixturevalue("postgres_databases").create()
    return load_settings({}, database_url=url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    made = create_engine(settings)
    yield made
    made.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


# --------------------------------------------------------------------------- upgrade


def test_head_is_the_last_revision() -> None:
    assert head_revision() == "0009"


def test_migrate_an_empty_database_to_head(engine: Engine) -> None:
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert table_names(engine) == SKILLGAP_TABLES | {"skillgap_schema_version"}


def test_open_store_creates_a_workspace_at_head(settings: Settings, engine: Engine) -> None:
    store = open_store(settings, create=True)
    try:
        assert store.schema == head_revision()
        with store.transaction() as ws:
            assert ws.people.count() == 0
    finally:
        store.close()
    assert current_revision(engine) == head_revision()


def test_the_migrated_schema_matches_the_tables(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as conn:
        opts = {"compare_type": True, "compare_server_default": True}
        context = MigrationContext.configure(conn, opts=opts)
        differences = compare_metadata(context, tables.metadata)
    ours = [d for d in differences if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]
    assert ours == []


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()


# --------------------------------------------------------------------------- data survives


# The 0001 tables as that revision made them (not the tables package, which is the head schema).
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
SCALES_0001 = sa.table("scales", sa.column("id"), sa.column("name"), sa.column("description"))
SCALE_LEVELS_0001 = sa.table(
    "scale_levels",
    sa.column("scale_id"),
    sa.column("value", sa.Integer),
    sa.column("label"),
    sa.column("canonical", sa.Float),
    sa.column("descriptor"),
)
FRAMEWORKS_0001 = sa.table(
    "frameworks",
    sa.column("id"),
    sa.column("name"),
    sa.column("version"),
    sa.column("description"),
    sa.column("source"),
    sa.column("scale_id"),
)
GROUPS_0001 = sa.table(
    "capability_groups",
    sa.column("framework_id"),
    sa.column("code"),
    sa.column("position", sa.Integer),
    sa.column("name"),
    sa.column("description"),
    sa.column("parent"),
)
COMPETENCIES_0001 = sa.table(
    "competencies",
    sa.column("framework_id"),
    sa.column("code"),
    sa.column("position", sa.Integer),
    sa.column("name"),
    sa.column("description"),
    sa.column("group_code"),
    sa.column("kind"),
    sa.column("uri"),
    sa.column("alt_labels", JSON),
)
PEOPLE_0001 = sa.table(
    "people",
    sa.column("employee_id"),
    sa.column("name"),
    sa.column("department"),
    sa.column("team"),
    sa.column("manager_id"),
    sa.column("role_id"),
    sa.column("active", sa.Boolean),
    sa.column("hire_date", sa.Date),
    sa.column("attributes", JSON),
)
EMAILS_0001 = sa.table(
    "person_emails", sa.column("email"), sa.column("employee_id"), sa.column("position", sa.Integer)
)


def test_data_survives_the_upgrade_from_0001(settings: Settings, engine: Engine) -> None:
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "workspace_meta" not in table_names(engine)
    with engine.begin() as conn:
        conn.execute(SCALES_0001.insert().values(id="s3", name="Three", description="Steps."))
        conn.execute(
            SCALE_LEVELS_0001.insert(),
            [
                {"scale_id": "s3", "value": 2, "label": "Good", "canonical": 3.0, "descriptor": ""},
                {"scale_id": "s3", "value": 1, "label": "Low", "canonical": 1.5, "descriptor": "x"},
            ],
        )
        conn.execute(
            FRAMEWORKS_0001.insert().values(
                id="fw", name="Framework", version="1", description="", source="s", scale_id="s3"
            )
        )
        conn.execute(
            GROUPS_0001.insert().values(
                framework_id="fw", code="data", position=0, name="Data", description="", parent=None
            )
        )
        conn.execute(
            COMPETENCIES_0001.insert().values(
                framework_id="fw",
                code="sql",
                position=0,
                name="SQL",
                description="Queries.",
                group_code="data",
                kind="hard",
                uri="https://example.org/sql",
                alt_labels=["Structured Query Language"],
            )
        )
        conn.execute(
            PEOPLE_0001.insert().values(
                employee_id="E1",
                name="Ann",
                department="Data",
                team=None,
                manager_id=None,
                role_id=None,
                active=True,
                hire_date=date(2020, 1, 6),
                attributes={"location": "Delft"},
            )
        )
        conn.execute(
            EMAILS_0001.insert().values(email="ann@example.org", employee_id="E1", position=0)
        )

    store = open_store(settings)  # upgrades to head
    try:
        assert store.schema == head_revision()
        scale = ProficiencyScale(
            "s3", "Three", (Level(1, "Low", 1.5, "x"), Level(2, "Good", 3.0)), "Steps."
        )
        ann = Person(
            "E1",
            "Ann",
            emails=("ann@example.org",),
            department="Data",
            hire_date=date(2020, 1, 6),
            attributes={"location": "Delft"},
        )
        with store.transaction() as ws:
            assert ws.scales.list() == [scale]
            assert ws.frameworks.list() == [
                Framework(
                    "fw",
                    "Framework",
                    version="1",
                    source="s",
                    scale=scale,
                    groups=(CapabilityGroup("data", "Data"),),
                    competencies=(
                        Competency(
                            "fw",
                            "sql",
                            "SQL",
                            "Queries.",
                            group="data",
                            kind=SkillKind.HARD,
                            uri="https://example.org/sql",
                            alt_labels=("Structured Query Language",),
                        ),
                    ),
                )
            ]
            assert ws.people.list() == [ann]
            assert ws.people.by_email("ann@example.org") == ann
            assert ws.meta.items() == {}
            ws.meta.set("organisation", "Upgraded")  # the table 0002 adds is usable
        with store.transaction() as ws:
            assert ws.meta.get("organisation") == "Upgraded"
    finally:
        store.close()


# --------------------------------------------------------------------------- downgrade


def test_migrate_down_to_0001_drops_what_later_revisions_added(engine: Engine) -> None:
    migrate(engine)
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    later = {
        "workspace_meta",
        "occupations",
        "occupation_skills",
        "person_identifiers",
        "issued_credentials",
        "snapshots",
        "snapshot_people",
        "snapshot_lines",
        "snapshot_periods",
        "snapshot_changes",
        "catalog_items",
        "catalog_outcomes",
        "catalog_prerequisites",
        "pathways",
        "pathway_awards",
        "plans",
        "plan_lines",
        "plan_open_gaps",
        "policies",
        "audit_log",
        "users",
        "api_tokens",
        "sessions",
        "login_failures",
    }
    assert table_names(engine) == SKILLGAP_TABLES - later | {"skillgap_schema_version"}
    columns = {c["name"] for c in sa.inspect(engine).get_columns("competencies")}
    assert not columns & {"skill_type", "reuse_level", "retired", "extra"}


def test_migrate_down_to_base_leaves_no_skillgap_tables(engine: Engine) -> None:
    migrate(engine)
    migrate(engine, "base")
    assert current_revision(engine) is None
    assert table_names(engine) - {"skillgap_schema_version"} == set()


def test_the_downgrade_scripts_leave_no_skillgap_tables(engine: Engine) -> None:
    """The migration scripts themselves go down to base (run by alembic, not ``migrate``)."""
    migrate(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert current_revision(engine) is None
    assert table_names(engine) - {"skillgap_schema_version"} == set()


def test_an_0008_workspace_keeps_its_snapshots_and_gets_no_period_stored(
    settings: Settings, engine: Engine
) -> None:
    """0009 adds the stored periods empty: the snapshots stay, and their periods are
    computed from the rows until the next snapshot stores them (tests/services)."""
    store = open_store(settings, create=True)
    first = Snapshot.of("S1", TAKEN, date(2026, 11, 1), "manual", [ROW])
    second = Snapshot.of("S2", TAKEN, date(2026, 12, 1), "manual", [ROW])
    try:
        with store.transaction() as ws:
            ws.snapshots.add(first)
            ws.snapshots.add(second)
            ws.snapshots.put_period("S1", "S2", [])
    finally:
        store.close()
    migrate(engine, "0008")
    assert not table_names(engine) & {"snapshot_periods", "snapshot_changes"}
    store = open_store(settings)  # brought to head
    try:
        with store.transaction() as ws:
            assert (ws.snapshots.get("S1"), ws.snapshots.get("S2")) == (first, second)
            assert ws.snapshots.periods() == {}
    finally:
        store.close()


# --------------------------------------------------------------------------- opening


def test_open_store_refuses_a_newer_workspace(settings: Settings, engine: Engine) -> None:
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE skillgap_schema_version SET version_num = '9999'"))
    with pytest.raises(SchemaMismatch, match="newer") as raised:
        open_store(settings)
    assert "9999" in str(raised.value)
    assert current_revision(engine) == "9999"  # left as it was


def test_open_store_without_create_on_an_empty_database_is_missing(settings: Settings) -> None:
    if settings.sqlite_path is not None:
        settings.sqlite_path.touch()  # an empty file: a database without tables
    with pytest.raises(WorkspaceMissing, match="skillgap init"):
        open_store(settings)


def test_open_store_on_a_missing_sqlite_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(WorkspaceMissing, match="skillgap init"):
        open_store(load_settings({}, workspace=path), create=False)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_open_store_on_a_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.close()
    with pytest.raises(WorkspaceError, match="not a skillgap workspace") as raised:
        open_store(load_settings({}, workspace=path))
    assert not isinstance(raised.value, WorkspaceMissing)  # `skillgap init` is no cure
    with sqlite3.connect(path) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert names == {"notes"}


@pytest.mark.parametrize("create", [True, False])
def test_a_workspace_in_a_missing_folder_is_refused(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "no-such-folder" / "workspace.db"
    with pytest.raises(WorkspaceError, match="no-such-folder"):
        open_store(load_settings({}, workspace=path), create=create)
    assert not path.parent.exists()


def test_a_missing_postgres_database_is_a_workspace_error(postgres_admin_url: str) -> None:
    url = sa.make_url(postgres_admin_url).set(database="skillgap_test_no_such_database")
    settings = load_settings({}, database_url=url.render_as_string(hide_password=False))
    with pytest.raises(WorkspaceError, match="cannot open the workspace"):
        open_store(settings)
