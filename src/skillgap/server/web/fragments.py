"""HTML fragments drawn in Python: the loops of a page that would otherwise escape hundreds
of values per request in a template (a person's gap table: ~40 rows of 9 values, twice).

Every text value goes through :func:`text`, which escapes it once per distinct string (the
names and labels of the rows repeat from person to person); numbers are written as is."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape


@lru_cache(maxsize=32_768)
def text(value: str) -> str:
    """``value`` escaped for HTML (kept: competency names and labels repeat on every page)."""
    return str(escape(value))


def gap_table(profile: Mapping[str, Any], caption: str) -> Markup:
    """A profile's requirements (``reports.gaps.gaps_data``'s lines) as a table: competency,
    importance, level required and held (with its source, and whether only claimed), status."""
    rows = "".join(_gap_row(r) for r in profile["requirements"])
    return Markup(
        f"<table>\n  <caption>{text(caption)}</caption>\n"
        '  <thead><tr><th scope="col">Competency</th><th scope="col">Importance</th>'
        '<th scope="col">Required</th><th scope="col">Held</th><th scope="col">Status</th>'
        f"</tr></thead>\n  <tbody>\n{rows}  </tbody>\n</table>\n"
    )


def _gap_row(r: Mapping[str, Any]) -> str:
    status = text(r["status"])
    since = r["since"]
    held = r["held_label"]
    source = r["source"]
    return (
        f'    <tr class="gap-{status}"><th scope="row">{text(r["name"])}'
        + (f' <span class="hint">(from {text(since)})</span>' if since else "")
        + f"</th>\n    <td>{text(r['importance'])}</td>"
        f"<td>{text(r['required_label'])} ({int(r['required_level'])})</td>\n"
        f"    <td>{text(held) if held else 'nothing'}"
        + (f' <span class="hint">({text(source)})</span>' if source else "")
        + (' <span class="claimed">claimed, not verified</span>' if r["claimed_only"] else "")
        + f'</td>\n    <td><span class="status status-{status}">{status}</span></td></tr>\n'
    )
