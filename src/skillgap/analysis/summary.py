"""The organisation summary: top gaps now and at the next horizon, departments, the people
furthest from their role, and next steps computed from the data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from skillgap.analysis.context import SkillContext
from skillgap.analysis.evidence import CredentialOutcome, Exclusion, assess_awards
from skillgap.analysis.gaps import (
    CompetencyPriority,
    GroupGap,
    PersonGap,
    furthest,
    group_by,
    mean_readiness,
    person_gap,
    priorities,
)
from skillgap.analysis.inventory import View, build_inventory
from skillgap.analysis.quality import Rubric
from skillgap.domain import (
    Achievement,
    Award,
    Framework,
    Issuer,
    Observation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.errors import NotFoundError


@dataclass(frozen=True)
class WorkspaceData:
    """Everything the summary reads, loaded by a service from the store."""

    frameworks: Sequence[Framework]
    roles: Sequence[Role]
    people: Sequence[Person]
    issuers: Sequence[Issuer]
    achievements: Sequence[Achievement]
    awards: Sequence[Award]
    observations: Sequence[Observation]
    scales: Sequence[ProficiencyScale] = ()  # stored scales ratings may be on
    rubric: Rubric | None = None  # the workspace's credential quality rubric (None: default)


@dataclass(frozen=True)
class CredentialTally:
    total: int  # awards issued by the analysis date
    counted: int
    excluded: dict[Exclusion, int]  # an award may be excluded for several reasons
    issued_later: int  # awards in the workspace issued after the analysis date


@dataclass(frozen=True)
class OrganisationSummary:
    organisation: str
    as_of: date
    view: View
    horizon: date | None
    context: SkillContext
    people_assessed: int  # active people holding a role
    people_without_role: int
    people_without_requirements: int  # their role requires nothing at this date
    credentials: CredentialTally
    now: tuple[PersonGap, ...]
    future: tuple[PersonGap, ...]
    top_now: tuple[CompetencyPriority, ...]
    top_future: tuple[CompetencyPriority, ...]
    departments: tuple[GroupGap, ...]
    furthest: tuple[PersonGap, ...]
    # Requirements met on claims alone, not on verified evidence (verified view only).
    unbacked_claims: int | None
    people_with_unbacked_claims: int | None
    next_steps: tuple[str, ...]

    @property
    def readiness_now(self) -> float:
        return mean_readiness(self.now)

    @property
    def readiness_at_horizon(self) -> float | None:
        return mean_readiness(self.future) if self.horizon else None


def summarise(
    data: WorkspaceData,
    *,
    organisation: str,
    as_of: date,
    view: View = View.VERIFIED,
    top: int = 5,
) -> OrganisationSummary:
    context = SkillContext.of(data.frameworks, data.scales)
    moment = datetime.combine(as_of, time.max, tzinfo=UTC)  # the end of the analysis day
    issued = [a for a in data.awards if a.issued_on <= moment]
    outcomes = assess_awards(
        issued,
        {a.id: a for a in data.achievements},
        {i.id: i for i in data.issuers},
        context,
        moment,
        data.rubric,
    )
    evidence = [o for outcome in outcomes for o in outcome.observations]
    claims = [o for o in data.observations if o.observed_on <= as_of]
    inventory = build_inventory([*evidence, *claims], context)
    roles = {r.id: r for r in data.roles}
    people = [p for p in data.people if p.active]
    with_role = [p for p in people if p.role_id in roles]
    if not with_role:
        raise NotFoundError(
            "no active person in the workspace holds a known role: load people with roles "
            "(skillgap demo, or skillgap load FOLDER)"
        )
    horizon = _next_horizon(data.roles, as_of)

    def gaps_at(when: date | None, chosen: View) -> tuple[PersonGap, ...]:
        return tuple(
            person_gap(p, roles[p.role_id or ""], inventory, context, view=chosen, horizon=when)
            for p in with_role
        )

    now = gaps_at(as_of, view)
    future = gaps_at(horizon, view) if horizon else ()
    best = gaps_at(as_of, View.BEST_AVAILABLE)
    unbacked = _unbacked(now, best) if view is View.VERIFIED else None
    summary = OrganisationSummary(
        organisation=organisation,
        as_of=as_of,
        view=view,
        horizon=horizon,
        context=context,
        people_assessed=len(with_role),
        people_without_role=len(people) - len(with_role),
        people_without_requirements=sum(1 for g in now if not g.assessed),
        credentials=_tally(outcomes, len(data.awards) - len(issued)),
        now=now,
        future=future,
        top_now=tuple(priorities(now)[:top]),
        top_future=tuple(priorities(future)[:top]),
        departments=tuple(group_by(now, lambda p: p.department)),
        furthest=tuple(furthest(now, 3)),
        unbacked_claims=None if unbacked is None else sum(unbacked.values()),
        people_with_unbacked_claims=None if unbacked is None else len(unbacked),
        next_steps=(),
    )
    return replace(summary, next_steps=_next_steps(summary))


def _next_horizon(roles: Sequence[Role], as_of: date) -> date | None:
    future = sorted({h for role in roles for h in role.horizons if h > as_of})
    return future[0] if future else None


def _tally(outcomes: Sequence[CredentialOutcome], issued_later: int) -> CredentialTally:
    excluded: Counter[Exclusion] = Counter()
    for outcome in outcomes:
        excluded.update(outcome.exclusions)
    counted = sum(1 for o in outcomes if o.counted)
    ordered = {reason: excluded[reason] for reason in Exclusion if excluded[reason]}
    return CredentialTally(len(outcomes), counted, ordered, issued_later)


def _unbacked(verified: Sequence[PersonGap], best: Sequence[PersonGap]) -> dict[str, int]:
    """Per person: requirements met on claims alone but not on verified evidence."""
    counts: dict[str, int] = {}
    for v_gap, b_gap in zip(verified, best, strict=True):
        n = sum(
            1
            for v, b in zip(v_gap.items, b_gap.items, strict=True)
            if v.gap > 0 and b.gap == 0 and b.source is not None and not b.source.verified
        )
        if n:
            counts[v_gap.person.employee_id] = n
    return counts


def _next_steps(summary: OrganisationSummary) -> tuple[str, ...]:
    steps: list[str] = []
    ctx = summary.context
    if summary.top_now:
        first = summary.top_now[0]
        steps.append(
            f"Start with {ctx.competency(first.competency).name}: {first.people_short} of "
            f"{first.people_required} people who need it are short of the required level."
        )
    if summary.horizon and summary.top_future:
        now_refs = {p.competency for p in summary.top_now}
        rising = [p for p in summary.top_future if p.competency not in now_refs]
        if rising:
            names = [ctx.competency(p.competency).name for p in rising[:3]]
            verb = "becomes a top gap" if len(names) == 1 else "become top gaps"
            steps.append(
                f"Plan ahead for {summary.horizon.isoformat()}: {', '.join(names)} {verb} then."
            )
    if summary.people_with_unbacked_claims:
        steps.append(
            f"{summary.people_with_unbacked_claims} people meet {summary.unbacked_claims} "
            "requirements on self or manager ratings alone: ask them for credentials "
            "(see the best-available view: skillgap summary --view best-available)."
        )
    expired = summary.credentials.excluded.get(Exclusion.EXPIRED, 0)
    if expired:
        steps.append(
            f"{expired} credentials have expired: renewing them restores verified evidence."
        )
    weak = summary.credentials.excluded.get(Exclusion.WEAK_ASSESSMENT, 0)
    untrusted = summary.credentials.excluded.get(Exclusion.UNTRUSTED_ISSUER, 0)
    parts = []
    if weak:
        parts.append(
            f"{_count(weak, 'credential is', 'credentials are')} assessed by quiz, "
            "attendance or unknown means"
        )
    if untrusted:
        parts.append(f"{_count(untrusted, 'comes', 'come')} from unrecognised issuers")
    if parts:
        steps.append(
            f"{' and '.join(parts)}: they do not count as proof; point people to "
            "performance-assessed credentials."
        )
    return tuple(steps)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
