"""The REST API of issue 6 on the demo organisation with its catalog, pathways and policy:
the catalog (filters, all-or-nothing imports), pathways (progress within reach, the queue
and its decisions with the issuer key), plans (a person's within reach, a group's for its
manager, plan vs done), and talent decisions (candidates, hiring needs, policy, the audit
log, where every run is recorded with the principal as who ran it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillgap.clock import Clock
from skillgap.domain.users import UserRole
from skillgap.issuing.issuer_setup import init_issuer
from skillgap.issuing.keystore import ENV_VAR, FileKeyStore, MemoryKeyStore
from skillgap.services.bundles import demo_folder
from skillgap.services.catalog import import_catalog
from skillgap.services.pathways import award_completed, import_pathways
from skillgap.services.plans import plan_for_person
from skillgap.services.talent import import_policy
from skillgap.store import Store

from .conftest import EMAIL, EMPLOYEE, MANAGER, OUTSIDE, Org, TestClient, csrf_of, login

A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)
DEMO_DATA = demo_folder()
QUEUED = "security-operations/E1038"  # completed a review pathway: waits for a reviewer
TEAM = "Network Planning"  # the manager's whole team
ITEM = b"""items:
  - id: sql-lab
    name: SQL lab (test)
    provider: Tests
    kind: course
    competencies: [demo:sql@3]
    hours: 4
    cost: 100
    issuer_tier: internal-board
    assessment: practical-exam
    achievement_id: https://skills.tidewell.example/achievements/sql-lab
"""
RULE = b"""rules:
  - id: only-rule
    name: One rule
    effect: recognition
    importance: [critical]
"""
CATALOG_YAML = [("files", ("catalog.yaml", ITEM, "text/yaml"))]
POLICY_YAML = [("file", ("policy.yaml", RULE, "text/yaml"))]


# --- the data the routes need (shared with test_matrix and test_plans_pages) ----------------


def load_actions(store: Store, clock: Clock) -> None:
    """The demo's catalog, pathways and policy, and its completed pathway queued."""
    import_catalog(store, [DEMO_DATA / "catalog.yaml"])
    import_pathways(store, DEMO_DATA / "pathways.yaml")
    import_policy(store, DEMO_DATA / "policy.yaml")
    award_completed(store, None, clock, actor="tests")


def acting_setup(org: Org, folder: Path) -> None:
    load_actions(org.store, org.clock)


def issuer_setup(org: Org, folder: Path) -> None:
    """The organisation's issuer, its key in a file the profile names (as `issuer init`)."""
    load_actions(org.store, org.clock)
    keys = FileKeyStore(folder / "issuer-key.json")
    init_issuer(org.store, keys, name="Tidewell", url="https://tidewell.example", clock=org.clock)


def plan_setup(org: Org, folder: Path) -> None:
    """The employee's saved plan, P0001."""
    load_actions(org.store, org.clock)
    plan_for_person(org.store, org.clock, EMPLOYEE, actor="tests")


@pytest.fixture
def acting(org: Org) -> Org:
    load_actions(org.store, org.clock)
    return org


@pytest.fixture
def api(acting: Org) -> Iterator[TestClient]:
    with acting.app_client() as client:
        yield client


def call(
    client: TestClient, org: Org, who: UserRole, method: str, url: str, status: int = 200, **kw: Any
) -> Any:
    answer = client.request(method, f"/api/v1{url}", headers=org.bearer(who), **kw)
    assert answer.status_code == status, answer.text[:600]
    return answer.json()


def token_id(org: Org, who: UserRole) -> str:
    return f"token:{org.tokens[who].split('_')[1]}"


# --- the catalog -----------------------------------------------------------------------------


