"""Candidates, hiring needs, policy checks and the audit log as terminal text and JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.hiring import HiringNeed, posting_text
from skillgap.domain.governance import AuditEntry, PolicyRule
from skillgap.formats.policy import policy_to_data
from skillgap.services.talent import Candidates, HiringNeeds, PolicyCheck


def candidates_data(result: Candidates) -> dict[str, Any]:
    table = result.table
    return {
        "role": result.role.id,
        "as_of": result.as_of.isoformat(),
        "view": "verified",
        "in_scope": table.total,
        "candidates": [
            {
                "rank": row.rank,
                "person": row.person.employee_id,
                "name": row.person.name,
                "department": row.person.department,
                "readiness": round(row.readiness, 1),
                "weighted_gap": round(row.weighted_gap, 3),
                "met": row.met,
                "partial": row.partial,
                "missing": row.missing,
                "lacks": [
                    {
                        "competency": str(lack.competency),
                        "required": lack.required,
                        "held": lack.held,
                        "importance": lack.importance.value,
                    }
                    for lack in table.lacks(row)
                ],
                "plan": _plan(result, row.person.employee_id),
            }
            for row in table.rows()
        ],
    }


def _plan(result: Candidates, person_id: str) -> dict[str, Any] | None:
    plan = result.plans.get(person_id)
    if plan is None:
        return None
    return {
        "items": [line.item_id for line in plan.lines],
        "cost": plan.cost,
        "hours": plan.hours,
        "open": [str(g.competency) for g in plan.open_gaps],
        "solver": plan.solver.value,
    }


def render_candidates(result: Candidates, console: Console) -> None:
    table = result.table
    console.print(
        f"[bold]Internal candidates for {escape(result.role.name)}[/] ({result.role.id}), "
        f"verified readiness, as of {result.as_of.isoformat()}: {len(table.rows())} of "
        f"{table.total} people in scope."
    )
    out = Table()
    for column in ("#", "person", "department", "readiness", "still lacks", "plan to close"):
        out.add_column(column)
    for row in table.rows():
        lacks = table.lacks(row)
        names = ", ".join(_short(result, lack.competency) for lack in lacks[:4])
        if len(lacks) > 4:
            names += f" +{len(lacks) - 4}"
        plan = result.plans.get(row.person.employee_id)
        plan_text = "" if plan is None else f"{len(plan.lines)} items, {plan.cost:,.0f}"
        if plan is not None and plan.open_gaps:
            plan_text += f"; {len(plan.open_gaps)} gaps no item closes"
        out.add_row(
            str(row.rank),
            escape(f"{row.person.name} ({row.person.employee_id})"),
            escape(row.person.department or ""),
            f"{row.readiness:.0f}%",
            escape(names or "nothing"),
            escape(plan_text),
        )
    console.print(out)
    console.print("[dim]Listed, not decided: this run is recorded in the audit log.[/]")


def _short(result: Candidates, ref: Any) -> str:
    try:
        return result.context.competency(ref).name
    except Exception:
        return str(ref)


def hiring_data(result: HiringNeeds) -> dict[str, Any]:
    return {
        "as_of": result.as_of.isoformat(),
        "people_planned": result.people_planned,
        "needs": [_need_data(n) for n in result.needs],
    }


def _need_data(need: HiringNeed) -> dict[str, Any]:
    return {
        "role": need.role.id,
        "need_by": need.need_by.isoformat() if need.need_by else None,
        "people_short": len(need.people),
        "requirements": [
            {
                "competency": str(r.competency),
                "name": r.name,
                "level": r.level,
                "level_words": r.level_words,
                "importance": r.importance.value,
                "people_short": r.people_short,
                "need_by": r.need_by.isoformat() if r.need_by else None,
                "reasons": list(r.reasons),
            }
            for r in need.requirements
        ],
        "posting": posting_text(need),
    }


def render_hiring(result: HiringNeeds, console: Console, postings: bool) -> None:
    if not result.needs:
        console.print("Every gap has a plan that closes it in time: no hiring need.")
        return
    console.print(
        f"[bold]Build or buy[/]: gaps no catalog plan closes before the role needs them "
        f"({result.people_planned} people planned, as of {result.as_of.isoformat()})."
    )
    for need in result.needs:
        when = need.need_by.isoformat() if need.need_by else "now"
        console.print(
            f"\n[bold]{escape(need.role.name)}[/] ({need.role.id}): {len(need.people)} people "
            f"short, needed by {when}"
        )
        if postings:
            console.print(escape(posting_text(need)))
            continue
        for r in need.requirements:
            console.print(
                f"  - {escape(r.name)} ({r.importance}, {r.people_short} short): "
                f"{escape(r.reasons[0] if r.reasons else '')}"
            )


def rules_data(rules: list[PolicyRule]) -> dict[str, Any]:
    return policy_to_data(rules)


def check_data(result: PolicyCheck) -> dict[str, Any]:
    return {
        "as_of": result.as_of.isoformat(),
        "audit_entry": result.audit_id,
        "rules": [
            {
                "rule": o.rule.id,
                "effect": o.rule.effect.value,
                "amount": o.rule.amount,
                "qualified": [
                    {
                        "person": q.person.employee_id,
                        "role": q.role.id,
                        "reasons": [m.reason for m in q.matches],
                    }
                    for q in o.qualified
                ],
                "near_misses": [
                    {
                        "person": n.person.employee_id,
                        "condition": n.condition.value,
                        "reason": n.reason,
                    }
                    for n in o.near_misses
                ],
                "near_misses_left_off": o.near_misses_left_off,
            }
            for o in result.outcomes
        ],
    }


def render_check(result: PolicyCheck, console: Console, verbose: bool) -> None:
    for o in result.outcomes:
        amount = f", {o.rule.amount:,.0f}" if o.rule.amount is not None else ""
        console.print(
            f"[bold]{escape(o.rule.name)}[/] ({o.rule.id}: {o.rule.effect}{amount}): "
            f"{len(o.qualified)} qualify, {len(o.near_misses) + o.near_misses_left_off} near misses"
        )
        for q in o.qualified:
            console.print(f"  {escape(q.person.name)} ({q.person.employee_id})")
            for m in q.matches if verbose else q.matches[:1]:
                console.print(f"    [dim]{escape(m.reason)}[/]")
        if verbose:
            for n in o.near_misses:
                console.print(f"  [yellow]near miss[/] {n.person.employee_id}: {escape(n.reason)}")
    console.print(
        f"[dim]skillgap lists who qualifies and why; it decides nothing. Recorded as audit "
        f"entry {result.audit_id}.[/]"
    )


def audit_data(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "subject": e.subject,
            "details": dict(e.details),
        }
        for e in entries
    ]


def render_audit(entries: list[AuditEntry], console: Console) -> None:
    if not entries:
        console.print("The audit log is empty.")
        return
    table = Table(title="Audit log (newest first)")
    for column in ("id", "at", "actor", "action", "subject"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            str(e.id), e.at.strftime("%Y-%m-%d %H:%M"), escape(e.actor), escape(e.action),
            escape(e.subject),
        )  # fmt: skip
    console.print(table)
