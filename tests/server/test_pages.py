"""The web pages of issue 7, in process: each page for each role allowed (and refused or
"no person" for the others), CSRF on form posts, an upload of a real signed demo badge
closing a gap, the heatmap as well-formed SVG with one cell per department x capability
group, small groups suppressed, and basic accessibility of every page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from skillgap.clock import FixedClock
from skillgap.demo.credentials import DemoCredentials, demo_credentials
from skillgap.domain.users import UserRole
from skillgap.formats.bundle import Bundle
from skillgap.services import quality
from skillgap.services.snapshots import person_progress, take_snapshot
from skillgap.store.memory import MemoryStore

from .conftest import EMAIL, EMPLOYEE, MANAGER, NOW, OUTSIDE, Org, TestClient, login, populate

A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)
SVG = "http://www.w3.org/2000/svg"
DEPARTMENTS = ["Corporate", "Data & Analytics", "Operations", "Security", "Technology"]

#: page -> (roles that see it, a text it shows)
PAGES: dict[str, tuple[set[UserRole], str]] = {
    "/": ({A, H, M, R, E}, "Welcome"),
    "/dashboard": ({A, H}, "Single points of failure"),
    "/departments/Operations": ({A, H, M}, "Furthest from their role"),
    "/teams/Network Planning": ({A, H, M}, "Julien Lef"),
    "/people": ({A, H, M, E}, "Julien Lef"),
    f"/people/{EMPLOYEE}": ({A, H, M, E}, "Gaps against Data Analyst"),
    "/roles/data-analyst": ({A, H, M, E}, "Who holds it"),
    "/upload": ({A, H, M, E}, "Upload badges"),
    "/review": ({A, H, R}, "Suggested alignments"),
}


def page(client: TestClient, org: Org, who: UserRole, url: str, status: int = 200) -> str:
    answer = client.get(url, headers=org.bearer(who))
    assert answer.status_code == status, answer.text[:800]
    text: str = answer.text
    return text


@pytest.mark.parametrize("url", sorted(PAGES))
def test_each_page_for_each_role(client: TestClient, org: Org, url: str) -> None:
    allowed, text = PAGES[url]
    for who in UserRole:
        if who in allowed:
            assert text in page(client, org, who, url), (url, who)
        else:
            body = page(client, org, who, url, 403)
            assert "may not open this page" in body


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    for url in PAGES:
        if url != "/":
            answer = client.get(url)
            assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_out_of_reach_is_no_person(client: TestClient, org: Org) -> None:
    assert "no person" in page(client, org, M, f"/people/{OUTSIDE}", 404)
    assert "no person" in page(client, org, E, f"/people/{MANAGER}", 404)
    assert "no person" in page(client, org, H, "/people/E9999", 404)
    page(client, org, M, "/departments/Security", 404)
    page(client, org, M, "/teams/Threat Intelligence", 404)
    people = page(client, org, M, "/people")
    assert OUTSIDE not in people and EMPLOYEE in people
    holders = page(client, org, M, "/roles/data-analyst")
    assert "Camille Laurent" not in holders  # a data analyst outside the manager's tree
    assert '<th scope="col">Bench:' not in holders  # the bench: admin and HR only


def test_nav_shows_what_the_role_may_use(client: TestClient, org: Org) -> None:
    links = {
        who: set(re.findall(r'href="(/[a-z]*)', page(client, org, who, "/"))) for who in UserRole
    }
    assert "/dashboard" in links[H] and "/dashboard" not in links[M] | links[E] | links[R]
    assert "/review" in links[R] and "/review" not in links[E] | links[M]
    assert "/upload" in links[E] and "/upload" not in links[R]


def test_person_page(client: TestClient, org: Org) -> None:
    body = page(client, org, E, f"/people/{EMPLOYEE}?role=data-engineer")
    assert "Verified skills" in body and "Communicator in Practice" in body
    assert "Tidewell Skills Review Board" in body  # the issuer behind a verified skill
    assert "Communicator in Practice (an imported record)" in body  # a bundle's record
    assert 'imported record</span> <span class="hint">(counted: no signature' in body
    assert "claimed, not verified" in body  # statistics: a manager's rating only
    assert "Gaps against the target role Data Engineer" in body
    assert "quality 0." in body or "quality 1." in body


def test_a_rubric_that_does_not_count_records_takes_them_off_the_person_page(
    org: Org, tmp_path: Path
) -> None:
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("count_records: false\n", encoding="utf-8")
    quality.set_rubric(org.store, org.clock, rubric, "test")
    with org.app_client() as client:
        body = page(client, org, E, f"/people/{EMPLOYEE}")
    assert "(not counted: the rubric counts only verified credentials)" in body
    assert "Communicator in Practice (an imported record)" not in body  # behind no level


def test_a_person_without_a_role_has_a_page_and_a_target_role(client: TestClient, org: Org) -> None:
    with org.store.transaction() as ws:
        nobody = next(p for p in ws.people.list() if p.role_id is None)
    url = f"/people/{nobody.employee_id}"
    body = page(client, org, H, url)
    assert "No role is assigned" in body and "Gaps against" not in body
    assert '<option value="">(choose a role)</option>' in body
    assert "Credentials" in body and "Progress over time" in body
    target = page(client, org, H, f"{url}?role=data-analyst")
    assert "Gaps against the target role Data Analyst" in target
    assert "The requirements of the target role Data Analyst they meet" in target
    assert "their own role" not in target
    assert "no person" in page(client, org, H, "/people/E9999", 404)


def test_a_person_whose_role_the_workspace_lacks_has_a_page(client: TestClient, org: Org) -> None:
    with org.store.transaction() as ws:
        person = ws.people.get(EMPLOYEE)
        ws.people.put(replace(person, role_id="astronaut"))
    body = page(client, org, H, f"/people/{EMPLOYEE}")
    assert "Their role is unknown" in body and "&ldquo;astronaut&rdquo;" in body
    assert "Gaps against" not in body and "Credentials" in body


def test_the_person_page_names_the_department_and_team(client: TestClient, org: Org) -> None:
    body = page(client, org, E, f"/people/{EMPLOYEE}")
    assert "Department Operations, team Network Planning." in body


def test_people_are_listed_with_role_names_and_only_openable_groups_linked(
    client: TestClient, org: Org
) -> None:
    for who in (H, M):
        listed = page(client, org, who, "/people")
        assert '<a href="/roles/data-analyst">Data Analyst</a>' in listed
        assert 'href="/teams/Network%20Planning"' in listed
    own = page(client, org, E, "/people")  # an employee may open no group page
    assert '<a href="/roles/data-analyst">Data Analyst</a>' in own
    assert 'href="/teams/' not in own and 'href="/departments/' not in own
    assert "<td>Network Planning</td>" in own
    furthest = page(client, org, H, "/departments/Operations")
    assert ">data-analyst</a>" not in furthest


def test_department_and_team_pages_have_their_own_priorities_and_single_points(
    client: TestClient, org: Org
) -> None:
    from skillgap.services.organisation import priorities, scope_gaps
    from skillgap.services.organisation_scope import Scope, ScopeKind

    for kind, name in (("department", "Operations"), ("team", "Network Planning")):
        body = page(client, org, H, f"/{kind}s/{name}")
        assert "Top priorities" in body and "Single points of failure" in body, kind
        assert f"a role held in this {kind} requires, critically" in body
        scope = Scope(ScopeKind(kind), name)
        points = scope_gaps(org.store, org.clock, scope).single_points or ()
        org_points = scope_gaps(org.store, org.clock, Scope(ScopeKind.ORGANISATION))
        assert {p.competency for p in points} != {
            p.competency for p in org_points.single_points or ()
        }
        ranked = priorities(org.store, org.clock, **{kind: name})  # type: ignore[arg-type]
        assert ranked.rows, kind
        for row in ranked.rows:
            assert f"{row.people_short} of {row.people_required} people short" in body
        assert f"urgency {ranked.rows[0].urgency:.2f}" in body


def test_group_pages_say_how_their_figures_are_computed(client: TestClient, org: Org) -> None:
    for url in ("/dashboard", "/departments/Operations", "/teams/Network Planning"):
        body = page(client, org, H, url)
        assert "How these figures are computed" in body and "<dt>Readiness</dt>" in body
        assert "Total weighted gap" in body and "Verified: only credentials" in body
    best = page(client, org, H, "/dashboard?view=best-available")
    assert "else a manager&#39;s rating" in best or "else a manager's rating" in best


def test_a_refusal_names_the_role_in_plain_words(client: TestClient, org: Org) -> None:
    refused = page(client, org, E, "/dashboard", 403)
    assert "an employee may not open this page" in refused
    assert "<h1>Not allowed</h1>" in refused and '<nav aria-label="Main"' in refused
    assert 'href="/people/E1057"' in refused  # their own links, to go on from there
    missing = page(client, org, H, "/people/E9999", 404)
    assert "<h1>Not found</h1>" in missing and '<p role="alert">no person' in missing
    assert "an HR user may not open this page" not in page(client, org, H, "/dashboard")
    answer = client.get("/api/v1/users", headers=org.bearer(R))
    assert answer.json()["error"]["message"].startswith("a reviewer may not do this")


def test_a_target_role_is_named_by_its_id_or_name_and_typed_when_there_are_many(
    client: TestClient, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillgap.server.web import persondata
    from skillgap.services.roles import match_roles

    assert match_roles(org.store, "data-engineer") == (("data-engineer", "Data Engineer"),)
    assert match_roles(org.store, " data engineer ") == (("data-engineer", "Data Engineer"),)
    assert [r for r, _ in match_roles(org.store, "ANALYST")] == [
        "data-analyst",
        "security-analyst",
    ]
    assert match_roles(org.store, "astronaut") == () and match_roles(org.store, " ") == ()
    url = f"/people/{EMPLOYEE}"
    listed = page(client, org, E, url)  # nine roles: chosen from a list
    assert '<select id="role" name="role">' in listed and 'type="search"' not in listed
    by_name = page(client, org, E, f"{url}?role=data+engineer")  # the list keeps the choice
    assert '<option value="data-engineer" selected>' in by_name
    assert "Gaps against the target role Data Engineer" in by_name
    own = page(client, org, E, f"{url}?role=Data+Analyst")
    assert "Data Analyst is their own role: its gaps are below." in own
    assert "Gaps against the target role" not in own
    assert 'role="alert"' not in page(client, org, E, f"{url}?role=+")  # blank: none asked
    monkeypatch.setattr(persondata, "ROLE_LIST_LIMIT", 5)
    typed = page(client, org, E, url)
    assert '<select id="role"' not in typed and '<option value="data-engineer">' not in typed
    assert '<input type="search" id="role" name="role" value=""' in typed
    assert "one of 9 roles" in typed and len(typed) < len(listed)
    audit = Audit()
    audit.feed(typed)
    assert "role" in audit.labelled and not audit.unnamed
    target = page(client, org, E, f"{url}?role=Data+Engineer")
    assert "Gaps against the target role Data Engineer" in target
    assert 'value="Data Engineer"' in target
    several = page(client, org, E, f"{url}?view=best-available&role=analyst")
    assert "2 roles match &ldquo;analyst&rdquo;" in several
    assert (
        '<a href="?view=best-available&amp;role=security-analyst">Security Analyst</a>' in several
    )
    assert "Gaps against the target role" not in several
    assert "data-analyst, their own role</span>" in several
    none = page(client, org, E, f"{url}?role=%3Castronaut%3E")
    assert 'role="alert">No role has the id or a name like &ldquo;&lt;astronaut&gt;&rdquo;' in none


def test_person_page_shows_what_changed_between_snapshots(client: TestClient, org: Org) -> None:
    assert "No change recorded between snapshots yet." in page(
        client, org, E, f"/people/{EMPLOYEE}"
    )
    take_snapshot(org.store, org.clock, as_of=date(2027, 12, 31))  # horizons reached
    report = person_progress(org.store, EMPLOYEE)
    [period] = report.periods
    assert period.change.opened and period.change.readiness_before is not None
    body = page(client, org, E, f"/people/{EMPLOYEE}")
    item = re.search(r"<li>2026-11-01 to 2027-12-31: (.*?)</li>", body, re.S)
    assert item is not None, body
    before, after = period.change.readiness_before, period.change.readiness_after
    assert f"readiness {before:.0f}% to {after:.0f}%" in item.group(1)
    for change in period.change.opened:
        assert html.escape(report.competencies[change.competency]) in item.group(1)


def test_dashboard_toggles_the_view(client: TestClient, org: Org) -> None:
    verified = page(client, org, H, "/dashboard")
    assert "verified evidence only" in verified and 'href="?view=best-available' in verified
    best = page(client, org, H, "/dashboard?view=best-available&metric=gap")
    assert "best available evidence" in best and "Mean weighted gap per department" in best
    page(client, org, H, "/dashboard?view=nonsense", 422)


def heatmap_of(body: str) -> Any:
    found = re.search(r"<svg .*?</svg>", body, re.S)
    assert found is not None
    return ElementTree.fromstring(found.group(0))


def test_heatmap_is_well_formed_svg_with_a_cell_per_department_and_group(
    client: TestClient, org: Org
) -> None:
    body = page(client, org, A, "/dashboard")
    svg = heatmap_of(body)
    assert svg.get("role") == "img" and "capability group" in (svg.get("aria-label") or "")
    cells = [r for r in svg.iter(f"{{{SVG}}}rect") if r.get("class") == "cell"]
    columns = re.findall(r"<thead><tr><th scope=\"col\">Department</th>(.*?)</tr>", body)[0]
    groups = re.findall(r'<th scope="col">', columns)
    assert len(groups) >= 5
    assert len(cells) == len(DEPARTMENTS) * len(groups)
    tips = [cell.find(f"{{{SVG}}}title") for cell in cells]
    assert all(t is not None and t.text for t in tips)
    assert any(t is not None and "Operations x Cybersecurity" in (t.text or "") for t in tips)
    assert "<details>" in body and "as a table" in body
    for cell, tip in zip(cells, tips, strict=True):  # "nothing required" is dashed, only it
        empty = tip is not None and (tip.text or "").endswith("nothing required")
        assert (cell.get("stroke-dasharray") is not None) == empty
    assert any(cell.get("stroke-dasharray") for cell in cells)


def test_small_groups_are_suppressed_except_for_administrators(org: Org) -> None:
    with org.app_client(min_group_size=13) as client:
        hr = page(client, org, H, "/dashboard")
        assert "fewer than 13 people" in hr
        svg = heatmap_of(hr)
        tips = [t.text or "" for t in svg.iter(f"{{{SVG}}}title")]
        assert any(t.startswith("Corporate x") and "fewer than 13" in t for t in tips)
        admin = page(client, org, A, "/dashboard")
        assert "fewer than 13 people" not in admin.split("Legend")[0]


# --- forms: CSRF, decisions ------------------------------------------------------------------


def session_client(org: Org, who: UserRole, **kw: Any) -> TestClient:
    client = org.app_client(**kw)
    assert login(client, EMAIL[who]).status_code == 303
    return client


def csrf_in(body: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', body)
    assert found is not None
    return found.group(1)


ACHIEVEMENT = "https://skills.tidewell.example/achievements/compass-super-user"


def test_review_forms_need_the_csrf_token(org: Org) -> None:
    with session_client(org, R) as client:
        body = client.get("/review").text
        form = {"achievement_id": ACHIEVEMENT, "position": "2"}
        refused = client.post("/review/confirm", data=form)
        assert refused.status_code == 403 and "CSRF" in refused.text
        wrong = client.post("/review/reject", data={**form, "csrf_token": "nope"})
        assert wrong.status_code == 403
        done = client.post("/review/confirm", data={**form, "csrf_token": csrf_in(body)})
        assert done.status_code == 303 and done.headers["location"] == "/review?done=confirmed"
        after = client.get("/review?done=confirmed").text
        assert "Alignment confirmed." in after
        assert after.count("Compass Super-User") < body.count("Compass Super-User")


def test_hr_reads_the_queue_but_cannot_decide(client: TestClient, org: Org) -> None:
    body = page(client, org, H, "/review")
    assert "Unknown issuers" in body and 'action="/review/confirm"' not in body
    assert 'action="/review/issuer"' not in body
    assert "An administrator or a reviewer places an issuer in the registry." in body


UNKNOWN_ISSUER = "https://globalcerthub.example/issuer"


def test_a_reviewer_places_an_unknown_issuer_in_the_registry(org: Org) -> None:
    with session_client(org, R) as client:
        body = client.get("/review").text
        assert "Unknown issuers (3)" in body and 'action="/review/issuer"' in body
        assert '<label for="tier-1">Tier for ' in body  # each select has its label
        assert '<option value="known" selected>known (score ' in body
        assert 'value="internal-board"' not in body  # administrators only
        board = {"issuer_id": UNKNOWN_ISSUER, "tier": "internal-board", "csrf_token": ""}
        board["csrf_token"] = csrf_in(body)
        assert client.post("/review/issuer", data=board).status_code == 403
        form = {"issuer_id": UNKNOWN_ISSUER, "tier": "accredited"}
        refused = client.post("/review/issuer", data=form)
        assert refused.status_code == 403 and "CSRF" in refused.text
        token = csrf_in(body)
        bad = client.post("/review/issuer", data={**form, "tier": "unknown", "csrf_token": token})
        assert bad.status_code == 422
        done = client.post("/review/issuer", data={**form, "csrf_token": token})
        assert done.status_code == 303 and done.headers["location"] == "/review?done=placed"
        after = client.get("/review?done=placed").text
        assert "Issuer placed in the registry." in after and "Unknown issuers (2)" in after
        assert UNKNOWN_ISSUER not in after
        known = {**form, "tier": "known", "csrf_token": token}  # decided already: not again
        twice = client.post("/review/issuer", data=known)
        assert twice.status_code == 422 and "not waiting for a decision" in twice.text
    listed = org.app_client().get("/api/v1/issuers?tier=accredited", headers=org.bearer(H))
    [placed] = [i for i in listed.json()["items"] if i["id"] == UNKNOWN_ISSUER]
    assert placed["tier"] == "accredited" and placed["trusted"]


@pytest.fixture(scope="module")
def made(demo_bundle: Bundle) -> DemoCredentials:
    return demo_credentials(demo_bundle)


@pytest.fixture
def bare(demo_bundle: Bundle, password_hash: str) -> Org:
    """The demo without the employee's own credentials (they upload them)."""
    bundle = replace(
        demo_bundle, awards=tuple(a for a in demo_bundle.awards if a.person_id != EMPLOYEE)
    )
    return populate(MemoryStore(), bundle, password_hash, FixedClock(NOW))


