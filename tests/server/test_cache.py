"""The server's read cache (server/cache.py) and the workspace revision it stands on
(store.Revision): a write through the server is seen at once, a write by another process
(the command line) by the next request; cached answers equal uncached ones; and
`skillgap serve --offline --documents DIR`."""

from __future__ import annotations

import gc
import json
import os
import re
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillgap.analysis.engine import OrgModel
from skillgap.analysis.inventory import View
from skillgap.analysis.rubric import DEFAULT_RUBRIC
from skillgap.analysis.summary import engine_model
from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.config import NetworkSettings, load_settings
from skillgap.demo.credentials import DemoCredentials, demo_credentials
from skillgap.domain import Award, Person
from skillgap.domain.governance import AuditEntry
from skillgap.domain.users import Session, User, UserRole
from skillgap.errors import ConfigError, NotFoundError
from skillgap.formats.bundle import Bundle
from skillgap.formats.rubric import rubric_to_json
from skillgap.reports.gaps import gaps_data
from skillgap.server import cache as cache_module
from skillgap.server import create_app
from skillgap.server import warm as warm_module
from skillgap.server.auth import Principal
from skillgap.server.cache import CachedStore, ReadCache, keep_stored_periods
from skillgap.server.context import AppContext, ServerOptions
from skillgap.server.scope import Reach, manager_reach, reach_of
from skillgap.server.warm import Warmer, warm
from skillgap.server.web import orgdata
from skillgap.server.web.orgdata import GroupPage, group_page
from skillgap.services import explain, organisation_scope
from skillgap.services import people as people_service
from skillgap.services import summary as shared
from skillgap.services import users as users_service
from skillgap.services.organisation_scope import Scope, ScopeKind
from skillgap.services.quality import META_RUBRIC
from skillgap.services.snapshots import take_snapshot
from skillgap.store import Revision, Store
from skillgap.store.memory import MemoryStore
from skillgap.store.schema import open_store
from skillgap.store.sql import SqlStore

from .conftest import EMAIL, EMPLOYEE, NOW, Org, TestClient, csrf_of, login, populate, watched

H, E = UserRole.HR, UserRole.EMPLOYEE
GAPS = f"/api/v1/people/{EMPLOYEE}/gaps?view=best-available"


def revision(store: Store) -> Revision:
    with store.transaction() as ws:
        return ws.meta.revision()


# --- the workspace revision ------------------------------------------------------------------


def test_the_revision_counts_each_unit_of_work_that_writes(store: Store) -> None:
    before = revision(store)
    with store.transaction() as ws:
        ws.meta.set("organisation", "Tidewell")
        ws.people.add(Person("E1", "Ann"))
    after = revision(store)
    assert after.number == before.number + 1
    assert after.stamp({"people"}) == after.stamp({"meta"}) == after.number
    with store.transaction() as ws:
        assert ws.people.list() and ws.meta.items() == {"organisation": "Tidewell"}
    assert revision(store) == after  # reading raises nothing
    with store.transaction() as ws:
        ws.people.put(Person("E1", "Ann Smith"))
    last = revision(store)
    assert last.number == after.number + 1 and last.stamp({"meta"}) == after.number
    assert last.stamp({"people"}) == last.number


def test_a_unit_of_work_that_fails_raises_nothing(store: Store) -> None:
    before = revision(store)
    with pytest.raises(RuntimeError), store.transaction() as ws:
        ws.people.add(Person("E1", "Ann"))
        raise RuntimeError
    assert revision(store) == before


def test_signing_in_and_auditing_raise_nothing(store: Store) -> None:
    with store.transaction() as ws:
        ws.users.add(User("ann@example.org", "Ann", UserRole.HR, "x", NOW))
    before = revision(store)
    with store.transaction() as ws:
        ws.sessions.add(Session("h" * 64, "ann@example.org", "c", NOW, NOW + timedelta(hours=8)))
        ws.login_failures.record("ann@example.org", NOW)
        ws.audit.append(AuditEntry(NOW, "ann@example.org", "candidates", "R1"))
    assert revision(store) == before


def test_a_session_that_ends_raises_the_revision_of_sessions_alone(store: Store) -> None:
    """Sessions are kept by a served process while none ends (``server/kept_sessions.py``):
    each way a live one ends must raise the revision, and only of the area sessions; an
    attempt that ends none (an unknown cookie) raises nothing, and nor does forgetting
    expired ones (their expiry is judged on every request, kept or not)."""
    later = NOW + timedelta(hours=8)
    with store.transaction() as ws:
        ws.users.add(User("ann@example.org", "Ann", UserRole.HR, "x", NOW))
        for key in "abcd":
            ws.sessions.add(Session(key * 64, "ann@example.org", key, NOW, later))
        ws.sessions.add(Session("e" * 64, "ann@example.org", "e", NOW, NOW + timedelta(hours=1)))
    endings: list[Callable[[Any], Any]] = [
        lambda ws: ws.sessions.remove("a" * 64),
        lambda ws: ws.sessions.remove_for_user("ann@example.org"),  # "b" to "d"
    ]
    before = revision(store)
    with store.transaction() as ws:
        ws.sessions.remove("z" * 64)  # none such
        assert ws.sessions.remove_expired(NOW + timedelta(hours=2)) == 1  # "e"
        assert ws.sessions.find("e" * 64) is None
    assert revision(store) == before
    for ending in endings:
        before = revision(store)
        with store.transaction() as ws:
            ending(ws)
        after = revision(store)
        assert after.number == before.number + 1 and after.stamp({"sessions"}) == after.number
        assert after.stamp({"people", "users"}) == before.stamp({"people", "users"})
    with store.transaction() as ws:
        assert ws.sessions.find("c" * 64) is None


