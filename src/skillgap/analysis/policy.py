"""Pay and recognition policy: who qualifies under each of an organisation's rules, from
their verified, job-relevant credentials, and why. skillgap never decides: every outcome
about a person lists the credentials behind it, each with a one-line reason (the service
records what was run in the audit log).

Input, per person: the credential evidence *counted* at the evaluation moment
(``CountedCredential``: one per counted award and alignment, built by
``counted_credentials`` from ``evidence.assess_awards``' outcomes), so every credential
has already passed the quality rubric (no veto, weight at the threshold), is in date and
its verification, if any ran, passed. Inactive people and people without a known role are
not evaluated (without a role nothing is job-relevant).

A credential is *aligned* when it evidences a competency the person's role requires, today
(``role.requirements_at(as_of)``) or at a horizon after ``as_of``; other credentials play no
part. An aligned credential *passes* a rule when every condition holds for one requirement
of that competency (``Condition``, named after the ``PolicyRule`` field it reads):

- ``competencies``: the rule names no competencies, or names this one;
- ``importance``: the requirement's importance is one of the rule's;
- ``include_future``: the requirement is today's, or the rule counts future horizons;
- ``meets_level``: the credential's canonical level reaches the requirement's (when asked);
- ``min_quality``: the credential's quality weight reaches the rule's floor (when given);
- ``min_assessment``: its assessment ranks at least the rule's (``AssessmentType.rank``);
- ``issuer_tiers``: its issuer's tier is one of the rule's (when given).

A person *qualifies* when credentials of at least ``min_count`` distinct achievements pass
(a renewed credential counts once). A *near miss* is a person who does not qualify but
would with one condition waived: with fewer passing achievements than ``min_count``
(condition ``min_count``), or with enough credentials failing that one condition alone.
Near misses are listed for explanation only, at most ``near_miss_limit`` per rule (in
employee id order; ``near_misses_left_off`` counts the rest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.analysis.evidence import CredentialOutcome, expires
from skillgap.domain import (
    AssessmentType,
    CompetencyRef,
    IssuerTier,
    Person,
    Requirement,
    Role,
)
from skillgap.domain.governance import PolicyRule
from skillgap.errors import NotFoundError, ValidationError


class Condition(StrEnum):
    COMPETENCY = "competencies"
    IMPORTANCE = "importance"
    FUTURE = "include_future"
    LEVEL = "meets_level"
    QUALITY = "min_quality"
    ASSESSMENT = "min_assessment"
    ISSUER_TIER = "issuer_tiers"
    COUNT = "min_count"


@dataclass(frozen=True)
class CountedCredential:
    """One counted award's evidence of one competency (an award aligned to several gives
    several); ``expires_on``: when it stops counting (its expiry, or the rubric's decay)."""

    award_id: str
    achievement_id: str
    achievement_name: str
    issuer_id: str
    issuer_name: str
    issuer_tier: IssuerTier
    assessment: AssessmentType
    quality_weight: float
    competency: CompetencyRef
    level_canonical: float
    issued_on: datetime
    expires_on: datetime | None = None


@dataclass(frozen=True)
class Match:
    """A credential judged against one requirement of the person's role."""

    credential: CountedCredential
    requirement: Requirement
    required: float  # canonical
    horizon: date | None  # None: today's requirement
    failed: tuple[Condition, ...]
    reason: str  # one line

    @property
    def passes(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Qualification:
    person: Person
    role: Role
    matches: tuple[Match, ...]  # the credentials that qualify the person, each with why

    @property
    def achievements(self) -> int:
        return len({m.credential.achievement_id for m in self.matches})


@dataclass(frozen=True)
class NearMiss:
    person: Person
    role: Role
    condition: Condition  # the one condition that keeps the person from qualifying
    matches: tuple[Match, ...]  # the credentials failing it (for min_count: those passing)
    reason: str


@dataclass(frozen=True)
class RuleOutcome:
    rule: PolicyRule
    qualified: tuple[Qualification, ...]
    near_misses: tuple[NearMiss, ...]
    near_misses_left_off: int = 0


def counted_credentials(
    outcomes: Iterable[CredentialOutcome], context: SkillContext
) -> dict[str, tuple[CountedCredential, ...]]:
    """Per person, the counted credentials of ``evidence.assess_awards``' outcomes: one per
    credential observation of a counted award."""
    found: dict[str, list[CountedCredential]] = {}
    for o in outcomes:
        if not o.counted:
            continue
        ends = [d for d in (expires(o.award, o.achievement), o.lapses_on) if d is not None]
        for obs in o.observations:
            found.setdefault(obs.person_id, []).append(
                CountedCredential(
                    award_id=o.award.id,
                    achievement_id=o.achievement.id,
                    achievement_name=o.achievement.name,
                    issuer_id=o.issuer.id,
                    issuer_name=o.issuer.name,
                    issuer_tier=o.issuer.tier,
                    assessment=o.achievement.assessment,
                    quality_weight=o.quality.weight,
                    competency=obs.competency,
                    level_canonical=context.scale(obs.scale_id).to_canonical(obs.level),
                    issued_on=o.award.issued_on,
                    expires_on=min(ends, default=None),
                )
            )
    return {pid: tuple(creds) for pid, creds in found.items()}


def evaluate(
    rules: Iterable[PolicyRule],
    people: Iterable[Person],
    roles: Iterable[Role],
    context: SkillContext,
    credentials: Mapping[str, Sequence[CountedCredential]],
    *,
    as_of: date,
    near_miss_limit: int = 50,
) -> list[RuleOutcome]:
    """Each rule's qualified people and near misses, in the order of ``rules``."""
    if near_miss_limit < 0:
        raise ValidationError("the number of near misses to list cannot be negative")
    by_id = {r.id: r for r in roles}
    staff = sorted(
        (p for p in people if p.active and p.role_id in by_id and credentials.get(p.employee_id)),
        key=lambda p: p.employee_id,
    )
    needs = {rid: _needs(role, context, as_of) for rid, role in by_id.items()}
    outcomes = []
    for rule in rules:
        qualified: list[Qualification] = []
        near: list[NearMiss] = []
        for person in staff:
            role = by_id[person.role_id or ""]
            judged = [
                _judge(rule, c, role, needs[role.id][c.competency], context)
                for c in credentials[person.employee_id]
                if c.competency in needs[role.id]
            ]
            passing = [best[0] for best in judged if best[0].passes]
            if len({m.credential.achievement_id for m in passing}) >= rule.min_count:
                qualified.append(Qualification(person, role, tuple(_ordered(passing))))
            else:
                near += _near_misses(rule, person, role, judged, passing)
        kept = near[:near_miss_limit]
        outcomes.append(RuleOutcome(rule, tuple(qualified), tuple(kept), len(near) - len(kept)))
    return outcomes


# A role's requirements per competency: (requirement, canonical level, horizon or None).
Needs = dict[CompetencyRef, list[tuple[Requirement, float, date | None]]]


def _needs(role: Role, context: SkillContext, as_of: date) -> Needs:
    found: Needs = {}
    for req in role.requirements_at(as_of):
        found.setdefault(req.competency, []).append((req, _canonical(req, context), None))
    later = sorted(
        (r for r in role.requirements if r.horizon is not None and r.horizon > as_of),
        key=lambda r: (r.horizon or as_of, r.competency),
    )
    for req in later:
        found.setdefault(req.competency, []).append((req, _canonical(req, context), req.horizon))
    return found


def _canonical(req: Requirement, context: SkillContext) -> float:
    return context.canonical(req.competency, req.level)


def _judge(
    rule: PolicyRule,
    credential: CountedCredential,
    role: Role,
    needs: list[tuple[Requirement, float, date | None]],
    context: SkillContext,
) -> list[Match]:
    """The credential against each requirement of its competency, fewest failures first
    (then today's before future ones, in date order)."""
    matches = []
    for req, required, horizon in needs:
        failed = _failures(rule, credential, req, required, horizon)
        text = reason(credential, req, required, horizon, role, context, rule, failed)
        matches.append(Match(credential, req, required, horizon, failed, text))
    return sorted(matches, key=lambda m: len(m.failed))  # stable: today's first


def _failures(
    rule: PolicyRule,
    c: CountedCredential,
    req: Requirement,
    required: float,
    horizon: date | None,
) -> tuple[Condition, ...]:
    checks = {
        Condition.COMPETENCY: not rule.competencies or c.competency in rule.competencies,
        Condition.IMPORTANCE: req.importance in rule.importance,
        Condition.FUTURE: horizon is None or rule.include_future,
        Condition.LEVEL: not rule.meets_level or c.level_canonical >= required,
        Condition.QUALITY: rule.min_quality is None or c.quality_weight >= rule.min_quality,
        Condition.ASSESSMENT: rule.min_assessment is None
        or c.assessment.rank >= rule.min_assessment.rank,
        Condition.ISSUER_TIER: not rule.issuer_tiers or c.issuer_tier in rule.issuer_tiers,
    }
    return tuple(condition for condition, ok in checks.items() if not ok)


def _near_misses(
    rule: PolicyRule,
    person: Person,
    role: Role,
    judged: list[list[Match]],
    passing: list[Match],
) -> list[NearMiss]:
    found = []
    if passing:
        count = len({m.credential.achievement_id for m in passing})
        text = f"{count} qualifying credential(s) of the {rule.min_count} the rule asks for"
        found.append(NearMiss(person, role, Condition.COUNT, tuple(_ordered(passing)), text))
    for condition in Condition:
        if condition is Condition.COUNT:
            continue
        waived = [
            next(m for m in matches if set(m.failed) <= {condition})
            for matches in judged
            if any(set(m.failed) <= {condition} for m in matches)
        ]
        if len({m.credential.achievement_id for m in waived}) >= rule.min_count:
            failing = _ordered([m for m in waived if m.failed])
            text = f"would qualify without the condition {condition.value!r}: " + "; ".join(
                f"{m.credential.achievement_name}: {_failure(condition, m, rule)}" for m in failing
            )
            found.append(NearMiss(person, role, condition, tuple(failing), text))
    return found


def _ordered(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (m.credential.achievement_name, m.credential.award_id,
                                          m.credential.competency))  # fmt: skip


def reason(
    c: CountedCredential,
    req: Requirement,
    required: float,
    horizon: date | None,
    role: Role,
    context: SkillContext,
    rule: PolicyRule,
    failed: tuple[Condition, ...] = (),
) -> str:
    """One line: "AWS Solutions Architect (verified, quality 0.86) evidences Cloud
    architecture at 4 ≥ 3 required, critical for role Cloud Engineer", then what fails."""
    relation = "≥" if c.level_canonical >= required else "<"
    when = f" from {horizon.isoformat()}" if horizon else ""
    text = (
        f"{c.achievement_name} (verified, quality {c.quality_weight:.2f}) evidences "
        f"{_name(c.competency, context)} at {c.level_canonical:g} {relation} {required:g} "
        f"required, {req.importance} for role {role.name or role.id}{when}"
    )
    if failed:
        match = Match(c, req, required, horizon, failed, "")
        text += "; fails " + ", ".join(_failure(f, match, rule) for f in failed)
    return text


def _name(ref: CompetencyRef, context: SkillContext) -> str:
    try:
        return context.competency(ref).name
    except NotFoundError:
        return str(ref)


def _failure(condition: Condition, m: Match, rule: PolicyRule) -> str:
    """Why ``m`` fails ``condition`` of ``rule``, in a few words."""
    c = m.credential
    if condition is Condition.COMPETENCY:
        return f"{c.competency} is not among the rule's competencies"
    if condition is Condition.IMPORTANCE:
        asked = " or ".join(rule.importance)
        return f"the requirement is {m.requirement.importance}, the rule asks for {asked}"
    if condition is Condition.FUTURE:
        return f"required only from {m.horizon}, and the rule counts today's requirements"
    if condition is Condition.LEVEL:
        return f"level {c.level_canonical:g} is below the {m.required:g} required"
    if condition is Condition.QUALITY:
        return f"quality {c.quality_weight:.2f} is below the rule's {rule.min_quality or 0:.2f}"
    if condition is Condition.ASSESSMENT:
        return f"assessed by {c.assessment}, weaker than the rule's {rule.min_assessment}"
    tiers = " or ".join(rule.issuer_tiers)
    return f"issuer tier {c.issuer_tier} is not {tiers}"