def files_of(made: DemoCredentials, *award_ids: str) -> list[Any]:
    found = [c for c in made.credentials if c.award_id in award_ids]
    return [("files", (c.file_name, c.text.encode(), "application/ld+json")) for c in found]


@pytest.fixture
def employee(bare: Org, made: DemoCredentials) -> Iterator[TestClient]:
    client = bare.app_client(fetcher=made.fetcher())
    assert login(client, EMAIL[E]).status_code == 303
    with client:
        yield client


def test_upload_needs_the_csrf_token(employee: TestClient, made: DemoCredentials) -> None:
    answer = employee.post("/upload", files=files_of(made, "A0192"))
    assert answer.status_code == 403 and "CSRF" in answer.text


def test_uploading_a_real_badge_shows_the_report_and_the_gap_closing(
    employee: TestClient, made: DemoCredentials
) -> None:
    form = employee.get("/upload").text
    assert 'enctype="multipart/form-data"' in form and 'name="person"' not in form
    answer = employee.post(
        "/upload", files=files_of(made, "A0192", "A0068"), data={"csrf_token": csrf_in(form)}
    )
    assert answer.status_code == 200, answer.text[:800]
    body = answer.text
    assert "Communicator in Practice" in body and "Verified: the credential is genuine" in body
    assert "Data Science Guru" in body and "it has expired" in body
    assert re.search(r"Gaps closed: <strong>[^<]*Communication", body)
    assert f'for <a href="/people/{EMPLOYEE}">Julien Lef' in body  # named, not an id
    assert "--person" not in body
    before, now = re.findall(r"<strong>(\d+)%</strong> (?:before|now)", body)
    assert int(now) > int(before)
    person = employee.get(f"/people/{EMPLOYEE}").text
    assert "Communicator in Practice" in person


