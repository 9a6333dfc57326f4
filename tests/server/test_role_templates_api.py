"""Roles from occupations and loading an organisation bundle through the API: occupations
looked up by anyone signed in, a role made from one by administrators and HR, and a bundle
(a zip) loaded by administrators, all or nothing, keeping accounts, tokens and the audit
log."""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest

from skillgap.domain import CompetencyRef, Occupation, OccupationSkill, Relation
from skillgap.domain.governance import AuditEntry
from skillgap.domain.users import UserRole
from skillgap.services import tokens as tokens_service
from skillgap.services import users as users_service
from skillgap.services.bundles import AUDIT_BUNDLE, demo_folder
from skillgap.store import Store
from skillgap.store.memory import MemoryStore

from .conftest import EMAIL, EMPLOYEE, A, E, H, M, Org, R, TestClient, login
from .test_issuing_api import OWN
from .test_plans_api import issuer_setup

DEMO = demo_folder()


def skill(code: str, relation: Relation = Relation.ESSENTIAL) -> OccupationSkill:
    return OccupationSkill(CompetencyRef("demo", code), relation)


def add_occupations(store: Store) -> None:
    translator = Occupation(
        "demo",
        "occ-1",
        "Analytics translator",
        alt_titles=("data translator",),
        skills=(skill("sql"), skill("communication"), skill("statistics", Relation.OPTIONAL)),
    )
    planner = Occupation("demo", "occ-2", "Network planner", skills=(skill("sql"),))
    with store.transaction() as ws:
        ws.occupations.add_all([translator, planner])


def role_names(store: Store) -> dict[str, str]:
    with store.transaction() as ws:
        return {r.id: r.name for r in ws.roles.list()}


# --- occupations ------------------------------------------------------------------------------


def test_occupations_are_found_by_code_title_or_alternative_title(
    client: TestClient, org: Org
) -> None:
    add_occupations(org.store)
    url = "/api/v1/occupations"
    by_alt = client.get(url, params={"q": "Data Translator"}, headers=org.bearer(E))
    assert by_alt.status_code == 200, by_alt.text
    assert by_alt.json() == [
        {"framework": "demo", "code": "occ-1", "title": "Analytics translator", "skills": 3}
    ]
    by_code = client.get(url, params={"q": "occ-"}, headers=org.bearer(M)).json()
    assert [o["code"] for o in by_code] == ["occ-1", "occ-2"]
    one = client.get(url, params={"q": "occ-", "limit": 1}, headers=org.bearer(R)).json()
    assert len(one) == 1
    other = client.get(url, params={"q": "occ", "framework": "esco"}, headers=org.bearer(E))
    assert other.json() == []


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101}]
)
def test_occupations_refuse_bad_parameters(
    client: TestClient, org: Org, params: dict[str, object]
) -> None:
    found = client.get("/api/v1/occupations", params=params, headers=org.bearer(A))
    assert found.status_code == 422
    assert found.json()["error"]["code"] == "validation"


def test_occupations_need_a_signed_in_user(client: TestClient) -> None:
    assert client.get("/api/v1/occupations", params={"q": "x"}).status_code == 401


# --- a role from an occupation ----------------------------------------------------------------

MAKE = {"occupation": "occ-1", "framework": "demo", "id": "translator"}


def test_a_role_is_made_from_an_occupation_and_remade_only_when_asked(
    client: TestClient, org: Org
) -> None:
    add_occupations(org.store)
    made = client.post("/api/v1/roles/from-occupation", json=MAKE, headers=org.bearer(H))
    assert made.status_code == 201, made.text
    role = made.json()
    assert role["id"] == "translator" and role["name"] == "Analytics translator"
    now = {r["competency"]: r["now"] for r in role["requirements"]}
    assert set(now) == {"demo:sql", "demo:communication", "demo:statistics"}
    assert now["demo:sql"]["importance"] == "important"  # essential, no rating
    assert now["demo:statistics"]["importance"] == "useful"  # optional
    shown = client.get("/api/v1/roles/translator", headers=org.bearer(E)).json()
    assert shown["requirements"] == role["requirements"]

    again = client.post("/api/v1/roles/from-occupation", json=MAKE, headers=org.bearer(A))
    assert again.status_code == 409
    assert "exists already" in again.json()["error"]["message"]
    remade = {**MAKE, "occupation": "occ-2", "name": "Translator", "replace": True}
    answer = client.post("/api/v1/roles/from-occupation", json=remade, headers=org.bearer(A))
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "Translator"
    assert [r["competency"] for r in answer.json()["requirements"]] == ["demo:sql"]
    assert role_names(org.store)["translator"] == "Translator"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occupation": "occ-9"}, "no occupation 'occ-9'"),
        ({"framework": "esco"}, "esco"),
    ],
)
def test_an_unknown_occupation_or_framework_is_not_found(
    client: TestClient, org: Org, change: dict[str, str], message: str
) -> None:
    add_occupations(org.store)
    found = client.post(
        "/api/v1/roles/from-occupation", json={**MAKE, **change}, headers=org.bearer(A)
    )
    assert found.status_code == 404
    assert message in found.json()["error"]["message"]
    assert "translator" not in role_names(org.store)


