"""One person, explained: their gaps against a role (``skillgap gaps``) and the evidence and
rules behind their level in one competency (``skillgap why``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skillgap.analysis.context import SkillContext, resolve_competency
from skillgap.analysis.explain import (
    PersonEvidence,
    ProfileGaps,
    next_horizon,
    now_and_horizon,
    person_evidence,
)
from skillgap.analysis.explain_competency import CompetencyExplanation, explain_competency
from skillgap.analysis.inventory import View
from skillgap.clock import Clock
from skillgap.domain import Person, Role
from skillgap.errors import NotFoundError, ValidationError
from skillgap.services.summary import (
    analysis_date,
    credential_indexes,
    notes,
    rubric,
    skill_context,
    stacking,
)
from skillgap.store import Store, Workspace


@dataclass(frozen=True)
class PersonGaps:
    person: Person
    role: Role
    own_role: bool  # the person's own role (else a target role named with --role)
    as_of: date
    view: View
    context: SkillContext
    now: ProfileGaps
    horizon: ProfileGaps | None  # None: the role's profile does not change after as_of
    later_horizons: tuple[date, ...]  # the role's other future horizons, after that one
    counted: frozenset[str]  # the ids of the person's awards that count as of ``as_of``


def person_gaps(
    store: Store,
    clock: Clock,
    person_id: str,
    *,
    role_id: str | None = None,
    as_of: date | None = None,
    horizon: date | None = None,
    view: View = View.VERIFIED,
    without_awards: frozenset[str] = frozenset(),
) -> PersonGaps:
    """A person's gaps against their role (or ``role_id``) as of ``as_of`` (default: the
    workspace's snapshot date, else today) and at ``horizon``: the profile in force on that
    date, with the levels held now (default: the role's next horizon after ``as_of``).
    ``without_awards``: award ids left out, as if the person did not hold them (the gaps
    before an upload that added them)."""
    with store.transaction() as ws:
        person = _person(ws, person_id)
        wanted = role_id or person.role_id
        if wanted is None:
            raise ValidationError(
                f"{_who(person)} has no role: name the role to compare with, --role ROLE"
            )
        role = _role(ws, wanted)
        evidence, when = _evidence(ws, clock, person, as_of, without_awards)
    if horizon is not None and horizon <= when:
        raise ValidationError(
            f"the horizon {horizon.isoformat()} is not after the analysis date "
            f"{when.isoformat()}: give a later date, or 'next'"
        )
    target = horizon or next_horizon(role, when)
    now, later = now_and_horizon(evidence, role, view, when, target)
    return PersonGaps(
        person=person,
        role=role,
        own_role=role.id == person.role_id,
        as_of=when,
        view=view,
        context=evidence.context,
        now=now,
        horizon=later,
        later_horizons=tuple(h for h in role.horizons if target is not None and h > target),
        counted=frozenset(o.award.id for o in evidence.outcomes if not o.exclusions),
    )


def explain_level(
    store: Store, clock: Clock, person_id: str, competency: str, *, as_of: date | None = None
) -> CompetencyExplanation:
    """Why the person holds ``competency`` (FRAMEWORK:CODE, a code of their role's
    framework, or an exact name) at the levels they do, as of ``as_of`` (default: the
    workspace's snapshot date, else today), and what their role requires of it."""
    with store.transaction() as ws:
        person = _person(ws, person_id)
        role = _role(ws, person.role_id) if person.role_id else None
        evidence, _ = _evidence(ws, clock, person, as_of)
    preferred = [r.competency.framework for r in role.requirements] if role else []
    ref = resolve_competency(competency, evidence.context, preferred)
    return explain_competency(evidence, ref, role)


def analysis_day(store: Store, clock: Clock) -> date:
    """The date gaps are computed for by default: the workspace's snapshot date, else today."""
    with store.transaction() as ws:
        return analysis_date(ws) or clock.now().date()


def _person(ws: Workspace, person_id: str) -> Person:
    person = ws.people.find(person_id)
    if person is None:
        raise NotFoundError(
            f"no person with employee id {person_id!r} (see `skillgap people list`)"
        )
    return person


def _role(ws: Workspace, role_id: str) -> Role:
    role = ws.roles.find(role_id)
    if role is None:
        raise NotFoundError(f"no role {role_id!r} (see `skillgap roles list`)")
    return role


def _who(person: Person) -> str:
    return f"{person.name} ({person.employee_id})"


def _evidence(
    ws: Workspace,
    clock: Clock,
    person: Person,
    as_of: date | None,
    without_awards: frozenset[str] = frozenset(),
) -> tuple[PersonEvidence, date]:
    """The person's awards and ratings read at ``as_of`` (default: the snapshot, else today).
    What every person shares (frameworks, achievements, issuers, the rubric) comes through
    the workspace's cache when it has one (``services.summary``): a server reads it once."""
    when = as_of or analysis_date(ws) or clock.now().date()
    awards = [a for a in ws.awards.for_person(person.employee_id) if a.id not in without_awards]
    # Every achievement, not only the person's: what stacks into an achievement (its
    # pathway) is part of its quality, as in the summary.
    achievements, issuers = credential_indexes(ws, {a.achievement_id for a in awards})
    evidence = person_evidence(
        person,
        awards,
        achievements,
        issuers,
        ws.observations.for_person(person.employee_id),
        skill_context(ws),
        when,
        rubric(ws),
        notes=notes(ws),
        stacked=stacking(ws),
    )
    return evidence, when
