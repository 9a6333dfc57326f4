"""Snapshots and progress as terminal text (rich) and as JSON-ready data.

Levels are on the canonical 0-5 scale (the scale snapshots keep), readiness in percent; a
change in readiness is in percentage points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.inventory import View
from skillgap.analysis.progress import Period, ReadinessChange
from skillgap.domain import CompetencyRef
from skillgap.domain.snapshots import GapChange, Snapshot
from skillgap.services.snapshots import ProgressReport, SnapshotTaken

#: Gaps closed or opened listed in the terminal (all of them are in --json).
SHOWN = 50

# --- skillgap snapshot ------------------------------------------------------------------------


def render_taken(taken: SnapshotTaken, console: Console) -> None:
    s = taken.snapshot
    console.print(
        f"Snapshot [bold]{escape(s.id)}[/] as of {s.as_of.isoformat()} ({escape(s.reason)}), "
        f"taken {_moment(s.taken_at)}: {s.totals.people} people with a role."
    )
    console.print(_figures(s, View.VERIFIED) + ".")
    if taken.previous is not None and taken.change is not None:
        p, change = taken.previous, taken.change
        console.print(
            f"Since {escape(p.id)} (as of {p.as_of.isoformat()}, {escape(p.reason)}): "
            + _period_counts(change)
            + "."
        )
    console.print("Compare snapshots over time with: skillgap progress --since DATE")


def taken_data(taken: SnapshotTaken) -> dict[str, Any]:
    return {
        **snapshot_data(taken.snapshot),
        "previous": snapshot_data(taken.previous) if taken.previous else None,
        "change": _period_totals(taken.change) if taken.change else None,
    }


def _figures(s: Snapshot, view: View) -> str:
    verified = view is View.VERIFIED
    t = s.totals
    return (
        f"Readiness {pct(t.readiness_verified)} verified, {pct(t.readiness_best)} best "
        f"available; at the roles' next horizons {pct(t.ahead(verified))} ({view.value}); "
        f"{t.open(verified)} open gaps ({view.value})"
    )


# --- skillgap snapshots list ------------------------------------------------------------------


def render_snapshots(found: Sequence[Snapshot], console: Console) -> None:
    if not found:
        console.print(
            "No snapshots yet: take one with `skillgap snapshot` (imports and the demo take "
            "one too)."
        )
        return
    table = Table(title="Snapshots", title_justify="left")
    for name in ("Id", "As of", "Taken", "Reason", "People"):
        table.add_column(name, overflow="fold")
    for name in ("Readiness (verified)", "(best available)", "Open gaps (verified)"):
        table.add_column(name, justify="right", overflow="fold")
    for s in found:
        table.add_row(
            escape(s.id),
            s.as_of.isoformat(),
            _moment(s.taken_at),
            escape(s.reason),
            str(s.totals.people),
            pct(s.totals.readiness_verified),
            pct(s.totals.readiness_best),
            str(s.totals.open_verified),
        )
    console.print(table)


def snapshots_data(found: Sequence[Snapshot]) -> list[dict[str, Any]]:
    return [snapshot_data(s) for s in found]


def snapshot_data(s: Snapshot) -> dict[str, Any]:
    t = s.totals
    return {
        "id": s.id,
        "as_of": s.as_of.isoformat(),
        "taken_at": s.taken_at.isoformat(),
        "reason": s.reason,
        "people": t.people,
        "people_assessed": t.assessed,
        "readiness": {"verified": t.readiness_verified, "best_available": t.readiness_best},
        "readiness_at_next_horizon": {"verified": t.ahead_verified, "best_available": t.ahead_best},
        "open_gaps": {"verified": t.open_verified, "best_available": t.open_best},
    }


# --- skillgap progress ------------------------------------------------------------------------


def render_progress(report: ProgressReport, console: Console) -> None:
    p = report.progress
    scope = f", department {escape(p.department)}" if p.department else ""
    since = f"since {p.since.isoformat()}" if p.since else "over every snapshot"
    if not p.series:
        console.print(
            f"No snapshots {since}{scope}: take one with `skillgap snapshot` (imports and the "
            "demo take one too)."
        )
        return
    first, last = p.series[0].snapshot, p.series[-1].snapshot
    console.print(
        f"Progress {since}{scope}, {p.view.value} view: {len(p.series)} snapshots, "
        f"as of {first.as_of.isoformat()} to {last.as_of.isoformat()}."
    )
    console.print(_series_table(report))
    if p.overall is None:
        console.print("One snapshot only: take another later to see what changed.")
        return
    if len(p.periods) > 1:
        console.print(_periods_table(report))
    o = p.overall
    console.print(
        f"[bold]From {escape(o.before.id)} to {escape(o.after.id)}[/]: " + _period_counts(o) + "."
    )
    if o.joined or o.left:
        console.print(
            f"People assessed: {len(o.joined)} joined, {len(o.left)} left (their gaps are not "
            "counted as closed or opened)."
        )
    if len(o.departments) > 1 or p.department is None:
        console.print(_departments_table(o))
    console.print(_changes_table(report, o.closed, "Gaps closed"))
    console.print(_changes_table(report, o.opened, "Gaps opened"))


def _series_table(report: ProgressReport) -> Table:
    p = report.progress
    verified = p.view is View.VERIFIED
    table = Table(title="Readiness over time", title_justify="left")
    for name in ("Snapshot", "As of", "Reason", "People"):
        table.add_column(name, overflow="fold")
    for name in ("Verified", "Best available", "At next horizon", "Open gaps"):
        table.add_column(name, justify="right", overflow="fold")
    for point in p.series:
        s, t = point.snapshot, point.snapshot.totals
        table.add_row(
            escape(s.id),
            s.as_of.isoformat(),
            escape(s.reason),
            str(t.assessed),
            pct(t.readiness_verified),
            pct(t.readiness_best),
            pct(t.ahead(verified)),
            str(t.open(verified)),
        )
    table.caption = f"At next horizon and open gaps: {p.view.value} view."
    table.caption_justify = "left"
    return table


def _periods_table(report: ProgressReport) -> Table:
    table = Table(title="Each period", title_justify="left")
    for name in ("From", "To", "Reason"):
        table.add_column(name, overflow="fold")
    for name in ("Closed", "Opened", "Readiness change"):
        table.add_column(name, justify="right", overflow="fold")
    for period in report.progress.periods:
        table.add_row(
            f"{escape(period.before.id)} ({period.before.as_of.isoformat()})",
            f"{escape(period.after.id)} ({period.after.as_of.isoformat()})",
            escape(period.after.reason),
            str(len(period.closed)),
            str(len(period.opened)),
            points(period.organisation.delta),
        )
    return table


def _departments_table(period: Period) -> Table:
    table = Table(title="Readiness by department", title_justify="left")
    table.add_column("Department", overflow="fold")
    for name in ("Before", "After", "Change"):
        table.add_column(name, justify="right", overflow="fold")
    for d in period.departments:
        table.add_row(escape(d.name), pct(d.before), pct(d.after), points(d.delta))
    return table


def _changes_table(report: ProgressReport, changes: Sequence[GapChange], title: str) -> Table:
    table = Table(title=f"{title} ({len(changes)})", title_justify="left")
    for name in ("Person", "Department", "Competency", "Importance", "Required", "Held", "Why"):
        table.add_column(name, overflow="fold")
    for c in changes[:SHOWN]:
        table.add_row(
            escape(f"{report.people.get(c.person_id, c.person_id)} ({c.person_id})"),
            escape(c.department or "-"),
            escape(report.competencies.get(c.competency, str(c.competency))),
            c.importance.value,
            before_after(c.required_before, c.required_after),
            held(c),
            c.cause.label,
        )
    if len(changes) > SHOWN:
        table.caption = f"... and {len(changes) - SHOWN} more (all of them with --json)."
        table.caption_justify = "left"
    if not changes:
        table.add_row("none", "", "", "", "", "", "")
    return table


def progress_data(report: ProgressReport) -> dict[str, Any]:
    p = report.progress
    return {
        "since": p.since.isoformat() if p.since else None,
        "department": p.department,
        "view": p.view.value,
        "series": [
            {
                **snapshot_data(point.snapshot),
                "departments": {
                    name: {
                        "people": t.assessed,
                        "readiness": {
                            "verified": t.readiness_verified,
                            "best_available": t.readiness_best,
                        },
                        "open_gaps": {"verified": t.open_verified, "best_available": t.open_best},
                    }
                    for name, t in point.departments.items()
                },
            }
            for point in p.series
        ],
        "periods": [_period_data(report, period) for period in p.periods],
        "overall": _period_data(report, p.overall) if p.overall else None,
    }


def _period_totals(period: Period) -> dict[str, Any]:
    return {
        "from": period.before.id,
        "to": period.after.id,
        "view": period.view.value,
        "closed": len(period.closed),
        "opened": len(period.opened),
        "joined": len(period.joined),
        "left": len(period.left),
        "readiness": readiness_data(period.organisation),
    }


def _period_data(report: ProgressReport, period: Period) -> dict[str, Any]:
    return {
        **_period_totals(period),
        "from_as_of": period.before.as_of.isoformat(),
        "to_as_of": period.after.as_of.isoformat(),
        "reason": period.after.reason,
        "gaps_closed": [_change_data(report, c) for c in period.closed],
        "gaps_opened": [_change_data(report, c) for c in period.opened],
        "people_joined": list(period.joined),
        "people_left": list(period.left),
        "departments": [readiness_data(d) for d in period.departments],
        "people": [readiness_data(r) for r in period.people],
    }


def _change_data(report: ProgressReport, c: GapChange) -> dict[str, Any]:
    return change_data(c, report.people, report.competencies)


def change_data(
    c: GapChange, people: Mapping[str, str], competencies: Mapping[CompetencyRef, str]
) -> dict[str, Any]:
    """A gap that closed or opened, with the names of its person and competency."""
    return {
        "person": c.person_id,
        "name": people.get(c.person_id, c.person_id),
        "department": c.department,
        "role": c.role_id,
        "competency": str(c.competency),
        "competency_name": competencies.get(c.competency, str(c.competency)),
        "importance": c.importance.value,
        "required_before": c.required_before,
        "required_after": c.required_after,
        "held_before": c.held_before,
        "held_after": c.held_after,
        "cause": c.cause.value,
    }


def readiness_data(r: ReadinessChange) -> dict[str, Any]:
    return {"name": r.name, "before": r.before, "after": r.after, "change": r.delta}


# --- text --------------------------------------------------------------------------------------


def _period_counts(period: Period) -> str:
    o = period.organisation
    text = f"{len(period.closed)} gaps closed, {len(period.opened)} opened"
    if o.before is not None and o.after is not None:
        text += f"; readiness {pct(o.before)} to {pct(o.after)} ({points(o.delta)} points)"
    return text


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def points(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def _level(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def before_after(before: float | None, after: float | None) -> str:
    if before == after:
        return _level(after)
    return f"{_level(before)} -> {_level(after)}"


def held(c: GapChange) -> str:
    """Held levels are recorded against requirements in force: none before a competency
    was required, none after it no longer is."""
    if c.required_before is None:
        return _level(c.held_after)
    if c.required_after is None:
        return _level(c.held_before)
    return before_after(c.held_before, c.held_after)


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
