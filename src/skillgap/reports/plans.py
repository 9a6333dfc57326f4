"""Learning plans, training priorities and plan tracking as terminal text and JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.allocation import TrainingPriority
from skillgap.analysis.catalog import JudgedItem
from skillgap.analysis.context import SkillContext
from skillgap.domain import CompetencyRef
from skillgap.domain.plans import OpenGap, Plan, PlanLine
from skillgap.errors import SkillgapError
from skillgap.services.plans import GroupPlan, PersonPlan
from skillgap.services.talent import PlanStatus


def _name(ref: CompetencyRef, context: SkillContext) -> str:
    try:
        return context.competency(ref).name
    except SkillgapError:
        return str(ref)


def line_data(line: PlanLine) -> dict[str, Any]:
    return {
        "person": line.person_id,
        "item": line.item_id,
        "closes": [str(c) for c in line.closes],
        "cost": line.cost,
        "hours": line.hours,
        "start": line.start.isoformat(),
        "due": line.due.isoformat(),
        "reason": line.reason,
    }


def open_data(gap: OpenGap) -> dict[str, Any]:
    return {
        "person": gap.person_id,
        "competency": str(gap.competency),
        "required": gap.required,
        "held": gap.held,
        "weight": gap.weight,
        "reason": gap.reason,
    }


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "scope": plan.scope.value,
        "subject": plan.subject,
        "created_at": plan.created_at.isoformat(),
        "created_by": plan.created_by,
        "as_of": plan.as_of.isoformat(),
        "objective": plan.objective.value,
        "solver": plan.solver.value,
        "budget": plan.budget,
        "deadline": plan.deadline.isoformat() if plan.deadline else None,
        "target_role": plan.target_role,
        "hours_per_week": plan.hours_per_week,
        "cost": plan.cost,
        "hours": plan.hours,
        "note": plan.note,
        "lines": [line_data(line) for line in plan.lines],
        "open_gaps": [open_data(gap) for gap in plan.open_gaps],
    }


def priority_data(p: TrainingPriority) -> dict[str, Any]:
    return {
        "competency": str(p.competency),
        "people_short": p.people_short,
        "weighted_gap": p.weighted_gap,
        "item": p.item_id,
        "people_closed": p.people_closed,
        "cost": p.cost,
        "hours": p.hours,
        "reason": p.reason,
    }


def _lines_table(
    lines: Sequence[PlanLine], items: Mapping[str, JudgedItem], context: SkillContext, who: bool
) -> Table:
    table = Table(show_lines=False)
    if who:
        table.add_column("person")
    for column in ("item", "closes", "cost", "hours", "start", "due"):
        table.add_column(column, justify="right" if column in ("cost", "hours") else "left")
    for line in lines:
        judged = items.get(line.item_id)
        name = judged.item.name if judged else line.item_id
        closes = (
            ", ".join(_name(c, context) for c in line.closes) or f"[dim]{escape(line.reason)}[/]"
        )
        row = [
            escape(name),
            closes if not line.closes else escape(closes),
            f"{line.cost:,.0f}",
            f"{line.hours:g}",
            line.start.isoformat(),
            line.due.isoformat(),
        ]
        table.add_row(*([line.person_id] if who else []), *row)
    return table


def _open_lines(gaps: Sequence[OpenGap], context: SkillContext, who: bool) -> list[str]:
    return [
        f"  - {escape(gap.person_id + ': ' if who else '')}"
        f"{escape(_name(gap.competency, context))} (level {gap.required:g}, "
        f"holds {gap.held or 0:g}): {escape(gap.reason)}"
        for gap in gaps
    ]


def render_person_plan(result: PersonPlan, console: Console) -> None:
    plan, person, role = result.plan, result.person, result.role
    target = "their role" if role.id == person.role_id else "the target role"
    console.print(
        f"[bold]Learning plan {plan.id if result.saved else '(not saved)'}[/] for "
        f"{escape(person.name)} ({person.employee_id}) against {target} "
        f"{escape(role.name)}: verified readiness now {result.readiness:.0f}%."
    )
    limits = []
    if plan.budget is not None:
        limits.append(f"budget {plan.budget:,.0f}")
    if plan.deadline is not None:
        limits.append(f"by {plan.deadline.isoformat()}")
    console.print(
        f"Cheapest by {plan.objective} ({plan.solver}); {plan.hours_per_week:g} h a week"
        + (f"; {', '.join(limits)}" if limits else "")
        + f". Total: {plan.cost:,.0f} and {plan.hours:g} hours."
    )
    if plan.lines:
        console.print(_lines_table(plan.lines, result.items, result.context, who=False))
    else:
        console.print("Nothing in the catalog is needed: no gap a catalog item could close.")
    if plan.open_gaps:
        console.print("Gaps this plan cannot close:")
        for line in _open_lines(plan.open_gaps, result.context, who=False):
            console.print(line)
    console.print(f"[dim]{escape(plan.note)}[/]")


def render_group_plan(result: GroupPlan, console: Console) -> None:
    plan, alloc = result.plan, result.result
    console.print(
        f"[bold]Training plan {plan.id if result.saved else '(not saved)'}[/] for the "
        f"{plan.scope} {escape(plan.subject or '')} ({result.people} people), budget "
        f"{plan.budget or 0:,.0f}: {len(plan.lines)} items, cost {plan.cost:,.0f}, "
        f"{plan.hours:g} hours ({plan.solver})."
    )
    console.print(
        f"Importance-weighted gap closed: {alloc.weighted_gap_closed:g} of "
        f"{alloc.weighted_gap_closed + alloc.weighted_gap_open:g}."
    )
    if alloc.reasoning:
        table = Table(title="Why each item was bought (most gap per unit of cost first)")
        for column in ("person", "item", "closes", "weighted gap", "cost", "gap per 1,000"):
            table.add_column(column)
        for r in alloc.reasoning[:25]:
            per = "free" if r.gap_per_cost is None else f"{r.gap_per_cost * 1000:.2f}"
            table.add_row(
                r.person_id,
                escape(r.item_id),
                escape(", ".join(_name(c, result.context) for c in r.closes)),
                f"{r.weighted_gap:g}",
                f"{r.cost:,.0f}",
                per,
            )
        console.print(table)
        if len(alloc.reasoning) > 25:
            console.print(f"  ... and {len(alloc.reasoning) - 25} more (--json lists all)")
    render_priorities(list(result.priorities[:5]), result.context, console)
    console.print(f"[dim]{escape(plan.note)}[/]")


def render_priorities(
    priorities: Sequence[TrainingPriority], context: SkillContext, console: Console
) -> None:
    if not priorities:
        return
    table = Table(title="Training priorities (cost to close for everyone short)")
    for column in ("competency", "people short", "weighted gap", "best item", "closes", "cost"):
        table.add_column(column)
    for p in priorities:
        table.add_row(
            escape(_name(p.competency, context)),
            str(p.people_short),
            f"{p.weighted_gap:g}",
            escape(p.item_id or p.reason),
            f"{p.people_closed} people",
            f"{p.cost:,.0f} ({p.hours:g} h)",
        )
    console.print(table)


def status_data(status: PlanStatus) -> dict[str, Any]:
    return {
        **plan_data(status.plan),
        "today": status.today.isoformat(),
        "done": status.done,
        "spent": status.spent,
        "tracking": [
            {
                **line_data(s.line),
                "state": s.state(status.today),
                "done_on": s.done_on.isoformat() if s.done_on else None,
            }
            for s in status.lines
        ],
        "gaps_close": {
            str(ref): (when.isoformat() if when else None)
            for ref, when in status.projected().items()
        },
    }


def render_status(status: PlanStatus, console: Console) -> None:
    plan = status.plan
    console.print(
        f"[bold]Plan {plan.id}[/] ({plan.scope} {escape(plan.subject)}, made "
        f"{plan.created_at.date().isoformat()} by {escape(plan.created_by)}): "
        f"{status.done} of {len(status.lines)} items done, spent {status.spent:,.0f} of "
        f"{plan.cost:,.0f}."
    )
    table = Table()
    for column in ("person", "item", "due", "state", "done on"):
        table.add_column(column)
    colours = {"done": "green", "overdue": "red", "planned": "", "not trackable": "dim"}
    for s in status.lines:
        state = s.state(status.today)
        table.add_row(
            s.line.person_id,
            escape(s.line.item_id),
            s.line.due.isoformat(),
            f"[{colours[state]}]{state}[/]" if colours[state] else state,
            s.done_on.isoformat() if s.done_on else "",
        )
    console.print(table)
    for ref, when in status.projected().items():
        text = when.isoformat() if when else "unknown: an overdue item holds it up"
        console.print(f"  {escape(str(ref))} closes {text}")


def render_plan_list(plans: Sequence[Plan], console: Console) -> None:
    if not plans:
        console.print("No plan saved yet (see `skillgap plan`).")
        return
    table = Table(title="Saved plans")
    for column in ("id", "scope", "subject", "made", "by", "items", "cost", "solver"):
        table.add_column(column)
    for p in plans:
        table.add_row(
            p.id, p.scope.value, escape(p.subject), p.created_at.date().isoformat(),
            escape(p.created_by), str(len(p.lines)), f"{p.cost:,.0f}", p.solver.value,
        )  # fmt: skip
    console.print(table)