@pytest.mark.parametrize(
    "body",
    [
        {**MAKE, "id": ""},
        {**MAKE, "id": "a/b"},
        {**MAKE, "id": "bad\x07id"},
        {**MAKE, "replace": "perhaps"},
        {"occupation": "occ-1", "framework": "demo"},
    ],
)
def test_a_bad_request_makes_nothing(client: TestClient, org: Org, body: dict[str, str]) -> None:
    add_occupations(org.store)
    before = role_names(org.store)
    answer = client.post("/api/v1/roles/from-occupation", json=body, headers=org.bearer(A))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]
    assert role_names(org.store) == before


@pytest.mark.parametrize("who", [M, R, E])
def test_only_admin_and_hr_make_roles(client: TestClient, org: Org, who: UserRole) -> None:
    add_occupations(org.store)
    refused = client.post("/api/v1/roles/from-occupation", json=MAKE, headers=org.bearer(who))
    assert refused.status_code == 403
    assert "translator" not in role_names(org.store)


# --- loading a bundle -------------------------------------------------------------------------


def bundle_copy(tmp_path: Path, *, without: str | None = None) -> Path:
    """The demo bundle in a folder of its own; ``without``: that person left out (their
    rows in every CSV file)."""
    folder = tmp_path / "bundle"
    shutil.copytree(DEMO, folder)
    if without is not None:
        for name in ("people.csv", "awards.csv", "claims.csv"):
            path = folder / name
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(x for x in lines if without not in x), encoding="utf-8")
    return folder


