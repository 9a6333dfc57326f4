"""Each kind of user in a real browser: log in, see what the role may see (the heatmap),
upload a real badge and watch the gap close, be refused the rest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from skillgap.domain.users import UserRole

from .harness import EMAIL, EMPLOYEE, PASSWORD, Server, write_badge

OUTSIDE = "E1040"  # outside the manager's tree


def log_in(page: Any, base: str, role: UserRole) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(EMAIL[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def nav_links(page: Any) -> set[str]:
    return set(page.locator("nav.mainnav a").all_inner_texts())


EXPECTED_NAV = {
    UserRole.ADMIN: {"Dashboard", "People", "Upload badges", "Review queue", "API"},
    UserRole.HR: {"Dashboard", "People", "Upload badges", "Review queue", "API"},
    UserRole.MANAGER: {"People", "My skills", "My plan", "Upload badges", "API"},
    UserRole.REVIEWER: {"Review queue", "API"},
    UserRole.EMPLOYEE: {"My skills", "My plan", "Upload badges", "API"},
}


@pytest.mark.parametrize("role", list(UserRole), ids=lambda r: r.value)
def test_each_user_logs_in_and_sees_their_links(page: Any, server: Server, role: UserRole) -> None:
    log_in(page, server.base, role)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert nav_links(page) == EXPECTED_NAV[role]
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{server.base}/login")


def test_hr_sees_the_heatmap_and_toggles_the_view(page: Any, server: Server) -> None:
    log_in(page, server.base, UserRole.HR)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    chart = page.locator("svg.heatmap")
    chart.wait_for()
    assert "capability group" in (chart.get_attribute("aria-label") or "")
    cells = chart.locator("rect.cell")
    rows = page.locator("details table tbody tr")
    columns = page.locator("details table thead th").count() - 1
    assert cells.count() == rows.count() * columns == 5 * columns
    page.get_by_role("link", name="Switch to best-available levels").click()
    page.wait_for_url(re.compile(r"view=best-available"))
    assert "best available evidence" in page.locator("main").inner_text()
    page.get_by_label("Heatmap shows").select_option("gap")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"metric=gap"))
    assert page.get_by_role("heading", name=re.compile("Mean weighted gap per department"))
    page.get_by_role("link", name="Operations").first.click()
    page.wait_for_url(re.compile(r"/departments/Operations"))
    assert page.locator("svg.heatmap").count() == 1  # teams x capability groups


def test_keyboard_reaches_the_content(page: Any, server: Server) -> None:
    log_in(page, server.base, UserRole.HR)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_manager_is_refused_what_is_not_theirs(page: Any, server: Server) -> None:
    log_in(page, server.base, UserRole.MANAGER)
    answer = page.goto(f"{server.base}/people/{OUTSIDE}")
    assert answer.status == 404 and "no person" in page.content()
    answer = page.goto(f"{server.base}/dashboard")
    assert answer.status == 403
    answer = page.goto(f"{server.base}/people/{EMPLOYEE}")
    assert answer.status == 200


@pytest.mark.parametrize("role", [UserRole.EMPLOYEE, UserRole.REVIEWER], ids=lambda r: r.value)
def test_others_are_refused_the_dashboard(page: Any, server: Server, role: UserRole) -> None:
    log_in(page, server.base, role)
    answer = page.goto(f"{server.base}/dashboard")
    assert answer.status == 403 and "may not open this page" in page.content()


def test_employee_uploads_a_badge_and_the_gap_closes(
    page: Any, upload_server: Server, tmp_path: Path
) -> None:
    base = upload_server.base
    log_in(page, base, UserRole.EMPLOYEE)
    page.get_by_role("link", name="My skills", exact=True).click()
    before = page.locator("main").inner_text()
    assert re.search(r"Communication\s+important\s+Proficient \(3\)\s+nothing", before)
    page.get_by_role("link", name="Upload badges", exact=True).click()
    page.get_by_label("Credential files").set_input_files(str(write_badge(tmp_path)))
    page.get_by_role("button", name="Upload and verify").click()
    page.get_by_role("heading", name="What your upload did").wait_for()
    result = page.locator("main").inner_text()
    assert "Communicator in Practice" in result and "Verified: the credential is genuine" in result
    assert re.search(r"Gaps closed: .*Communication", result)
    page.get_by_role("link", name=re.compile("skills and gaps")).click()
    after = page.locator("main").inner_text()
    assert re.search(r"Communication\s+important\s+Proficient \(3\)\s+3 Proficient", after)
