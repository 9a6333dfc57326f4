"""The catalog and pathways as terminal text and JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.catalog import JudgedItem
from skillgap.analysis.pathways import PathwayProgress
from skillgap.domain.pathways import PathwayAward
from skillgap.reports.quality import profile_data, weight_text
from skillgap.services.catalog import CatalogImport, CatalogListing
from skillgap.services.pathways import AwardRun, PathwaysImport, PathwayView, ProgressReport


def import_text(result: CatalogImport) -> str:
    total = len(result.added) + len(result.updated)
    lines = [
        f"Imported {total} catalog items: {len(result.added)} new, {len(result.updated)} "
        f"updated, {len(result.removed)} removed; {result.credible} would count as proof "
        "of the levels they teach (the others fail the quality rubric)."
    ]
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def item_data(judged: JudgedItem) -> dict[str, Any]:
    item = judged.item
    return {
        "id": item.id,
        "name": item.name,
        "provider": item.provider,
        "kind": item.kind.value,
        "internal": item.internal,
        "outcomes": [{"competency": str(o.competency), "level": o.level} for o in item.outcomes],
        "hours": item.hours,
        "cost": item.cost,
        "issuer_tier": item.issuer_tier.value,
        "assessment": item.assessment.value,
        "prerequisites": list(item.prerequisites),
        "valid_for_days": item.valid_for_days,
        "achievement_id": item.achievement_id,
        "url": item.url,
        "credible": judged.credible,
        "quality": profile_data(judged.quality),
    }


def catalog_data(listing: CatalogListing) -> list[dict[str, Any]]:
    return [item_data(j) for j in listing.items]


def render_catalog(listing: CatalogListing, console: Console) -> None:
    if not listing.items:
        console.print("The catalog holds no such item (see `skillgap catalog import`).")
        return
    table = Table(title=f"Catalog: {len(listing.items)} items")
    for column in ("id", "name", "provider", "evidences", "hours", "cost", "assessment"):
        table.add_column(column, justify="right" if column in ("hours", "cost") else "left")
    table.add_column("quality as proof")
    for judged in listing.items:
        item = judged.item
        outcomes = ", ".join(f"{o.competency.code}@{o.level}" for o in item.outcomes)
        table.add_row(
            escape(item.id),
            escape(item.name),
            escape(item.provider) + (" (internal)" if item.internal else ""),
            escape(outcomes),
            f"{item.hours:g}",
            f"{item.cost:,.0f}",
            item.assessment.value,
            weight_text(judged.quality),
        )
    console.print(table)


def pathways_import_text(result: PathwaysImport) -> str:
    lines = [
        f"Imported {len(result.pathways)} pathways ({len(result.replaced)} replaced): "
        + ", ".join(p.id for p in result.pathways)
        + "."
    ]
    for achievement in result.defined:
        lines.append(
            f"  defined the credential {achievement.name!r} ({achievement.id}), aligned to "
            f"{len(achievement.alignments)} competencies, assessed as {achievement.assessment}"
        )
    return "\n".join(lines)


def pathway_data(view: PathwayView) -> dict[str, Any]:
    p = view.pathway
    return {
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "awards": p.awards,
        "mode": p.mode.value,
        "steps": [
            {
                "id": s.id,
                "name": s.name,
                "rule": s.rule.value,
                "needed": s.needed,
                "after": list(s.after),
                "units": [
                    {"unit": str(u), "name": _unit_name(view, u.kind.value, u.id)} for u in s.units
                ],
            }
            for s in p.steps
        ],
    }


def _unit_name(view: PathwayView, kind: str, key: str) -> str:
    if kind == "item":
        item = view.items.get(key)
        return item.name if item else key
    achievement = view.achievements.get(key)
    return achievement.name if achievement else key


def render_pathway(view: PathwayView, console: Console) -> None:
    p = view.pathway
    awards = view.achievements.get(p.awards) if p.awards else None
    console.print(f"[bold]{escape(p.name)}[/] ({escape(p.id)})")
    if p.description:
        console.print(escape(p.description))
    if p.awards:
        name = awards.name if awards else p.awards
        console.print(
            f"Awards: {escape(name)} ({p.mode}: "
            + (
                "issued as soon as the pathway is complete)"
                if p.mode.value == "automatic"
                else "a reviewer approves each award)"
            )
        )
    for number, step in enumerate(p.steps, 1):
        rule = {"all": "all of", "any": "any one of"}.get(step.rule.value, f"{step.count} of")
        after = f" (after {', '.join(step.after)})" if step.after else ""
        console.print(f"  {number}. {escape(step.name or step.id)}: {rule}{escape(after)}")
        for unit in step.units:
            name = _unit_name(view, unit.kind.value, unit.id)
            console.print(f"       - {escape(name)}  [dim]{escape(str(unit))}[/]")


def progress_data(report: ProgressReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "rows": [
            {
                "person": r.person_id,
                "pathway": r.pathway_id,
                "steps_complete": r.steps_complete,
                "steps_total": r.steps_total,
                "percent": r.percent,
                "complete": r.complete,
                "next_step": r.next_step,
                "next_units": list(r.next_units),
            }
            for r in report.rows
        ],
    }
    if report.detail is not None:
        data["steps"] = _detail_data(report.detail)
    return data


def _detail_data(detail: PathwayProgress) -> list[dict[str, Any]]:
    return [
        {
            "step": s.step.id,
            "state": s.state.value,
            "done": s.done,
            "needed": s.needed,
            "units": [
                {"unit": str(u.unit), "done": u.done, "awards": list(u.award_ids)} for u in s.units
            ],
        }
        for s in detail.steps
    ]


def render_progress(report: ProgressReport, console: Console) -> None:
    if not report.rows:
        console.print("Nobody has started a pathway yet.")
        return
    table = Table(title="Pathway progress")
    for column in ("person", "pathway", "steps", "progress", "next"):
        table.add_column(column)
    for r in report.rows:
        nxt = "complete" if r.complete else f"{r.next_step}: {', '.join(r.next_units)}"
        table.add_row(
            r.person_id,
            r.pathway_id,
            f"{r.steps_complete}/{r.steps_total}",
            f"{r.percent}%",
            escape(nxt),
        )
    console.print(table)
    if report.detail is not None:
        for s in report.detail.steps:
            console.print(f"  {escape(s.step.name or s.step.id)}: {s.state} ({s.done}/{s.needed})")
            for u in s.units:
                mark = "done" if u.done else "to do"
                console.print(
                    f"    [{'green' if u.done else 'yellow'}]{mark}[/] {escape(str(u.unit))}"
                )


def award_data(award: PathwayAward) -> dict[str, Any]:
    return {
        "id": award.id,
        "pathway": award.pathway_id,
        "person": award.person_id,
        "achievement": award.achievement_id,
        "completed_at": award.completed_at.isoformat(),
        "units": list(award.units),
        "state": award.state.value,
        "decided_by": award.decided_by,
        "decided_at": award.decided_at.isoformat() if award.decided_at else None,
        "issued": award.issued_id,
        "note": award.note,
    }


def award_run_text(run: AwardRun) -> str:
    if not run.issued and not run.queued:
        return "No one has completed a pathway since the last run."
    lines = [f"{len(run.issued)} pathway credentials issued, {len(run.queued)} queued for review."]
    lines += [f"  issued  {a.person_id}: {a.pathway_id} ({a.issued_id})" for a in run.issued]
    lines += [f"  queued  {a.id}: {a.note}" for a in run.queued]
    return "\n".join(lines)


def render_awards(awards: list[PathwayAward], console: Console) -> None:
    if not awards:
        console.print("No pathway credential is waiting for a decision.")
        return
    table = Table(title="Pathway credentials waiting for a reviewer")
    for column in ("id", "person", "pathway", "completed", "stacked credentials"):
        table.add_column(column)
    for a in awards:
        table.add_row(
            escape(a.id),
            a.person_id,
            a.pathway_id,
            a.completed_at.date().isoformat(),
            str(len(a.units)),
        )
    console.print(table)