def zipped(folder: Path, prefix: str = "tidewell/", extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
        with warnings.catch_warnings():  # a name twice: on purpose
            warnings.simplefilter("ignore")
            for name, data in (extra or {}).items():
                archive.writestr(name, data)
    return buffer.getvalue()


#: For the authorization matrix (test_matrix.py): the demo bundle, zipped, and what making a
#: role from an occupation needs first.
MATRIX_BUNDLE = [("file", ("tidewell.zip", zipped(DEMO), "application/zip"))]


def occupations_setup(org: Org, folder: Path) -> None:
    add_occupations(org.store)


def send(
    client: TestClient, org: Org, data: bytes, *, replace: bool = True, who: UserRole = A
) -> tuple[int, dict[str, object]]:
    answer = client.post(
        "/api/v1/bundle",
        files=[("file", ("bundle.zip", data, "application/zip"))],
        data={"replace": "true" if replace else "false"},
        headers=org.bearer(who),
    )
    body: dict[str, object] = answer.json()
    return answer.status_code, body


def organisation_of(store: Store) -> str | None:
    with store.transaction() as ws:
        return ws.meta.get("organisation")


DEMO_COUNTS = dict(
    competencies=42, roles=9, people=60, issuers=10, achievements=45, awards=193, claims=190
)


def test_a_bundle_replaces_the_data_keeping_accounts_tokens_and_the_audit_log(
    client: TestClient, org: Org, tmp_path: Path
) -> None:
    replaces_keeping_access(client, org, tmp_path)


def test_a_bundle_replaces_a_sqlite_workspace_too(sqlite_org: Org, tmp_path: Path) -> None:
    with sqlite_org.app_client() as client:
        replaces_keeping_access(client, sqlite_org, tmp_path)


def test_a_bundle_replaces_a_postgresql_workspace_too(postgres_org: Org, tmp_path: Path) -> None:
    with postgres_org.app_client() as client:
        replaces_keeping_access(client, postgres_org, tmp_path)


def replaces_keeping_access(client: TestClient, org: Org, tmp_path: Path) -> None:
    folder = bundle_copy(tmp_path)
    roles = folder / "roles.yaml"
    roles.write_text(roles.read_text().replace("name: Data Analyst\n", "name: Data Analyst II\n"))
    organisation = folder / "organisation.yaml"
    organisation.write_text(
        organisation.read_text().replace("Tidewell Logistics", "Tidewell Reloaded")
    )
    listed = client.get("/api/v1/roles/data-analyst", headers=org.bearer(E))  # now cached
    assert listed.json()["name"] == "Data Analyst"
    assert login(client, EMAIL[H]).status_code == 303  # a browser session: the load ends it
    assert client.get("/api/v1/me").status_code == 200
    with org.store.transaction() as ws:
        for action in ("candidates", "policy check"):
            ws.audit.append(AuditEntry(org.clock.now(), EMAIL[H], action, "data-analyst"))
        audit_before = [(e.at, e.actor, e.action, e.subject) for e in ws.audit.list()][::-1]

    status, body = send(client, org, zipped(folder))

    assert status == 200, body
    assert body["organisation"] == "Tidewell Reloaded" and body["replaced"] is True
    assert body["counts"] == DEMO_COUNTS
    kept = {"users": 5, "tokens": 5, "audit_entries": len(audit_before), "removed": []}
    assert body["kept"] == kept
    # the next request sees the new data (the read cache moved on) ...
    shown = client.get("/api/v1/roles/data-analyst", headers=org.bearer(E))
    assert shown.json()["name"] == "Data Analyst II"
    assert organisation_of(org.store) == "Tidewell Reloaded"
    # ... every token still works; the session ended, and the account signs in again
    for role in UserRole:
        assert client.get("/api/v1/me", headers=org.bearer(role)).status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    assert login(client, EMAIL[H]).status_code == 303
    assert client.get("/api/v1/me").json()["user_id"] == EMAIL[H]
    with org.store.transaction() as ws:
        entries = ws.audit.list(action=None)[::-1]
    loaded = [e for e in entries if e.action == AUDIT_BUNDLE]
    assert [(e.at, e.actor, e.action, e.subject) for e in entries][: len(audit_before)] == (
        audit_before
    )
    assert len(loaded) == 1 and loaded[0].subject == "Tidewell Reloaded"
    assert loaded[0].actor == f"token:{org.tokens[A].split('_')[1]}"
    assert loaded[0].details["file"] == "bundle.zip" and loaded[0].details["replaced"] is True


def test_a_workspace_with_data_is_replaced_only_when_asked(client: TestClient, org: Org) -> None:
    status, body = send(client, org, zipped(DEMO), replace=False)
    assert status == 409
    assert "replace=true" in str(body["error"])
    with org.store.transaction() as ws:
        assert not ws.audit.list(action=AUDIT_BUNDLE)


def test_an_empty_workspace_takes_a_bundle_at_the_top_of_the_archive(org: Org) -> None:
    store = MemoryStore()
    secret = tokens_service.create_token(store, org.clock, "setup", role=A, created_by="t").secret
    empty = Org(store, org.clock, {A: secret}, org.settings)
    with empty.app_client() as client:
        status, body = send(client, empty, zipped(DEMO, prefix=""), replace=False)
    assert status == 200, body
    assert body["replaced"] is False and body["organisation"] == "Tidewell Logistics"
    assert body["kept"] == {"users": 0, "tokens": 1, "audit_entries": 0, "removed": []}
    with store.transaction() as ws:
        assert ws.people.count() == 60
        assert [e.action for e in ws.audit.list()] == [AUDIT_BUNDLE]


def test_an_invalid_bundle_is_refused_with_every_error_located_and_nothing_written(
    client: TestClient, org: Org, tmp_path: Path
) -> None:
    folder = bundle_copy(tmp_path)
    people = folder / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8").replace("E1057,Julien Lefèvre,", "E1057,,"),
        encoding="utf-8",
    )
    organisation = folder / "organisation.yaml"
    organisation.write_text(organisation.read_text() + "colour: blue\n")
    (folder / "claims.csv").unlink()

    status, body = send(client, org, zipped(folder))

    assert status == 422, body
    details = body["error"]["details"]  # type: ignore[index]
    located = {(d["file"], d["row"], d["field"]) for d in details}
    assert ("people.csv", 58, "name") in located  # row 1 is the header
    assert any(d["file"] == "organisation.yaml" and "colour" in d["reason"] for d in details)
    assert any(d["file"] == "claims.csv" for d in details)
    assert organisation_of(org.store) == "Tidewell Logistics"
    with org.store.transaction() as ws:
        assert ws.people.get(EMPLOYEE).name == "Julien Lefèvre"
        assert not ws.audit.list(action=AUDIT_BUNDLE)


