"""Achievements and their quality through the API (``skillgap achievements list/show/
set-assessment``), and what the workspace holds (``skillgap status``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from skillgap.domain.users import UserRole
from skillgap.store.schema import head_revision

from .conftest import A, E, H, M, Org, R, TestClient

COMPASS = "https://skills.tidewell.example/achievements/compass-super-user"
AWARENESS = "https://skills.tidewell.example/achievements/security-awareness-essentials"
EXPRESS = "https://skillbadge-express.example/issuer"
HOLDER = "E1005"  # holds Security Awareness Essentials (a quiz: it does not count)
SET = "/api/v1/achievements/assessment"


def get(client: TestClient, org: Org, role: UserRole, url: str) -> Any:
    answer = client.get(url, headers=org.bearer(role))
    assert answer.status_code == 200, answer.text
    return answer.json()


def token_user(org: Org, role: UserRole) -> str:
    return f"token:{org.tokens[role].split('_')[1]}"


# --- the list --------------------------------------------------------------------------------


def test_achievements_are_listed_with_their_quality_a_page_at_a_time(
    client: TestClient, org: Org
) -> None:
    everything = get(client, org, R, "/api/v1/achievements?limit=500")
    items = everything["items"]
    assert everything["total"] == len(items) > 40 and everything["next_offset"] is None
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)  # by id: stable pages
    quiz = next(i for i in items if i["id"] == AWARENESS)
    assert quiz["issuer"] == "Tidewell Skills Review Board" and quiz["awards"] == 25
    assert quiz["issuer_id"] == "https://skills.tidewell.example/issuer"
    assert quiz["issuer_tier"] == "internal-board" and quiz["assessment"] == "quiz"
    quality = quiz["quality"]
    assert quality["passes"] is False and quality["vetoed_by"] == ["assessment"]
    assert quality["threshold"] == 0.65 and quality["weight"] == 0.53
    checks = {c["name"]: c for c in quality["checks"]}
    assert list(checks) == ["alignment", "assessment", "issuer", "stackability"]
    assert checks["assessment"]["vetoes"] and "quiz" in checks["assessment"]["explanation"]
    assert checks["assessment"]["weight"] == 0.4 and checks["assessment"]["score"] == 0
    second = get(client, org, H, "/api/v1/achievements?limit=2&offset=2")
    assert [i["id"] for i in second["items"]] == [i["id"] for i in items[2:4]]
    assert second["next_offset"] == 4 and second["total"] == everything["total"]


def test_the_list_is_filtered_as_a_reviewer_asks(client: TestClient, org: Org) -> None:
    items = get(client, org, A, "/api/v1/achievements?limit=500")["items"]

    def ids(query: str) -> list[str]:
        found = get(client, org, R, f"/api/v1/achievements?limit=500&{query}")
        assert found["total"] == len(found["items"])
        return [i["id"] for i in found["items"]]

    failing = [i["id"] for i in items if not i["quality"]["passes"]]
    assert ids("passes=false") == failing and AWARENESS in failing
    assert ids("passes=true") == [i["id"] for i in items if i["quality"]["passes"]]
    express = ids(f"issuer={quote(EXPRESS, safe='')}")
    assert len(express) == 3 and express == [i["id"] for i in items if i["issuer_id"] == EXPRESS]
    assert ids("tier=unknown") == [i["id"] for i in items if i["issuer_tier"] == "unknown"]
    assert ids("assessment=quiz") == [i["id"] for i in items if i["assessment"] == "quiz"]
    vetoed = ids("vetoed_by=issuer")
    assert vetoed and vetoed == [i["id"] for i in items if "issuer" in i["quality"]["vetoed_by"]]
    both = ids("tier=internal-board&passes=false")
    assert both == [AWARENESS]
    assert ids("issuer=https://nobody.example/issuer") == []


@pytest.mark.parametrize(
    "query",
    ["passes=maybe", "tier=famous", "assessment=oral", "vetoed_by=price", "limit=0", "issuer="],
)
def test_a_bad_filter_is_refused_and_located(client: TestClient, org: Org, query: str) -> None:
    answer = client.get(f"/api/v1/achievements?{query}", headers=org.bearer(R))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation"
    assert error["details"][0]["location"] == ["query", query.split("=")[0]]


def test_only_admin_hr_and_reviewers_read_achievements(client: TestClient, org: Org) -> None:
    for role in (M, E):
        for url in ("/api/v1/achievements", f"/api/v1/achievements/{COMPASS}"):
            answer = client.get(url, headers=org.bearer(role))
            assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/achievements").status_code == 401


# --- one achievement -------------------------------------------------------------------------


def test_one_achievement_is_shown_with_its_checks_and_numbered_alignments(
    client: TestClient, org: Org
) -> None:
    shown = get(client, org, H, f"/api/v1/achievements/{COMPASS}")
    assert shown["id"] == COMPASS and shown["name"] == "Compass Super-User"
    assert shown["criteria"].startswith("Observed by a Compass process owner")
    assert shown["assessment"] == "performance" and shown["achievement_type"] == "Badge"
    assert shown["reads_as"] == {
        "assessment": "performance",
        "reason": "the criteria say 'Observed'",
    }
    assert [c["name"] for c in shown["quality"]["checks"]] == [
        "alignment",
        "assessment",
        "issuer",
        "stackability",
    ]
    first, second = shown["alignments"]
    assert first["position"] == 1 and first["status"] == "exact" and first["counts"] is True
    assert first["competency"] == "demo:erp-crm-platform" and first["level"] == 3
    assert second["position"] == 2 and second["status"] == "suggested"
    assert second["competency_name"] == "Coaching" and second["counts"] is False
    assert shown["decisions"] == []
    encoded = get(client, org, R, f"/api/v1/achievements/{quote(COMPASS, safe='')}")
    assert encoded == shown  # the id sent whole, slashes encoded


def test_the_positions_shown_are_those_the_review_takes(client: TestClient, org: Org) -> None:
    body = {"achievement_id": COMPASS, "position": 2, "level": 3}
    confirmed = client.post("/api/v1/review/alignments/confirm", json=body, headers=org.bearer(R))
    assert confirmed.status_code == 200, confirmed.text
    shown = get(client, org, A, f"/api/v1/achievements/{COMPASS}")
    second = shown["alignments"][1]
    assert second["status"] == "confirmed" and second["level"] == 3 and second["counts"]
    (decision,) = shown["decisions"]
    assert decision["action"] == "alignment-confirmed" and decision["by"] == token_user(org, R)
    assert decision["subject"] == f"{COMPASS}#2"


@pytest.mark.parametrize(
    "achievement",
    ["https://skills.tidewell.example/achievements/nothing", "nothing", "assessment"],
)
def test_an_unknown_achievement_is_not_found(
    client: TestClient, org: Org, achievement: str
) -> None:
    answer = client.get(f"/api/v1/achievements/{achievement}", headers=org.bearer(R))
    assert answer.status_code == 404, answer.text
    error = answer.json()["error"]
    assert error["code"] == "not-found" and achievement in error["message"]


# --- deciding how one is assessed ------------------------------------------------------------


def test_an_assessment_is_set_and_counts_at_once(client: TestClient, org: Org) -> None:
    explained = f"/api/v1/people/{HOLDER}/explanation?competency=security-awareness"

    def counts() -> bool:
        (credential,) = get(client, org, A, explained)["credentials"]
        assert credential["achievement_id"] == AWARENESS
        return bool(credential["counts"])

    assert counts() is False  # read (and kept by the server's cache) before the decision
    assert AWARENESS in [
        i["id"] for i in get(client, org, R, "/api/v1/achievements?passes=false")["items"]
    ]
    body = {"achievement_id": AWARENESS, "assessment": "proctored-exam"}
    answer = client.post(SET, json=body, headers=org.bearer(R))
    assert answer.status_code == 200, answer.text
    done = answer.json()
    decision, achievement = done["decision"], done["achievement"]
    assert decision["changed"] and decision["by"] == token_user(org, R)
    assert decision["changes"] == [{"field": "assessment", "old": "quiz", "new": "proctored-exam"}]
    assert achievement["id"] == AWARENESS and achievement["assessment"] == "proctored-exam"
    assert achievement["quality"]["passes"] is True and achievement["quality"]["vetoed_by"] == []
    assessed = next(c for c in achievement["quality"]["checks"] if c["name"] == "assessment")
    assert f"set by {token_user(org, R)}" in assessed["explanation"]
    assert counts() is True  # what depends on quality is read again, not kept
    assert AWARENESS not in [
        i["id"] for i in get(client, org, R, "/api/v1/achievements?passes=false")["items"]
    ]
    shown = get(client, org, H, f"/api/v1/achievements/{AWARENESS}")
    assert shown["assessment"] == "proctored-exam" and shown["reads_as"]["assessment"] == "quiz"
    assert [(d["action"], d["by"]) for d in shown["decisions"]] == [
        ("assessment", token_user(org, R))
    ]
    again = client.post(SET, json=body, headers=org.bearer(A)).json()
    assert again["decision"]["changed"] is False and again["decision"]["by"] is None
    history = get(client, org, A, "/api/v1/rubric/history")
    assert history["total"] == 1  # nothing to record the second time


def _unchanged(client: TestClient, org: Org) -> None:
    assert get(client, org, A, "/api/v1/rubric/history")["total"] == 0
    assert get(client, org, A, f"/api/v1/achievements/{AWARENESS}")["assessment"] == "quiz"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"achievement_id": AWARENESS, "assessment": "oral-exam"}, "assessment"),
        ({"achievement_id": AWARENESS}, "assessment"),
        ({"assessment": "portfolio"}, "achievement_id"),
        ({"achievement_id": "", "assessment": "portfolio"}, "achievement_id"),
    ],
)
def test_a_bad_assessment_is_refused_and_nothing_written(
    client: TestClient, org: Org, body: dict[str, str], field: str
) -> None:
    answer = client.post(SET, json=body, headers=org.bearer(A))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation" and error["details"][0]["location"] == ["body", field]
    _unchanged(client, org)


def test_an_assessment_of_an_unknown_achievement_is_not_found(client: TestClient, org: Org) -> None:
    body = {"achievement_id": "https://nobody.example/badge", "assessment": "portfolio"}
    answer = client.post(SET, json=body, headers=org.bearer(R))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not-found"
    _unchanged(client, org)


def test_only_admin_and_reviewers_decide_an_assessment(client: TestClient, org: Org) -> None:
    body = {"achievement_id": AWARENESS, "assessment": "performance"}
    for role in (H, M, E):
        answer = client.post(SET, json=body, headers=org.bearer(role))
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"
    assert client.post(SET, json=body).status_code == 401
    _unchanged(client, org)


# --- the workspace's status ------------------------------------------------------------------


def test_the_status_tells_what_the_workspace_holds(sqlite_org: Org) -> None:
    path = str(sqlite_org.settings.workspace)
    with sqlite_org.app_client() as client:
        admin = get(client, sqlite_org, A, "/api/v1/status")
        assert admin["backend"] == "sqlite" and admin["location"] == path
        assert admin["schema"] == head_revision() and admin["version"]
        assert admin["organisation"] == "Tidewell Logistics"
        assert admin["snapshot_date"] == "2026-11-01" and admin["empty"] is False
        assert admin["counts"]["people"] == 60 and admin["counts"]["awards"] > 100
        (framework,) = admin["frameworks"]
        assert framework["id"] == "demo" and framework["competencies"] == 42
        assert "Security" in admin["departments"]
        answer = client.get("/api/v1/status", headers=sqlite_org.bearer(H))
        assert answer.status_code == 200
        hr = answer.json()
        assert hr["location"] is None and path not in answer.text  # no path but for admins
        assert {k: v for k, v in hr.items() if k != "location"} == {
            k: v for k, v in admin.items() if k != "location"
        }
        for role in (M, R, E):
            refused = client.get("/api/v1/status", headers=sqlite_org.bearer(role))
            assert refused.status_code == 403
        assert client.get("/api/v1/status").status_code == 401


def test_a_database_password_is_never_shown(
    sqlite_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql+psycopg://skills:s3cret@db.internal:5432/skillgap?sslpassword=k3y&x=1"
    monkeypatch.setattr(sqlite_org.store, "_location", url)
    with sqlite_org.app_client() as client:
        admin = client.get("/api/v1/status", headers=sqlite_org.bearer(A))
        assert admin.status_code == 200 and "s3cret" not in admin.text and "k3y" not in admin.text
        assert admin.json()["backend"] == "postgresql"
        assert (
            admin.json()["location"] == "postgresql+psycopg://skills:***@db.internal:5432/skillgap"
        )
        hr = client.get("/api/v1/status", headers=sqlite_org.bearer(H))
        assert hr.json()["location"] is None and "db.internal" not in hr.text
