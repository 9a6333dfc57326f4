"""The REST API on the demo organisation: error bodies, pagination and filters, reach
(a manager outside their tree gets exactly a missing person's answer), privacy of
aggregates, credential upload and verification with their limits, the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from skillgap.analysis.inventory import View
from skillgap.clock import FixedClock
from skillgap.demo.credentials import DemoCredentials, demo_credentials
from skillgap.domain.users import UserRole
from skillgap.formats.bundle import Bundle
from skillgap.reports.person_progress import person_progress_data
from skillgap.server.api.reports import PersonGapsOut
from skillgap.services.snapshots import person_progress, take_snapshot
from skillgap.store.memory import MemoryStore

from .conftest import EMPLOYEE, MANAGER, NOW, OUTSIDE, Org, TestClient, populate
from .test_matrix import EXPECTED

A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)


def get(client: TestClient, org: Org, who: UserRole, url: str, status: int = 200) -> Any:
    answer = client.get(url, headers=org.bearer(who))
    assert answer.status_code == status, answer.text[:400]
    return answer.json()


# --- errors ------------------------------------------------------------------------------------


def test_not_found_body(client: TestClient, org: Org) -> None:
    body = get(client, org, A, "/api/v1/roles/nope", 404)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "not-found" and "no role 'nope'" in body["error"]["message"]
    unknown = get(client, org, A, "/api/v1/no-such-thing", 404)
    role_gaps = get(client, org, H, f"/api/v1/people/{EMPLOYEE}/gaps?role=nope", 404)
    assert role_gaps["error"]["message"] == "no role 'nope'"  # no `skillgap roles list` hint
    assert unknown["error"]["code"] == "not-found"


def test_request_validation_in_the_same_shape(client: TestClient, org: Org) -> None:
    body = get(client, org, A, "/api/v1/people?limit=0", 422)["error"]
    assert body["code"] == "validation"
    assert body["message"].startswith("the request is invalid: query.limit")
    assert body["details"][0]["location"] == ["query", "limit"]
    wrong = client.post("/api/v1/users", json={"email": "x"}, headers=org.bearer(A))
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "validation"


def test_domain_errors_become_validation_and_conflict(client: TestClient, org: Org) -> None:
    short = {"email": "new@tidewell.example", "role": "hr", "password": "short"}
    refused = client.post("/api/v1/users", json=short, headers=org.bearer(A))
    assert refused.status_code == 422
    assert "at least 12 characters" in refused.json()["error"]["message"]
    twice = {**short, "password": "long enough password"}
    assert client.post("/api/v1/users", json=twice, headers=org.bearer(A)).status_code == 201
    again = client.post("/api/v1/users", json=twice, headers=org.bearer(A))
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "conflict",
        "message": "user 'new@tidewell.example' exists already",
        "details": None,
    }
    horizon = get(client, org, A, f"/api/v1/people/{EMPLOYEE}/gaps?horizon=soon", 422)
    assert "horizon 'soon'" in horizon["error"]["message"]


def test_a_bad_parameter_is_located_however_it_is_refused(client: TestClient, org: Org) -> None:
    horizon = get(client, org, A, "/api/v1/gaps/organisation?horizon=soon", 422)["error"]
    assert horizon["details"] == [
        {"location": ["query", "horizon"], "message": horizon["message"], "type": "value"}
    ]
    status = get(client, org, A, "/api/v1/credentials?status=bogus", 422)["error"]
    assert status["details"][0]["location"] == ["query", "status"]
    for known in ("valid", "revoked", "status-unverifiable", "unverified"):
        get(client, org, A, f"/api/v1/credentials?status={known}")
    where = "/api/v1/roles/data-engineer/candidates?plans=false&where=nokey"
    attribute = get(client, org, A, where, 422)["error"]
    assert attribute["details"][0]["location"] == ["query", "where"]


def test_method_not_allowed_in_the_same_shape(client: TestClient, org: Org) -> None:
    answer = client.put("/api/v1/roles", headers=org.bearer(A))
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method-not-allowed"


def test_security_headers(client: TestClient, org: Org) -> None:
    answer = client.get("/api/v1/me", headers=org.bearer(A))
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in answer.headers["content-security-policy"]


# --- pagination and filters --------------------------------------------------------------------


def test_people_pages(client: TestClient, org: Org) -> None:
    first = get(client, org, H, "/api/v1/people?limit=25")
    assert first["total"] == 60 and len(first["items"]) == 25 and first["next_offset"] == 25
    second = get(client, org, H, "/api/v1/people?limit=25&offset=25")
    last = get(client, org, H, "/api/v1/people?limit=25&offset=50")
    assert len(last["items"]) == 10 and last["next_offset"] is None
    ids = [p["employee_id"] for page in (first, second, last) for p in page["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 60
    beyond = get(client, org, H, "/api/v1/people?offset=500")
    assert beyond["items"] == [] and beyond["total"] == 60


def test_people_filters(client: TestClient, org: Org) -> None:
    team = get(client, org, H, "/api/v1/people?team=Network Planning")["items"]
    assert {p["team"] for p in team} == {"Network Planning"} and len(team) == 5
    role = get(client, org, H, "/api/v1/people?role=data-analyst&department=Operations")
    assert all(p["role"] == "data-analyst" for p in role["items"])


def test_manager_sees_their_tree(client: TestClient, org: Org) -> None:
    people = get(client, org, M, "/api/v1/people?limit=100")["items"]
    ids = {p["employee_id"] for p in people}
    assert MANAGER in ids and EMPLOYEE in ids and OUTSIDE not in ids
    assert all(p["manager_id"] == MANAGER for p in people if p["employee_id"] != MANAGER)


def test_competency_pages_and_search(client: TestClient, org: Org) -> None:
    page = get(client, org, E, "/api/v1/frameworks/demo/competencies?limit=10&offset=40")
    assert page["total"] == 42 and len(page["items"]) == 2
    hits = get(client, org, E, "/api/v1/competencies/search?q=sqll")
    assert hits[0]["competency"]["ref"] == "demo:sql"


def test_a_persons_progress(client: TestClient, org: Org) -> None:
    empty = get(client, org, E, f"/api/v1/people/{EMPLOYEE}/progress")
    assert (empty["person"], empty["view"], empty["periods"]) == (EMPLOYEE, "verified", [])
    take_snapshot(org.store, org.clock, as_of=date(2027, 12, 31))  # horizons reached
    for view in ("verified", "best-available"):
        found = get(client, org, M, f"/api/v1/people/{EMPLOYEE}/progress?view={view}")
        mine = person_progress(org.store, EMPLOYEE, view=View(view))
        assert found == person_progress_data(mine)
        [period] = found["periods"]
        assert (period["from_as_of"], period["to_as_of"]) == ("2026-11-01", "2027-12-31")
        assert period["gaps_opened"] and period["readiness"]["change"] < 0
        assert {g["cause"] for g in period["gaps_opened"]} <= {
            "requirement-raised",
            "newly-required",
            "level-fell",
        }
    later = get(client, org, E, f"/api/v1/people/{EMPLOYEE}/progress?since=2027-01-01")
    assert later["periods"] == [] and later["since"] == "2027-01-01"  # one snapshot since
    for bad in ("view=nonsense", "since=2027-13-01"):
        refused = get(client, org, E, f"/api/v1/people/{EMPLOYEE}/progress?{bad}", 422)
        assert refused["error"]["code"] == "validation"
        assert bad.split("=")[0] in str(refused["error"]["details"])  # names the field


# --- reach: 404 exactly as for a missing person -------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/gaps", "/explanation?competency=sql", "/progress"])
def test_outside_the_tree_is_a_missing_person(client: TestClient, org: Org, suffix: str) -> None:
    outside = client.get(f"/api/v1/people/{OUTSIDE}{suffix}", headers=org.bearer(M))
    missing = client.get(f"/api/v1/people/E9999{suffix}", headers=org.bearer(M))
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["error"] == {
        "code": "not-found",
        "message": f"no person '{OUTSIDE}'",
        "details": None,
    }
    assert missing.json()["error"]["message"] == "no person 'E9999'"
    assert set(outside.headers) == set(missing.headers)
    as_hr = client.get(f"/api/v1/people/E9999{suffix}", headers=org.bearer(H))
    assert as_hr.json() == missing.json()  # HR: the same answer for a missing person


def test_credentials_outside_reach(client: TestClient, org: Org) -> None:
    theirs = get(client, org, E, "/api/v1/credentials?limit=500")["items"]
    assert theirs and {c["person_id"] for c in theirs} == {EMPLOYEE}
    security = get(client, org, A, f"/api/v1/credentials?person={OUTSIDE}")["items"][0]["id"]
    hidden = get(client, org, M, f"/api/v1/credentials/{security}", 404)
    assert hidden["error"]["message"] == f"no credential with id '{security}'"
    filtered = get(client, org, M, f"/api/v1/credentials?person={OUTSIDE}", 404)
    assert filtered["error"]["message"] == f"no person '{OUTSIDE}'"
    assert get(client, org, R, f"/api/v1/credentials/{security}")["id"] == security


def test_manager_groups_outside_reach(client: TestClient, org: Org) -> None:
    assert get(client, org, M, "/api/v1/gaps/teams/Network Planning")["people"] == 5
    other = get(client, org, M, "/api/v1/gaps/teams/Security Operations", 404)
    nowhere = get(client, org, M, "/api/v1/gaps/teams/Nowhere", 404)
    assert other["error"]["message"] == "no team 'Security Operations'"
    assert nowhere["error"]["message"] == "no team 'Nowhere'"
    assert get(client, org, M, "/api/v1/priorities", 403)["error"]["code"] == "forbidden"
    assert get(client, org, M, "/api/v1/priorities?department=Security", 404)
    own = get(client, org, M, "/api/v1/priorities?team=Network Planning")
    assert own["scope"] == {"kind": "team", "name": "Network Planning"}
    assert get(client, org, M, "/api/v1/priorities?team=Security Operations", 404)


# --- privacy of aggregates ---------------------------------------------------------------------


def test_small_groups_are_suppressed_except_for_administrators(
    client: TestClient, org: Org
) -> None:
    url = "/api/v1/gaps/teams/Identity & Governance"  # 4 people: below 5
    hidden = get(client, org, H, url.replace("&", "%26"))
    assert hidden["suppressed"] == "small-group" and hidden["people"] == 4
    assert hidden["readiness"]["suppressed"] == "small-group"
    assert hidden["competencies"] == [] and hidden["admin"] is False
    shown = get(client, org, A, url.replace("&", "%26"))
    assert shown["suppressed"] is None and shown["admin"] is True
    assert shown["competencies"] and shown["readiness"]["suppressed"] is None


def test_rows_from_few_people_are_suppressed_inside_a_large_group(
    client: TestClient, org: Org
) -> None:
    url = "/api/v1/gaps/departments/Data %26 Analytics"
    department = get(client, org, H, url)
    few = [row for row in department["competencies"] if row["suppressed"]]
    assert few and {row["suppressed"] for row in few} == {"few-people"}
    assert all(row["people_in_scope"] is None and row["name"] for row in few)
    teams = {g["group"] for g in department["breakdown"]["groups"] if g["suppressed"]}
    assert teams == {"Data Engineering", "ML Lab"}
    admin = get(client, org, A, url)
    assert {row["suppressed"] for row in admin["competencies"]} == {None}
    priorities = get(client, org, H, "/api/v1/priorities")
    assert priorities["hidden"] and priorities["priorities"]
    assert all(row["people_required"] >= 5 for row in priorities["priorities"])


def test_aggregates_never_name_people(client: TestClient, org: Org) -> None:
    text = client.get("/api/v1/gaps/organisation", headers=org.bearer(H)).text
    assert EMPLOYEE not in text and "Julien" not in text


# --- one person --------------------------------------------------------------------------------


def test_person_gaps_and_explanation(client: TestClient, org: Org) -> None:
    gaps = get(client, org, E, f"/api/v1/people/{EMPLOYEE}/gaps?view=best-available")
    assert gaps["person"]["employee_id"] == EMPLOYEE and gaps["view"] == "best-available"
    assert gaps["horizon"] == "2027-12-31" and gaps["now"]["requirements"]
    dated = get(client, org, E, f"/api/v1/people/{EMPLOYEE}/gaps?horizon=2028-01-31")
    assert dated["horizon"] == "2028-01-31"
    why = get(client, org, M, f"/api/v1/people/{EMPLOYEE}/explanation?competency=demo:sql")
    assert why["competency"]["ref"] == "demo:sql" and "verified" in why["levels"]


def test_every_persons_gaps_answer_is_its_documented_model(client: TestClient, org: Org) -> None:
    """The gaps route answers its data as built (server/api/answers.py), not through its
    response model: each answer must be exactly what the model would have given."""
    people = get(client, org, H, "/api/v1/people?limit=500")["items"]
    asked = 0
    for person in people:
        for query in ("", "?view=best-available", "?horizon=2028-01-31", "?role=data-analyst"):
            answer = client.get(
                f"/api/v1/people/{person['employee_id']}/gaps{query}", headers=org.bearer(H)
            )
            if answer.status_code != 200:  # no role to compare with
                assert answer.status_code == 422 and person["role"] is None, answer.text
                continue
            assert answer.headers["content-type"] == "application/json"
            data = answer.json()
            assert PersonGapsOut.model_validate(data).model_dump(mode="json") == data
            asked += 1
    assert asked > 40


# --- credentials: upload, verify, limits ---------------------------------------------------------


@pytest.fixture(scope="module")
def made(demo_bundle: Bundle) -> DemoCredentials:
    return demo_credentials(demo_bundle)


@pytest.fixture
def without_theirs(
    demo_bundle: Bundle, password_hash: str, made: DemoCredentials
) -> Iterator[TestClient]:
    """The demo without the employee's own credentials (they upload them)."""
    bundle = replace(
        demo_bundle, awards=tuple(a for a in demo_bundle.awards if a.person_id != EMPLOYEE)
    )
    org = populate(MemoryStore(), bundle, password_hash, FixedClock(NOW))
    with org.app_client(fetcher=made.fetcher()) as client:
        client.headers.update(org.bearer(E))
        yield client


