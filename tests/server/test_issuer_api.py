"""The organisation as an issuer through the API: set up (``issuer init``), read, published
(``issuer publish``, as a ZIP) and an issued credential baked into a badge image."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillgap.config import load_settings
from skillgap.domain.users import UserRole
from skillgap.fetch.documents import DirectoryFetcher
from skillgap.formats.badges.baking import extract_png, extract_svg
from skillgap.issuing.issuer_setup import init_issuer
from skillgap.issuing.keystore import ENV_VAR, MemoryKeyStore
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.result import Verified
from skillgap.trust.verifier import Verifier
from tests.issuing.builders import SVG, png

from .conftest import EMPLOYEE, A, E, H, M, Org, R, TestClient
from .test_plans_api import issuer_setup, load_actions, token_id

OWN = "https://skills.tidewell.example/achievements/data-analytics-proficiency"
TIDEWELL = {"name": "Tidewell", "url": "https://tidewell.example"}


@pytest.fixture(autouse=True)
def no_environment_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def api(org: Org, tmp_path: Path) -> Iterator[TestClient]:
    """The app on a SQLite-like workspace in ``tmp_path``: its default key file goes there."""
    load_actions(org.store, org.clock)
    with org.app_client(settings=load_settings({}, workspace=tmp_path / "ws.db")) as client:
        yield client


def call(
    client: TestClient, org: Org, who: UserRole, method: str, url: str, status: int = 200, **kw: Any
) -> Any:
    answer = client.request(method, f"/api/v1{url}", headers=org.bearer(who), **kw)
    assert answer.status_code == status, answer.text[:600]
    return answer


def audit(client: TestClient, org: Org) -> list[tuple[str, str, str]]:
    log = call(client, org, A, "GET", "/audit?days=3650").json()["items"]
    return [(e["action"], e["actor"], e["subject"]) for e in log if "issuer" in e["action"]]


def issue(client: TestClient, org: Org, fmt: str = "di") -> dict[str, Any]:
    body = {"achievement_id": OWN, "person": EMPLOYEE, "format": fmt}
    made: dict[str, Any] = call(client, org, H, "POST", "/issued", 201, json=body).json()
    return made


def unpacked(answer: Any, folder: Path) -> list[str]:
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = archive.namelist()
        archive.extractall(folder)
    return names


def verified(folder: Path, org: Org, name: str, data: bytes) -> Verified:
    """As an air-gapped verifier would, with the published documents."""
    return Verifier(DirectoryFetcher(folder), org.clock.now()).verify_bytes(name, data)


# --- issuer init -----------------------------------------------------------------------------


def test_the_issuer_is_set_up_with_a_key_file_beside_the_workspace(
    api: TestClient, org: Org, tmp_path: Path
) -> None:
    call(api, org, A, "GET", "/issuer", 404)
    made = call(api, org, A, "POST", "/issuer", 201, json=TIDEWELL)
    issuer = made.json()
    key_file = (tmp_path / "ws.db.issuer-key.json").resolve()
    assert issuer["id"].startswith("did:key:z6Mk") and issuer["name"] == "Tidewell"
    assert issuer["status_list_url"] == "https://tidewell.example/credentials/status/1"
    assert issuer["key"] == "file" and issuer["key_found"] and issuer["key_file"] == str(key_file)
    assert issuer["key_created"] and not issuer["replaced"] and issuer["issued"] == 0
    secret = json.loads(key_file.read_text())["privateKeyMultibase"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret not in made.text and "privateKey" not in made.text
    for who in (H, R):
        shown = call(api, org, who, "GET", "/issuer").json()
        assert shown["id"] == issuer["id"] and shown["key"] == "file"
        assert shown["key_file"] is None  # the path: administrators only
    assert call(api, org, A, "GET", "/issuer").json()["key_file"] == str(key_file)
    again = call(api, org, A, "POST", "/issuer", 409, json=TIDEWELL)
    assert "--force" in again.json()["error"]["message"]
    renamed = {"name": "Tidewell Ltd", "url": "https://tidewell.example", "force": True}
    replaced = call(api, org, A, "POST", "/issuer", 200, json=renamed).json()
    assert replaced["replaced"] and not replaced["key_created"]  # the key is reused
    assert replaced["id"] == issuer["id"] and replaced["name"] == "Tidewell Ltd"
    assert json.loads(key_file.read_text())["privateKeyMultibase"] == secret  # never replaced
    admin = token_id(org, A)
    assert audit(api, org) == [
        ("issuer replaced", admin, issuer["id"]),
        ("issuer created", admin, issuer["id"]),
    ]
    assert secret not in json.dumps(call(api, org, A, "GET", "/audit?days=3650").json())


def test_once_credentials_are_issued_force_changes_only_the_name_and_url(
    api: TestClient, org: Org
) -> None:
    call(api, org, A, "POST", "/issuer", 201, json=TIDEWELL)
    issue(api, org)
    moved = {**TIDEWELL, "did_web": "tidewell.example", "force": True}
    refused = call(api, org, A, "POST", "/issuer", 409, json=moved)
    assert "only --name and --url" in refused.json()["error"]["message"]
    assert call(api, org, R, "GET", "/issuer").json()["id"].startswith("did:key:")
    site = {"url": "https://group.tidewell.example", "force": True}
    refused = call(api, org, A, "POST", "/issuer", 409, json={**TIDEWELL, **site})
    assert "status list" in refused.json()["error"]["message"]  # derived from the url, as the CLI
    status_list = {"status_list_url": "https://tidewell.example/credentials/status/1"}
    renamed = {**site, "name": "Tidewell Group", **status_list}
    done = call(api, org, A, "POST", "/issuer", 200, json=renamed).json()
    assert done["name"] == "Tidewell Group" and done["issued"] == 1
    assert done["url"] == "https://group.tidewell.example"


def test_a_database_server_needs_the_servers_key(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings({}, database_url="postgresql://skillgap@db.example/skillgap")
    with org.app_client(settings=settings) as client:
        refused = call(client, org, A, "POST", "/issuer", 422, json=TIDEWELL)
        assert ENV_VAR in refused.json()["error"]["message"]
        call(client, org, A, "GET", "/issuer", 404)  # nothing written
        key = PrivateKey.generate_ed25519()
        monkeypatch.setenv(ENV_VAR, key.to_multibase())
        made = call(client, org, A, "POST", "/issuer", 201, json=TIDEWELL)
        issuer = made.json()
        assert issuer["key"] == "environment" and issuer["key_file"] is None
        assert not issuer["key_created"] and issuer["id"] == f"did:key:{key.public_multibase()}"
        assert key.to_multibase() not in made.text
        assert audit(client, org) == [("issuer created", token_id(org, A), issuer["id"])]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"name": " ", "url": "https://tidewell.example"}, ["body", "name"]),
        ({"url": "https://tidewell.example"}, ["body", "name"]),
        ({**TIDEWELL, "did_web": "tidewell.example/x"}, ["body", "did_web"]),
        ({**TIDEWELL, "force": "maybe"}, ["body", "force"]),
    ],
)
def test_a_malformed_body_is_refused_where_it_is_wrong(
    api: TestClient, org: Org, tmp_path: Path, body: dict[str, Any], where: list[str]
) -> None:
    error = call(api, org, A, "POST", "/issuer", 422, json=body).json()["error"]
    assert error["details"][0]["location"] == where
    call(api, org, A, "GET", "/issuer", 404)
    assert not list(tmp_path.glob("*key*"))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"url": "ftp://tidewell.example"}, "--url must be an http(s) URL"),
        ({"url": "http://[nope"}, "--url is not a URL"),
        ({"status_list_url": "http://tidewell.example/s"}, "must be an https:// URL"),
    ],
)
def test_a_bad_url_is_refused_and_nothing_is_made(
    api: TestClient, org: Org, tmp_path: Path, change: dict[str, str], says: str
) -> None:
    error = call(api, org, A, "POST", "/issuer", 422, json={**TIDEWELL, **change}).json()
    assert says in error["error"]["message"]
    call(api, org, A, "GET", "/issuer", 404)
    assert not list(tmp_path.glob("*key*"))  # no key made for a profile refused
    assert audit(api, org) == []


def test_only_administrators_set_up_the_issuer(api: TestClient, org: Org) -> None:
    for who in (H, M, R, E):
        call(api, org, who, "POST", "/issuer", 403, json=TIDEWELL)
    for who in (M, E):
        call(api, org, who, "GET", "/issuer", 403)
    call(api, org, A, "GET", "/issuer", 404)  # nothing was made
    assert api.post("/api/v1/issuer", json=TIDEWELL).status_code == 401


# --- issuer publish --------------------------------------------------------------------------


def test_the_published_documents_verify_what_was_issued(
    api: TestClient, org: Org, tmp_path: Path
) -> None:
    call(api, org, A, "POST", "/issuer/publish", 404, json={})  # no issuer yet
    issuer_setup(org, tmp_path)
    kept = issue(api, org)
    gone = issue(api, org)
    call(api, org, H, "POST", f"/issued/{gone['id']}/revoke", json={})
    answer = call(api, org, H, "POST", "/issuer/publish", json={"valid_days": 7})
    site = tmp_path / "site"
    names = unpacked(answer, site)
    assert names == ["status-list.json", "issuer.json", "index.json"]  # did:key: no did.json
    status = json.loads((site / "status-list.json").read_text())
    assert status["validUntil"] == "2026-12-02T09:00:00Z"  # now + valid_days
    for credential, state in ((kept, "valid"), (gone, "revoked")):
        found = verified(site, org, "c.json", credential["document"].encode())
        assert found.status == state, found.report
    default = call(api, org, A, "POST", "/issuer/publish")  # no body: 30 days
    names = unpacked(default, tmp_path / "default")
    status = json.loads((tmp_path / "default" / "status-list.json").read_text())
    assert status["validUntil"] == "2026-12-25T09:00:00Z"
    with org.store.transaction() as ws:  # each signing is audited, with who asked
        signed = [e for e in ws.audit.list() if e.action == "issuer documents signed"]
    assert sorted((e.details["valid_until"], e.details["revoked"]) for e in signed) == [
        ("2026-12-02T09:00:00+00:00", 1),
        ("2026-12-25T09:00:00+00:00", 1),
    ]
    assert len({e.actor for e in signed}) == 2  # the HR token, then the administrator's
    assert signed[0].details["files"] == ["status-list.json", "issuer.json"]


def test_a_did_web_issuer_publishes_its_did_document(api: TestClient, org: Org) -> None:
    body = {**TIDEWELL, "did_web": "tidewell.example"}
    call(api, org, A, "POST", "/issuer", 201, json=body)
    answer = call(api, org, A, "POST", "/issuer/publish", json={})
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        index = json.loads(archive.read("index.json"))
        assert "did.json" in archive.namelist()
    assert index["did:web:tidewell.example"]["file"] == "did.json"


@pytest.mark.parametrize("days", [0, 367, "soon"])
def test_publishing_refuses_a_validity_out_of_range(
    api: TestClient, org: Org, tmp_path: Path, days: Any
) -> None:
    issuer_setup(org, tmp_path)
    error = call(api, org, H, "POST", "/issuer/publish", 422, json={"valid_days": days}).json()
    assert error["error"]["details"][0]["location"] == ["body", "valid_days"]


def test_publishing_needs_the_servers_key(api: TestClient, org: Org, tmp_path: Path) -> None:
    keys = MemoryKeyStore()  # no key file named in the profile
    init_issuer(org.store, keys, name="Tidewell", url="https://tidewell.example", clock=org.clock)
    keyless = call(api, org, H, "POST", "/issuer/publish", 422).json()["error"]["message"]
    assert ENV_VAR in keyless
    assert call(api, org, A, "GET", "/issuer").json()["key"] == "none"


def test_a_missing_key_file_is_refused_without_its_path(
    api: TestClient, org: Org, tmp_path: Path
) -> None:
    issuer_setup(org, tmp_path)
    (tmp_path / "issuer-key.json").unlink()
    assert not call(api, org, R, "GET", "/issuer").json()["key_found"]
    message = call(api, org, H, "POST", "/issuer/publish", 422).json()["error"]["message"]
    assert "does not exist" in message and str(tmp_path) not in message


def test_only_administrators_and_hr_publish(api: TestClient, org: Org, tmp_path: Path) -> None:
    issuer_setup(org, tmp_path)
    for who in (M, R, E):
        call(api, org, who, "POST", "/issuer/publish", 403)


# --- baked badges ------------------------------------------------------------------------------


def test_a_credential_is_baked_into_a_png_and_verifies(
    api: TestClient, org: Org, tmp_path: Path
) -> None:
    issuer_setup(org, tmp_path)
    issued = issue(api, org)
    site = tmp_path / "site"
    unpacked(call(api, org, A, "POST", "/issuer/publish"), site)
    files = {"image": ("badge.png", png(), "image/png")}
    baked = call(api, org, R, "POST", f"/issued/{issued['id']}/baked", files=files)
    assert baked.headers["content-type"] == "image/png"
    disposition = baked.headers["content-disposition"]
    assert disposition == 'attachment; filename="data-analytics-proficiency-E1057.png"'
    assert extract_png(baked.content) == issued["document"].strip()
    found = verified(site, org, "badge.png", baked.content)
    assert found.valid, found.report
    assert found.container == "png" and found.document["id"] == issued["id"]


def test_a_jwt_credential_is_baked_into_an_svg_and_verifies(
    api: TestClient, org: Org, tmp_path: Path
) -> None:
    issuer_setup(org, tmp_path)
    issued = issue(api, org, "jwt")
    site = tmp_path / "site"
    unpacked(call(api, org, H, "POST", "/issuer/publish"), site)
    bare = issued["id"].removeprefix("urn:uuid:")
    files = {"image": ("badge.svg", SVG, "image/svg+xml")}
    baked = call(api, org, H, "POST", f"/issued/{bare}/baked", files=files)
    assert baked.headers["content-type"].startswith("image/svg+xml")
    assert baked.headers["content-disposition"].endswith('-E1057.svg"')
    assert extract_svg(baked.content) == issued["document"].strip()
    found = verified(site, org, "badge.svg", baked.content)
    assert found.valid and found.format == "ob3.0-jwt", found.report
    assert found.document["id"] == issued["id"]


@pytest.mark.parametrize(
    ("image", "says"),
    [
        (b"just some text", "not a PNG or SVG image"),
        (png()[:-4] + b"\x00\x00\x00\x00", "bad CRC"),
        (png()[:30], "truncated"),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "x">]><svg>&a;</svg>', "DTD"),
        (b"<svg><unclosed></svg>", "not well-formed"),
    ],
)
def test_an_image_that_is_not_a_sound_png_or_svg_is_refused(
    api: TestClient, org: Org, tmp_path: Path, image: bytes, says: str
) -> None:
    issuer_setup(org, tmp_path)
    issued = issue(api, org)
    files = {"image": ("../../badge.png", image, "image/png")}
    error = call(api, org, A, "POST", f"/issued/{issued['id']}/baked", 422, files=files).json()
    assert says in error["error"]["message"]
    [detail] = error["error"]["details"]
    assert detail["file"] == "badge.png" and detail["field"] == "image"  # no path from the client
    assert says in detail["reason"]


def test_baking_refusals(api: TestClient, org: Org, tmp_path: Path) -> None:
    files = {"image": ("badge.png", png(), "image/png")}
    missing = call(api, org, A, "POST", "/issued/urn:uuid:nope/baked", 404, files=files)
    assert missing.json()["error"]["code"] == "not-found"
    issuer_setup(org, tmp_path)
    issued = issue(api, org)
    url = f"/issued/{issued['id']}/baked"
    for who in (M, E):
        call(api, org, who, "POST", url, 403, files=files)
    call(api, org, A, "POST", url, 422)  # no image
    call(api, org, H, "POST", f"/issued/{issued['id']}/revoke", json={})
    revoked = call(api, org, A, "POST", url, 409, files=files).json()
    assert "revoked" in revoked["error"]["message"]


def test_an_image_over_the_upload_limit_is_refused(org: Org, tmp_path: Path) -> None:
    issuer_setup(org, tmp_path)
    with org.app_client(max_file_bytes=1000) as client:
        issued = issue(client, org)
        files = {"image": ("badge.png", png() + b"\x00" * 1000, "image/png")}
        url = f"/issued/{issued['id']}/baked"
        assert call(client, org, A, "POST", url, 413, files=files).json()["error"]["code"]
