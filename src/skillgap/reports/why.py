"""`skillgap why`: the chain behind a level as rich tables and as JSON-ready data."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.explain_competency import (
    CompetencyExplanation,
    CredentialEvidence,
    RatingEvidence,
    RequirementCheck,
)
from skillgap.analysis.gaps import RequirementGap
from skillgap.analysis.inventory import Reading, View
from skillgap.domain import SourceKind
from skillgap.reports.explain import (
    STATUS_STYLE,
    day,
    level_label,
    level_text,
    person_data,
    scale_level_text,
    view_name,
)
from skillgap.reports.quality import check_lines, profile_data, weight_text

# --- skillgap why --------------------------------------------------------------------------


def render_why(result: CompetencyExplanation, console: Console) -> None:
    e = result
    person, comp = e.person, e.competency
    console.print(
        f"Why [bold]{escape(person.name)}[/] ({escape(person.employee_id)}) holds "
        f"[bold]{escape(comp.name)}[/] ({escape(str(e.ref))}) at these levels, as of "
        f"{e.as_of.isoformat()}"
    )
    capability = e.capability.name if e.capability else "-"
    console.print(
        f"Capability: {escape(capability)}; levels on the {escape(e.scale.name)} scale "
        f"({escape(e.scale.id)}), compared on the canonical 0-5."
    )
    console.print()
    if e.credentials:
        console.print(_credentials_table(e))
        _print_quality(e, console)
    else:
        console.print(f"No credential of this person is aligned to {escape(comp.name)}.")
    if e.ratings:
        console.print(_ratings_table(e))
    else:
        console.print(f"No self, manager or other rating of {escape(comp.name)}.")
    console.print()
    console.print("[bold]How the levels are decided[/]")
    rules = Table.grid(padding=(0, 1))
    rules.add_column(no_wrap=True)
    rules.add_column()
    for name, text in _rules(e):
        rules.add_row(f"  {name}:", escape(text))
    console.print(rules)
    console.print()
    if e.role is None:
        console.print(f"{escape(person.name)} has no role: there is no requirement to compare.")
        return
    console.print(_requirements_table(e))


def _credentials_table(e: CompetencyExplanation) -> Table:
    table = Table(title=f"Credentials aligned to {e.competency.name}", title_justify="left")
    for column in ("Award", "Achievement", "Issuer (tier)", "Assessment", "Issued", "Expires"):
        table.add_column(column, overflow="fold")
    table.add_column("Aligned at", overflow="fold")
    table.add_column("Counts", overflow="fold")
    for c in e.credentials:
        o = c.outcome
        counts = "[green]yes[/]"
        if not c.counts:
            counts = "[red]no[/]: " + escape("; ".join(r.label for r in c.reasons))
        table.add_row(
            escape(o.award.id),
            escape(o.achievement.name),
            escape(f"{o.issuer.name} ({o.issuer.tier.value})"),
            o.achievement.assessment.value,
            day(o.award.issued_on) or "-",
            (day(c.expires_on) or "never")
            + (f" (lapses {day(c.lapses_on)})" if c.lapses_on else ""),
            escape(_aligned_text(e, c)),
            counts,
        )
    return table


def _print_quality(e: CompetencyExplanation, console: Console) -> None:
    """Each credential's quality profile: its weight and the four checks, one line each."""
    console.print("Quality of each credential (weight; each check: score x weight, why):")
    seen: set[str] = set()
    for c in e.credentials:
        achievement = c.outcome.achievement
        if achievement.id in seen:
            continue
        seen.add(achievement.id)
        console.print(f"  [bold]{escape(achievement.name)}[/]: weight {weight_text(c.quality)}")
        for line in check_lines(c.quality):
            console.print(f"    {line}")


def _aligned_text(e: CompetencyExplanation, c: CredentialEvidence) -> str:
    level = c.alignment.level
    if level is None:
        text = "no level"
    elif c.canonical is None:
        text = f"{level} (not on the scale)"
    else:
        text = scale_level_text(e.scale, level)
    return f"{text}, {c.alignment.status.value}"