def files_of(made: DemoCredentials, *award_ids: str) -> list[Any]:
    found = [c for c in made.credentials if c.award_id in award_ids]
    return [("files", (c.file_name, c.text.encode(), "application/ld+json")) for c in found]


def test_uploading_a_badge_closes_a_gap(without_theirs: TestClient, made: DemoCredentials) -> None:
    client = without_theirs
    before = client.get(f"/api/v1/people/{EMPLOYEE}/gaps").json()
    lines = {r["competency"]: r for r in before["now"]["requirements"]}
    assert lines["demo:communication"]["status"] == "missing"
    answer = client.post("/api/v1/credentials", files=files_of(made, "A0192", "A0068"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    statuses = {a["achievement"]: a["status"] for a in body["awards"]}
    assert statuses == {"Communicator in Practice": "valid", "Data Science Guru": "expired"}
    assert {a["person_id"] for a in body["awards"]} == {EMPLOYEE}
    assert all(c["status"] == "pass" for c in body["awards"][0]["checks"] if c["name"] == "proof")
    after = client.get(f"/api/v1/people/{EMPLOYEE}/gaps").json()
    lines = {r["competency"]: r for r in after["now"]["requirements"]}
    assert lines["demo:communication"]["status"] == "met"
    assert after["readiness_now"] > before["readiness_now"]


def test_verify_several_files_without_storing(
    without_theirs: TestClient, made: DemoCredentials
) -> None:
    client = without_theirs
    files = [
        *files_of(made, "A0192"),
        ("files", ("../../etc/passwd", b"not a credential", "text/plain")),
    ]
    reports = client.post("/api/v1/credentials/verify", files=files).json()
    assert [(r["name"], r["status"]) for r in reports] == [
        ("A0192.json", "valid"),
        ("passwd", "malformed"),
    ]
    mine = client.get("/api/v1/credentials").json()
    assert mine["total"] == 0  # verifying stores nothing


def test_employee_uploads_only_for_themselves(
    without_theirs: TestClient, made: DemoCredentials
) -> None:
    answer = without_theirs.post(
        "/api/v1/credentials", files=files_of(made, "A0192"), data={"person": OUTSIDE}
    )
    assert answer.status_code == 403
    assert "only for themselves" in answer.json()["error"]["message"]


def test_hr_uploads_for_anyone(client: TestClient, org: Org, made: DemoCredentials) -> None:
    with org.app_client(fetcher=made.fetcher()) as hr:
        answer = hr.post(
            "/api/v1/credentials",
            files=files_of(made, "A0192"),
            data={"person": "E9999"},
            headers=org.bearer(H),
        )
        assert answer.status_code == 404
        answer = hr.post(
            "/api/v1/credentials", files=files_of(made, "A0192"), headers=org.bearer(H)
        )
    assert answer.status_code == 200 and answer.json()["awards"][0]["person_id"] == EMPLOYEE


def test_upload_limits(org: Org) -> None:
    with org.app_client(max_file_bytes=1000, max_request_bytes=5000, max_files=2) as client:
        headers = org.bearer(E)
        big = [("files", ("big.json", b"{" + b" " * 2000 + b"}", "application/json"))]
        answer = client.post("/api/v1/credentials/verify", files=big, headers=headers)
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "too-large"
        assert "big.json" in answer.json()["error"]["message"]
        many = [("files", (f"{n}.json", b"{}", "application/json")) for n in range(3)]
        answer = client.post("/api/v1/credentials/verify", files=many, headers=headers)
        assert answer.status_code == 413 and "at most 2" in answer.json()["error"]["message"]
        huge = [("files", ("huge.json", b"x" * 6000, "application/json"))]
        answer = client.post("/api/v1/credentials", files=huge, headers=headers)
        assert answer.status_code == 413
        assert "larger than the 5000 bytes" in answer.json()["error"]["message"]


# --- the OpenAPI document and the docs page ------------------------------------------------------


def test_openapi_document_lists_every_route(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "skillgap"
    paths = spec["paths"]
    api = {(m, p) for m, p in EXPECTED if p.startswith("/api/v1/") and "openapi" not in p}
    api.discard(("GET", "/api/v1/docs"))
    documented = {(m.upper(), p) for p, item in paths.items() for m in item}
    assert documented == api
    for item in paths.values():
        for method, op in item.items():
            assert op.get("summary") and op.get("description"), op.get("operationId")
            assert "200" in op["responses"] or "201" in op["responses"]
            assert {"400", "401", "403", "404", "422", "503"} <= set(op["responses"])
            if method != "get":  # a write may conflict, or be too large
                assert {"409", "413"} <= set(op["responses"]), op["operationId"]
    assert spec["components"]["schemas"]["ErrorBody"]
    gaps = paths["/api/v1/people/{person_id}/gaps"]["get"]["responses"]["200"]
    assert gaps["content"]["application/json"]["schema"]["$ref"].endswith("PersonGapsOut")


def test_openapi_document_is_valid(client: TestClient) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    spec = client.get("/api/v1/openapi.json").json()

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    schemas = spec["components"]["schemas"]
    for ref in refs(spec):
        assert ref.startswith("#/components/schemas/") and ref.split("/")[-1] in schemas
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)  # each schema is a JSON Schema
        assert name


def test_docs_page_lists_every_route(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    spec = client.get("/api/v1/openapi.json").json()
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in page.text
    assert "<script" not in page.text and "cdn" not in page.text.lower()


def test_the_issuer_registry_is_read_and_an_issuer_placed(client: TestClient, org: Org) -> None:
    unknown = get(client, org, R, "/api/v1/issuers?tier=unknown&limit=2")
    assert unknown["total"] == 3 and len(unknown["items"]) == 2 and unknown["next_offset"] == 2
    assert all(not i["trusted"] and i["score"] == 0 for i in unknown["items"])
    issuer = "https://skillbadge-express.example/issuer"
    body = {"issuer_id": issuer, "tier": "known"}
    placed = client.post("/api/v1/issuers/tier", json=body, headers=org.bearer(R))
    assert placed.status_code == 200, placed.text
    decision = placed.json()
    assert decision["changed"] and decision["by"].startswith("token:")
    assert decision["changes"] == [{"field": "tier", "old": "unknown", "new": "known"}]
    again = client.post("/api/v1/issuers/tier", json=body, headers=org.bearer(A)).json()
    assert again["changed"] is False
    assert get(client, org, H, "/api/v1/issuers?tier=unknown")["total"] == 2
    board = {**body, "tier": "internal-board"}
    refused = client.post("/api/v1/issuers/tier", json=board, headers=org.bearer(R))
    assert refused.status_code == 403 and "administrators only" in refused.text
    assert client.post("/api/v1/issuers/tier", json=board, headers=org.bearer(A)).status_code == 200
    nobody = {"issuer_id": "https://nobody.example/issuer", "tier": "known"}
    assert (
        client.post("/api/v1/issuers/tier", json=nobody, headers=org.bearer(R)).status_code == 404
    )
    bad = client.post(
        "/api/v1/issuers/tier", json={**body, "tier": "famous"}, headers=org.bearer(R)
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["location"][-1] == "tier"


def test_the_rubric_is_set_from_a_file_and_its_history_read(client: TestClient, org: Org) -> None:
    from skillgap.services.quality import export_rubric

    text = export_rubric(None).replace("threshold: 0.65", "threshold: 0.7", 1)
    files = [("file", ("board-2026.yaml", text.encode(), "text/yaml"))]
    answer = client.put("/api/v1/rubric", files=files, headers=org.bearer(A))
    assert answer.status_code == 200, answer.text
    update = answer.json()
    assert update["changed"] and update["changes"] == [
        {"field": "threshold", "old": 0.65, "new": 0.7}
    ]
    assert update["rubric"]["custom"] and update["rubric"]["rubric"]["threshold"] == 0.7
    again = client.put("/api/v1/rubric", files=files, headers=org.bearer(A)).json()
    assert again["changed"] is False and again["changes"] == []
    history = get(client, org, R, "/api/v1/rubric/history")
    [entry] = [e for e in history["items"] if e["action"] == "rubric"]
    assert entry["source"] == "board-2026.yaml" and entry["by"].startswith("token:")
    broken = [("file", ("bad.yaml", b"threshold: 2\nweights: {nope: 1}\n", "text/yaml"))]
    refused = client.put("/api/v1/rubric", files=broken, headers=org.bearer(A))
    assert refused.status_code == 422 and refused.json()["error"]["details"]
    assert get(client, org, A, "/api/v1/rubric")["rubric"]["threshold"] == 0.7  # unchanged
    assert client.put("/api/v1/rubric", files=files, headers=org.bearer(R)).status_code == 403
