"""One person, explained: their evidence (awards judged, ratings read) and their gaps
against a role now and at a horizon. The chain of evidence and rules behind their level in
one competency is ``explain_competency``.

Pure functions over what a service loaded (no I/O). They reuse the rules of ``evidence``
(awards judged by ``quality`` under the ``rubric``), ``inventory`` (levels per source,
views) and ``gaps`` (gap, status, readiness), so a person's figures are the ones the
summary uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from skillgap.analysis.context import SkillContext
from skillgap.analysis.evidence import CredentialOutcome, assess_awards
from skillgap.analysis.gaps import PersonGap, RequirementGap, requirement_gap
from skillgap.analysis.inventory import Holding, Inventory, Reading, View, build_inventory
from skillgap.analysis.rubric import Rubric
from skillgap.domain import (
    Achievement,
    Award,
    CompetencyRef,
    Issuer,
    Observation,
    Person,
    Requirement,
    Role,
)


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
    return _profile(evidence, role, view, on, future, {})


def now_and_horizon(
    evidence: PersonEvidence, role: Role, view: View, now: date, horizon: date | None
) -> tuple[ProfileGaps, ProfileGaps | None]:
    """The person's gaps against ``role`` now and at ``horizon`` (None: no horizon), each
    requirement in force on both dates judged once: one line in both profiles."""
    judged: dict[int, GapLine] = {}  # by id: the role's requirements outlive the call
    first = _profile(evidence, role, view, now, False, judged)
    if horizon is None:
        return first, None
    return first, _profile(evidence, role, view, horizon, True, judged)


def _profile(
    evidence: PersonEvidence,
    role: Role,
    view: View,
    on: date,
    future: bool,
    judged: dict[int, GapLine],
) -> ProfileGaps:
    """``profile_gaps``, taking each requirement's line from ``judged`` (and adding to it)."""
    person, context = evidence.person, evidence.context
    holdings = evidence.inventory.of(person.employee_id)
    lines = []
    for req in role.requirements_at(on):
        line = judged.get(id(req))
        if line is None:
            line = judged[id(req)] = _line(req, context, holdings.get(req.competency), view)
        lines.append(line)
    chosen = tuple(line.item for line in lines)  # in the role's order
    lines.sort(key=_largest_gap_first)
    return ProfileGaps(on, future, PersonGap(person, role, on, view, chosen), tuple(lines))


def _line(req: Requirement, context: SkillContext, holding: Holding | None, view: View) -> GapLine:
    required = context.canonical(req.competency, req.level)
    if holding is None:
        v = b = requirement_gap(req, required, None)
    else:
        held, best_held = holding.reading(View.VERIFIED), holding.reading(View.BEST_AVAILABLE)
        v = requirement_gap(req, required, held)
        b = v if best_held is held else requirement_gap(req, required, best_held)
    return GapLine(view, v, b, holding)


def _largest_gap_first(line: GapLine) -> tuple[float, str, str]:
    ref = line.item.requirement.competency  # (framework, code): CompetencyRef's own order
    return (-line.item.weighted_gap, ref.framework, ref.code)