def _ratings_table(e: CompetencyExplanation) -> Table:
    table = Table(title="Ratings", title_justify="left")
    for column in ("Rating", "Source", "Level (scale)", "0-5", "Rated on", "Provenance", "Read"):
        table.add_column(column, justify="right" if column == "0-5" else "left", overflow="fold")
    for rating in e.ratings:
        o = rating.observation
        table.add_row(
            escape(o.id),
            o.source.value,
            escape(f"{o.level} {rating.label} ({o.scale_id})"),
            f"{rating.canonical:g}",
            o.observed_on.isoformat(),
            escape(o.provenance or "-"),
            "[red]no[/]: made after the as-of date" if rating.after_as_of else "yes",
        )
    return table


def _read(e: CompetencyExplanation, kind: SourceKind) -> list[RatingEvidence]:
    return [r for r in e.ratings if r.observation.source is kind and not r.after_as_of]


def _evidence_text(e: CompetencyExplanation, reading: Reading) -> str:
    found = e.evidence_for(reading)
    o = reading.observation
    if isinstance(found, CredentialEvidence):
        out = found.outcome
        return (
            f"award {out.award.id}, {out.achievement.name} from {out.issuer.name} "
            f"({out.achievement.assessment.value}, issued {day(out.award.issued_on)})"
        )
    return f"{o.id} of {o.observed_on.isoformat()}: {o.provenance or o.source.value}"


def _verified_rule(e: CompetencyExplanation) -> str:
    reading = e.reading(View.VERIFIED)
    counted = [c for c in e.credentials if c.counts]
    assessed = _read(e, SourceKind.ASSESSMENT)
    if reading is None:
        text = "none: no credential or assessment counts for it"
        if e.credentials:
            text += f" ({len(e.credentials)} aligned, none counts: see above)"
        return text
    among = len(counted) + len(assessed)
    which = (
        "the only counted credential or assessment"
        if among == 1
        else f"the highest level among {among} counted credentials and assessments"
    )
    return f"{level_text(e.scale, reading.level)}: {which}, " + _evidence_text(e, reading)


def _claim_rule(e: CompetencyExplanation, kind: SourceKind, reading: Reading | None) -> str:
    read = _read(e, kind)
    if reading is None:
        return f"none: no {kind.value} rating by {e.as_of.isoformat()}"
    of = f" (the latest of {len(read)})" if len(read) > 1 else ""
    return (
        f"{level_text(e.scale, reading.level)}: the most recent {kind.value} rating{of}, "
        + _evidence_text(e, reading)
    )


def _best_rule(e: CompetencyExplanation) -> str:
    reading = e.reading(View.BEST_AVAILABLE)
    rule = "verified, else manager, else self; a claim never overrides verified evidence"
    if reading is None:
        return f"none ({rule})"
    text = f"{level_text(e.scale, reading.level)} from the {reading.observation.source.value} "
    text += f"level ({rule})"
    holding = e.holding
    if holding is not None and holding.verified is not None:
        higher = [
            r
            for r in (holding.manager, holding.self_claim)
            if r is not None and r.level > holding.verified.level
        ]
        if higher:
            claims = " and ".join(
                f"the {r.observation.source.value} rating of {r.level:g}" for r in higher
            )
            text += f"; {claims} does not override it"
    return text


def _rules(e: CompetencyExplanation) -> list[tuple[str, str]]:
    holding = e.holding
    rules = [
        ("Verified", _verified_rule(e)),
        ("Manager", _claim_rule(e, SourceKind.MANAGER, holding.manager if holding else None)),
        ("Self", _claim_rule(e, SourceKind.SELF, holding.self_claim if holding else None)),
    ]
    if holding is not None and holding.inferred is not None:
        inferred = _claim_rule(e, SourceKind.INFERRED, holding.inferred)
        rules.append(("Inferred", inferred + " (enters neither view)"))
    rules.append(("Best-available", _best_rule(e)))
    return rules


def _requirements_table(e: CompetencyExplanation) -> Table:
    assert e.role is not None
    table = Table(title=f"What {e.role.name} ({e.role.id}) requires of it", title_justify="left")
    for column in ("Profile", "Required", "Importance"):
        table.add_column(column, overflow="fold")
    for view in View:
        table.add_column(f"Held ({view_name(view)})", overflow="fold")
        table.add_column("Gap", justify="right", overflow="fold")
        table.add_column("Status", overflow="fold")
    for check in e.requirements:
        when = f"by {check.on.isoformat()}" if check.future else f"now ({check.on.isoformat()})"
        if check.verified is None or check.best_available is None:
            table.add_row(when, "not required", *[""] * 7)
            continue
        req = check.verified.requirement
        cells = [when, escape(scale_level_text(e.scale, req.level)), req.importance.value]
        for item in (check.verified, check.best_available):
            held = level_text(e.scale, item.held)
            if item.source is not None:
                held += f" ({item.source.value})"
            cells += [
                escape(held),
                f"{item.gap:g}",
                f"[{STATUS_STYLE[item.status]}]{item.status.value}[/]",
            ]
        table.add_row(*cells)
    return table


