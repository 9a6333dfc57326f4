"""The pages of issue 6, in process: a person's plan page (the form makes and saves a plan,
shown at /plans/{id} with its SVG timeline), a team's or department's training plan, the
candidates view; each for the roles allowed, refused or "no person" for the others, CSRF on
every form, the links from the person, group and role pages, and labelled inputs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from defusedxml import ElementTree

from skillgap.domain.plans import PlanScope
from skillgap.domain.users import UserRole
from skillgap.services.plans import plan_for_group, plan_for_person

from .conftest import EMAIL, EMPLOYEE, MANAGER, OUTSIDE, Org, TestClient, login
from .test_pages import Audit, csrf_in
from .test_plans_api import load_actions

A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)
SVG = "http://www.w3.org/2000/svg"
TEAM_PLAN = "/teams/Network%20Planning/plan"


@pytest.fixture
def acting(org: Org) -> Org:
    load_actions(org.store, org.clock)
    plan_for_person(org.store, org.clock, EMPLOYEE, budget=2000, actor="tests")  # P0001
    return org


@pytest.fixture
def client(acting: Org) -> Iterator[TestClient]:
    with acting.app_client() as found:
        yield found


def page(client: TestClient, org: Org, who: UserRole, url: str, status: int = 200) -> str:
    answer = client.get(url, headers=org.bearer(who))
    assert answer.status_code == status, answer.text[:800]
    text: str = answer.text
    return text


#: page -> (roles that see it, a text it shows); the others get 403 (manager: see below)
PAGES: dict[str, tuple[set[UserRole], str]] = {
    f"/people/{EMPLOYEE}/plan": ({A, H, M, E}, "Pathway progress"),
    "/plans/P0001": ({A, H, M, E}, "When each gap closes"),
    TEAM_PLAN: ({A, H, M}, "Allocate a budget"),
    "/departments/Operations/plan": ({A, H}, "Training plan for Operations"),
    "/roles/data-engineer/candidates": ({A, H}, "Ranked by verified readiness"),
}


@pytest.mark.parametrize("url", sorted(PAGES))
def test_each_page_for_each_role(client: TestClient, acting: Org, url: str) -> None:
    allowed, text = PAGES[url]
    for who in UserRole:
        if who in allowed:
            assert text in page(client, acting, who, url), (url, who)
        elif who is M and url.startswith("/departments/"):  # not all theirs: none of theirs
            assert "no department" in page(client, acting, who, url, 404)
        else:
            assert "may not open this page" in page(client, acting, who, url, 403)
    assert client.get(url).headers["location"] == "/login"


def test_out_of_reach_is_not_found(client: TestClient, acting: Org) -> None:
    assert "no person" in page(client, acting, M, f"/people/{OUTSIDE}/plan", 404)
    assert "no person" in page(client, acting, E, f"/people/{MANAGER}/plan", 404)
    assert "no person" in page(client, acting, H, "/people/E9999/plan", 404)
    plan_for_person(acting.store, acting.clock, OUTSIDE, actor="tests")  # P0002
    plan_for_group(acting.store, acting.clock, PlanScope.ORGANISATION, "", budget=500)  # P0003
    missing = page(client, acting, M, "/plans/P9999", 404)
    for hidden in ("P0002", "P0003"):
        assert page(client, acting, M, f"/plans/{hidden}", 404) == missing.replace("P9999", hidden)
    assert "P0003" in page(client, acting, H, "/plans/P0003")
    page(client, acting, M, "/teams/Threat%20Intelligence/plan", 404)
    page(client, acting, H, "/teams/Nobody/plan", 404)
    page(client, acting, H, "/roles/nope/candidates", 404)


def session_client(org: Org, who: UserRole) -> TestClient:
    client = org.app_client()
    assert login(client, EMAIL[who]).status_code == 303
    return client


def test_an_employee_makes_and_saves_a_plan(acting: Org) -> None:
    with session_client(acting, E) as client:
        form = client.get(f"/people/{EMPLOYEE}/plan").text
        fields = {"budget": "1500", "hours_per_week": "6", "optimise": "time"}
        refused = client.post(f"/people/{EMPLOYEE}/plan", data=fields)
        assert refused.status_code == 403 and "CSRF" in refused.text
        made = client.post(f"/people/{EMPLOYEE}/plan", data={**fields, "csrf_token": csrf_in(form)})
        assert made.status_code == 303 and made.headers["location"] == "/plans/P0002"
        shown = client.get("/plans/P0002").text
        assert "Plan P0002" in shown and "Items: planned and done" in shown
        assert "6 hours a week" in shown and EMAIL[E] in shown  # made by the user
        listed = client.get(f"/people/{EMPLOYEE}/plan").text
        assert 'href="/plans/P0002"' in listed and 'href="/plans/P0001"' in listed
    with acting.store.transaction() as ws:
        entry = ws.audit.list(action="plan", limit=1)[0]
    assert entry.actor == EMAIL[E] and entry.details["plan"] == "P0002"


def test_a_refused_value_shows_the_form_again(client: TestClient, acting: Org) -> None:
    url = f"/people/{EMPLOYEE}/plan"
    answer = client.post(
        url, data={"budget": "lots", "deadline": "2030-01-01"}, headers=acting.bearer(E)
    )
    assert answer.status_code == 422 and "is not a number" in answer.text
    assert 'value="lots"' in answer.text and 'value="2030-01-01"' in answer.text
    late = client.post(url, data={"deadline": "2020-01-01"}, headers=acting.bearer(E))
    assert late.status_code == 422 and "deadline" in late.text


def test_plan_timeline_is_well_formed_svg_with_a_table(client: TestClient, acting: Org) -> None:
    body = page(client, acting, E, "/plans/P0001")
    found = re.search(r"<svg .*?</svg>", body, re.S)
    assert found is not None
    svg = ElementTree.fromstring(found.group(0))
    assert svg.get("role") == "img" and "Plan P0001" in (svg.get("aria-label") or "")
    bars = [r for r in svg.iter(f"{{{SVG}}}rect") if r.get("class") == "bar"]
    rows = re.search(r"The timeline's dates as a table.*?<tbody>(.*?)</tbody>", body, re.S)
    assert rows is not None and len(bars) == rows.group(1).count("<tr>") > 0
    tips = [t.text or "" for b in bars for t in b.iter(f"{{{SVG}}}title")]
    assert all(
        re.search(r"\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, (planned|not trackable)", t) for t in tips
    )
    assert "today" in found.group(0) and "Legend" in found.group(0)


def test_pathway_progress_on_the_plan_page(client: TestClient, acting: Org) -> None:
    body = page(client, acting, E, f"/people/{EMPLOYEE}/plan")
    assert "Certified Data Analyst (example)" in body and "step by step" in body
    assert "Next: <strong>Knowledge</strong>" in body and "to do" in body


def test_a_manager_plans_for_their_team(acting: Org) -> None:
    with session_client(acting, M) as client:
        form = client.get(TEAM_PLAN).text
        refused = client.post(TEAM_PLAN, data={"budget": "3000"})
        assert refused.status_code == 403
        answer = client.post(
            TEAM_PLAN, data={"budget": "3000", "save": "yes", "csrf_token": csrf_in(form)}
        )
        assert answer.status_code == 200, answer.text[:800]
        body = answer.text
        assert "Why each item was bought" in body and "Training priorities" in body
        assert 'href="/plans/P0002"' in body and "Julien Lef" in body
        shown = client.get("/plans/P0002")
        assert shown.status_code == 200 and "Network Planning" in shown.text
        again = client.post(TEAM_PLAN, data={"budget": "", "csrf_token": csrf_in(form)})
        assert again.status_code == 422 and "needs a budget" in again.text


def test_hr_plans_for_a_department_without_saving(client: TestClient, acting: Org) -> None:
    answer = client.post(
        "/departments/Operations/plan", data={"budget": "5000"}, headers=acting.bearer(H)
    )
    assert answer.status_code == 200 and "Not saved." in answer.text


def test_candidates_view_is_audited_with_the_user(acting: Org) -> None:
    with session_client(acting, H) as client:
        body = client.get("/roles/data-engineer/candidates?department=Technology&limit=3").text
        assert "Internal candidates for Data Engineer" in body and "Still lacks" in body
        assert '<option value="Technology" selected>' in body
        assert client.get("/roles/data-engineer/candidates?where=Leeds").status_code == 422
    with acting.store.transaction() as ws:
        entry = ws.audit.list(action="candidates", limit=1)[0]
    assert entry.actor == EMAIL[H] and entry.details["filters"]["department"] == "Technology"


def test_links_to_the_new_pages(client: TestClient, acting: Org) -> None:
    person = page(client, acting, E, f"/people/{EMPLOYEE}")
    assert f'href="/people/{EMPLOYEE}/plan"' in person
    assert f'href="/people/{EMPLOYEE}/plan">My plan' in page(client, acting, E, "/")
    assert TEAM_PLAN in page(client, acting, M, "/teams/Network%20Planning")
    assert "/departments/Operations/plan" in page(client, acting, H, "/departments/Operations")
    assert "/departments/Operations/plan" not in page(client, acting, M, "/departments/Operations")
    assert "/roles/data-analyst/candidates" in page(client, acting, H, "/roles/data-analyst")
    assert "/candidates" not in page(client, acting, E, "/roles/data-analyst")


@pytest.mark.parametrize("url", sorted(PAGES))
def test_pages_are_accessible(client: TestClient, acting: Org, url: str) -> None:
    audit = Audit()
    audit.feed(page(client, acting, H, url))
    assert audit.lang == "en" and not audit.unnamed
    assert audit.fields or url.startswith("/plans/")
    for field in audit.fields:
        assert field.get("id") in audit.labelled or field.get("aria-label"), field


def forms_of(body: str) -> list[Any]:
    return re.findall(r'<form method="post".*?</form>', body, re.S)


def test_every_form_carries_the_csrf_token(acting: Org) -> None:
    with session_client(acting, H) as client:
        for url in (f"/people/{EMPLOYEE}/plan", TEAM_PLAN, "/departments/Operations/plan"):
            forms = [f for f in forms_of(client.get(url).text) if "/logout" not in f]
            assert forms and all('name="csrf_token" value="' in f for f in forms), url
        refused = client.post("/departments/Operations/plan", data={"budget": "1"})
        assert refused.status_code == 403