@pytest.mark.parametrize(
    ("data", "where", "reason"),
    [
        (zipped(DEMO, extra={"../evil.yaml": b"x"}), "bundle.zip!../evil.yaml", "'..'"),
        (zipped(DEMO, extra={"/etc/x.csv": b"x"}), "bundle.zip!/etc/x.csv", "absolute"),
        (b"employee_id,name\n", "bundle.zip", "not a zip archive"),
        (zipped(DEMO, extra={f"x/{n}.txt": b"" for n in range(100)}), "bundle.zip", "members"),
        (zipped(DEMO, extra={"tidewell/people.csv": b"again"}), "tidewell/people.csv", "twice"),
        (zipped(DEMO, extra={"other/roles.yaml": b"x"}), "bundle.zip", "several folders"),
    ],
    ids=["climbs", "absolute", "not-a-zip", "too-many", "twice", "two-folders"],
)
def test_a_hostile_or_odd_archive_is_refused(
    client: TestClient, org: Org, data: bytes, where: str, reason: str
) -> None:
    status, body = send(client, org, data)
    assert status == 422, body
    details = body["error"]["details"]  # type: ignore[index]
    assert any(where in d["file"] and reason in d["reason"] for d in details), details
    assert organisation_of(org.store) == "Tidewell Logistics"


def test_an_archive_over_the_size_limit_is_refused(org: Org) -> None:
    with org.app_client(max_table_bytes=10_000) as client:
        status, body = send(client, org, zipped(DEMO))
    assert status == 413, body


@pytest.mark.parametrize("who", [H, M, R, E])
def test_only_an_administrator_loads_a_bundle(client: TestClient, org: Org, who: UserRole) -> None:
    status, _ = send(client, org, zipped(DEMO), who=who)
    assert status == 403
    with org.store.transaction() as ws:
        assert not ws.audit.list(action=AUDIT_BUNDLE)


def test_a_workspace_holding_issued_credentials_is_never_replaced(
    client: TestClient, org: Org, tmp_path: Path
) -> None:
    issuer_setup(org, tmp_path)
    made = {"achievement_id": OWN, "person": EMPLOYEE, "evidence": []}
    assert client.post("/api/v1/issued", json=made, headers=org.bearer(A)).status_code == 201
    status, body = send(client, org, zipped(DEMO))
    assert status == 409
    assert "issued" in str(body["error"])
    with org.store.transaction() as ws:
        assert ws.issued.count() == 1 and not ws.audit.list(action=AUDIT_BUNDLE)


def test_accounts_of_people_the_bundle_drops(client: TestClient, org: Org, tmp_path: Path) -> None:
    folder = bundle_copy(tmp_path, without=EMPLOYEE)
    refused, body = send(client, org, zipped(folder))
    assert refused == 409  # the employee's account and token are in use
    message = str(body["error"])
    assert f"user {EMAIL[E]} (person {EMPLOYEE})" in message and "token" in message
    assert organisation_of(org.store) == "Tidewell Logistics"

    users_service.deactivate_user(org.store, EMAIL[E])
    token_id = org.tokens[E].split("_")[1]
    tokens_service.revoke_token(org.store, org.clock, token_id)
    status, body = send(client, org, zipped(folder))
    assert status == 200, body
    kept = body["kept"]
    assert kept["removed"] == [f"user {EMAIL[E]}", f"token {token_id}"]  # type: ignore[index]
    assert kept["users"] == 4 and kept["tokens"] == 4  # type: ignore[index]
    with org.store.transaction() as ws:
        assert ws.users.find(EMAIL[E]) is None and ws.people.find(EMPLOYEE) is None
        assert ws.users.find(EMAIL[M]) is not None
        assert ws.audit.list(action=AUDIT_BUNDLE)[0].details["removed"] == kept["removed"]  # type: ignore[index]
