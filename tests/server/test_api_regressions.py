"""Regressions of what the property-based tests of the API (``test_schemathesis.py``) and
the probing around them found, each pinned with the request that showed it."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import sqlalchemy as sa

from skillgap.domain.users import UserRole
from skillgap.errors import ConfigError, SkillgapError, WorkspaceError
from skillgap.services import roles as roles_service

from .conftest import Org, TestClient

NUL_REFUSED = "PostgreSQL text fields cannot contain NUL (0x00) bytes"


# --- a value the database refuses (PostgreSQL: NUL in a text) is 422, not 503 ------------------


def test_a_value_the_database_refuses_is_the_requests_fault(
    client: TestClient, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found on PostgreSQL: ``GET /roles/%00`` (and any id, filter or body text with a NUL)
    was ``503 workspace`` "the server cannot use its workspace", naming the database."""

    def refuse(store: Any, role_id: str) -> Any:
        try:
            raise sa.exc.DataError("SELECT 1", {}, ValueError(NUL_REFUSED))
        except sa.exc.DataError as exc:
            raise WorkspaceError(
                "the workspace database at postgresql://db.internal/ws failed: " + NUL_REFUSED
            ) from exc

    monkeypatch.setattr(roles_service, "show_role", refuse)
    answer = client.get("/api/v1/roles/x%00", headers=org.bearer(UserRole.EMPLOYEE))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == {
        "code": "validation",
        "message": f"the database refuses a value of the request: {NUL_REFUSED}",
        "details": None,
    }


def test_a_workspace_that_fails_otherwise_is_still_503(
    client: TestClient, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(store: Any, role_id: str) -> Any:
        try:
            raise sa.exc.OperationalError("SELECT 1", {}, ValueError("server closed"))
        except sa.exc.OperationalError as exc:
            raise WorkspaceError("the workspace database failed: server closed") from exc

    monkeypatch.setattr(roles_service, "show_role", broken)
    answer = client.get("/api/v1/roles/data-analyst", headers=org.bearer(UserRole.ADMIN))
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "workspace"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/v1/roles/%00", None),
        ("GET", "/api/v1/credentials/%00", None),
        ("GET", "/api/v1/people/%00/gaps", None),  # read outside a transaction (SqlStore.alone)
        ("GET", "/api/v1/competencies/search?q=sql&framework=%00", None),
        ("DELETE", "/api/v1/tokens/%00", None),
        ("POST", "/api/v1/tokens", {"name": "board\x00", "role": "hr"}),
        ("POST", "/api/v1/users", {"email": "x\x00@a.example", "role": "hr", "password": "p" * 12}),
    ],
)
def test_nul_characters_on_postgresql(
    postgres_org: Org, method: str, url: str, body: dict[str, Any] | None
) -> None:
    with postgres_org.app_client() as client:
        answer = client.request(method, url, json=body, headers=postgres_org.bearer(UserRole.ADMIN))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation" and "NUL" in error["message"]
    assert "postgresql" not in error["message"]  # nothing of where the database is


# --- uploads: messages name the file as sent, never the server's temporary folder --------------

DEEP = b"[" * 100 + b"]" * 100


@pytest.mark.parametrize("url", ["/api/v1/credentials/verify", "/api/v1/credentials"])
def test_upload_messages_show_no_server_path(client: TestClient, org: Org, url: str) -> None:
    """Found: a file refused while read ("JSON nests deeper than 64 levels") was reported
    as "/tmp/skillgap-upload-XXXX/000/deep.json: ..." in checks and rejections."""
    files = [("files", ("deep.json", DEEP, "application/json"))]
    answer = client.post(url, files=files, headers=org.bearer(UserRole.ADMIN))
    assert answer.status_code == 200, answer.text
    assert "skillgap-upload" not in answer.text
    body = answer.json()
    if url.endswith("/verify"):
        message = body[0]["checks"][0]["message"]
    else:
        message = body["rejected"][0]["reason"]
    assert message.startswith("deep.json: JSON nests deeper than")


def test_an_error_quoting_broken_unicode_still_answers() -> None:
    from skillgap.server.errors import error_body

    body = error_body("validation", "unknown key 'a\udcff'", [{"reason": "b\ud800"}])
    assert body["error"]["message"] == "unknown key 'a?'"
    assert body["error"]["details"] == [{"reason": "b?"}]


# --- a server-side failure names no address or path of the server ------------------------------


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (
            WorkspaceError(
                "the workspace database at postgresql+psycopg://app:s3cret@db.internal/ws failed"
            ),
            "workspace",
            503,
        ),
        (
            ConfigError("the issuer key in /srv/skillgap/keys/issuer-key.json is not usable"),
            "configuration",
            500,
        ),
    ],
)
def test_a_server_side_failure_is_logged_whole_and_answered_without_server_details(
    client: TestClient,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: SkillgapError,
    code: str,
    status: int,
) -> None:
    def broken(store: Any, role_id: str) -> Any:
        raise error

    monkeypatch.setattr(roles_service, "show_role", broken)
    with caplog.at_level(logging.ERROR, logger="skillgap.server.errors"):
        answer = client.get("/api/v1/roles/data-analyst", headers=org.bearer(UserRole.ADMIN))
    assert answer.status_code == status and answer.json()["error"]["code"] == code
    message = answer.json()["error"]["message"]
    for secret in ("s3cret", "db.internal", "/srv/skillgap", "issuer-key.json"):
        assert secret not in message
    reference = re.fullmatch(
        r".*<hidden>.* \(reference ([0-9a-f]{8}) in the server's log\)", message
    )
    assert reference is not None, message
    [logged] = [r.getMessage() for r in caplog.records if reference[1] in r.getMessage()]
    assert str(error) in logged  # the administrator finds it whole