def test_clearing_keeps_counting(store: Store) -> None:
    with store.transaction() as ws:
        ws.meta.set("organisation", "Tidewell")
    before = revision(store)
    with store.transaction() as ws:
        ws.clear()
        assert ws.meta.items() == {}
    assert revision(store).number == before.number + 1


@pytest.mark.postgres
def test_concurrent_writers_each_count(postgres_databases: Any) -> None:
    url = postgres_databases.create()
    store = open_store(load_settings({}, database_url=url), create=True)
    both = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def write(key: str) -> None:
        try:
            with store.transaction() as ws:
                ws.meta.set(key, "v")
                both.wait()  # both units of work are open before either commits
        except BaseException as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=write, args=(k,)) for k in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert revision(store).number == 2
    finally:
        store.close()


# --- the cache -------------------------------------------------------------------------------


def test_a_unit_of_work_begins_a_transaction_only_to_write(
    store: Store,
) -> None:
    """PostgreSQL: a unit answered from memory is one statement (the revision), no
    transaction, and a read the cache does not answer one more; the transaction begins with
    the first write, and what is read after it is read inside. SQLite reads everything
    inside one (its snapshot starts with the first read)."""
    with store.transaction() as ws:
        ws.people.add(Person("E1", "One"))
    cached = CachedStore(store, ReadCache())
    with cached.transaction() as ws:
        assert ws.people.find("E1") is not None  # loads the people: a transaction
    if not isinstance(store, SqlStore):
        return
    with watched(store) as said:
        with cached.transaction() as ws:
            assert ws.people.find("E1") is not None
        revision_read = [sql for sql in said if "workspace_meta" in sql]
        if store.engine.dialect.name == "postgresql":
            assert said == revision_read and len(said) == 1, said
        else:
            assert said[0] == "BEGIN" and said[-1] == "COMMIT" and len(revision_read) == 1, said
        said.clear()
        with cached.transaction() as ws:  # not cached
            assert ws.login_failures.count_since("no one", NOW) == 0
        if store.engine.dialect.name == "postgresql":
            assert len(said) == 1 and "FROM login_failures" in said[0], said
        else:
            assert said[0] == "BEGIN" and said[-1] == "COMMIT" and len(said) == 3, said
        said.clear()
        with cached.transaction() as ws:  # a read, a write, a read: the last sees the write
            assert ws.people.find("E2") is None
            ws.people.add(Person("E2", "Two"))
            assert ws.people.find("E2") == Person("E2", "Two")
        began = said.index("BEGIN")
        assert [sql for sql in said[began:] if "INSERT INTO people" in sql], said
        if store.engine.dialect.name == "postgresql":  # the first read came before BEGIN
            assert [sql for sql in said[:began] if "workspace_meta" in sql], said
        assert said[-1] == "COMMIT"
    with cached.transaction() as ws:
        assert ws.people.find("E2") == Person("E2", "Two")


@pytest.fixture
def demo(demo_bundle: Bundle, password_hash: str) -> Org:
    return populate(MemoryStore(), demo_bundle, password_hash, FixedClock(NOW))


def test_shared_data_is_read_once_per_change(demo: Org) -> None:
    cache = ReadCache()
    store = CachedStore(demo.store, cache)
    with store.transaction() as ws:
        first = ws.people.list()
    loads = cache.loads
    with store.transaction() as ws:
        assert ws.people.list() == first
        assert ws.people.find(EMPLOYEE) == demo_person(demo, EMPLOYEE)
        assert ws.people.count() == len(first)
    assert cache.loads == loads and "people" in cache.names()
    with pytest.raises(NotFoundError, match="no person 'nobody'"), store.transaction() as ws:
        ws.people.get("nobody")


def demo_person(org: Org, person_id: str) -> Person:
    with org.store.transaction() as ws:
        return ws.people.get(person_id)


def test_a_unit_of_work_sees_its_own_writes(demo: Org) -> None:
    cache = ReadCache()
    store = CachedStore(demo.store, cache)
    with store.transaction() as ws:
        count = len(ws.people.list())
        ws.people.add(Person("E9999", "New Person"))
        assert len(ws.people.list()) == count + 1
        assert ws.people.find("E9999") is not None
    assert "people" not in cache.names()  # dropped once committed
    with store.transaction() as ws:
        assert ws.people.find("E9999") is not None


def test_a_write_elsewhere_is_seen_by_the_next_unit_of_work(demo: Org) -> None:
    store = CachedStore(demo.store, ReadCache())
    with store.transaction() as ws:
        assert shared.people_index(ws)[EMPLOYEE].name != "Renamed"
    with demo.store.transaction() as ws:  # the plain store: as another process would
        ws.people.put(replace(ws.people.get(EMPLOYEE), name="Renamed"))
    with store.transaction() as ws:
        assert shared.people_index(ws)[EMPLOYEE].name == "Renamed"
        assert ws.people.get(EMPLOYEE).name == "Renamed"