def why_data(result: CompetencyExplanation) -> dict[str, Any]:
    """``skillgap why --json``."""
    e = result

    def credential(c: CredentialEvidence) -> dict[str, Any]:
        o = c.outcome
        return {
            "award_id": o.award.id,
            "achievement_id": o.achievement.id,
            "achievement": o.achievement.name,
            "issuer": o.issuer.name,
            "issuer_tier": o.issuer.tier.value,
            "assessment": o.achievement.assessment.value,
            "issued_on": day(o.award.issued_on),
            "expires_on": day(c.expires_on),
            "lapses_on": day(c.lapses_on),
            "expiry_from": (
                None
                if c.expires_on is None
                else "award"
                if o.award.expires_on is not None
                else "validity-period"
            ),
            "alignment_status": c.alignment.status.value,
            "level": c.alignment.level,
            "label": level_label(e.scale, c.alignment.level if c.canonical is not None else None),
            "canonical": c.canonical,
            "quality": profile_data(c.quality),
            "counts": c.counts,
            "reasons": [{"code": r.value, "label": r.label} for r in c.reasons],
        }

    def rating(r: RatingEvidence) -> dict[str, Any]:
        o = r.observation
        return {
            "id": o.id,
            "source": o.source.value,
            "level": o.level,
            "scale": o.scale_id,
            "label": r.label,
            "canonical": r.canonical,
            "rated_on": o.observed_on.isoformat(),
            "provenance": o.provenance,
            "read": not r.after_as_of,
        }

    def reading(found: Reading | None, rule: str) -> dict[str, Any]:
        o = found.observation if found else None
        return {
            "level": found.level if found else None,
            "label": level_text(e.scale, found.level) if found else None,
            "source": o.source.value if o else None,
            "observation": o.id if o else None,
            "award_id": o.award_id if o else None,
            "observed_on": o.observed_on.isoformat() if o else None,
            "rule": rule,
        }

    def gap(item: RequirementGap) -> dict[str, Any]:
        return {
            "held": item.held,
            "source": item.source.value if item.source else None,
            "gap": item.gap,
            "status": item.status.value,
        }

    def check(c: RequirementCheck) -> dict[str, Any]:
        required = None
        if c.verified is not None:
            req = c.verified.requirement
            required = {
                "level": req.level,
                "label": e.scale.level(req.level).label,
                "canonical": c.verified.required,
                "importance": req.importance.value,
                "since": req.horizon.isoformat() if req.horizon else None,
            }
        return {
            "date": c.on.isoformat(),
            "future": c.future,
            "required": required,
            "verified": gap(c.verified) if c.verified else None,
            "best_available": gap(c.best_available) if c.best_available else None,
        }

    holding = e.holding
    rules = dict(_rules(e))
    return {
        "person": person_data(e.person),
        "as_of": e.as_of.isoformat(),
        "competency": {
            "ref": str(e.ref),
            "name": e.competency.name,
            "capability": e.capability.name if e.capability else None,
            "scale": e.scale.id,
        },
        "credentials": [credential(c) for c in e.credentials],
        "ratings": [rating(r) for r in e.ratings],
        "levels": {
            "verified": reading(e.reading(View.VERIFIED), rules["Verified"]),
            "manager": reading(holding.manager if holding else None, rules["Manager"]),
            "self": reading(holding.self_claim if holding else None, rules["Self"]),
            "inferred": reading(
                holding.inferred if holding else None,
                _claim_rule(e, SourceKind.INFERRED, holding.inferred if holding else None),
            ),
            "best_available": reading(e.reading(View.BEST_AVAILABLE), rules["Best-available"]),
        },
        "role": None if e.role is None else {"id": e.role.id, "name": e.role.name},
        "requirements": [check(c) for c in e.requirements],
    }


__all__ = ["render_why", "why_data"]