def test_catalog_lists_filters_and_pages(api: TestClient, acting: Org) -> None:
    everything = call(api, acting, R, "GET", "/catalog?limit=500")
    assert everything["total"] >= 30 and everything["next_offset"] is None
    first = everything["items"][0]
    assert {"credible", "quality", "outcomes", "achievement_id"} <= set(first)
    credible = call(api, acting, E, "GET", "/catalog?credible=true&limit=500")
    assert 0 < credible["total"] < everything["total"]
    assert all(i["credible"] for i in credible["items"])
    sql = call(api, acting, E, "GET", "/catalog?competency=demo:sql&limit=500")["items"]
    assert sql and all(any(o["competency"] == "demo:sql" for o in i["outcomes"]) for i in sql)
    paged = call(api, acting, E, "GET", "/catalog?limit=5&offset=5")
    assert len(paged["items"]) == 5 and paged["next_offset"] == 10


def test_catalog_import_is_all_or_nothing(api: TestClient, acting: Org) -> None:
    done = call(api, acting, H, "POST", "/catalog", files=CATALOG_YAML)
    assert done["added"] == ["sql-lab"] and done["credible"] == 1
    bad = [("files", ("more.csv", b"id,name,hours\nx-lab,X lab,many\n", "text/csv"))]
    good = [("files", ("good.yaml", ITEM.replace(b"sql-lab", b"sql-lab-2"), "text/yaml"))]
    refused = call(api, acting, H, "POST", "/catalog", 422, files=good + bad)
    error = refused["error"]
    assert error["code"] == "validation" and error["details"][0]["file"] == "more.csv"
    assert {"file", "row", "field", "reason"} == set(error["details"][0])
    ids = {i["id"] for i in call(api, acting, H, "GET", "/catalog?limit=500")["items"]}
    assert "sql-lab" in ids and "sql-lab-2" not in ids  # nothing of the refused upload
    call(api, acting, E, "POST", "/catalog", 403, files=CATALOG_YAML)


# --- pathways --------------------------------------------------------------------------------


def test_pathways_are_open_to_everyone(api: TestClient, acting: Org) -> None:
    listed = call(api, acting, R, "GET", "/pathways")
    assert {p["id"] for p in listed} == {"cloud-platform", "data-analyst", "security-operations"}
    shown = call(api, acting, E, "GET", "/pathways/security-operations")
    assert [s["id"] for s in shown["steps"]] == ["knowledge", "proficiency", "mastery"]
    assert shown["steps"][0]["units"][0]["name"]
    call(api, acting, E, "GET", "/pathways/nope", 404)


def test_pathway_progress_within_reach(api: TestClient, acting: Org) -> None:
    everyone = {r["person"] for r in call(api, acting, H, "GET", "/pathways/progress")["rows"]}
    assert OUTSIDE in everyone or "E1038" in everyone
    tree = {r["person"] for r in call(api, acting, M, "GET", "/pathways/progress?all=true")["rows"]}
    assert MANAGER in tree and EMPLOYEE in tree and OUTSIDE not in tree
    mine = call(api, acting, E, "GET", "/pathways/progress?pathway=data-analyst")
    assert {r["person"] for r in mine["rows"]} == {EMPLOYEE}
    assert mine["steps"][0]["step"] == "knowledge"  # one person, one pathway: step by step
    missing = call(api, acting, M, "GET", "/pathways/progress?person=E9999", 404)
    outside = call(api, acting, M, "GET", f"/pathways/progress?person={OUTSIDE}", 404)
    assert outside["error"]["message"] == missing["error"]["message"].replace("E9999", OUTSIDE)
    call(api, acting, E, "GET", f"/pathways/progress?person={MANAGER}", 404)
    call(api, acting, R, "GET", "/pathways/progress", 403)


def test_pathway_import(api: TestClient, acting: Org) -> None:
    data = (DEMO_DATA / "pathways.yaml").read_bytes()
    done = call(
        api, acting, H, "POST", "/pathways", files=[("file", ("p.yaml", data, "text/yaml"))]
    )
    assert set(done["replaced"]) == {"cloud-platform", "data-analyst", "security-operations"}
    loop = b"pathways:\n  - id: x\n    name: X\n    steps: []\n"
    refused = call(api, acting, A, "POST", "/pathways", 422, files=[("file", ("x.yaml", loop))])
    assert refused["error"]["code"] == "validation"
    call(api, acting, M, "POST", "/pathways", 403, files=[("file", ("p.yaml", data))])


