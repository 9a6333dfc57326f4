"""One person, explained: their gaps against a role now and at a horizon, and the chain of
evidence and rules behind their level in one competency.

Pure functions over what a service loaded (no I/O). They reuse the rules of ``evidence``
(awards judged by the rubric of ``quality``), ``inventory`` (levels per source, views) and
``gaps`` (gap, status, readiness), so a person's figures are the ones the summary uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.analysis.evidence import CredentialOutcome, Exclusion, assess_awards, expires
from skillgap.analysis.gaps import PersonGap, RequirementGap, person_gap, requirement_gap
from skillgap.analysis.inventory import Holding, Inventory, Reading, View, build_inventory
from skillgap.analysis.quality import QualityProfile, Rubric
from skillgap.domain import (
    Achievement,
    Alignment,
    Award,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Issuer,
    Observation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.errors import NotFoundError, ValidationError


def end_of_day(day: date) -> datetime:
    """The moment an analysis dated ``day`` looks at: the end of that day, UTC."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def next_horizon(role: Role, after: date) -> date | None:
    """The role's first future horizon after ``after`` (None: its profile no longer changes)."""
    return next((h for h in role.horizons if h > after), None)


# --- the evidence of one person -----------------------------------------------------------


@dataclass(frozen=True)
class PersonEvidence:
    """Everything known about one person's skills, judged at the end of ``as_of``."""

    person: Person
    as_of: date
    context: SkillContext
    outcomes: tuple[CredentialOutcome, ...]  # every award of the person, counted or not
    ratings: tuple[Observation, ...]  # every stored observation, also those made later
    inventory: Inventory  # counted credentials + ratings made by ``as_of``

    def holding(self, ref: CompetencyRef) -> Holding | None:
        return self.inventory.holding(self.person.employee_id, ref)


def person_evidence(
    person: Person,
    awards: Iterable[Award],
    achievements: Mapping[str, Achievement],
    issuers: Mapping[str, Issuer],
    observations: Iterable[Observation],
    context: SkillContext,
    as_of: date,
    rubric: Rubric | None = None,
    *,
    notes: Mapping[str, str] | None = None,
    stacked: Mapping[str, int] | None = None,
) -> PersonEvidence:
    """Judge the person's awards and read their ratings as the organisation summary does:
    awards by the quality rubric (default: the documented one) at the end of ``as_of`` (one
    issued later is left out as not yet issued), ratings made by ``as_of``. ``achievements``
    should hold every achievement, so that pathways are seen whole; ``notes`` say who set an
    achievement's assessment type; ``stacked``: ``quality.stacked_by(achievements)``, when
    the caller keeps it."""
    mine = [a for a in awards if a.person_id == person.employee_id]
    moment = end_of_day(as_of)
    outcomes = assess_awards(
        mine, achievements, issuers, context, moment, rubric, notes=notes, stacked=stacked
    )
    ratings = tuple(
        sorted(
            (o for o in observations if o.person_id == person.employee_id),
            key=lambda o: (o.observed_on, o.id),
        )
    )
    evidence = [o for outcome in outcomes for o in outcome.observations]
    claims = [o for o in ratings if o.observed_on <= as_of]
    inventory = build_inventory([*evidence, *claims], context)
    return PersonEvidence(person, as_of, context, tuple(outcomes), ratings, inventory)


# --- gaps against a role -------------------------------------------------------------------


@dataclass(frozen=True)
class GapLine:
    """One requirement, held in both views; ``view`` says which one the report shows.
    ``item`` (the chosen view's) and ``claimed_only`` are worked out when it is made."""

    view: View
    verified: RequirementGap
    best_available: RequirementGap
    holding: Holding | None
    item: RequirementGap = field(init=False, compare=False)
    claimed_only: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        best = self.best_available
        object.__setattr__(self, "item", self.verified if self.view is View.VERIFIED else best)
        # met on a self or manager rating alone: short on verified evidence
        claimed = (
            self.verified.gap > 0
            and best.gap == 0
            and best.source is not None
            and not best.source.verified
        )
        object.__setattr__(self, "claimed_only", claimed)

    @property
    def reading(self) -> Reading | None:
        """Where the held level of the chosen view comes from."""
        return self.holding.reading(self.view) if self.holding else None

    @property
    def claim(self) -> Reading | None:
        """The rating that meets the requirement, when it is met on ratings alone."""
        if not self.claimed_only or self.holding is None:
            return None
        return self.holding.reading(View.BEST_AVAILABLE)


@dataclass(frozen=True)
class ProfileGaps:
    """A person against the profile a role has in force on ``on``."""

    on: date
    future: bool  # a horizon after the analysis date, held levels as they are now
    gap: PersonGap  # in the chosen view: readiness, open items
    lines: tuple[GapLine, ...]  # largest importance-weighted gap first, then the met ones

    @property
    def readiness(self) -> float:
        return self.gap.readiness

    @property
    def claimed_only(self) -> tuple[GapLine, ...]:
        return tuple(line for line in self.lines if line.claimed_only)


