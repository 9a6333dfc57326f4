"""One person's progress between snapshots (``services.snapshots.person_progress``): a table
per period for the terminal, and JSON-ready data (the command line's ``--json``, the API)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.reports.snapshots import before_after, change_data, held, pct, points
from skillgap.services.snapshots import PersonPeriod, PersonProgress


def person_progress_data(report: PersonProgress) -> dict[str, Any]:
    people, names = {report.person_id: report.name}, report.competencies
    return {
        "person": report.person_id,
        "name": report.name,
        "since": report.since.isoformat() if report.since else None,
        "view": report.view.value,
        "periods": [
            {
                "from": p.before.id,
                "to": p.after.id,
                "from_as_of": p.before.as_of.isoformat(),
                "to_as_of": p.after.as_of.isoformat(),
                "reason": p.after.reason,
                "readiness": _readiness(p),
                "gaps_closed": [change_data(c, people, names) for c in p.change.closed],
                "gaps_opened": [change_data(c, people, names) for c in p.change.opened],
            }
            for p in report.periods
        ],
    }


def _readiness(p: PersonPeriod) -> dict[str, float] | None:
    before, after = p.change.readiness_before, p.change.readiness_after
    if before is None or after is None:
        return None  # it did not move
    return {"before": before, "after": after, "change": after - before}


def render_person_progress(report: PersonProgress, console: Console) -> None:
    since = f" since {report.since.isoformat()}" if report.since else ""
    who = escape(f"{report.name} ({report.person_id})")
    if not report.periods:
        console.print(
            f"No change recorded for {who} between snapshots{since}, {report.view.value} view."
        )
        return
    console.print(f"Progress of {who}{since}, {report.view.value} view:")
    for p in report.periods:
        c = p.change
        moved = (
            f"readiness {pct(c.readiness_before)} to {pct(c.readiness_after)} "
            f"({points(c.readiness_after - c.readiness_before)} points)"
            if c.readiness_before is not None and c.readiness_after is not None
            else "readiness unchanged"
        )
        table = Table(
            title=f"{escape(p.before.id)} ({p.before.as_of.isoformat()}) to "
            f"{escape(p.after.id)} ({p.after.as_of.isoformat()}): {moved}",
            title_justify="left",
        )
        for name in ("Gap", "Competency", "Importance", "Required", "Held", "Why"):
            table.add_column(name, overflow="fold")
        for kind, changes in (("closed", c.closed), ("opened", c.opened)):
            for g in changes:
                table.add_row(
                    kind,
                    escape(report.competencies.get(g.competency, str(g.competency))),
                    g.importance.value,
                    before_after(g.required_before, g.required_after),
                    held(g),
                    g.cause.label,
                )
        if not (c.closed or c.opened):
            table.add_row("none closed or opened", "", "", "", "", "")
        console.print(table)
