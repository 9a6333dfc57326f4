"""The authorization matrix: every route of the app x every role (and nobody), with the
status each must get. The routes come from the app itself, so a new route without an
expectation here fails ``test_every_route_has_expectations``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

from skillgap.domain.users import UserRole

from .conftest import EMAIL, EMPLOYEE, PASSWORD, Org, TestClient
from .test_plans_api import (
    CATALOG_YAML,
    DEMO_DATA,
    POLICY_YAML,
    acting_setup,
    issuer_setup,
    plan_setup,
)
from .test_role_templates_api import MAKE, MATRIX_BUNDLE, occupations_setup

A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)
ANON = None
WHO: list[UserRole | None] = [A, H, M, R, E, ANON]
AWARD = "A0068"  # one of the employee's credentials
ACHIEVEMENT = "https://skills.tidewell.example/achievements/compass-super-user"
RUBRIC = [("file", ("rubric.yaml", b"threshold: 0.7\n", "text/yaml"))]
OWN_ACHIEVEMENT = "https://skills.tidewell.example/achievements/data-analytics-proficiency"
NOT_A_BADGE = [("files", ("note.txt", b"not a credential", "text/plain"))]
RATINGS = [
    (
        "file",
        (
            "r.csv",
            b"employee_id,competency,level,source,rated_on\nE1057,sql,4,self,2026-10-01\n",
            "text/csv",
        ),
    )
]
ROLES = [("file", ("roles.yaml", (DEMO_DATA / "roles.yaml").read_bytes(), "text/yaml"))]
HR_EXPORT = [
    ("file", ("hr.csv", b"employee_id,name,department\nE9001,Ana New,Operations\n", "text/csv"))
]


FRAMEWORK_CSV = [
    (
        "file",
        (
            "ours.csv",
            (Path(__file__).parents[1] / "data/sheets/framework_template.csv").read_bytes(),
            "text/csv",
        ),
    )
]
SCALE_YAML = [
    (
        "file",
        (
            "acme.yaml",
            b"id: acme-2\nname: ACME\nlevels:\n  - {value: 1, label: Novice, canonical: 1}\n"
            b"  - {value: 2, label: Expert, canonical: 5}\n",
            "text/yaml",
        ),
    )
]


@dataclass(frozen=True)
class Case:
    url: str
    ok: frozenset[UserRole]  # the roles that succeed; the others get ``refused``
    status: int = 200
    refused: int = 403
    anonymous: int = 401
    json: Any = None
    data: dict[str, str] | None = None
    files: list[Any] = field(default_factory=list)
    setup: Callable[[Org, Path], None] | None = None  # data the route needs first
    exceptions: dict[UserRole, int] = field(default_factory=dict)  # roles answered otherwise


def roles(*ok: UserRole) -> frozenset[UserRole]:
    return frozenset(ok)


EVERY = roles(A, H, M, R, E)
PEOPLE = roles(A, H, M, E)
ORG = roles(A, H)
GROUPS = roles(A, H, M)
ACT = acting_setup  # the demo's catalog, pathways, policy and queued pathway credential
QUEUED = "security-operations/E1038"
PATHWAYS = [("file", ("pathways.yaml", (DEMO_DATA / "pathways.yaml").read_bytes(), "text/yaml"))]
TEAM_PLAN = {"scope": "team", "subject": "Network Planning", "budget": 1000}
NOT_THEIRS = {M: 404}  # a department the manager does not manage: "no department"

EXPECTED: dict[tuple[str, str], Case] = {
    # -- frameworks and scales API (frameworks.py) --
    ("POST", "/api/v1/frameworks"): Case(
        "/api/v1/frameworks",
        ORG,
        status=201,
        files=FRAMEWORK_CSV,
        data={"format": "csv", "id": "ours", "name": "Our skills"},
    ),
    ("POST", "/api/v1/frameworks/diff"): Case(
        "/api/v1/frameworks/diff",
        ORG,
        files=FRAMEWORK_CSV,
        data={"format": "csv", "id": "ours", "name": "Our skills"},
    ),
    ("GET", "/api/v1/frameworks/{framework_id}/export"): Case(
        "/api/v1/frameworks/demo/export?format=case", EVERY
    ),
    ("GET", "/api/v1/scales"): Case("/api/v1/scales", EVERY),
    ("POST", "/api/v1/scales"): Case("/api/v1/scales", ORG, status=201, files=SCALE_YAML),
    # -- achievements and status API (achievements.py) --
    ("GET", "/api/v1/achievements"): Case("/api/v1/achievements?passes=false", roles(A, H, R)),
    ("GET", "/api/v1/achievements/{achievement_id}"): Case(
        f"/api/v1/achievements/{ACHIEVEMENT}", roles(A, H, R)
    ),
    ("POST", "/api/v1/achievements/assessment"): Case(
        "/api/v1/achievements/assessment",
        roles(A, R),
        json={"achievement_id": ACHIEVEMENT, "assessment": "proctored-exam"},
    ),
    ("GET", "/api/v1/status"): Case("/api/v1/status", ORG),
    # -- role templates and bundle API (role_templates.py) --
    ("GET", "/api/v1/occupations"): Case("/api/v1/occupations?q=analyst", EVERY),
    ("POST", "/api/v1/roles/from-occupation"): Case(
        "/api/v1/roles/from-occupation", ORG, status=201, json=MAKE, setup=occupations_setup
    ),
    ("POST", "/api/v1/bundle"): Case(
        "/api/v1/bundle", roles(A), files=MATRIX_BUNDLE, data={"replace": "true"}
    ),
    # -- issuer API (issuer_admin.py) --
    ("GET", "/api/v1/issuer"): Case("/api/v1/issuer", roles(A, H, R), setup=issuer_setup),
    ("POST", "/api/v1/issuer"): Case(  # force: the profile's key file is reused
        "/api/v1/issuer",
        roles(A),
        json={"name": "Tidewell", "url": "https://tidewell.example", "force": True},
        setup=issuer_setup,
    ),
    ("POST", "/api/v1/issuer/publish"): Case("/api/v1/issuer/publish", ORG, setup=issuer_setup),
    ("POST", "/api/v1/issued/{credential_id}/baked"): Case(
        "/api/v1/issued/urn:uuid:none/baked",
        roles(A, H, R),
        status=404,
        files=[("image", ("badge.png", b"not read: no such credential", "image/png"))],
    ),
    # who am I, the catalog, the rubric: anyone signed in
    ("GET", "/api/v1/me"): Case("/api/v1/me", EVERY),
    ("GET", "/api/v1/frameworks"): Case("/api/v1/frameworks", EVERY),
    ("GET", "/api/v1/frameworks/{framework_id}"): Case("/api/v1/frameworks/demo", EVERY),
    ("GET", "/api/v1/frameworks/{framework_id}/competencies"): Case(
        "/api/v1/frameworks/demo/competencies", EVERY
    ),
    ("GET", "/api/v1/competencies/search"): Case("/api/v1/competencies/search?q=sql", EVERY),
    ("GET", "/api/v1/roles"): Case("/api/v1/roles", EVERY),
    ("GET", "/api/v1/roles/{role_id}"): Case("/api/v1/roles/data-analyst", EVERY),
    ("GET", "/api/v1/rubric"): Case("/api/v1/rubric", EVERY),
    ("GET", "/api/v1/rubric/history"): Case("/api/v1/rubric/history", roles(A, H, R)),
    ("PUT", "/api/v1/rubric"): Case("/api/v1/rubric", roles(A), files=RUBRIC),
    # people: not reviewers; the employee is in everyone's reach here
    ("GET", "/api/v1/people"): Case("/api/v1/people", PEOPLE),
    ("GET", "/api/v1/people/{person_id}"): Case(f"/api/v1/people/{EMPLOYEE}", PEOPLE),
    ("GET", "/api/v1/people/{person_id}/gaps"): Case(f"/api/v1/people/{EMPLOYEE}/gaps", PEOPLE),
    ("GET", "/api/v1/people/{person_id}/progress"): Case(
        f"/api/v1/people/{EMPLOYEE}/progress", PEOPLE
    ),
    ("GET", "/api/v1/people/{person_id}/explanation"): Case(
        f"/api/v1/people/{EMPLOYEE}/explanation?competency=sql", PEOPLE
    ),
    # credentials: reviewers read them all; uploads for oneself (HR: anyone)
    ("GET", "/api/v1/credentials"): Case("/api/v1/credentials", EVERY),
    ("GET", "/api/v1/credentials/{award_id}"): Case(f"/api/v1/credentials/{AWARD}", EVERY),
    ("POST", "/api/v1/credentials/verify"): Case(
        "/api/v1/credentials/verify", EVERY, files=NOT_A_BADGE
    ),
    ("POST", "/api/v1/credentials"): Case("/api/v1/credentials", PEOPLE, files=NOT_A_BADGE),
    # aggregates: the organisation for admin and HR; a manager's own groups
    ("GET", "/api/v1/gaps/organisation"): Case("/api/v1/gaps/organisation", ORG),
    ("GET", "/api/v1/gaps/departments/{name}"): Case("/api/v1/gaps/departments/Operations", GROUPS),
    ("GET", "/api/v1/gaps/teams/{name}"): Case("/api/v1/gaps/teams/Network Planning", GROUPS),
    ("GET", "/api/v1/gaps/roles/{role_id}"): Case("/api/v1/gaps/roles/data-analyst", ORG),
    ("GET", "/api/v1/priorities"): Case("/api/v1/priorities?department=Operations", GROUPS),
    ("GET", "/api/v1/bench-strength"): Case("/api/v1/bench-strength", ORG),
    ("GET", "/api/v1/snapshots"): Case("/api/v1/snapshots", ORG),
    ("POST", "/api/v1/snapshots"): Case(
        "/api/v1/snapshots", ORG, status=201, json={"as_of": "2027-01-04"}
    ),
    # what an HR system pushes in: admin and HR
    ("POST", "/api/v1/people"): Case("/api/v1/people", ORG, files=HR_EXPORT),
    ("POST", "/api/v1/ratings"): Case(
        "/api/v1/ratings", ORG, files=RATINGS, data={"framework": "demo"}
    ),
    ("POST", "/api/v1/roles"): Case("/api/v1/roles", ORG, files=ROLES, data={"framework": "demo"}),
    ("GET", "/api/v1/progress"): Case("/api/v1/progress", ORG),
    # the review queue
    ("GET", "/api/v1/review/alignments"): Case("/api/v1/review/alignments", roles(A, H, R)),
    ("POST", "/api/v1/review/alignments/confirm"): Case(
        "/api/v1/review/alignments/confirm",
        roles(A, R),
        json={"achievement_id": ACHIEVEMENT, "position": 2},
    ),
    ("POST", "/api/v1/review/alignments/reject"): Case(
        "/api/v1/review/alignments/reject",
        roles(A, R),
        json={"achievement_id": ACHIEVEMENT, "position": 2},
    ),
    # the trusted-issuer registry: read as the queue is; placed by admin and reviewers
    ("GET", "/api/v1/issuers"): Case("/api/v1/issuers?tier=unknown", roles(A, H, R)),
    ("POST", "/api/v1/issuers/tier"): Case(
        "/api/v1/issuers/tier",
        roles(A, R),
        json={"issuer_id": "https://globalcerthub.example/issuer", "tier": "known"},
    ),
    # the organisation's own credentials: issued and revoked by admin and HR, read by reviewers
    ("GET", "/api/v1/issued"): Case("/api/v1/issued", roles(A, H, R)),
    ("GET", "/api/v1/issued/{credential_id}"): Case(
        "/api/v1/issued/urn:uuid:none", roles(A, H, R), status=404
    ),
    ("POST", "/api/v1/issued"): Case(
        "/api/v1/issued",
        ORG,
        status=201,
        json={"achievement_id": OWN_ACHIEVEMENT, "person": EMPLOYEE},
        setup=issuer_setup,
    ),
    ("POST", "/api/v1/issued/{credential_id}/revoke"): Case(
        "/api/v1/issued/urn:uuid:none/revoke", ORG, status=404, json={}
    ),
    # users and tokens: administrators
    ("GET", "/api/v1/users"): Case("/api/v1/users", roles(A)),
    ("POST", "/api/v1/users"): Case(
        "/api/v1/users",
        roles(A),
        status=201,
        json={"email": "new@tidewell.example", "role": "hr", "password": PASSWORD},
    ),
    ("POST", "/api/v1/users/{email}/role"): Case(
        f"/api/v1/users/{EMAIL[R]}/role", roles(A), json={"role": "hr"}
    ),
    ("POST", "/api/v1/users/{email}/deactivate"): Case(
        f"/api/v1/users/{EMAIL[H]}/deactivate", roles(A)
    ),
    ("POST", "/api/v1/users/{email}/password"): Case(
        f"/api/v1/users/{EMAIL[H]}/password", roles(A), json={"password": PASSWORD + "!"}
    ),
    ("GET", "/api/v1/tokens"): Case("/api/v1/tokens", roles(A)),
    ("POST", "/api/v1/tokens"): Case(
        "/api/v1/tokens", roles(A), status=201, json={"name": "board", "role": "hr"}
    ),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case("/api/v1/tokens/{reviewer_token}", roles(A)),
    # the catalog and pathways (issue 6): read by all; imported by admin and HR
    ("GET", "/api/v1/catalog"): Case("/api/v1/catalog", EVERY, setup=ACT),
    ("POST", "/api/v1/catalog"): Case("/api/v1/catalog", ORG, files=CATALOG_YAML),
    ("GET", "/api/v1/pathways"): Case("/api/v1/pathways", EVERY, setup=ACT),
    ("GET", "/api/v1/pathways/{pathway_id}"): Case(
        "/api/v1/pathways/data-analyst", EVERY, setup=ACT
    ),
    ("POST", "/api/v1/pathways"): Case("/api/v1/pathways", ORG, files=PATHWAYS, setup=ACT),
    ("GET", "/api/v1/pathways/progress"): Case("/api/v1/pathways/progress", PEOPLE, setup=ACT),
    ("GET", "/api/v1/pathways/queue"): Case("/api/v1/pathways/queue", roles(A, H, R), setup=ACT),
    ("POST", "/api/v1/pathways/award"): Case("/api/v1/pathways/award", ORG, setup=ACT),
    ("POST", "/api/v1/pathways/queue/{award_id}/approve"): Case(
        f"/api/v1/pathways/queue/{QUEUED}/approve", roles(A, R), setup=issuer_setup
    ),
    ("POST", "/api/v1/pathways/queue/{award_id}/reject"): Case(
        f"/api/v1/pathways/queue/{QUEUED}/reject", roles(A, R), json={"note": "x"}, setup=ACT
    ),
    # plans: a person's within reach; a group's for admin, HR and its manager
    ("POST", "/api/v1/people/{person_id}/plan"): Case(
        f"/api/v1/people/{EMPLOYEE}/plan", PEOPLE, json={"budget": 500}, setup=ACT
    ),
    ("POST", "/api/v1/plans"): Case("/api/v1/plans", GROUPS, json=TEAM_PLAN, setup=ACT),
    ("GET", "/api/v1/plans"): Case("/api/v1/plans", PEOPLE, setup=plan_setup),
    ("GET", "/api/v1/plans/{plan_id}"): Case("/api/v1/plans/P0001", PEOPLE, setup=plan_setup),
    # talent decisions: admin and HR; the rules replaced and the audit log read by admin
    ("GET", "/api/v1/roles/{role_id}/candidates"): Case(
        "/api/v1/roles/data-engineer/candidates?plans=false", ORG, setup=ACT
    ),
    ("GET", "/api/v1/hiring-needs"): Case("/api/v1/hiring-needs?role=data-analyst", ORG, setup=ACT),
    ("GET", "/api/v1/policy"): Case("/api/v1/policy", ORG, setup=ACT),
    ("PUT", "/api/v1/policy"): Case("/api/v1/policy", roles(A), files=POLICY_YAML),
    ("POST", "/api/v1/policy/check"): Case("/api/v1/policy/check", ORG, setup=ACT),
    ("GET", "/api/v1/audit"): Case("/api/v1/audit", roles(A), setup=ACT),
    # public: the API's description, the login form
    ("GET", "/api/v1/openapi.json"): Case("/api/v1/openapi.json", EVERY, anonymous=200),
    ("GET", "/api/v1/docs"): Case("/api/v1/docs", EVERY, anonymous=200),
    ("GET", "/login"): Case("/login", EVERY, anonymous=200),
    # a form post without the login form's CSRF cookie is refused, whoever sends it
    ("POST", "/login"): Case(
        "/login",
        roles(),
        refused=403,
        anonymous=403,
        data={"email": EMAIL[A], "password": PASSWORD, "csrf_token": "x"},
    ),
    ("POST", "/logout"): Case("/logout", EVERY, status=303, anonymous=303),
    # the landing page: signed in, else to the login form
    ("GET", "/"): Case("/", EVERY, anonymous=303),
    # the pages of issue 7: refused roles get a 403 page, nobody signed in goes to /login
    ("GET", "/dashboard"): Case("/dashboard", ORG, anonymous=303),
    ("GET", "/departments/{name}"): Case("/departments/Operations", GROUPS, anonymous=303),
    ("GET", "/teams/{name}"): Case("/teams/Network Planning", GROUPS, anonymous=303),
    ("GET", "/people"): Case("/people", PEOPLE, anonymous=303),
    ("GET", "/people/{person_id}"): Case(f"/people/{EMPLOYEE}", PEOPLE, anonymous=303),
    ("GET", "/roles/{role_id}"): Case("/roles/data-analyst", PEOPLE, anonymous=303),
    ("GET", "/upload"): Case("/upload", PEOPLE, anonymous=303),
    ("POST", "/upload"): Case("/upload", PEOPLE, anonymous=303, files=NOT_A_BADGE),
    ("GET", "/review"): Case("/review", roles(A, H, R), anonymous=303),
    ("POST", "/review/confirm"): Case(
        "/review/confirm",
        roles(A, R),
        status=303,
        anonymous=303,
        data={"achievement_id": ACHIEVEMENT, "position": "2"},
    ),
    ("POST", "/review/reject"): Case(
        "/review/reject",
        roles(A, R),
        status=303,
        anonymous=303,
        data={"achievement_id": ACHIEVEMENT, "position": "2"},
    ),
    ("POST", "/review/issuer"): Case(
        "/review/issuer",
        roles(A, R),
        status=303,
        anonymous=303,
        data={"issuer_id": "https://globalcerthub.example/issuer", "tier": "known"},
    ),
    ("POST", "/review/pathway/approve"): Case(
        "/review/pathway/approve",
        roles(A, R),
        status=303,
        anonymous=303,
        data={"award_id": QUEUED},
        setup=issuer_setup,
    ),
    ("POST", "/review/pathway/reject"): Case(
        "/review/pathway/reject",
        roles(A, R),
        status=303,
        anonymous=303,
        data={"award_id": QUEUED, "note": "x"},
        setup=ACT,
    ),
    # the pages of issue 6
    ("GET", "/people/{person_id}/plan"): Case(
        f"/people/{EMPLOYEE}/plan", PEOPLE, anonymous=303, setup=ACT
    ),
    ("POST", "/people/{person_id}/plan"): Case(
        f"/people/{EMPLOYEE}/plan",
        PEOPLE,
        status=303,
        anonymous=303,
        data={"budget": "500", "hours_per_week": "4"},
        setup=ACT,
    ),
    ("GET", "/plans/{plan_id}"): Case("/plans/P0001", PEOPLE, anonymous=303, setup=plan_setup),
    ("GET", "/teams/{name}/plan"): Case("/teams/Network Planning/plan", GROUPS, anonymous=303),
    ("POST", "/teams/{name}/plan"): Case(
        "/teams/Network Planning/plan", GROUPS, anonymous=303, data={"budget": "1000"}, setup=ACT
    ),
    ("GET", "/departments/{name}/plan"): Case(
        "/departments/Operations/plan", ORG, anonymous=303, exceptions=NOT_THEIRS
    ),
    ("POST", "/departments/{name}/plan"): Case(
        "/departments/Operations/plan",
        ORG,
        anonymous=303,
        data={"budget": "1000"},
        setup=ACT,
        exceptions=NOT_THEIRS,
    ),
    ("GET", "/roles/{role_id}/candidates"): Case(
        "/roles/data-engineer/candidates", ORG, anonymous=303, setup=ACT
    ),
}


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, included routers flattened (FastAPI keeps
    them lazily; ``iter_route_contexts`` resolves their prefixes)."""
    found = set()
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if route.path is None or route.methods is None:
            continue  # the /static mount
        for method in route.methods:
            if method != "HEAD":
                found.add((method, route.path.replace(":path}", "}")))
    return found