def test_cached_and_uncached_person_gaps_are_equal(demo: Org) -> None:
    store = CachedStore(demo.store, ReadCache())
    with demo.store.transaction() as ws:
        people = [p.employee_id for p in ws.people.list() if p.role_id]
    for _ in range(2):  # cold, then warm
        for person in people:
            for view in View:
                cached = explain.person_gaps(store, demo.clock, person, view=view)
                plain = explain.person_gaps(demo.store, demo.clock, person, view=view)
                assert gaps_data(cached) == gaps_data(plain)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_persons_rows_come_from_the_rows_read_whole_once_they_are_kept(
    request: pytest.FixtureRequest, backend: str
) -> None:
    org: Org = request.getfixturevalue("demo" if backend == "memory" else "sqlite_org")
    cache = ReadCache()
    store = CachedStore(org.store, cache)
    with org.store.transaction() as ws:
        people = [p.employee_id for p in ws.people.list()] + ["nobody"]
        plain = {
            area: {p: getattr(ws, area).for_person(p) for p in people}
            for area in ("awards", "observations")
        }
    assert any(plain["awards"].values()) and any(plain["observations"].values())

    def answers() -> dict[str, dict[str, list[Any]]]:
        with store.transaction() as ws:
            return {area: {p: getattr(ws, area).for_person(p) for p in people} for area in plain}

    assert answers() == plain
    assert not {"awards", "observations"} & set(cache.names())  # a person's read loads nothing
    with store.transaction() as ws:  # read whole (the dashboard's model does)
        shared.award_list(ws), shared.observation_list(ws)
    assert answers() == plain  # the same rows, in the same order
    assert {"awards-by-person", "observations-by-person"} <= set(cache.names())
    rating = replace(plain["observations"][EMPLOYEE][0], id="new-rating", level=1)
    with org.store.transaction() as ws:  # the plain store: as another process would
        ws.observations.add_all([rating])
    with store.transaction() as ws:
        assert rating in ws.observations.for_person(EMPLOYEE)  # out of date: the store answers
        assert ws.awards.for_person(EMPLOYEE) == plain["awards"][EMPLOYEE]  # still kept


@pytest.mark.parametrize("backend", ["memory", "sqlite", "postgres"])
def test_a_persons_stored_periods_come_from_everyones_read_once_it_is_kept(
    request: pytest.FixtureRequest, backend: str
) -> None:
    org: Org = request.getfixturevalue({"memory": "demo"}.get(backend, f"{backend}_org"))
    take_snapshot(org.store, org.clock, as_of=date(2027, 12, 31))  # horizons reached
    cache = ReadCache()
    store = CachedStore(org.store, cache)
    with org.store.transaction() as ws:
        people = [p.employee_id for p in ws.people.list()] + ["nobody"]
        plain = {(p, v): ws.snapshots.person_periods(p, v) for p in people for v in (True, False)}
    assert any(s.change for found in plain.values() for s in found.values())

    def answers() -> dict[tuple[str, bool], Any]:
        with store.transaction() as ws:
            return {key: ws.snapshots.person_periods(*key) for key in plain}

    assert answers() == plain and "stored-periods" not in cache.names()  # a page loads none
    with store.transaction() as ws:
        keep_stored_periods(ws)  # the warmer does
    assert "stored-periods" in cache.names()
    read = cache.hits
    assert answers() == plain
    assert cache.hits >= read + len(plain)  # each from the periods kept
    take_snapshot(org.store, org.clock, as_of=date(2028, 6, 30))  # as another process would
    with org.store.transaction() as ws:
        now = ws.snapshots.person_periods(EMPLOYEE, True)
    with store.transaction() as ws:
        assert len(now) == 2 and ws.snapshots.person_periods(EMPLOYEE, True) == now
    with store.transaction() as ws:
        keep_stored_periods(ws)
    with store.transaction() as ws:
        assert ws.snapshots.person_periods(EMPLOYEE, True) == now


