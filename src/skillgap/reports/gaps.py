"""`skillgap gaps`: one person's gaps as rich tables and as JSON-ready data."""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.context import SkillContext
from skillgap.analysis.explain import GapLine, ProfileGaps
from skillgap.analysis.explain_competency import CompetencyExplanation
from skillgap.analysis.gaps import RequirementGap
from skillgap.domain import CompetencyRef, ProficiencyScale, Requirement
from skillgap.reports.explain import (
    STATUS_STYLE,
    level_text,
    person_data,
    scale_level_text,
    view_name,
)
from skillgap.services.explain import PersonGaps

# --- skillgap gaps -------------------------------------------------------------------------


def render_gaps(result: PersonGaps, console: Console) -> None:
    r = result
    person, role = r.person, r.role
    console.print(
        f"[bold]{escape(person.name)}[/] ({escape(person.employee_id)})"
        + (f", {escape(person.department)}" if person.department else "")
        + ("" if person.active else " [red](inactive)[/]")
    )
    if r.own_role:
        against = f"their role {escape(role.name)} ({escape(role.id)})"
    else:
        theirs = escape(person.role_id) if person.role_id else "none"
        against = f"the target role {escape(role.name)} ({escape(role.id)}; their role: {theirs})"
    console.print(f"Gaps against {against}, as of {r.as_of.isoformat()}, {r.view.value} view.")
    line = f"Readiness: [bold]{r.now.readiness:.0f}%[/] now"
    if r.horizon:
        line += (
            f"; [bold]{r.horizon.readiness:.0f}%[/] against the {r.horizon.on.isoformat()} "
            "profile if nothing changes"
        )
    console.print(line + " (importance-weighted).")
    console.print()
    _render_profile(r, r.now, f"Now (the profile in force on {r.as_of.isoformat()})", console)
    if r.horizon:
        title = f"By {r.horizon.on.isoformat()} (held levels as of {r.as_of.isoformat()})"
        _render_profile(r, r.horizon, title, console)
        if r.later_horizons:
            later = ", ".join(h.isoformat() for h in r.later_horizons)
            console.print(f"Later horizons of this role: {later} (see --horizon DATE).")
    else:
        console.print(f"The role's profile does not change after {r.as_of.isoformat()}.")


def _render_profile(r: PersonGaps, profile: ProfileGaps, title: str, console: Console) -> None:
    table = Table(title=title, title_justify="left")
    if any(_raised_after(line, r.as_of) for line in profile.lines):
        table.caption = "In bold: levels set by a horizon after the as-of date."
        table.caption_justify = "left"
    table.add_column("Competency", overflow="fold")
    table.add_column("Capability", overflow="fold")
    table.add_column("Importance", overflow="fold")
    table.add_column("Required", overflow="fold")
    table.add_column(f"Held ({view_name(r.view)})", overflow="fold")
    table.add_column("Source", overflow="fold")
    table.add_column("Gap", justify="right", overflow="fold")
    table.add_column("Status", overflow="fold")
    for line in profile.lines:
        item, ref = line.item, line.item.requirement.competency
        required = escape(_required_text(r, line))
        if _raised_after(line, r.as_of):
            required = f"[bold]{required}[/]"
        table.add_row(
            escape(competency_name(r, ref)),
            escape(capability_name(r, ref)),
            item.requirement.importance.value,
            required,
            escape(level_text(scale_of(r, ref), item.held)),
            item.source.value if item.source else "-",
            f"{item.gap:g}",
            f"[{STATUS_STYLE[item.status]}]{item.status.value}[/]",
        )
    if not profile.lines:
        table.add_row("", "the role requires nothing", "", "", "", "", "", "")
    console.print(table)
    claims = [_claim_text(r, line) for line in profile.claimed_only]
    if claims:
        console.print(
            "Met on self or manager ratings alone, not on verified evidence: " + "; ".join(claims)
        )
    console.print()


def _raised_after(line: GapLine, as_of: date) -> bool:
    horizon = line.item.requirement.horizon
    return horizon is not None and horizon > as_of


def competency_name(r: PersonGaps | CompetencyExplanation, ref: CompetencyRef) -> str:
    framework = r.context.frameworks.get(ref.framework)
    if framework is None or not framework.has(ref.code):
        return str(ref)
    return framework.competency(ref.code).name


def capability_name(r: PersonGaps, ref: CompetencyRef) -> str:
    framework = r.context.frameworks.get(ref.framework)
    if framework is None or not framework.has(ref.code):
        return "-"
    group = framework.top_group(ref.code)
    return group.name if group else "-"