def test_every_route_has_expectations(client: TestClient) -> None:
    routes = app_routes(client)
    missing = routes - set(EXPECTED)
    assert not missing, f"routes without an authorization expectation: {sorted(missing)}"
    assert not set(EXPECTED) - routes, "expectations of routes the app does not have"


def expected(case: Case, who: UserRole | None) -> int:
    if who is None:
        return case.anonymous
    if who in case.exceptions:
        return case.exceptions[who]
    return case.status if who in case.ok else case.refused


@pytest.mark.parametrize("who", WHO, ids=lambda w: w.value if w else "anonymous")
@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_each_role(
    org: Org, route: tuple[str, str], who: UserRole | None, tmp_path: Path
) -> None:
    case = EXPECTED[route]
    if case.setup is not None:
        case.setup(org, tmp_path)
    url = case.url.replace("{reviewer_token}", org.tokens[R].split("_")[1])
    headers = org.bearer(who) if who is not None else {}
    with org.app_client() as client:
        answer = client.request(
            route[0],
            url,
            headers=headers,
            json=case.json,
            data=case.data,
            files=case.files or None,
        )
    want = expected(case, who)
    assert answer.status_code == want, answer.text[:500]
    if route[1].startswith("/api/") and want >= 400:
        error = answer.json()["error"]
        assert error["code"] == {401: "unauthenticated", 403: "forbidden", 404: "not-found"}[want]
        assert set(error) == {"code", "message", "details"}
