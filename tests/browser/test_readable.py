"""Readable by everyone: the text of the main pages has sufficient contrast (WCAG 2.x AA:
4.5:1, large text 3:1) against what is behind it, the heatmap's figures against their cells,
and on a phone the pages do not scroll sideways (wide tables and charts scroll in their own
box)."""

from __future__ import annotations

from typing import Any

import pytest

from skillgap.domain.users import UserRole

from .harness import EMPLOYEE, PHONE, Server
from .test_browser import log_in

PAGES = [
    "/",
    "/dashboard",
    "/dashboard?view=best-available&metric=gap",
    "/departments/Operations",
    "/teams/Network Planning",
    "/people",
    f"/people/{EMPLOYEE}",
    f"/people/{EMPLOYEE}/plan",
    "/roles/data-analyst",
    "/upload",
    "/review",
    "/api/v1/docs",
]

#: For each element with text of its own: its colour, the first opaque background behind it
#: (else white), its size and weight; for the text of a chart's cell, the fill of its rect.
TEXT_COLOURS = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const opaque = (c) => c.length === 3 || (c.length === 4 && c[3] === 1);
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length && opaque(c)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height || el.closest("title")) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const svg = el instanceof SVGElement;
    const group = svg && el.parentElement && el.parentElement.tagName === "g";
    const under = group && el.parentElement.querySelector(":scope > rect");  // a cell's
    found.push({
      text: el.textContent.trim().slice(0, 40),
      tag: el.tagName,
      ink: rgb(svg ? style.fill : style.color).slice(0, 3),
      back: under ? rgb(getComputedStyle(under).fill).slice(0, 3) : behind(el),
      size: parseFloat(style.fontSize),
      bold: Number(style.fontWeight) >= 700,
    });
  }
  return found;
}"""


def luminance(colour: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def needed(size: float, bold: bool) -> float:
    large = size >= 24 or (bold and size >= 18.66)  # 18 pt, or 14 pt bold
    return 3.0 if large else 4.5


def test_contrast_helpers() -> None:
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21.0)
    assert contrast([119, 119, 119], [255, 255, 255]) == pytest.approx(4.48, abs=0.01)
    assert needed(16, False) == 4.5 and needed(19, True) == 3.0 and needed(24, False) == 3.0


def test_the_main_pages_have_sufficient_contrast(page: Any, server: Server) -> None:
    log_in(page, server.base, UserRole.HR)
    failures = []
    checked = 0
    for path in PAGES:
        answer = page.goto(f"{server.base}{path}")
        assert answer is not None and answer.status == 200, path
        for item in page.evaluate(TEXT_COLOURS):
            checked += 1
            ratio = contrast(item["ink"], item["back"])
            if ratio < needed(item["size"], item["bold"]):
                failures.append(f"{path}: {item['tag']} {item['text']!r} {ratio:.2f}:1")
    assert checked > 500
    assert not failures, "\n".join(failures)


def test_the_main_pages_fit_a_phone(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        log_in(page, server.base, UserRole.HR)
        for path in PAGES:
            page.goto(f"{server.base}{path}")
            wide = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
            assert wide <= 1, f"{path} scrolls sideways by {wide}px on a phone"
    finally:
        context.close()
