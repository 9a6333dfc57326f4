"""The organisation summary as terminal text (rich) and as JSON-ready data."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from skillgap.analysis.gaps import CompetencyPriority, PersonGap
from skillgap.analysis.summary import OrganisationSummary


def render_summary(summary: OrganisationSummary, console: Console) -> None:
    s = summary
    console.print(
        Panel.fit(
            f"[bold]{escape(s.organisation)}[/] - skill gap summary\n"
            f"as of {s.as_of.isoformat()}, {s.view.value} view; "
            f"{s.people_assessed} people with a role"
            + (f", next horizon {s.horizon.isoformat()}" if s.horizon else ""),
            title="skillgap",
        )
    )
    readiness = f"Readiness for current roles: [bold]{s.readiness_now:.0f}%[/]"
    if s.readiness_at_horizon is not None and s.horizon:
        readiness += (
            f"; against the {s.horizon.isoformat()} profiles: "
            f"[bold]{s.readiness_at_horizon:.0f}%[/] if nothing changes"
        )
    console.print(readiness + " (importance-weighted, mean over people).")
    tally = s.credentials
    reasons = ", ".join(f"{n} {reason.label}" for reason, n in tally.excluded.items())
    line = (
        f"Credentials issued by then: {tally.total}; [green]{tally.counted} count as verified "
        "evidence[/]"
    )
    if reasons:
        line += f"; reasons the others do not (an award may have several): {reasons}"
    if tally.issued_later:
        line += f"; {tally.issued_later} more were issued later"
    console.print(line + ".")
    left_out = []
    if s.people_without_role:
        left_out.append(f"{s.people_without_role} active people without a known role")
    if s.people_without_requirements:
        left_out.append(f"{s.people_without_requirements} whose role requires nothing yet")
    if left_out:
        console.print(f"Not in the gap figures: {'; '.join(left_out)}.")
    console.print()
    console.print(_priority_table(s, s.top_now, f"Top gaps now ({s.as_of.isoformat()})"))
    if s.horizon:
        console.print(_priority_table(s, s.top_future, f"Top gaps by {s.horizon.isoformat()}"))
    console.print(_department_table(s))
    console.print(_furthest_table(s))
    if s.next_steps:
        console.print("[bold]What to try next[/]")
        for step in s.next_steps:
            console.print(f"  - {escape(step)}")
        console.print(
            "  - Explore: skillgap summary --view best-available, skillgap gaps --org "
            "--horizon future, skillgap priorities, skillgap bench-strength, "
            "skillgap why PERSON COMPETENCY, skillgap progress"
        )


def _name(s: OrganisationSummary, p: CompetencyPriority) -> str:
    return s.context.competency(p.competency).name


def _capability(s: OrganisationSummary, p: CompetencyPriority) -> str:
    group = s.context.capability(p.competency)
    return group.name if group else "-"


def _priority_table(
    s: OrganisationSummary, rows: tuple[CompetencyPriority, ...], title: str
) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("Competency")
    table.add_column("Capability")
    table.add_column("Short / need", justify="right")
    table.add_column("Mean gap", justify="right")
    table.add_column("Priority", justify="right")
    for rank, p in enumerate(rows, 1):
        table.add_row(
            str(rank),
            escape(_name(s, p)),
            escape(_capability(s, p)),
            f"{p.people_short} / {p.people_required}",
            f"{p.mean_gap:.1f}",
            f"{p.weighted_gap:.0f}",
        )
    if not rows:
        table.add_row("", "no gaps", "", "", "", "")
    return table


def _department_table(s: OrganisationSummary) -> Table:
    table = Table(title="Gaps per department", title_justify="left")
    table.add_column("Department")
    table.add_column("People", justify="right")
    table.add_column("Readiness", justify="right")
    table.add_column("Largest gaps")
    for group in s.departments:
        top = ", ".join(_name(s, p) for p in group.priorities[:3]) or "none"
        table.add_row(
            escape(group.name), str(group.headcount), f"{group.mean_readiness:.0f}%", escape(top)
        )
    return table


def _furthest_table(s: OrganisationSummary) -> Table:
    table = Table(title="Furthest from their role", title_justify="left")
    table.add_column("Person")
    table.add_column("Role (department)")
    table.add_column("Readiness", justify="right")
    table.add_column("Biggest gaps (held -> needed, 0-5)")
    for gap in s.furthest:
        table.add_row(
            escape(f"{gap.person.name} ({gap.person.employee_id})"),
            escape(f"{gap.role.name} ({gap.person.department or '-'})"),
            f"{gap.readiness:.0f}%",
            escape(_biggest(s, gap)),
        )
    return table


def _biggest(s: OrganisationSummary, gap: PersonGap) -> str:
    parts = []
    for item in gap.open_items[:3]:
        name = s.context.competency(item.requirement.competency).name
        held = "none" if item.held is None else f"{item.held:g}"
        parts.append(f"{name} {held} -> {item.required:g}")
    return "\n".join(parts)


def summary_data(summary: OrganisationSummary) -> dict[str, Any]:
    """The summary as plain data for ``--json`` (and later the HTTP API)."""
    s = summary

    def priority(p: CompetencyPriority) -> dict[str, Any]:
        return {
            "competency": str(p.competency),
            "name": _name(s, p),
            "capability": _capability(s, p),
            "people_short": p.people_short,
            "people_required": p.people_required,
            "mean_gap": round(p.mean_gap, 3),
            "weighted_gap": round(p.weighted_gap, 3),
        }

    def person(gap: PersonGap) -> dict[str, Any]:
        return {
            "employee_id": gap.person.employee_id,
            "name": gap.person.name,
            "role": gap.role.id,
            "department": gap.person.department,
            "readiness": round(gap.readiness, 1),
            "gaps": [
                {
                    "competency": str(i.requirement.competency),
                    "required": i.required,
                    "held": i.held,
                    "source": i.source.value if i.source else None,
                    "importance": i.requirement.importance.value,
                    "status": i.status.value,
                }
                for i in gap.open_items
            ],
        }

    return {
        "organisation": s.organisation,
        "as_of": s.as_of.isoformat(),
        "view": s.view.value,
        "horizon": s.horizon.isoformat() if s.horizon else None,
        "people_assessed": s.people_assessed,
        "people_without_role": s.people_without_role,
        "people_without_requirements": s.people_without_requirements,
        "readiness_now": round(s.readiness_now, 1),
        "readiness_at_horizon": (
            None if s.readiness_at_horizon is None else round(s.readiness_at_horizon, 1)
        ),
        "credentials": {
            "total": s.credentials.total,
            "counted": s.credentials.counted,
            "excluded": {r.value: n for r, n in s.credentials.excluded.items()},
            "issued_later": s.credentials.issued_later,
        },
        "top_gaps_now": [priority(p) for p in s.top_now],
        "top_gaps_at_horizon": [priority(p) for p in s.top_future],
        "departments": [
            {
                "name": g.name,
                "people": g.headcount,
                "readiness": round(g.mean_readiness, 1),
                "top_gaps": [priority(p) for p in g.priorities[:3]],
            }
            for g in s.departments
        ],
        "furthest_from_role": [person(g) for g in s.furthest],
        "unbacked_claims": s.unbacked_claims,
        "next_steps": list(s.next_steps),
    }


__all__ = ["render_summary", "summary_data"]
