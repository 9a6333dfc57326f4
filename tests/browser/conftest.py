"""Browser tests in real headless Chromium (Debian's ``chromium`` at /usr/bin/chromium),
driven by Playwright for Python against real servers in subprocesses. Without Chromium or
Playwright they are skipped, unless SKILLGAP_REQUIRE_BROWSER=1 makes that a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import CHROMIUM, LAPTOP, Server, build_workspace, serving

REQUIRED = os.environ.get("SKILLGAP_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"SKILLGAP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield found
        found.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Server]:
    """``skillgap serve`` on a demo workspace."""
    workspace = tmp_path_factory.mktemp("served") / "ws.db"
    build_workspace(workspace)
    with serving(workspace) as found:
        yield found


@pytest.fixture
def upload_server(tmp_path: Path, browser: Any) -> Iterator[Server]:
    """The demo server (verifies the demo's badges) on a fresh demo workspace."""
    workspace = tmp_path / "ws.db"
    build_workspace(workspace)
    with serving(workspace, demo_fetcher=True) as found:
        yield found


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=LAPTOP)
    found = context.new_page()
    found.set_default_timeout(15000)
    yield found
    context.close()
