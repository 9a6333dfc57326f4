"""The same server on a real SQLite workspace: sessions, throttling and tokens go through
the SQL repositories; an upload is stored in one transaction."""

from __future__ import annotations

import hashlib
from typing import Any

from skillgap.domain.users import UserRole
from skillgap.services.users import ACCOUNT_LIMIT, SESSION_LIFETIME
from tests.store.intent import writes_without_intent

from .conftest import EMAIL, EMPLOYEE, Org, csrf_of, login, watched


def test_login_session_and_logout_on_sqlite(sqlite_org: Org) -> None:
    with sqlite_org.app_client() as client:
        assert login(client, EMAIL[UserRole.MANAGER]).status_code == 303
        me = client.get("/api/v1/me").json()
        assert me["role"] == "manager" and me["person_id"] == "E1054"
        gaps = client.get(f"/api/v1/people/{EMPLOYEE}/gaps")
        assert gaps.status_code == 200
        token = csrf_of(client)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
        assert client.get("/api/v1/me").status_code == 401
    with sqlite_org.store.transaction() as ws:
        assert ws.sessions.remove_for_user(EMAIL[UserRole.MANAGER]) == 0  # none left


def test_throttling_counts_in_the_database(sqlite_org: Org) -> None:
    email = EMAIL[UserRole.HR]
    with sqlite_org.app_client() as client:
        for _ in range(ACCOUNT_LIMIT):
            assert login(client, email, "wrong password!").status_code == 401
    with sqlite_org.app_client() as other:  # another worker, the same database
        assert login(other, email).status_code == 429


def test_tokens_on_sqlite(sqlite_org: Org) -> None:
    with sqlite_org.app_client() as client:
        made = client.post(
            "/api/v1/tokens",
            json={"name": "reporting", "role": "employee", "person_id": EMPLOYEE},
            headers=sqlite_org.bearer(UserRole.ADMIN),
        ).json()
        headers = {"Authorization": f"Bearer {made['secret']}"}
        assert client.get("/api/v1/people", headers=headers).json()["total"] == 1
        with sqlite_org.store.transaction() as ws:
            stored = ws.tokens.get(made["token"]["id"])
        secret = made["secret"].split("_", 2)[2]
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        client.delete(
            f"/api/v1/tokens/{made['token']['id']}", headers=sqlite_org.bearer(UserRole.ADMIN)
        )
        assert client.get("/api/v1/people", headers=headers).status_code == 401


def test_user_management_on_sqlite(sqlite_org: Org) -> None:
    admin = sqlite_org.bearer(UserRole.ADMIN)
    with sqlite_org.app_client() as client:
        added = client.post(
            "/api/v1/users",
            json={
                "email": " New.Person@Tidewell.example ",
                "role": "employee",
                "person_id": "E1040",
                "password": "a long enough password",
            },
            headers=admin,
        )
        assert added.status_code == 201
        assert added.json()["id"] == "new.person@tidewell.example"
        assert added.json()["name"] == "Kenji Watanabe"  # the person's name
        assert "password" not in added.text and "scrypt" not in added.text
        missing = client.post(
            "/api/v1/users",
            json={"email": "x@tidewell.example", "role": "manager", "password": "x" * 12},
            headers=admin,
        )
        assert missing.status_code == 422 and "linked to a person" in missing.text
        listed = client.get("/api/v1/users", headers=admin).json()["items"]
        assert {u["id"] for u in listed} >= {"new.person@tidewell.example", EMAIL[UserRole.HR]}
        assert login(client, "new.person@tidewell.example", "a long enough password").status_code
        assert client.get("/api/v1/people").json()["items"][0]["employee_id"] == "E1040"


def test_requests_that_may_write_take_the_write_lock_as_their_units_begin(
    sqlite_org: Org,
) -> None:
    """A POST's units of work begin ``BEGIN IMMEDIATE`` (``store.intent.writes``): two that
    each read and then write take turns (tests/store/test_sqlite_writers.py); a GET's
    begin plainly, never waiting for a writer, and an OPTIONS takes no lock."""
    with sqlite_org.app_client() as client:
        with watched(sqlite_org.store) as said:
            assert login(client, EMAIL[UserRole.HR]).status_code == 303
        assert "BEGIN IMMEDIATE" in said, said
        with watched(sqlite_org.store) as said:
            assert client.get(f"/api/v1/people/{EMPLOYEE}/gaps").status_code == 200
            assert client.get(f"/people/{EMPLOYEE}").status_code == 200
        assert said and "BEGIN IMMEDIATE" not in said, said
        with watched(sqlite_org.store) as said:
            assert client.options("/api/v1/me").status_code == 405
        assert "BEGIN IMMEDIATE" not in said, said


def test_no_get_writes_outside_a_unit_that_means_to_write(sqlite_org: Org, tmp_path: Any) -> None:
    """Every GET route of the app, as an administrator with a token and with a session
    (pages), on SQLite: whatever one writes (a session forgotten, say) is written in a unit
    begun ``BEGIN IMMEDIATE``. What makes several SQLite workers safe."""
    from .test_matrix import EXPECTED

    setups = {id(c.setup): c.setup for c in EXPECTED.values() if c.setup is not None}
    for setup in setups.values():
        setup(sqlite_org, tmp_path)
    status = {case.url: case.status for (method, _), case in EXPECTED.items() if method == "GET"}
    gets = sorted(status)
    assert len(gets) > 50
    admin = sqlite_org.bearer(UserRole.ADMIN)
    with sqlite_org.app_client() as client:
        assert login(client, EMAIL[UserRole.ADMIN]).status_code == 303
        with watched(sqlite_org.store) as said:
            answered = {url: client.get(url, headers=admin).status_code for url in gets}
            pages = {url: client.get(url).status_code for url in gets if not url.startswith("/api")}
        assert answered == status, answered  # what the matrix expects of an administrator
        assert pages == {url: status[url] for url in pages}, pages
        assert said.count("BEGIN") > 100
        assert writes_without_intent(said) == []
        sqlite_org.clock.moment += SESSION_LIFETIME  # the session has ended: forgotten
        with watched(sqlite_org.store) as said:
            assert client.get("/api/v1/me").status_code == 401
        assert any(s.startswith("DELETE FROM sessions") for s in said), said
        assert writes_without_intent(said) == [], said
