"""Logging in and out through the form, sessions and their cookies, CSRF, login throttling,
and API tokens: over real HTTP (TestClient) on a fresh demo workspace."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest

from skillgap.config import load_settings
from skillgap.domain.users import UserRole
from skillgap.services import users as users_service
from skillgap.services.users import ACCOUNT_LIMIT, CLIENT_LIMIT

from .conftest import EMAIL, EMPLOYEE, PASSWORD, Org, TestClient, csrf_of, login

ADMIN = EMAIL[UserRole.ADMIN]


def session_cookie(response: object) -> SimpleCookie:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith("skillgap_session=")]
    assert len(found) == 1, headers
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(found[0])
    return cookie


def test_login_opens_a_session_and_logout_ends_it(client: TestClient, org: Org) -> None:
    assert client.get("/").status_code == 303  # not logged in: to the form
    answer = login(client, ADMIN)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and ADMIN in home.text and "admin" in home.text
    me = client.get("/api/v1/me").json()
    assert me["user_id"] == ADMIN and me["via"] == "session" and me["csrf_token"]
    out = client.post("/logout", data={"csrf_token": me["csrf_token"]})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/").headers["location"] == "/login"


def test_only_a_digest_of_the_session_is_stored(client: TestClient, org: Org) -> None:
    value = session_cookie(login(client, ADMIN))["skillgap_session"].value
    assert len(value) >= 43  # 32 random bytes, base64url
    with org.store.transaction() as ws:
        assert ws.sessions.find(value) is None
        session = ws.sessions.find(hashlib.sha256(value.encode()).hexdigest())
    assert session is not None and session.user_id == ADMIN
    assert session.expires_at - session.created_at == users_service.SESSION_LIFETIME


def test_session_cookie_flags(org: Org) -> None:
    with org.app_client() as client:
        cookie = session_cookie(login(client, ADMIN))["skillgap_session"]
    assert cookie["httponly"] and cookie["samesite"] == "lax" and cookie["path"] == "/"
    assert not cookie["secure"]
    secure = load_settings({"SKILLGAP_SECURE_COOKIES": "yes"}, workspace=org.settings.workspace)
    with org.app_client(settings=secure) as client:
        client.base_url = client.base_url.copy_with(scheme="https")
        cookie = session_cookie(login(client, ADMIN))["skillgap_session"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "lax"


def test_wrong_password_and_unknown_account_get_the_same_answer(client: TestClient) -> None:
    wrong = login(client, ADMIN, "not the password at all")
    unknown = login(client, "nobody@tidewell.example")
    assert wrong.status_code == unknown.status_code == 401
    assert "wrong e-mail or password" in wrong.text and "wrong e-mail or password" in unknown.text
    assert "skillgap_session" not in wrong.headers.get("set-cookie", "")


def test_deactivated_user_cannot_log_in_and_loses_sessions(client: TestClient, org: Org) -> None:
    login(client, ADMIN)
    assert client.get("/api/v1/me").status_code == 200
    users_service.add_user(
        org.store, org.clock, "second@tidewell.example", role=UserRole.ADMIN, password=PASSWORD
    )
    _, ended = users_service.deactivate_user(org.store, ADMIN)
    assert ended == 1
    assert client.get("/api/v1/me").status_code == 401
    assert login(client, ADMIN).status_code == 401


def test_session_expires(client: TestClient, org: Org) -> None:
    login(client, ADMIN)
    org.clock.moment += users_service.SESSION_LIFETIME + timedelta(seconds=1)
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"


# --- CSRF --------------------------------------------------------------------------------------


def test_login_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    answer = client.post(
        "/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert answer.status_code == 403
    assert "skillgap_session" not in answer.headers.get("set-cookie", "")


def test_cookie_authenticated_api_post_needs_the_csrf_header(client: TestClient) -> None:
    login(client, ADMIN)
    token = csrf_of(client)
    body = {"name": "board", "role": "hr"}
    refused = client.post("/api/v1/tokens", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf"
    wrong = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": token + "x"})
    assert wrong.status_code == 403
    made = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": token})
    assert made.status_code == 201
    revoked = client.delete(f"/api/v1/tokens/{made.json()['token']['id']}")
    assert revoked.status_code == 403  # DELETE changes state too


def test_logout_form_needs_the_session_csrf_token(client: TestClient) -> None:
    login(client, ADMIN)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/api/v1/me").status_code == 200  # still logged in


def test_bearer_token_needs_no_csrf(client: TestClient, org: Org) -> None:
    answer = client.post(
        "/api/v1/tokens", json={"name": "x", "role": "hr"}, headers=org.bearer(UserRole.ADMIN)
    )
    assert answer.status_code == 201


# --- throttling --------------------------------------------------------------------------------


def test_account_locked_after_failures_even_for_the_right_password(
    client: TestClient, org: Org
) -> None:
    for _ in range(ACCOUNT_LIMIT):
        assert login(client, ADMIN, "wrong password here").status_code == 401
    locked = login(client, ADMIN)
    assert locked.status_code == 429
    assert "too many failed logins for this account" in locked.text
    assert locked.headers["retry-after"] == "900"
    org.clock.moment += users_service.THROTTLE_WINDOW + timedelta(seconds=1)
    assert login(client, ADMIN).status_code == 303


def test_success_clears_the_accounts_failures(client: TestClient) -> None:
    for _ in range(ACCOUNT_LIMIT - 1):
        login(client, ADMIN, "wrong password here")
    assert login(client, ADMIN).status_code == 303
    for _ in range(ACCOUNT_LIMIT - 1):
        assert login(client, ADMIN, "wrong password here").status_code == 401
    assert login(client, ADMIN).status_code == 303


def test_client_address_locked_after_failures_on_many_accounts(client: TestClient) -> None:
    for n in range(CLIENT_LIMIT):
        assert login(client, f"guess{n}@tidewell.example", "wrong password").status_code == 401
    locked = login(client, ADMIN)
    assert locked.status_code == 429
    assert "too many failed logins from this address" in locked.text


# --- API tokens --------------------------------------------------------------------------------


def test_token_is_stored_hashed_and_shown_once(client: TestClient, org: Org) -> None:
    made = client.post(
        "/api/v1/tokens",
        json={"name": "HR system", "role": "hr"},
        headers=org.bearer(UserRole.ADMIN),
    ).json()
    secret = made["secret"]
    token_id = made["token"]["id"]
    assert secret.startswith(f"sg_{token_id}_")
    with org.store.transaction() as ws:
        stored = ws.tokens.get(token_id)
    plain = secret.split("_", 2)[2]
    assert stored.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in repr(stored)
    listed = client.get("/api/v1/tokens", headers=org.bearer(UserRole.ADMIN)).text
    assert plain not in listed and "secret" not in listed
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me == {
        "user_id": f"token:{token_id}",
        "name": "HR system",
        "role": "hr",
        "person_id": None,
        "via": "token",
        "csrf_token": None,
    }


def test_revoked_token_is_refused(client: TestClient, org: Org) -> None:
    headers = org.bearer(UserRole.HR)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token_id = org.tokens[UserRole.HR].split("_")[1]
    revoked = client.delete(f"/api/v1/tokens/{token_id}", headers=org.bearer(UserRole.ADMIN))
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sg_0000000000000000_" + "a" * 43,
        "Bearer nonsense",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
    ],
)
def test_bad_authorization_is_refused(client: TestClient, header: str) -> None:
    answer = client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"


def test_tampered_token_secret_is_refused(client: TestClient, org: Org) -> None:
    good = org.tokens[UserRole.ADMIN]
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bad}"}).status_code == 401


def test_employee_token_is_scoped_to_its_person(client: TestClient, org: Org) -> None:
    headers = org.bearer(UserRole.EMPLOYEE)
    people = client.get("/api/v1/people", headers=headers).json()
    assert [p["employee_id"] for p in people["items"]] == [EMPLOYEE]
    assert client.get(f"/api/v1/people/{EMPLOYEE}/gaps", headers=headers).status_code == 200
    assert client.get("/api/v1/people/E1001", headers=headers).status_code == 404


def test_anonymous_api_call_is_401_with_the_error_body(client: TestClient) -> None:
    answer = client.get("/api/v1/people")
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == "unauthenticated" and "log in" in error["message"]
    assert error["details"] is None