def test_employee_uploads_only_for_themselves(bare: Org, made: DemoCredentials) -> None:
    with bare.app_client(fetcher=made.fetcher()) as client:
        answer = client.post(
            "/upload",
            files=files_of(made, "A0192"),
            data={"person": OUTSIDE},
            headers=bare.bearer(E),
        )
        assert answer.status_code == 403 and "only for themselves" in answer.text
        hr_form = client.get("/upload", headers=bare.bearer(H)).text
        assert 'name="person"' in hr_form
        answer = client.post(
            "/upload",
            files=files_of(made, "A0192"),
            data={"person": EMPLOYEE},
            headers=bare.bearer(H),
        )
        assert answer.status_code == 200 and "Gaps closed" in answer.text


def test_hr_upload_without_a_person_shows_each_matched_persons_change(
    bare: Org, made: DemoCredentials
) -> None:
    """Matched by recipient, not named: the change is read with and without the awards
    the upload added, for each person matched."""
    with bare.app_client(fetcher=made.fetcher()) as client:
        answer = client.post(
            "/upload", files=files_of(made, "A0192", "A0068"), headers=bare.bearer(H)
        )
        assert answer.status_code == 200, answer.text[:800]
        body = answer.text
        assert re.search(r"Julien Lef[^<]*'s readiness for their role", body)
        assert re.search(r"Gaps closed: <strong>[^<]*Communication", body)
        before, now = re.findall(r"<strong>(\d+)%</strong> (?:before|now)", body)
        assert int(now) > int(before)
        again = client.post("/upload", files=files_of(made, "A0192"), headers=bare.bearer(H))
        assert "readiness for their role" not in again.text  # nothing added: no change shown


