"""An employee makes a learning plan for themselves in a real browser: from the "My plan"
link, through the form, to the saved plan with its timeline, listed on their plan page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.domain.users import UserRole
from skillgap.store.schema import open_store
from tests.server.conftest import NOW
from tests.server.test_plans_api import load_actions

from .harness import EMPLOYEE, Server, build_workspace, serving
from .test_browser import log_in


@pytest.fixture
def plan_server(tmp_path: Path, browser: Any) -> Iterator[Server]:
    """``skillgap serve`` on the demo workspace with its catalog, pathways and policy."""
    workspace = tmp_path / "ws.db"
    build_workspace(workspace)
    store = open_store(load_settings({}, workspace=workspace))
    try:
        load_actions(store, FixedClock(NOW))
    finally:
        store.close()
    with serving(workspace) as found:
        yield found


def test_employee_makes_a_plan_for_themselves(page: Any, plan_server: Server) -> None:
    base = plan_server.base
    log_in(page, base, UserRole.EMPLOYEE)
    page.get_by_role("link", name="My plan", exact=True).click()
    page.wait_for_url(f"{base}/people/{EMPLOYEE}/plan")
    assert "No plan saved yet." in page.locator("main").inner_text()
    assert "Pathway progress" in page.locator("main").inner_text()
    page.get_by_label("Budget").fill("2000")
    page.get_by_label("Optimise for").select_option("cost")
    page.get_by_label("Learning hours per week").fill("5")
    page.get_by_role("button", name="Make and save the plan").click()
    page.wait_for_url(re.compile(r"/plans/P\d{4}$"))
    plan_id = page.url.rsplit("/", 1)[1]
    assert page.get_by_role("heading", level=1).inner_text() == f"Plan {plan_id}"
    main = page.locator("main").inner_text()
    assert "Items: planned and done" in main and "5 hours a week" in main
    timeline = page.locator("svg.timeline")
    assert timeline.get_attribute("role") == "img"
    assert timeline.locator("rect.bar").count() >= 1
    page.get_by_role("link", name="My plan", exact=True).click()
    page.get_by_role("link", name=plan_id, exact=True).wait_for()