def test_too_many_stored_changes_are_not_kept(demo: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    take_snapshot(demo.store, demo.clock, as_of=date(2027, 12, 31))
    monkeypatch.setattr(cache_module, "STORED_CHANGES_KEPT", 1)
    cache = ReadCache()
    store = CachedStore(demo.store, cache)
    with store.transaction() as ws:
        keep_stored_periods(ws)
    assert "stored-periods" in cache.names()  # judged too many: kept as None
    assert cache.kept("stored-periods", frozenset({"snapshots"}), revision(demo.store)) is None
    with store.transaction() as ws:
        cached = ws.snapshots.person_periods(EMPLOYEE, True)
    with demo.store.transaction() as ws:
        assert cached == ws.snapshots.person_periods(EMPLOYEE, True)  # the store answered


def test_the_awards_evidence_is_kept_across_changes_it_does_not_depend_on(
    demo: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    judged: list[object] = []
    real = organisation_scope.evidence_columns
    monkeypatch.setattr(
        organisation_scope,
        "evidence_columns",
        lambda *args: judged.append(args) or real(*args),
    )
    store = CachedStore(demo.store, ReadCache())
    as_of = NOW.date()

    def model() -> tuple[shared.SharedWorkspaceData, OrgModel]:
        with store.transaction() as ws:
            data = shared.workspace_data(ws)
        assert isinstance(data, shared.SharedWorkspaceData)
        return data, organisation_scope.build_model(data, as_of)

    def plain() -> OrgModel:  # no cache: everything read and judged again
        with demo.store.transaction() as ws:
            return engine_model(shared.workspace_data(ws), as_of)

    def same(a: OrgModel, b: OrgModel) -> bool:
        return a._store.rows() == b._store.rows()

    first, built = model()
    assert len(judged) == 1 and same(built, plain())
    with demo.store.transaction() as ws:  # the organisation's name: the awards are as they were
        ws.meta.set("organisation", "Tidewell (renamed)")
    again, built = model()
    assert again is not first and again.evidence is first.evidence
    assert len(judged) == 1 and same(built, plain())
    stricter = replace(DEFAULT_RUBRIC, threshold=0.9)
    with demo.store.transaction() as ws:  # the rubric: the awards are judged again
        ws.meta.set(META_RUBRIC, rubric_to_json(stricter))
    third, built = model()
    assert len(judged) == 2 and same(built, plain())
    assert not same(built, organisation_scope.build_model(first, as_of))  # it counts fewer
    award = replace(demo_bundle_award(demo), id="new-award")
    with demo.store.transaction() as ws:  # an award: a new state of what evidence reads
        ws.awards.add_all([award])
    fourth, built = model()
    assert fourth.evidence is not third.evidence
    assert len(judged) == 3 and same(built, plain())


def demo_bundle_award(org: Org) -> Award:
    with org.store.transaction() as ws:
        return ws.awards.for_person(EMPLOYEE)[0]


def test_a_managers_reach_from_the_cached_tree(demo: Org) -> None:
    store = CachedStore(demo.store, ReadCache())
    with demo.store.transaction() as ws:
        people = ws.people.list()
    managers = {p.manager_id for p in people if p.manager_id} | {"E-none"}
    for person_id in sorted(managers):
        who = Principal(UserRole.MANAGER, "m@example.org", person_id, "token")
        assert manager_reach(person_id, store) == reach_of(who, people)
        assert manager_reach(person_id, demo.store) == reach_of(who, people)


# --- through the server ----------------------------------------------------------------------


def strip_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_answers_equal_those_without_the_cache(
    request: pytest.FixtureRequest, backend: str
) -> None:
    org: Org = request.getfixturevalue("org" if backend == "memory" else "sqlite_org")
    paths = [
        f"/api/v1/people/{p}/gaps?view={v}"
        for p in ("E1057", "E1054", "E1040", "E1003")
        for v in ("verified", "best-available")
    ]
    paths += [
        "/api/v1/gaps/organisation",
        "/api/v1/gaps/departments/Operations",
        "/api/v1/priorities",
        "/api/v1/bench-strength",
        "/api/v1/people?limit=500",
        "/api/v1/roles",
    ]
    pages = [
        "/dashboard",
        "/people/E1057",
        "/people/E1054?role=data-analyst",
        "/departments/Operations",
    ]
    with org.app_client() as cached, org.app_client(read_cache=False) as plain:
        assert cached.app.state.skillgap.cache is not None  # type: ignore[attr-defined]
        assert plain.app.state.skillgap.cache is None  # type: ignore[attr-defined]
        for client in (cached, plain):
            assert login(client, EMAIL[H]).status_code == 303
        for _ in range(2):
            for path in paths:
                one = cached.get(path, headers=org.bearer(H))
                assert one.status_code == 200, (path, one.text)
                assert one.json() == plain.get(path, headers=org.bearer(H)).json(), path
            for path in pages:
                one = cached.get(path)
                assert one.status_code == 200, (path, one.text)
                assert strip_csrf(one.text) == strip_csrf(plain.get(path).text), path


def test_a_write_through_the_server_is_seen_at_once(
    demo_bundle: Bundle, password_hash: str, made: DemoCredentials, tmp_path: Path
) -> None:
    bundle = replace(
        demo_bundle, awards=tuple(a for a in demo_bundle.awards if a.person_id != EMPLOYEE)
    )
    store = open_store(load_settings({}, workspace=tmp_path / "ws.db"), create=True)
    org = populate(store, bundle, password_hash, FixedClock(NOW))
    organisation = "/api/v1/gaps/organisation"
    with (
        org.app_client(fetcher=made.fetcher()) as client,
        org.app_client(read_cache=False) as plain,
    ):
        before = client.get(organisation, headers=org.bearer(H)).json()  # the model, cached
        mine = client.get(GAPS, headers=org.bearer(E)).json()
        assert line(mine, "demo:communication")["status"] == "missing"
        files = [
            ("files", (c.file_name, c.text.encode(), "application/ld+json"))
            for c in made.credentials
            if c.award_id == "A0192"
        ]
        answer = client.post("/api/v1/credentials", files=files, headers=org.bearer(E))
        assert answer.status_code == 200
        mine = client.get(GAPS, headers=org.bearer(E)).json()
        assert line(mine, "demo:communication")["status"] == "met"
        after = client.get(organisation, headers=org.bearer(H)).json()
        assert after != before
        assert after == plain.get(organisation, headers=org.bearer(H)).json()
    store.close()


def line(gaps: dict[str, Any], competency: str) -> dict[str, Any]:
    [found] = [r for r in gaps["now"]["requirements"] if r["competency"] == competency]
    return found


def test_a_command_line_write_is_seen_by_the_next_request(sqlite_org: Org, tmp_path: Path) -> None:
    path = sqlite_org.settings.workspace
    assert path is not None

    def run(*args: str) -> None:
        env = CliEnvironment(environ={}, clock=FixedClock(NOW))
        ran = CliRunner().invoke(cli, ["--workspace", str(path), *args], obj=env)
        assert ran.exit_code == 0, ran.output

    with sqlite_org.app_client() as client:
        client.headers.update(sqlite_org.bearer(H))
        gaps = client.get(GAPS).json()
        assert line(gaps, "demo:data-visualisation")["held"] is None
        verified = client.get(f"/api/v1/people/{EMPLOYEE}/gaps").json()
        assert line(verified, "demo:communication")["status"] == "met"
        cache = client.app.state.skillgap.cache  # type: ignore[attr-defined]
        assert {"people", "frameworks", "issuers", "rubric"} <= set(cache.names())
        ratings = tmp_path / "ratings.csv"  # a rating: read per person, not kept
        ratings.write_text(
            "employee_id,competency,level,source,rated_on\n"
            f"{EMPLOYEE},data-visualisation,4,manager,2026-10-20\n",
            encoding="utf-8",
        )
        run("ratings", "import", str(ratings), "--framework", "demo")
        assert line(client.get(GAPS).json(), "demo:data-visualisation")["held"] == 4.0
        assert {"people", "frameworks", "issuers"} <= set(cache.names())  # not written: kept
        # the issuer of their communication credential is no longer trusted: kept data
        run("issuers", "set-tier", "https://skills.tidewell.example/issuer", "unknown")
        verified = client.get(f"/api/v1/people/{EMPLOYEE}/gaps").json()
        assert line(verified, "demo:communication")["status"] != "met"


def test_a_token_revoked_from_the_command_line_is_refused_by_the_next_request(
    sqlite_org: Org,
) -> None:
    path = sqlite_org.settings.workspace
    assert path is not None
    with sqlite_org.app_client() as client:
        made = client.post(
            "/api/v1/tokens",
            json={"name": "hr system", "role": "hr"},
            headers=sqlite_org.bearer(UserRole.ADMIN),
        ).json()
        mine = {"Authorization": f"Bearer {made['secret']}"}
        assert client.get("/api/v1/me", headers=mine).status_code == 200
        assert client.get("/api/v1/me", headers=mine).status_code == 200
        cache = client.app.state.skillgap.cache  # type: ignore[attr-defined]
        assert "tokens" in cache.names()  # tokens are read from memory between writes
        env = CliEnvironment(environ={}, clock=FixedClock(NOW))
        revoked = CliRunner().invoke(
            cli, ["--workspace", str(path), "token", "revoke", made["token"]["id"]], obj=env
        )
        assert revoked.exit_code == 0, revoked.output
        refused = client.get("/api/v1/me", headers=mine)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "backend", ["sqlite_org", pytest.param("postgres_org", marks=pytest.mark.postgres)]
)
def test_a_session_is_read_once_and_refused_by_every_worker_once_it_ends(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """Two apps on one workspace, as two worker processes: the second reads a session
    from the store once, then keeps it; a new session elsewhere does not drop it, even
    when that login forgets an expired one; an unknown cookie is read each time, never
    kept; the session's end (a logout through the first app, the user's deactivation)
    and its expiry are seen by the very next request."""
    org: Org = request.getfixturevalue(backend)

    def session_reads(client: TestClient, status: int) -> list[str]:
        with watched(org.store) as said:
            assert client.get("/api/v1/me").status_code == status
        return [sql for sql in said if "sessions" in sql]

    with org.app_client() as one, org.app_client() as other:
        assert login(one, EMAIL[H]).status_code == 303
        other.cookies.set("skillgap_session", one.cookies["skillgap_session"])
        assert other.get("/api/v1/me").json()["user_id"] == EMAIL[H]
        assert session_reads(other, 200) == []
        with org.store.transaction() as ws:  # expired: the next login forgets it
            ws.sessions.add(Session("f" * 64, EMAIL[E], "f", NOW, NOW))
        with org.app_client() as third:  # a new session ends none
            assert login(third, EMAIL[E]).status_code == 303
        with org.store.transaction() as ws:
            assert ws.sessions.find("f" * 64) is None
        assert session_reads(other, 200) == []
        with org.app_client() as stranger:
            stranger.cookies.set("skillgap_session", "no-such-session")
            assert len(session_reads(stranger, 401)) == 1
            assert len(session_reads(stranger, 401)) == 1  # not kept
        assert one.post("/logout", data={"csrf_token": csrf_of(one)}).status_code == 303
        refused = other.get("/api/v1/me")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"

        assert login(one, EMAIL[E]).status_code == 303
        other.cookies.set("skillgap_session", one.cookies["skillgap_session"])
        assert other.get("/api/v1/me").status_code == 200
        assert session_reads(other, 200) == []  # kept again
        users_service.deactivate_user(org.store, EMAIL[E])  # as `skillgap user deactivate`
        assert other.get("/api/v1/me").status_code == 401

        assert login(one, EMAIL[H]).status_code == 303
        other.cookies.set("skillgap_session", one.cookies["skillgap_session"])
        assert other.get("/api/v1/me").status_code == 200
        start = org.clock.moment
        try:
            org.clock.moment = start + timedelta(hours=9)  # past its lifetime
            refused = other.get("/api/v1/me")
        finally:
            org.clock.moment = start
        assert refused.status_code == 401 and "expired" in refused.json()["error"]["message"]
        assert one.get("/api/v1/me").status_code == 401  # and it was forgotten


def tracked() -> int:
    """How many objects the collector tracks after a full collection, but weak references
    (each sqlite3 connection keeps one to each cursor it made, dropping the dead ones
    every 200 cursors: about one per two requests here, whatever they ask)."""
    gc.collect()
    return sum(not isinstance(o, weakref.ReferenceType) for o in gc.get_objects())


def test_kept_sessions_leave_nothing_for_the_collector(sqlite_org: Org) -> None:
    """The sessions a worker keeps are made during requests, outside the cache's freeze:
    they must be nothing the cyclic garbage collector tracks (see the module)."""
    cookies = [f"cookie-{n}" for n in range(300)]
    with sqlite_org.store.transaction() as ws:
        for cookie in cookies:
            later = NOW + timedelta(hours=1)
            ws.sessions.add(Session(users_service.digest(cookie), EMAIL[H], "c", NOW, later))
    with sqlite_org.app_client(freeze_cached=True) as client:

        def ask(some: list[str]) -> None:
            for cookie in some:
                client.cookies.set("skillgap_session", cookie)
                assert client.get("/api/v1/me").status_code == 200

        ask(cookies[:1])  # what every request reads is loaded and kept
        gc.collect()
        before = tracked()
        ask(cookies)
        assert tracked() - before < 50  # not one per session kept
        with watched(sqlite_org.store) as said:
            ask(cookies)
        assert not [sql for sql in said if "sessions" in sql]  # all were kept


# --- settings, and serve --offline --documents --------------------------------------------------


def test_the_warmer_reads_the_dashboards_data_at_start_and_after_each_change(
    sqlite_org: Org,
) -> None:
    with sqlite_org.app_client(warm_cache=True) as client:
        assert isinstance(client.app.state.warmer, Warmer)  # type: ignore[attr-defined]
    with sqlite_org.app_client() as client:
        assert client.app.state.warmer is None  # type: ignore[attr-defined]
        ctx = client.app.state.skillgap  # type: ignore[attr-defined]
        warmer = Warmer(ctx, interval=0.02)
        warmer.start()
        try:
            _wait(lambda: warmer.warmed == 1)
            assert "workspace-data" in ctx.cache.names()
            assert {"awards-by-person", "observations-by-person"} <= set(ctx.cache.names())
            assert "stored-periods" in ctx.cache.names()
            grouped = orgdata._readiness_groups
            try:  # who is furthest from their role: grouped by the warmer, not by a page
                orgdata._readiness_groups = None  # type: ignore[assignment]
                assert orgdata.readiness_groups(ctx, View.VERIFIED)
            finally:
                orgdata._readiness_groups = grouped
            loads = ctx.cache.loads
            time.sleep(0.2)  # nothing changed: nothing read again
            assert warmer.warmed == 1 and ctx.cache.loads == loads
            with sqlite_org.store.transaction() as ws:  # another process's write
                ws.meta.set("organisation", "Tidewell (renamed)")
            _wait(lambda: warmer.warmed == 2)
            assert "workspace-data" in ctx.cache.names() and ctx.cache.loads > loads
            dashboard = client.get("/dashboard", headers=sqlite_org.bearer(H))
            assert dashboard.status_code == 200 and "Tidewell (renamed)" in dashboard.text
        finally:
            warmer.stop()


def test_a_served_worker_warmed_again_freezes_its_model_and_leaves_the_dashboard_nothing(
    sqlite_org: Org,
) -> None:
    """After a change, the warmer builds the model after the cache's last load (which
    froze what it loaded): a served worker freezes the model too, or the first full
    collection walks it in whichever request comes then (0.1 s at 100,000 people);
    and the dashboard finds everything it reads loaded (its role choices included)."""
    with sqlite_org.app_client(freeze_cached=True) as client:
        ctx = client.app.state.skillgap  # type: ignore[attr-defined]
        try:
            warm(ctx)
            assert client.get("/api/v1/me", headers=sqlite_org.bearer(H)).status_code == 200
            with sqlite_org.store.transaction() as ws:  # another process's write
                ws.meta.set("organisation", "Tidewell (renamed)")
            warm(ctx)
            loads = ctx.cache.loads
            dashboard = client.get("/dashboard", headers=sqlite_org.bearer(H))
            assert dashboard.status_code == 200 and "Tidewell (renamed)" in dashboard.text
            assert ctx.cache.loads == loads  # nothing left for the first dashboard to read
            scope = Scope(ScopeKind.ORGANISATION)
            _, model, _ = organisation_scope.open_scope(
                ctx.store, ctx.clock, scope, None, View.VERIFIED, None
            )  # the model the warmer built, kept
            assert ctx.cache.loads == loads
            gc.collect()
            in_generations = {id(o) for o in gc.get_objects()}
            assert id(model) not in in_generations  # frozen: no collection walks it
        finally:
            gc.unfreeze()


@pytest.mark.parametrize("served", [True, False])
def test_a_served_worker_warms_with_the_collector_paused_then_resumed(
    sqlite_org: Org, monkeypatch: pytest.MonkeyPatch, served: bool
) -> None:
    """Building a model with most of the process frozen sets off full collections that
    every request of the worker waits for: a served worker's warmer pauses them while it
    reads, and resumes them after (never one a caller had paused itself)."""
    seen: list[bool] = []
    reading = warm_module.readiness_groups

    def reads(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return reading(*args)

    monkeypatch.setattr(warm_module, "readiness_groups", reads)
    with sqlite_org.app_client(freeze_cached=served) as client:
        ctx = client.app.state.skillgap  # type: ignore[attr-defined]
        try:
            assert gc.isenabled()
            warm(ctx)
            assert seen == [not served] and gc.isenabled()
            gc.disable()  # paused by someone else: left so
            warm(ctx)
            assert seen == [not served, False] and not gc.isenabled()
        finally:
            gc.enable()
            gc.unfreeze()


def _wait(done: Callable[[], bool], seconds: float = 60) -> None:
    limit = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < limit, "the warmer did not get there"
        time.sleep(0.02)


def test_server_options_from_the_environment(tmp_path: Path) -> None:
    assert ServerOptions.from_environ({}).read_cache
    assert ServerOptions.from_environ({}).warm_cache and not ServerOptions().warm_cache
    assert not ServerOptions.from_environ({"SKILLGAP_WARM_CACHE": "off"}).warm_cache
    assert ServerOptions.from_environ({}).recount_wait == 0.3
    assert ServerOptions().recount_wait is None  # in-process: the figures as they are
    assert ServerOptions.from_environ({"SKILLGAP_RECOUNT_WAIT": "off"}).recount_wait is None
    off = ServerOptions.from_environ({"SKILLGAP_READ_CACHE": "off", "SKILLGAP_NETWORK": "off"})
    assert not off.read_cache and not off.network.online
    given = ServerOptions.from_environ({"SKILLGAP_DOCUMENTS": str(tmp_path)})
    assert given.documents == tmp_path
    with pytest.raises(ConfigError, match="SKILLGAP_READ_CACHE='maybe'"):
        ServerOptions.from_environ({"SKILLGAP_READ_CACHE": "maybe"})
    with pytest.raises(ConfigError, match="is not a folder"):
        ServerOptions.from_environ({"SKILLGAP_DOCUMENTS": str(tmp_path / "none")})


def test_serve_passes_offline_and_documents_to_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "ws.db"
    env = CliEnvironment(environ={})
    assert CliRunner().invoke(cli, ["--workspace", str(workspace), "init"], obj=env).exit_code == 0
    calls: list[str] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(app))
    monkeypatch.setattr(os, "environ", {"SKILLGAP_NETWORK": "on"})
    args = ["--workspace", str(workspace), "serve", "--offline", "--documents", str(tmp_path)]
    result = CliRunner().invoke(cli, args, obj=env)
    assert result.exit_code == 0, result.output
    assert calls and os.environ["SKILLGAP_NETWORK"] == "off"
    assert os.environ["SKILLGAP_DOCUMENTS"] == str(tmp_path.resolve())
    options = ServerOptions.from_environ(os.environ)
    assert options.documents == tmp_path.resolve() and not options.network.online


@pytest.fixture(scope="module")
def made(demo_bundle: Bundle) -> DemoCredentials:
    return demo_credentials(demo_bundle)


@pytest.mark.parametrize("documents", [True, False])
def test_an_offline_server_verifies_against_its_documents(
    demo_bundle: Bundle,
    password_hash: str,
    made: DemoCredentials,
    tmp_path: Path,
    documents: bool,
) -> None:
    bundle = replace(
        demo_bundle, awards=tuple(a for a in demo_bundle.awards if a.person_id != EMPLOYEE)
    )
    org = populate(MemoryStore(), bundle, password_hash, FixedClock(NOW))
    folder = tmp_path / "documents"
    folder.mkdir()
    index = {}
    for n, (url, text) in enumerate(sorted(made.profiles.items())):
        (folder / f"{n}.json").write_text(text, encoding="utf-8")
        index[url] = {"file": f"{n}.json", "content_type": "application/json"}
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    options = ServerOptions(
        network=NetworkSettings(online=False), documents=folder if documents else None
    )
    app = create_app(org.settings, clock=org.clock, store=org.store, options=options)
    with TestClient(app) as client:
        files = [
            ("files", (c.file_name, c.text.encode(), "application/ld+json"))
            for c in made.credentials
            if c.award_id == "A0192"
        ]
        answer = client.post("/api/v1/credentials/verify", files=files, headers=org.bearer(E))
        assert answer.status_code == 200, answer.text
        [report] = answer.json()
        assert report["status"] == ("valid" if documents else "unverifiable")


def test_a_served_cache_keeps_its_values_out_of_the_collector(demo: Org) -> None:
    assert ServerOptions.from_environ({}).freeze_cached and not ServerOptions().freeze_cached
    store = CachedStore(demo.store, ReadCache(freeze=True))
    try:
        with store.transaction() as ws:
            assert ws.people.list()
        assert gc.get_freeze_count() > 0  # what was loaded is frozen out of collections
    finally:
        gc.unfreeze()


def test_pages_leave_next_to_nothing_long_lived_for_the_collector(demo: Org) -> None:
    """What an answer keeps beyond itself and is not frozen (a memo, a cache of drawn
    text) lives in the collector's oldest generation, and each full collection walks all
    of it while every request in flight waits. A memo of each role's lines per date grew
    it to 200,000 objects at 100,000 people: pauses of 100 ms every few thousand answers,
    the p99 of every route. So every person's page, in both views, leaves next to none."""
    client = demo.app_client(freeze_cached=True)
    people = [p.employee_id for p in people_service.list_people(demo.store) if p.role_id]
    try:
        for url in ("/people", *(f"/people/{people[0]}?view={v.value}" for v in View)):
            assert client.get(url, headers=demo.bearer(UserRole.HR)).status_code == 200
        gc.collect()
        frozen, before = gc.get_freeze_count(), len(gc.get_objects())
        for person_id in people:
            for view in View:
                url = f"/people/{person_id}?view={view.value}"
                assert client.get(url, headers=demo.bearer(UserRole.HR)).status_code == 200
        gc.collect()
        assert gc.get_freeze_count() <= frozen  # no load froze (hid) what the pages left
        left = len(gc.get_objects()) - before
        assert left < 300, left  # drawn texts kept (one node each), and what a load froze
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_groups_figures_are_kept_until_a_write(
    request: pytest.FixtureRequest, backend: str
) -> None:
    """The organisation's and a department's figures (gaps, priorities, heatmap) are
    computed once per state of the workspace and privacy, equal to an uncached server's;
    a write makes the next view compute them again."""
    org: Org = request.getfixturevalue("org" if backend == "memory" else "sqlite_org")
    everyone = Reach(everyone=True)
    organisation, operations = (
        Scope(ScopeKind.ORGANISATION),
        Scope(ScopeKind.DEPARTMENT, "Operations"),
    )
    with org.app_client() as cached, org.app_client(read_cache=False) as plain:
        ctx, bare = cached.app.state.skillgap, plain.app.state.skillgap  # type: ignore[attr-defined]

        def page(on: AppContext, scope: Scope, metric: str = "coverage") -> GroupPage:
            return group_page(on, on.privacy(False), everyone, scope, View.VERIFIED, metric)

        for scope in (organisation, operations):
            first, again = page(ctx, scope), page(ctx, scope)
            assert again.gaps is first.gaps and again.heatmap is first.heatmap
            assert again == first == page(bare, scope)
            assert page(ctx, scope, "gap").heatmap != first.heatmap  # the metric is in the key
        for _ in range(2):  # an unknown department is refused each time, never kept
            with pytest.raises(NotFoundError, match="Nowhere"):
                page(ctx, Scope(ScopeKind.DEPARTMENT, "Nowhere"))
        kept = page(ctx, organisation)
        with org.store.transaction() as ws:  # another process's write
            ws.meta.set("organisation", "Tidewell (renamed)")
        renamed = page(ctx, organisation)
        assert renamed.gaps is not kept.gaps
        assert renamed.gaps["scope"]["name"] == "Tidewell (renamed)"
        assert renamed == page(bare, organisation)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_readiness_by_group_equals_a_pass_over_everyone_and_is_kept(
    request: pytest.FixtureRequest, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The people furthest from their role (department and team pages) and a role's
    holders: for every department, team and role of the demo, in both views, for everyone
    and for a manager's reach, the same lines, in the same order, as a pass over every
    person; grouped once per state of the workspace (a cached server), again after a write."""
    org: Org = request.getfixturevalue("org" if backend == "memory" else "sqlite_org")
    passes: list[View] = []
    grouped = orgdata._readiness_groups

    def counted(model: Any, view: View) -> Any:
        passes.append(view)
        return grouped(model, view)

    monkeypatch.setattr(orgdata, "_readiness_groups", counted)
    with org.app_client() as client:
        ctx: AppContext = client.app.state.skillgap  # type: ignore[attr-defined]
        model = orgdata._model(ctx.store, ctx)
        people = list(model.people)
        scopes = {
            Scope(kind, value)
            for p in people
            for kind, value in (
                (ScopeKind.DEPARTMENT, p.department),
                (ScopeKind.TEAM, p.team),
                (ScopeKind.ROLE, p.role_id),
            )
            if value
        }
        assert len(scopes) > 20
        manager = manager_reach("E1054", org.store)
        assert not manager.everyone and 2 < len(manager.people) < len(people)
        for view in View:
            table = model.person_gaps(view)
            gaps = table.total_weighted_gap()
            for reach in (Reach(everyone=True), manager):
                for scope in scopes:
                    expected = sorted(
                        (
                            orgdata.PersonLine(
                                p.employee_id,
                                p.name,
                                p.role_id,
                                p.team,
                                float(table.readiness[i]),
                                float(gaps[i]),
                            )
                            for i, p in enumerate(people)
                            if table.assessed[i] and scope.member(p) and reach.sees(p.employee_id)
                        ),
                        key=lambda x: (x.readiness, -x.weighted_gap, x.employee_id),
                    )
                    found = orgdata.readiness_of(ctx, view, scope, reach)
                    assert found.value == expected and found.current_at is None, scope
        assert passes == [View.VERIFIED, View.BEST_AVAILABLE]  # once per view
        with org.store.transaction() as ws:  # a write: grouped again
            ws.meta.set("organisation", "Tidewell (renamed)")
        orgdata.readiness_of(ctx, View.VERIFIED, next(iter(scopes)), manager)
        assert passes[2:] == [View.VERIFIED]


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_the_bench_on_role_pages_is_kept_until_a_write(
    request: pytest.FixtureRequest, backend: str
) -> None:
    """The organisation's bench behind each requirement (HR's role pages) is the same for
    every role: computed once per state of the workspace and privacy, equal to an uncached
    server's, computed again after a write."""
    org: Org = request.getfixturevalue("org" if backend == "memory" else "sqlite_org")
    everyone = Reach(everyone=True)
    with org.app_client() as cached, org.app_client(read_cache=False) as plain:
        ctx, bare = cached.app.state.skillgap, plain.app.state.skillgap  # type: ignore[attr-defined]

        def page(on: AppContext, role: str, admin: bool = False) -> orgdata.RolePage:
            return orgdata.role_page(on, on.privacy(admin), everyone, role, View.VERIFIED)

        analyst, engineer = page(ctx, "data-analyst"), page(ctx, "data-engineer")
        assert analyst.bench and engineer.bench
        shared = [  # a competency both require at one level: the same kept line
            c
            for c, line in analyst.bench.items()
            if line and (other := engineer.bench.get(c)) and other["level"] == line["level"]
        ]
        assert shared and all(analyst.bench[c] is engineer.bench[c] for c in shared)
        assert analyst == page(bare, "data-analyst") and engineer == page(bare, "data-engineer")
        admin = page(ctx, "data-analyst", admin=True).bench or {}
        assert all(admin[c] is not analyst.bench[c] for c in shared)  # privacy: in the key
        with org.store.transaction() as ws:  # another process's write
            ws.meta.set("organisation", "Tidewell (renamed)")
        after = page(ctx, "data-analyst").bench or {}
        assert all(after[c] is not analyst.bench[c] for c in shared)