# --- accessibility --------------------------------------------------------------------------


class Audit(HTMLParser):
    """What the checks need: labels' targets, inputs, images and their names, the lang."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.labelled: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.unnamed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "label" and a.get("for"):
            self.labelled.add(a["for"] or "")
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.fields.append(a)
        elif tag in ("img", "svg") and not (
            a.get("alt") or a.get("aria-label") or a.get("aria-labelledby")
        ):
            self.unnamed.append(tag)


@pytest.mark.parametrize("url", sorted(PAGES))
def test_pages_are_accessible(client: TestClient, org: Org, url: str) -> None:
    who = next(iter(sorted(PAGES[url][0], key=lambda r: r.value)))
    audit = Audit()
    audit.feed(page(client, org, who, url))
    assert audit.lang == "en"
    assert not audit.unnamed
    for field in audit.fields:
        assert field.get("id") in audit.labelled or field.get("aria-label"), field


def test_the_role_page_bench_is_at_each_requirements_own_level(
    client: TestClient, org: Org
) -> None:
    from skillgap.server.api.catalog import role_data
    from skillgap.services.organisation import bench_strength
    from skillgap.services.roles import show_role

    body = page(client, org, H, "/roles/data-analyst")
    rows = {
        html.unescape(m.group(1)): m.group(2)
        for m in re.finditer(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', body, re.S)
    }
    levels = set()
    for q in role_data(show_role(org.store, "data-analyst"))["requirements"]:
        if q["now"] is None:
            continue
        levels.add(q["now"]["canonical"])
        bench = bench_strength(org.store, org.clock, level=q["now"]["canonical"])
        [line] = [b for b in bench.rows if str(b.competency) == q["competency"]]
        people = "person" if line.people == 1 else "people"
        assert f"<td>{line.people} {people}; {line.required_by} " in rows[q["name"]], q
    assert len(levels) > 1  # the levels differ, and so does each bench's threshold


def test_role_options_are_escaped_drawn_once_and_select_the_chosen_role() -> None:
    from skillgap.server.web.pages import _options, role_options

    roles = (("a&b", 'Analyst "A"'), ("dev", "<Developer>"))
    none = role_options(roles, None)
    assert str(none) == (
        '<option value="a&amp;b">Analyst &#34;A&#34;</option>'
        '<option value="dev">&lt;Developer&gt;</option>'
    )
    chosen = str(role_options(roles, "a&b"))
    assert '<option value="a&amp;b" selected>' in chosen and chosen.count("selected") == 1
    assert "selected" not in str(role_options(roles, "missing"))
    hits = _options.cache_info().hits
    role_options(roles, "dev")
    assert _options.cache_info().hits == hits + 1