def profile_gaps(
    evidence: PersonEvidence, role: Role, view: View, on: date, *, future: bool = False
) -> ProfileGaps:
    """The person's gaps against ``role`` as in force on ``on``, in both views (one pass
    over the requirements: each holding looked up once, a requirement held alike in both
    views judged once)."""
    person, context = evidence.person, evidence.context
    holdings = evidence.inventory.of(person.employee_id)
    verified: list[RequirementGap] = []
    best: list[RequirementGap] = []
    lines = []
    for req in role.requirements_at(on):
        required = context.canonical(req.competency, req.level)
        holding = holdings.get(req.competency)
        if holding is None:
            v = b = requirement_gap(req, required, None)
        else:
            held, best_held = holding.reading(View.VERIFIED), holding.reading(View.BEST_AVAILABLE)
            v = requirement_gap(req, required, held)
            b = v if best_held is held else requirement_gap(req, required, best_held)
        verified.append(v)
        best.append(b)
        lines.append(GapLine(view, v, b, holding))
    lines.sort(key=_largest_gap_first)
    chosen = verified if view is View.VERIFIED else best
    return ProfileGaps(on, future, PersonGap(person, role, on, view, tuple(chosen)), tuple(lines))


def _largest_gap_first(line: GapLine) -> tuple[float, str, str]:
    ref = line.item.requirement.competency  # (framework, code): CompetencyRef's own order
    return (-line.item.weighted_gap, ref.framework, ref.code)


# --- one competency, explained -------------------------------------------------------------


class AlignmentExclusion(StrEnum):
    """Why an award's alignment to one competency gives no evidence of it, beyond the
    award's own exclusions; the value is a stable code."""

    NOT_CONFIRMED = "alignment-not-confirmed"
    NO_LEVEL = "alignment-without-level"
    LEVEL_NOT_ON_SCALE = "level-not-on-scale"
    LEVEL_ZERO = "level-zero"

    @property
    def label(self) -> str:
        return _ALIGNMENT_LABELS[self]


_ALIGNMENT_LABELS = {
    AlignmentExclusion.NOT_CONFIRMED: "alignment only suggested (not exact or confirmed)",
    AlignmentExclusion.NO_LEVEL: "aligned without a level",
    AlignmentExclusion.LEVEL_NOT_ON_SCALE: "aligned at a level not on the framework's scale",
    AlignmentExclusion.LEVEL_ZERO: "aligned at level 0",
}

Reason = Exclusion | AlignmentExclusion


