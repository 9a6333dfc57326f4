"""Credential quality as terminal text and JSON: the rubric and its history, the issuer
registry, achievements with their quality profiles, the review queue, a decision."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.quality import QualityProfile
from skillgap.analysis.rubric import Change
from skillgap.formats.rubric import rubric_to_data
from skillgap.services.achievement_quality import AchievementDetail, AchievementRow, ReviewItem
from skillgap.services.quality import Decision, IssuerRow, LogEntry, RubricUpdate, RubricView

# --- a quality profile (shared with `skillgap why`) ------------------------------------------


def profile_data(profile: QualityProfile) -> dict[str, Any]:
    return {
        "weight": profile.weight,
        "threshold": profile.threshold,
        "passes": profile.passes,
        "vetoed_by": [str(name) for name in profile.vetoed_by],
        "checks": [
            {
                "name": str(c.name),
                "score": c.score,
                "weight": c.weight,
                "explanation": c.explanation,
                "vetoes": c.vetoes,
            }
            for c in profile.checks
        ],
    }


def weight_text(profile: QualityProfile) -> str:
    """ "0.91 (passes 0.65)", "0.55 (below 0.65)" or "0.41 (vetoed: issuer)", styled."""
    if profile.vetoed_by:
        why = ", ".join(str(n) for n in profile.vetoed_by)
        return f"[red]{profile.weight:.2f}[/] (vetoed: {why})"
    if profile.weight < profile.threshold:
        return f"[yellow]{profile.weight:.2f}[/] (below {profile.threshold:g})"
    return f"[green]{profile.weight:.2f}[/] (passes {profile.threshold:g})"


def check_lines(profile: QualityProfile) -> list[str]:
    """One line per check: name, score x weight, explanation (rich markup, escaped)."""
    lines = []
    for c in profile.checks:
        mark = "[red]x[/]" if c.vetoes else " "
        lines.append(f"{mark} {c.name:<12} {c.score:4.2f} x {c.weight:<4g} {escape(c.explanation)}")
    return lines


# --- the rubric ------------------------------------------------------------------------------


def rubric_view_data(view: RubricView) -> dict[str, Any]:
    return {
        "custom": view.custom,
        "rubric": rubric_to_data(view.rubric),
        "changed_from_defaults": [change_data(c) for c in view.from_defaults],
    }


def render_rubric(view: RubricView, console: Console) -> None:
    rubric = view.rubric
    where = "set for this workspace" if view.custom else "the documented defaults"
    console.print(f"Credential quality rubric ({where})")
    console.print(
        f"  A credential counts when no check vetoes and its weight reaches "
        f"{rubric.threshold:g}; decay: "
        + (f"evidence lapses after {rubric.decay_years} years" if rubric.decay_years else "off")
        + "; award records (no credential to verify): "
        + ("counted" if rubric.count_records else "never counted")
    )
    data = rubric_to_data(rubric)
    table = Table(show_header=True)
    for column in ("Setting", "Score", "Default"):
        table.add_column(column)
    defaults = {c.field: c.old for c in view.from_defaults}
    for name in ("weights", "alignment", "assessment", "issuer", "stackability"):
        for key, value in data[name].items():
            field = f"{name}.{key}"
            shown = f"[bold]{value:g}[/]" if field in defaults else f"{value:g}"
            default = defaults.get(field, value)
            table.add_row(escape(field), shown, f"{default:g}" if default is not None else "")
    console.print(table)
    if view.from_defaults:
        console.print(f"{len(view.from_defaults)} settings differ from the defaults (in bold).")


def render_rubric_update(update: RubricUpdate, console: Console) -> None:
    if not update.changes:
        console.print("The rubric is unchanged: the file holds the rubric already in use.")
        return
    console.print(f"Rubric set: {len(update.changes)} settings changed.")
    for change in update.changes:
        console.print(f"  {escape(_change_text(change))}")


def change_data(change: Change) -> dict[str, Any]:
    return {"field": change.field, "old": change.old, "new": change.new}


def _change_text(change: Change) -> str:
    def show(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    return f"{change.field}: {show(change.old)} -> {show(change.new)}"


def history_data(entries: list[LogEntry]) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.isoformat(),
            "by": e.by,
            "action": e.action,
            "subject": e.subject,
            "changes": [change_data(c) for c in e.changes],
            "source": e.source,
        }
        for e in entries
    ]


def render_history(entries: list[LogEntry], console: Console) -> None:
    if not entries:
        console.print("No changes yet: the rubric is the documented default, nothing reviewed.")
        return
    table = Table(title=f"Quality changes ({len(entries)})", title_justify="left")
    for column in ("When", "Who", "What", "Subject", "Changes"):
        table.add_column(column, overflow="fold")
    for e in entries:
        what = e.action + (f" (from {e.source})" if e.source else "")
        changes = "\n".join(_change_text(c) for c in e.changes)
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M"),
            escape(e.by),
            escape(what),
            escape(e.subject),
            escape(changes),
        )
    console.print(table)


def render_decision(decision: Decision, console: Console) -> None:
    if decision.entry is None:
        console.print(f"Nothing to change: {escape(decision.subject)} is so already.")
        return
    changes = "; ".join(_change_text(c) for c in decision.entry.changes)
    console.print(
        f"{escape(decision.subject)}: {escape(changes)} (by {escape(decision.entry.by)})."
    )
    if decision.note:
        console.print(f"[yellow]Note:[/] {escape(decision.note)}")


# --- issuers ---------------------------------------------------------------------------------


def issuers_data(rows: list[IssuerRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.issuer.id,
            "name": r.issuer.name,
            "url": r.issuer.url,
            "tier": str(r.issuer.tier),
            "score": r.score,
            "trusted": r.score > 0,
            "achievements": r.achievements,
            "awards": r.awards,
        }
        for r in rows
    ]


def render_issuers(rows: list[IssuerRow], console: Console) -> None:
    if not rows:
        console.print("No issuers match.")
        return
    table = Table(title=f"Issuers ({len(rows)})", title_justify="left")
    for column in ("Issuer", "Id", "Tier", "Score", "Achievements", "Awards"):
        table.add_column(column, overflow="fold")
    for r in rows:
        tier = str(r.issuer.tier) + ("" if r.score > 0 else " [red](not trusted)[/]")
        table.add_row(
            escape(r.issuer.name),
            escape(r.issuer.id),
            tier,
            f"{r.score:g}",
            str(r.achievements),
            str(r.awards),
        )
    console.print(table)


# --- achievements ----------------------------------------------------------------------------


def achievements_data(rows: list[AchievementRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.achievement.id,
            "name": r.achievement.name,
            "issuer": r.issuer.name,
            "issuer_tier": str(r.issuer.tier),
            "assessment": str(r.achievement.assessment),
            "awards": r.awards,
            "quality": profile_data(r.quality),
        }
        for r in rows
    ]


def render_achievements(rows: list[AchievementRow], console: Console) -> None:
    if not rows:
        console.print("No achievements: load a bundle or import credentials.")
        return
    table = Table(title=f"Achievements ({len(rows)})", title_justify="left")
    for column in ("Achievement", "Issuer (tier)", "Assessment", "Awards", "Weight"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            escape(r.achievement.name),
            escape(f"{r.issuer.name} ({r.issuer.tier})"),
            str(r.achievement.assessment),
            str(r.awards),
            weight_text(r.quality),
        )
    console.print(table)
    console.print("See one achievement's checks: skillgap achievements show ID")


def render_achievement(detail: AchievementDetail, console: Console) -> None:
    r = detail.row
    a = r.achievement
    console.print(f"[bold]{escape(a.name)}[/] ({escape(a.id)})")
    kind, reason = detail.inferred
    lines = [
        ("Issuer", escape(f"{r.issuer.name} ({r.issuer.id}), tier {r.issuer.tier}")),
        ("Type", escape(a.achievement_type)),
        ("Assessment", f"{a.assessment} (its text reads as {kind}: {escape(reason)})"),
        ("Awards", str(r.awards)),
        ("Weight", weight_text(r.quality)),
    ]
    if a.criteria:
        lines.insert(2, ("Criteria", escape(a.criteria)))
    for label, value in lines:
        console.print(f"  {label + ':':<12} {value}")
    console.print("  Checks (score x weight):")
    for line in check_lines(r.quality):
        console.print(f"    {line}")
    if a.alignments:
        table = Table(title="Alignments", title_justify="left")
        for column in ("#", "Target", "Competency", "Level", "Status"):
            table.add_column(column, overflow="fold")
        for position, alignment in enumerate(a.alignments, start=1):
            comp = detail.competencies.get(position)
            ref = alignment.competency
            shown = f"{ref} {comp.name}" if ref and comp else str(ref) if ref else "-"
            level = "-" if alignment.level is None else str(alignment.level)
            table.add_row(
                str(position), escape(alignment.target_name), escape(shown), level,
                str(alignment.status),
            )  # fmt: skip
        console.print(table)
    if detail.history:
        console.print("Decisions:")
        for e in detail.history:
            changes = "; ".join(_change_text(c) for c in e.changes)
            console.print(f"  {e.at.date().isoformat()} {escape(e.by)}: {escape(changes)}")


# --- the review queue ------------------------------------------------------------------------


def review_data(items: list[ReviewItem]) -> list[dict[str, Any]]:
    return [
        {
            "achievement_id": i.achievement.id,
            "achievement": i.achievement.name,
            "position": i.position,
            "target": i.alignment.target_name,
            "target_url": i.alignment.target_url,
            "competency": str(i.alignment.competency) if i.alignment.competency else None,
            "competency_name": i.competency.name if i.competency else None,
            "level": i.alignment.level,
            "score": i.score,
            "awards": i.awards,
        }
        for i in items
    ]


def render_review(items: list[ReviewItem], console: Console) -> None:
    if not items:
        console.print("No suggested alignments wait for review.")
        return
    table = Table(title=f"Suggested alignments to review ({len(items)})", title_justify="left")
    for column in ("Achievement", "#", "Target", "Suggested competency", "Level", "Score"):
        table.add_column(column, overflow="fold")
    table.add_column("Awards", justify="right")
    for i in items:
        comp = i.alignment.competency
        name = f"{comp} {i.competency.name}" if comp and i.competency else str(comp or "-")
        table.add_row(
            escape(i.achievement.name),
            str(i.position),
            escape(i.alignment.target_name),
            escape(name),
            "-" if i.alignment.level is None else str(i.alignment.level),
            "-" if i.score is None else f"{i.score:g}",
            str(i.awards),
        )
    console.print(table)
    console.print(
        "Confirm: skillgap alignments confirm ACHIEVEMENT POSITION [--level N]; "
        "reject: skillgap alignments reject ACHIEVEMENT POSITION"
    )