def scale_of(r: PersonGaps, ref: CompetencyRef) -> ProficiencyScale:
    return r.context.framework(ref).scale


def _required_text(r: PersonGaps, line: GapLine) -> str:
    req = line.item.requirement
    scale = scale_of(r, req.competency)
    return scale_level_text(scale, req.level)


def _claim_text(r: PersonGaps, line: GapLine) -> str:
    claim = line.claim
    ref = line.item.requirement.competency
    text = f"{competency_name(r, ref)} ("
    if claim is not None:
        o = claim.observation
        text += (
            f"{o.source.value} rating {level_text(scale_of(r, ref), claim.level)} "
            f"on {o.observed_on.isoformat()}; "
        )
    verified = line.verified.held
    return text + f"verified: {level_text(scale_of(r, ref), verified)})"


class _Heads:
    """What a line says of its requirement alone (name, capability, importance, level
    required), by requirement, for one ``SkillContext`` (the names and scales it reads): the
    roles' requirements repeat from person to person. A new context (frameworks or scales
    written) starts afresh; so does one past ``MOST`` requirements (old roles' ones)."""

    MOST = 100_000

    def __init__(self) -> None:
        # one attribute, read and replaced whole: a thread never pairs a context with
        # the heads of another (written by a request still on an older context)
        self._kept: tuple[weakref.ref[SkillContext], dict[Requirement, dict[str, Any]]] | None
        self._kept = None

    def of(self, context: SkillContext) -> dict[Requirement, dict[str, Any]]:
        kept = self._kept
        if kept is not None and kept[0]() is context and len(kept[1]) <= self.MOST:
            return kept[1]
        heads: dict[Requirement, dict[str, Any]] = {}
        self._kept = (weakref.ref(context), heads)
        return heads


_HEADS = _Heads()


def gaps_data(result: PersonGaps) -> dict[str, Any]:
    """``skillgap gaps --json``."""
    r = result
    heads = _HEADS.of(r.context)

    def head(item: RequirementGap) -> dict[str, Any]:
        """What a line says of its requirement alone (shared: never changed)."""
        req = item.requirement
        found = heads.get(req)
        if found is None:
            ref = req.competency
            found = heads[req] = {
                "competency": str(ref),
                "name": competency_name(r, ref),
                "capability": capability_name(r, ref),
                "importance": req.importance.value,
                "required_level": req.level,
                "required_label": scale_of(r, ref).level(req.level).label,
                "required": item.required,
                "since": req.horizon.isoformat() if req.horizon else None,
            }
        return found

    lines: dict[int, dict[str, Any]] = {}  # by id(line): a line in force now and later is one

    def line_data(line: GapLine) -> dict[str, Any]:
        found = lines.get(id(line))
        if found is None:
            found = lines[id(line)] = _line_data(line)
        return found

    def _line_data(line: GapLine) -> dict[str, Any]:
        item = line.item
        held = item.held
        reading = line.reading
        return {
            **head(item),
            "held": held,
            "held_label": None
            if held is None
            else level_text(scale_of(r, item.requirement.competency), held),
            "source": item.source.value if item.source else None,
            "held_from": reading.observation.provenance if reading else None,
            "gap": item.gap,
            "status": item.status.value,
            "claimed_only": line.claimed_only,
        }

    def claim_data(line: GapLine) -> dict[str, Any]:
        claim = line.claim
        ref = line.item.requirement.competency
        return {
            "competency": str(ref),
            "name": competency_name(r, ref),
            "required": line.verified.required,
            "verified": line.verified.held,
            "claim": None
            if claim is None
            else {
                "source": claim.observation.source.value,
                "held": claim.level,
                "rated_on": claim.observation.observed_on.isoformat(),
                "provenance": claim.observation.provenance,
            },
        }

    def profile_data(profile: ProfileGaps) -> dict[str, Any]:
        return {
            "date": profile.on.isoformat(),
            "readiness": round(profile.readiness, 1),
            "requirements": [line_data(line) for line in profile.lines],
            "claimed_not_verified": [claim_data(line) for line in profile.claimed_only],
        }

    return {
        "person": person_data(r.person),
        "role": {"id": r.role.id, "name": r.role.name, "own_role": r.own_role},
        "as_of": r.as_of.isoformat(),
        "view": r.view.value,
        "horizon": r.horizon.on.isoformat() if r.horizon else None,
        "readiness_now": round(r.now.readiness, 1),
        "readiness_at_horizon": round(r.horizon.readiness, 1) if r.horizon else None,
        "now": profile_data(r.now),
        "at_horizon": profile_data(r.horizon) if r.horizon else None,
        "later_horizons": [h.isoformat() for h in r.later_horizons],
    }
