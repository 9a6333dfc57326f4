"""Fixtures in the Flask-tutorial style: a fresh workspace per test, a CLI runner.

PostgreSQL: set SKILLGAP_TEST_POSTGRES_URL (CI does) to an account that may create
databases, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test. With it set, the
PostgreSQL tests run and fail loudly if the server cannot be reached; without it they are
skipped with a message saying how to enable them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from skillgap.config import load_settings
from skillgap.formats.bundle import Bundle, read_bundle
from skillgap.services.bundles import demo_folder
from skillgap.store import Store
from skillgap.store.memory import MemoryStore
from skillgap.store.schema import open_store

POSTGRES_ENV = "SKILLGAP_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests are off: set {POSTGRES_ENV}="
            "postgresql+psycopg://postgres@127.0.0.1:5432/test to run them"
        )
    url = load_settings({}, database_url=url).url.render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:  # fails the test run loudly if unreachable
            conn.execute(sa.text("select 1"))
    finally:
        engine.dispose()
    return url


class PostgresDatabases:
    """Creates throwaway databases on the test server and drops them afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.admin_url = sa.make_url(admin_url)
        self.created: list[str] = []

    def create(self) -> str:
        name = f"skillgap_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_admin_url: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_admin_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def postgres_workspace_url(postgres_databases: PostgresDatabases) -> str:
    """One migrated PostgreSQL workspace for the session; tests empty it before use."""
    url = postgres_databases.create()
    open_store(load_settings({}, database_url=url), create=True).close()
    return url


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty workspace on each backend."""
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = open_store(load_settings({}, workspace=tmp_path / "ws.db"), create=True)
    else:
        url = request.getfixturevalue("postgres_workspace_url")
        made = open_store(load_settings({}, database_url=url))
        with made.transaction() as ws:
            ws.clear()
    yield made
    made.close()


@pytest.fixture(scope="session")
def demo_bundle() -> Bundle:
    return read_bundle(demo_folder())


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    return tmp_path / "skillgap.db"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
