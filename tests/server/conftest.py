"""A fresh demo workspace per test (the memory twin, or SQLite in tmp_path), one user and
one API token of each role, and a real HTTP client on the app (FastAPI's TestClient)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from skillgap.clock import FixedClock
from skillgap.config import Settings, load_settings
from skillgap.domain.users import User, UserRole
from skillgap.fetch import Fetcher, MemoryFetcher
from skillgap.formats.bundle import Bundle
from skillgap.server import create_app
from skillgap.server.context import ServerOptions
from skillgap.services import tokens as tokens_service
from skillgap.services import users as users_service
from skillgap.services.bundles import store_bundle
from skillgap.services.snapshots import take_snapshot
from skillgap.store import Store
from skillgap.store.memory import MemoryStore
from skillgap.store.schema import open_store
from skillgap.store.sql import SqlStore

with warnings.catch_warnings():  # starlette asks for httpx2; the httpx client is the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
MANAGER = "E1054"  # leads Network Planning (Operations): E1055-E1058 report to them
#: The roles by their initial, as the tests of each route name them.
A, H, M, R, E = UserRole.ADMIN, UserRole.HR, UserRole.MANAGER, UserRole.REVIEWER, UserRole.EMPLOYEE
EMPLOYEE = "E1057"  # reports to the manager
OUTSIDE = "E1040"  # Security: outside the manager's tree
EMAIL = {
    UserRole.ADMIN: "admin@tidewell.example",
    UserRole.HR: "hr@tidewell.example",
    UserRole.MANAGER: "andrea.rossi@tidewell.example",
    UserRole.REVIEWER: "reviewer@tidewell.example",
    UserRole.EMPLOYEE: "julien.lefevre@tidewell.example",
}
PERSON = {UserRole.MANAGER: MANAGER, UserRole.EMPLOYEE: EMPLOYEE}


@pytest.fixture(scope="session")
def password_hash() -> str:
    return users_service.hash_password(PASSWORD)


@dataclass
class Org:
    """The demo organisation on a workspace, with a user and a token per role."""

    store: Store
    clock: FixedClock
    tokens: dict[UserRole, str]
    settings: Settings

    def app_client(
        self, *, fetcher: Fetcher | None = None, settings: Settings | None = None, **options: int
    ) -> TestClient:
        app = create_app(
            settings or self.settings,
            clock=self.clock,
            store=self.store,
            fetcher=fetcher or MemoryFetcher({}),
            options=ServerOptions(**options),  # type: ignore[arg-type]
        )
        return TestClient(app, follow_redirects=False)

    def bearer(self, role: UserRole) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def populate(store: Store, bundle: Bundle, password_hash: str, clock: FixedClock) -> Org:
    with store.transaction() as ws:
        store_bundle(ws, bundle)
        for role, email in EMAIL.items():
            ws.users.add(User(email, role.value, role, password_hash, NOW, PERSON.get(role)))
    take_snapshot(store, clock)
    tokens = {
        role: tokens_service.create_token(
            store, clock, f"{role} token", role=role, created_by="tests", person_id=PERSON.get(role)
        ).secret
        for role in UserRole
    }
    return Org(store, clock, tokens, load_settings({}, workspace=Path("unused.db")))


@pytest.fixture
def org(demo_bundle: Bundle, password_hash: str) -> Iterator[Org]:
    store = MemoryStore()
    yield populate(store, demo_bundle, password_hash, FixedClock(NOW))
    store.close()


@pytest.fixture
def sqlite_org(demo_bundle: Bundle, password_hash: str, tmp_path: Path) -> Iterator[Org]:
    settings = load_settings({}, workspace=tmp_path / "ws.db")
    store = open_store(settings, create=True)
    found = populate(store, demo_bundle, password_hash, FixedClock(NOW))
    found.settings = settings
    yield found
    store.close()


@pytest.fixture
def postgres_org(demo_bundle: Bundle, password_hash: str, postgres_databases: Any) -> Iterator[Org]:
    settings = load_settings({}, database_url=postgres_databases.create())
    store = open_store(settings, create=True)
    found = populate(store, demo_bundle, password_hash, FixedClock(NOW))
    found.settings = settings
    yield found
    store.close()


@pytest.fixture
def client(org: Org) -> Iterator[TestClient]:
    with org.app_client() as found:
        yield found


def login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the form, as a browser does (GET the form, POST it back)."""
    page = client.get("/login")
    assert page.status_code == 200
    token = client.cookies.get("skillgap_login_csrf")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token or ""}
    )


def csrf_of(client: TestClient) -> str:
    found = client.get("/api/v1/me")
    assert found.status_code == 200, found.text
    token: str = found.json()["csrf_token"]
    return token


@contextmanager
def watched(store: Store) -> Iterator[list[str]]:
    """The statements run on ``store`` (a SqlStore), on any of its engines: "BEGIN" for each
    transaction begun (not for a statement that commits by itself), and "COMMIT"."""
    assert isinstance(store, SqlStore)
    url = store.engine.url
    said: list[str] = []

    def statement(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        if conn.engine.url == url and sql != "BEGIN":  # SQLite's BEGIN: counted by ``began``
            said.append(sql)

    def began(conn: Any) -> None:
        autocommit = getattr(conn.connection.dbapi_connection, "autocommit", False) is True
        if conn.engine.url == url and not autocommit:
            said.append("BEGIN")

    def committed(conn: Any) -> None:
        if conn.engine.url == url:
            said.append("COMMIT")

    listeners = [("before_cursor_execute", statement), ("begin", began), ("commit", committed)]
    for name, listener in listeners:
        event.listen(Engine, name, listener)
    try:
        yield said
    finally:
        for name, listener in listeners:
            event.remove(Engine, name, listener)
