"""What the person and upload pages show, from the services the API uses: a person's gaps
(``services.explain``), their credentials with each one's quality (``services.credential_views``,
``services.achievement_quality``), their progress between snapshots (``services.snapshots``),
and what an upload changed in their gaps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skillgap.analysis.inventory import View
from skillgap.analysis.rubric import CheckName
from skillgap.errors import NotFoundError
from skillgap.reports.explain import person_data
from skillgap.reports.gaps import gaps_data
from skillgap.server.context import AppContext
from skillgap.services import achievement_quality, credential_views
from skillgap.services import explain as explain_service
from skillgap.services import roles as roles_service
from skillgap.services import snapshots as snapshots_service
from skillgap.services import users as users_service


@dataclass(frozen=True)
class Credential:
    id: str
    achievement: str
    issuer: str
    status: str
    issued_on: str
    expires_on: str | None
    assessment: str  # the rubric's reading of how it was assessed
    quality: float
    passes: bool
    quality_note: str
    competencies: tuple[str, ...]  # refs its alignments map to
    record_note: str | None = None  # an imported record (no verification): whether it counts


@dataclass(frozen=True)
class Progress:
    before: str  # snapshot dates
    after: str
    readiness_before: float | None
    readiness_after: float | None
    closed: tuple[str, ...]  # competency names
    opened: tuple[str, ...]


#: Up to this many roles, the target role is chosen from a list; beyond, typed (id or
#: name): hundreds of options would be half of every person page's bytes.
ROLE_LIST_LIMIT = 60


@dataclass(frozen=True)
class PersonPage:
    person: dict[str, Any]  # reports.explain.person_data
    gaps: dict[str, Any] | None  # gaps_data against the person's own role (None: no role)
    target: dict[str, Any] | None  # gaps_data against the role ?role= names
    credentials: list[Credential]
    by_competency: dict[str, list[Credential]]  # counted credentials behind each competency
    progress: list[Progress]
    view: str
    roles: tuple[tuple[str, str], ...]  # every role (id, name): the target role's choices
    role_matches: tuple[tuple[str, str], ...] | None = None  # ?role= naming none or several
    target_role: tuple[str, str] | None = None  # the one role ?role= names (maybe their own)
    missing_role: str | None = None  # the role their HR record names, the workspace lacks

    @property
    def role_search(self) -> bool:
        """Whether the target role is typed rather than chosen from a list."""
        return len(self.roles) > ROLE_LIST_LIMIT


def _credentials(ctx: AppContext, person_id: str) -> list[Credential]:
    rows = credential_views.list_credentials(ctx.store, person_id=person_id)
    ids = {row.achievement.id for row in rows}
    quality, rubric = achievement_quality.quality_and_rubric(ctx.store, ids)
    record_note = (
        "counted: no signature to check"
        if rubric.count_records
        else "not counted: the rubric counts only verified credentials"
    )
    out = []
    for row in rows:
        profile = quality[row.achievement.id]
        assessment = profile.check(CheckName.ASSESSMENT).explanation
        vetoed = ", ".join(str(n) for n in profile.vetoed_by)
        note = (
            f"vetoed by {vetoed}"
            if vetoed
            else f"{'passes' if profile.passes else 'below'} the threshold {profile.threshold:g}"
        )
        award = row.award
        out.append(
            Credential(
                award.id,
                row.achievement.name,
                row.issuer.name,
                row.status,
                award.issued_on.date().isoformat(),
                award.expires_on.date().isoformat() if award.expires_on else None,
                assessment,
                profile.weight,
                profile.passes,
                note,
                tuple(str(a.competency) for a in row.achievement.alignments if a.competency),
                record_note if award.verification is None else None,
            )
        )
    return out


def _progress(ctx: AppContext, person_id: str, view: View) -> list[Progress]:
    report = snapshots_service.person_progress(ctx.store, person_id, view=view)
    names = report.competencies
    return [
        Progress(
            period.before.as_of.isoformat(),
            period.after.as_of.isoformat(),
            period.change.readiness_before,
            period.change.readiness_after,
            tuple(names.get(c.competency, str(c.competency)) for c in period.change.closed),
            tuple(names.get(c.competency, str(c.competency)) for c in period.change.opened),
        )
        for period in report.periods
    ]


def person_page(ctx: AppContext, person_id: str, view: View, role: str | None) -> PersonPage:
    """A person (already checked to be in the caller's reach): their gaps against their role
    and a target role (``role``: its id or name, ``roles_service.match_roles``), the
    credentials behind their levels, their progress."""
    person = users_service.find_person(ctx.store, person_id)
    if person is None:
        raise NotFoundError(f"no person with employee id {person_id!r}")
    roles = roles_service.role_names(ctx.store)
    own = None
    held = person.role_id is not None and roles_service.has_role(ctx.store, person.role_id)
    if held:  # else (no role, or one the workspace lacks) only a target role has gaps
        own = explain_service.person_gaps(ctx.store, ctx.clock, person_id, view=view)
    target, matches, named = None, None, None
    if role and role.strip():
        found = roles_service.match_roles(ctx.store, role)
        if len(found) != 1:
            matches = found
        else:
            named = found[0]
        if named and named[0] != person.role_id:
            target = explain_service.person_gaps(
                ctx.store, ctx.clock, person_id, role_id=named[0], view=view
            )
    credentials = _credentials(ctx, person_id)
    # the credentials behind the gaps' levels: those the analysis counted (gaps' rows only)
    judged = own or target
    counted = judged.counted if judged is not None else frozenset()
    by_competency: dict[str, list[Credential]] = {}
    for c in credentials:
        if c.id in counted:
            for ref in c.competencies:
                by_competency.setdefault(ref, []).append(c)
    return PersonPage(
        person_data(person),
        gaps_data(own) if own is not None else None,
        gaps_data(target) if target is not None else None,
        credentials,
        by_competency,
        _progress(ctx, person_id, view),
        view.value,
        roles,
        matches,
        named,
        None if held else person.role_id,
    )


@dataclass(frozen=True)
class GapChange:
    person: dict[str, Any]
    readiness_before: float
    readiness_after: float
    closed: list[str]  # competency names: met now, not before
    narrowed: list[str]  # smaller gap, not yet met


def gaps_now(
    ctx: AppContext, person_id: str, without_awards: frozenset[str] = frozenset()
) -> dict[str, Any]:
    return gaps_data(
        explain_service.person_gaps(ctx.store, ctx.clock, person_id, without_awards=without_awards)
    )


def gap_change(before: dict[str, Any], after: dict[str, Any]) -> GapChange:
    """What changed between two readings of one person's gaps (today's profile)."""
    was = {r["competency"]: r for r in before["now"]["requirements"]}
    closed, narrowed = [], []
    for line in after["now"]["requirements"]:
        old = was.get(line["competency"])
        if old is None:
            continue
        if line["status"] == "met" and old["status"] != "met":
            closed.append(line["name"])
        elif line["gap"] < old["gap"]:
            narrowed.append(line["name"])
    return GapChange(
        after["person"], before["readiness_now"], after["readiness_now"], closed, narrowed
    )
