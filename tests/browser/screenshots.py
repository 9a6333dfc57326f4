"""``python -m tests.browser.screenshots OUTDIR``: PNG screenshots of the main pages, taken
in headless Chromium (/usr/bin/chromium) against a demo server: the dashboard, a person, an
upload's result and the review queue at laptop size, and the person page at phone size."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from skillgap.domain.users import UserRole

from .harness import (
    CHROMIUM,
    EMAIL,
    EMPLOYEE,
    LAPTOP,
    PASSWORD,
    PHONE,
    build_workspace,
    serving,
    write_badge,
)


def _log_in(page: Any, base: str, role: UserRole) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(EMAIL[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def take(out: Path) -> list[Path]:
    """Write the screenshots under ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="skillgap-shots-") as tmp:
        workspace = Path(tmp) / "ws.db"
        build_workspace(workspace)
        with serving(workspace, demo_fetcher=True) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            laptop = browser.new_context(viewport=LAPTOP).new_page()

            def shot(page: Any, name: str) -> None:
                path = out / f"{name}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)

            base = server.base
            _log_in(laptop, base, UserRole.HR)
            laptop.goto(f"{base}/dashboard")
            shot(laptop, "dashboard")
            _log_in(laptop, base, UserRole.ADMIN)
            laptop.goto(f"{base}/review")
            shot(laptop, "review-queue")
            _log_in(laptop, base, UserRole.EMPLOYEE)
            laptop.goto(f"{base}/upload")
            laptop.get_by_label("Credential files").set_input_files(str(write_badge(Path(tmp))))
            laptop.get_by_role("button", name="Upload and verify").click()
            laptop.get_by_role("heading", name="What your upload did").wait_for()
            shot(laptop, "upload-result")
            laptop.goto(f"{base}/people/{EMPLOYEE}")
            shot(laptop, "person")
            phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
            _log_in(phone, base, UserRole.EMPLOYEE)
            phone.goto(f"{base}/people/{EMPLOYEE}")
            shot(phone, "person-phone")
            browser.close()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.browser.screenshots OUTDIR", file=sys.stderr)
        return 2
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    for path in take(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