@dataclass(frozen=True)
class CredentialEvidence:
    """One award aligned to the competency, and whether it evidences it."""

    outcome: CredentialOutcome
    alignment: Alignment
    canonical: float | None  # the aligned level on 0-5, when it is a level of the scale
    alignment_exclusions: tuple[AlignmentExclusion, ...]
    observation: Observation | None  # the credential observation it gave, if it counts
    expires_on: datetime | None  # its own expiry, else its achievement's validity period

    @property
    def quality(self) -> QualityProfile:
        """The achievement's quality profile: its weight and the four checks."""
        return self.outcome.quality

    @property
    def lapses_on(self) -> datetime | None:
        """When the rubric's decay ends it as evidence (None: no decay)."""
        return self.outcome.lapses_on

    @property
    def counts(self) -> bool:
        return self.observation is not None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every reason it does not count (empty when it counts)."""
        if self.counts:
            return ()
        return (*self.outcome.exclusions, *self.alignment_exclusions)


@dataclass(frozen=True)
class RatingEvidence:
    """A self, manager, inferred or assessment observation of the competency."""

    observation: Observation
    scale: ProficiencyScale
    canonical: float
    after_as_of: bool  # made after the analysis date: not read

    @property
    def label(self) -> str:
        return self.scale.level(self.observation.level).label


@dataclass(frozen=True)
class RequirementCheck:
    """The role's requirement of the competency in force on ``on``, with the gap in each
    view (both None when the role does not require it then)."""

    on: date
    future: bool
    verified: RequirementGap | None
    best_available: RequirementGap | None


@dataclass(frozen=True)
class CompetencyExplanation:
    person: Person
    as_of: date
    competency: Competency
    capability: CapabilityGroup | None
    scale: ProficiencyScale  # the competency's framework scale
    context: SkillContext
    credentials: tuple[CredentialEvidence, ...]
    ratings: tuple[RatingEvidence, ...]
    holding: Holding | None
    role: Role | None
    requirements: tuple[RequirementCheck, ...]  # now, then each future horizon of the role

    @property
    def ref(self) -> CompetencyRef:
        return self.competency.ref

    def reading(self, view: View) -> Reading | None:
        return self.holding.reading(view) if self.holding else None

    def evidence_for(self, reading: Reading) -> CredentialEvidence | RatingEvidence | None:
        """The piece of evidence a level was read from."""
        for credential in self.credentials:
            if credential.observation == reading.observation:
                return credential
        for rating in self.ratings:
            if rating.observation == reading.observation:
                return rating
        return None


def explain_competency(
    evidence: PersonEvidence, ref: CompetencyRef, role: Role | None
) -> CompetencyExplanation:
    """Every piece of evidence of ``ref`` for the person, the levels it gives, and the
    role's requirement of it now and at each of the role's future horizons."""
    context = evidence.context
    framework = context.framework(ref)
    credentials = []
    for outcome in evidence.outcomes:
        for index, alignment in enumerate(outcome.achievement.alignments):
            if alignment.competency != ref:
                continue
            own_id = f"{outcome.award.id}#{index}"  # the id assess_awards gives it
            observation = next((o for o in outcome.observations if o.id == own_id), None)
            credentials.append(
                CredentialEvidence(
                    outcome=outcome,
                    alignment=alignment,
                    canonical=_canonical(framework.scale, alignment.level),
                    alignment_exclusions=_alignment_exclusions(alignment, framework.scale),
                    observation=observation,
                    expires_on=expires(outcome.award, outcome.achievement),
                )
            )
    credentials.sort(key=lambda c: (c.outcome.award.issued_on, c.outcome.award.id))
    ratings = tuple(
        RatingEvidence(
            observation=o,
            scale=context.scale(o.scale_id),
            canonical=context.scale(o.scale_id).to_canonical(o.level),
            after_as_of=o.observed_on > evidence.as_of,
        )
        for o in evidence.ratings
        if o.competency == ref
    )
    checks: list[RequirementCheck] = []
    if role is not None:
        dates = [evidence.as_of, *(h for h in role.horizons if h > evidence.as_of)]
        for index, on in enumerate(dates):
            found = []
            for view in View:
                gap = person_gap(
                    evidence.person, role, evidence.inventory, context, view=view, horizon=on
                )
                found.append(next((i for i in gap.items if i.requirement.competency == ref), None))
            checks.append(RequirementCheck(on, index > 0, found[0], found[1]))
    return CompetencyExplanation(
        person=evidence.person,
        as_of=evidence.as_of,
        competency=context.competency(ref),
        capability=context.capability(ref),
        scale=framework.scale,
        context=context,
        credentials=tuple(credentials),
        ratings=ratings,
        holding=evidence.holding(ref),
        role=role,
        requirements=tuple(checks),
    )


def _canonical(scale: ProficiencyScale, level: int | None) -> float | None:
    if level is None or level not in {lv.value for lv in scale.levels}:
        return None
    return scale.to_canonical(level)


def _alignment_exclusions(
    alignment: Alignment, scale: ProficiencyScale
) -> tuple[AlignmentExclusion, ...]:
    """The alignment-level rules of the evidence (evidence._counting_alignments)."""
    found = []
    if not alignment.status.counts:
        found.append(AlignmentExclusion.NOT_CONFIRMED)
    if alignment.level is None:
        found.append(AlignmentExclusion.NO_LEVEL)
    elif alignment.level not in {lv.value for lv in scale.levels}:
        found.append(AlignmentExclusion.LEVEL_NOT_ON_SCALE)
    elif scale.to_canonical(alignment.level) <= 0:
        found.append(AlignmentExclusion.LEVEL_ZERO)
    return tuple(found)


# --- naming a competency -------------------------------------------------------------------


def resolve_competency(
    text: str, context: SkillContext, preferred: Sequence[str] = ()
) -> CompetencyRef:
    """The competency ``text`` names: ``FRAMEWORK:CODE``, a bare code, or an exact name
    (case-insensitive). A bare code or a name is looked up in the ``preferred`` frameworks
    first (the person's role's), then in every framework; it must name one competency."""
    wanted = text.strip()
    if not wanted:
        raise ValidationError("name a competency: FRAMEWORK:CODE, a code or its name")
    framework_id, sep, code = wanted.partition(":")
    if sep and framework_id in context.frameworks:
        framework = context.frameworks[framework_id]
        if framework.has(code):
            return CompetencyRef(framework_id, code)
    first = [f for f in dict.fromkeys(preferred) if f in context.frameworks]
    order = [*first, *(f for f in context.frameworks if f not in first)]
    scopes = [first, order] if first else [order]
    folded = wanted.casefold()
    for scope in scopes:
        frameworks = [context.frameworks[f] for f in scope]
        by_code = [CompetencyRef(f.id, wanted) for f in frameworks if f.has(wanted)]
        by_name = [c.ref for f in frameworks for c in f.competencies if c.name.casefold() == folded]
        for found in (by_code, by_name):
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = ", ".join(str(r) for r in sorted(found))
                raise ValidationError(
                    f"{wanted!r} names several competencies ({names}): give FRAMEWORK:CODE"
                )
    if sep and framework_id in context.frameworks:
        raise NotFoundError(f"competency {code!r} is not in framework {framework_id!r}")
    where = f" (e.g. {order[0]}:CODE)" if order else ""
    raise NotFoundError(
        f"no competency {wanted!r}: give FRAMEWORK:CODE{where}, a competency's code or its "
        "exact name (see `skillgap framework search`)"
    )
