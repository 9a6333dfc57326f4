"""Migration 0005 adds ``issued_credentials`` to a 0004 workspace and takes it away again,
on SQLite and PostgreSQL; the resulting schema is ``tables.metadata`` (checked for every
table by tests/store/test_migrations.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from skillgap.config import load_settings
from skillgap.store.schema import current_revision, migrate
from skillgap.store.sql import create_engine


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        settings = load_settings({}, workspace=tmp_path / "ws.db")
    else:
        url = request.getfixturevalue("postgres_databases").create()
        settings = load_settings({}, database_url=url)
    made = create_engine(settings)
    yield made
    made.dispose()


def test_0005_adds_and_removes_issued_credentials(engine: Engine) -> None:
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO workspace_meta (key, value) VALUES ('k', 'v')"))
    migrate(engine, "0005")
    inspector = sa.inspect(engine)
    assert "issued_credentials" in inspector.get_table_names()
    unique = inspector.get_unique_constraints("issued_credentials")
    assert [u["column_names"] for u in unique] == [["status_index"]]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM workspace_meta")).scalar_one() == "v"
    migrate(engine, "0004")
    assert current_revision(engine) == "0004"
    assert "issued_credentials" not in sa.inspect(engine).get_table_names()