def test_queue_decisions_are_audited(api: TestClient, acting: Org) -> None:
    queue = call(api, acting, H, "GET", "/pathways/queue")
    assert queue["total"] == 1 and queue["next_offset"] is None
    queue = queue["items"]
    assert [a["id"] for a in queue] == [QUEUED] and queue[0]["state"] == "pending"
    call(api, acting, H, "POST", f"/pathways/queue/{QUEUED}/reject", 403)
    call(api, acting, E, "GET", "/pathways/queue", 403)
    done = call(api, acting, R, "POST", f"/pathways/queue/{QUEUED}/reject", json={"note": "old"})
    assert done["state"] == "rejected" and done["decided_by"] == token_id(acting, R)
    again = call(api, acting, A, "POST", f"/pathways/queue/{QUEUED}/approve", 409)
    assert again["error"]["code"] == "conflict"
    audit = call(api, acting, A, "GET", "/audit?action=pathway credential rejected")["items"]
    assert audit[0]["actor"] == token_id(acting, R) and audit[0]["subject"] == "E1038"


def test_the_award_run_is_idempotent_and_for_hr(api: TestClient, acting: Org) -> None:
    run = call(api, acting, H, "POST", "/pathways/award")
    assert run == {"issued": [], "queued": []}  # the demo's completion is queued already
    call(api, acting, E, "POST", "/pathways/award", 403)
    assert [a["id"] for a in call(api, acting, H, "GET", "/pathways/queue")["items"]] == [QUEUED]


def test_approving_needs_the_issuer_key(
    acting: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    url = f"/pathways/queue/{QUEUED}/approve"
    with acting.app_client() as client:
        none = call(client, acting, A, "POST", url, 404)  # no issuer set up at all
        assert "issuer init" in none["error"]["message"]
        name, site = "Tidewell", "https://tidewell.example"
        init_issuer(acting.store, MemoryKeyStore(), name=name, url=site, clock=acting.clock)
        keyless = call(client, acting, R, "POST", url, 422)  # the profile names no key file
        assert ENV_VAR in keyless["error"]["message"]
        keys = FileKeyStore(tmp_path / "k.json")
        init_issuer(acting.store, keys, name=name, url=site, clock=acting.clock, force=True)
        issued = call(client, acting, R, "POST", url)
        assert issued["state"] == "issued" and issued["issued"]
        entry = call(client, acting, A, "GET", "/audit?action=pathway credential issued")
        assert entry["items"][0]["actor"] == token_id(acting, R)


# --- plans -----------------------------------------------------------------------------------


def test_person_plans_within_reach(api: TestClient, acting: Org) -> None:
    mine = call(api, acting, E, "POST", f"/people/{EMPLOYEE}/plan", json={"budget": 2000})
    assert mine["id"] == "P0001" and mine["saved"] and mine["created_by"] == token_id(acting, E)
    assert mine["lines"] and mine["cost"] <= 2000 and 0 <= mine["readiness"] <= 100
    assert all({"item", "closes", "due"} <= set(line) for line in mine["lines"])
    target = call(
        api,
        acting,
        M,
        "POST",
        f"/people/{EMPLOYEE}/plan",
        json={"target_role": "data-engineer", "optimise": "time", "save": False},
    )
    assert target["target_role"] == "data-engineer" and target["id"] == "unsaved"
    missing = call(api, acting, M, "POST", "/people/E9999/plan", 404, json={})
    outside = call(api, acting, M, "POST", f"/people/{OUTSIDE}/plan", 404, json={})
    assert outside["error"]["message"] == missing["error"]["message"].replace("E9999", OUTSIDE)
    call(api, acting, E, "POST", f"/people/{MANAGER}/plan", 404, json={})
    call(api, acting, R, "POST", f"/people/{EMPLOYEE}/plan", 403, json={})
    bad = call(api, acting, H, "POST", f"/people/{EMPLOYEE}/plan", 422, json={"hours_per_week": 0})
    assert bad["error"]["details"][0]["location"][-1] == "hours_per_week"
    late = call(
        api, acting, H, "POST", f"/people/{EMPLOYEE}/plan", 422, json={"deadline": "2020-01-01"}
    )
    assert "deadline" in late["error"]["message"]


def test_group_plans_for_the_manager_of_the_group(api: TestClient, acting: Org) -> None:
    team = {"scope": "team", "subject": TEAM, "budget": 3000}
    made = call(api, acting, M, "POST", "/plans", json=team)
    assert made["scope"] == "team" and made["people"] == 5 and made["cost"] <= 3000
    assert made["reasoning"] and made["priorities"] and made["saved"]
    assert made["weighted_gap_closed"] > 0
    department = {"scope": "department", "subject": "Operations", "budget": 3000}
    refused = call(api, acting, M, "POST", "/plans", 404, json=department)  # not all theirs
    assert refused["error"]["message"] == "no department 'Operations'"
    org_plan = {"scope": "organisation", "budget": 3000}
    call(api, acting, M, "POST", "/plans", 403, json=org_plan)
    call(api, acting, E, "POST", "/plans", 403, json=team)
    assert call(api, acting, H, "POST", "/plans", json=department)["people"] > 5
    call(api, acting, H, "POST", "/plans", 404, json={**team, "subject": "Nobody"})


def test_saved_plans_are_seen_by_who_may_see_their_subject(api: TestClient, acting: Org) -> None:
    own = call(api, acting, H, "POST", f"/people/{EMPLOYEE}/plan", json={})["id"]
    other = call(api, acting, H, "POST", f"/people/{OUTSIDE}/plan", json={})["id"]
    team = call(
        api, acting, H, "POST", "/plans", json={"scope": "team", "subject": TEAM, "budget": 900}
    )
    whole = call(api, acting, A, "POST", "/plans", json={"scope": "organisation", "budget": 900})
    ids = {
        who: {p["id"] for p in call(api, acting, who, "GET", "/plans")["items"]}
        for who in (A, H, M, E)
    }
    assert ids[H] == ids[A] == {own, other, team["id"], whole["id"]}
    assert ids[M] == {own, team["id"]} and ids[E] == {own}
    assert [p["id"] for p in call(api, acting, M, "GET", f"/plans?person={EMPLOYEE}")["items"]] == [
        own
    ]
    first = call(api, acting, H, "GET", "/plans?limit=1")
    assert first["total"] == 4 and len(first["items"]) == 1 and first["next_offset"] == 1
    call(api, acting, M, "GET", f"/plans?person={OUTSIDE}", 404)
    missing = call(api, acting, M, "GET", "/plans/P9999", 404)
    for hidden in (other, whole["id"]):
        body = call(api, acting, M, "GET", f"/plans/{hidden}", 404)
        assert body["error"]["message"] == missing["error"]["message"].replace("P9999", hidden)
    call(api, acting, E, "GET", f"/plans/{team['id']}", 404)
    call(api, acting, R, "GET", "/plans", 403)


def test_plan_vs_done(api: TestClient, acting: Org) -> None:
    made = call(api, acting, E, "POST", f"/people/{EMPLOYEE}/plan", json={"budget": 2000})
    status = call(api, acting, E, "GET", f"/plans/{made['id']}")
    assert status["id"] == made["id"] and status["done"] == 0 and status["spent"] == 0
    assert {t["state"] for t in status["tracking"]} <= {"planned", "not trackable"}
    assert len(status["tracking"]) == len(made["lines"])
    closes = {c for line in made["lines"] for c in line["closes"]}
    assert set(status["gaps_close"]) == closes


# --- talent decisions ------------------------------------------------------------------------


def session(org: Org, who: UserRole) -> TestClient:
    client = org.app_client()
    assert login(client, EMAIL[who]).status_code == 303
    return client


def test_candidates_are_audited_with_the_user(acting: Org) -> None:
    with session(acting, H) as client:
        url = "/api/v1/roles/data-engineer/candidates?where=location=Leeds&limit=3"
        found = client.get(url)
        assert found.status_code == 200, found.text[:500]
        body = found.json()
        assert body["role"] == "data-engineer" and len(body["candidates"]) <= 3
        first = body["candidates"][0]
        assert first["rank"] == 1 and "lacks" in first and first["plan"]["cost"] >= 0
        assert client.get(url.replace("location=Leeds", "Leeds")).status_code == 422
    entries = call(acting.app_client(), acting, A, "GET", "/audit?action=candidates")["items"]
    assert entries[0]["actor"] == EMAIL[H] and entries[0]["subject"] == "role:data-engineer"
    assert entries[0]["details"]["filters"]["location"] == "Leeds"


def test_policy_check_is_audited_with_the_user(acting: Org) -> None:
    with session(acting, H) as client:
        refused = client.post("/api/v1/policy/check")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
        checked = client.post("/api/v1/policy/check", headers={"X-CSRF-Token": csrf_of(client)})
        assert checked.status_code == 200, checked.text[:500]
        result = checked.json()
    assert result["rules"] and result["audit_entry"] is not None
    assert any(r["qualified"] for r in result["rules"])
    entries = call(acting.app_client(), acting, A, "GET", "/audit?action=policy check")["items"]
    assert entries[0]["id"] == result["audit_entry"] and entries[0]["actor"] == EMAIL[H]


def test_policy_is_read_by_hr_and_replaced_by_administrators(api: TestClient, acting: Org) -> None:
    rules = call(api, acting, H, "GET", "/policy")["rules"]
    assert len(rules) == 3
    call(api, acting, H, "PUT", "/policy", 403, files=POLICY_YAML)
    kept = call(api, acting, A, "PUT", "/policy?keep=true", files=POLICY_YAML)
    assert [r["id"] for r in kept["rules"]] == ["only-rule"]
    assert len(call(api, acting, H, "GET", "/policy")["rules"]) == 4
    call(api, acting, A, "PUT", "/policy", files=POLICY_YAML)
    assert [r["id"] for r in call(api, acting, H, "GET", "/policy")["rules"]] == ["only-rule"]
    bad = [("file", ("bad.yaml", b"rules:\n  - id: x\n    effect: raise\n"))]
    assert call(api, acting, A, "PUT", "/policy", 422, files=bad)["error"]["details"]
    one = call(api, acting, H, "POST", "/policy/check?rule=only-rule")
    assert [r["rule"] for r in one["rules"]] == ["only-rule"]
    call(api, acting, H, "POST", "/policy/check?rule=nope", 404)


def test_hiring_needs(api: TestClient, acting: Org) -> None:
    needs = call(api, acting, H, "GET", "/hiring-needs?role=data-analyst")
    assert needs["people_planned"] >= 5
    assert all(n["role"] == "data-analyst" and n["posting"] for n in needs["needs"])
    call(api, acting, H, "GET", "/hiring-needs?role=nope", 404)
    call(api, acting, M, "GET", "/hiring-needs", 403)


def test_audit_log_is_for_administrators_and_paged(api: TestClient, acting: Org) -> None:
    for _ in range(3):
        call(api, acting, H, "POST", "/policy/check")
    page = call(api, acting, A, "GET", "/audit?action=policy check&limit=2")
    assert page["total"] == 3 and len(page["items"]) == 2 and page["next_offset"] == 2
    ids = [e["id"] for e in page["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    rest = call(api, acting, A, "GET", "/audit?action=policy check&limit=2&offset=2")
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    assert call(api, acting, A, "GET", "/audit?days=1")["total"] >= 3
    call(api, acting, H, "GET", "/audit", 403)
