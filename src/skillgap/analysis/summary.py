"""The organisation summary: top gaps now and at the next horizon, departments, the people
furthest from their role, and next steps computed from the data.

The figures are read from the gap engine's columns (``analysis.engine``), one model per
summary, not from a ``gaps.person_gap`` per person: at 100,000 people that loop took tens
of seconds. ``analysis.gaps`` still states the rules (the engine is tested equal to it), and
sums here run in the loop's order (``np.bincount`` adds row by row), so the figures equal
the per-person ones exactly, not just to rounding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import overload

import numpy as np
import numpy.typing as npt

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine import OrgModel, PersonGapTable
from skillgap.analysis.engine_build import F64, ObservationColumns
from skillgap.analysis.engine_evidence import evidence_columns as award_columns
from skillgap.analysis.engine_tables import NONE_LABEL, CompetencyRow, Grouping
from skillgap.analysis.evidence import CredentialOutcome, Exclusion, assess_awards, award_evidence
from skillgap.analysis.explain import end_of_day
from skillgap.analysis.gaps import CompetencyPriority, PersonGap, furthest
from skillgap.analysis.inventory import View
from skillgap.analysis.rubric import DEFAULT_RUBRIC, Rubric
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
    #: ``observations`` as the gap engine's columns, when a cache keeps them (a server
    #: converts 1.6 million ratings once, not at each change to the awards or the rubric)
    observation_columns: ObservationColumns | None = None


@dataclass(frozen=True)
class CredentialTally:
    total: int  # awards issued by the analysis date
    counted: int
    excluded: dict[Exclusion, int]  # an award may be excluded for several reasons
    issued_later: int  # awards in the workspace issued after the analysis date


@dataclass(frozen=True)
class DepartmentGap:
    """A department's people with a role, rolled up as ``gaps.GroupGap`` does (from the
    engine's columns: no ``PersonGap`` per person)."""

    name: str
    headcount: int
    mean_readiness: float  # over the people assessed; 100 when there are none
    priorities: tuple[CompetencyPriority, ...]


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
    now: Sequence[PersonGap]  # per person assessed, built when read
    future: Sequence[PersonGap]  # at the horizon; empty without one
    readiness_now: float  # mean over the people whose role requires something now
    readiness_at_horizon: float | None  # the same at the horizon; None without one
    top_now: tuple[CompetencyPriority, ...]
    top_future: tuple[CompetencyPriority, ...]
    departments: tuple[DepartmentGap, ...]
    furthest: tuple[PersonGap, ...]
    # Requirements met on claims alone, not on verified evidence (verified view only).
    unbacked_claims: int | None
    people_with_unbacked_claims: int | None
    next_steps: tuple[str, ...]


def summarise(
    data: WorkspaceData,
    *,
    organisation: str,
    as_of: date,
    view: View = View.VERIFIED,
    top: int = 5,
) -> OrganisationSummary:
    """The summary, read from the gap engine's tables: one model of the workspace, every
    person's figures as columns; ``PersonGap`` objects only for the people listed."""
    model, outcomes = build_model(data, as_of)
    with_role: list[int] = np.flatnonzero(model.role_of >= 0).tolist()
    if not with_role:
        raise NotFoundError(
            "no active person in the workspace holds a known role: load people with roles "
            "(skillgap demo, or skillgap load FOLDER)"
        )
    horizon = _next_horizon(data.roles, as_of)
    now = model.person_gaps(view)
    future = model.person_gaps(view, horizon) if horizon else None
    ready = person_readiness(now)
    unbacked = (
        _unbacked(now, model.person_gaps(View.BEST_AVAILABLE)) if view is View.VERIFIED else None
    )
    issued_later = sum(1 for a in data.awards if a.issued_on > end_of_day(as_of))
    summary = OrganisationSummary(
        organisation=organisation,
        as_of=as_of,
        view=view,
        horizon=horizon,
        context=model.context,
        people_assessed=len(with_role),
        people_without_role=len(model.people) - len(with_role),
        people_without_requirements=int(len(with_role) - now.assessed.sum()),
        credentials=_tally(outcomes, issued_later),
        now=PersonGaps(now, with_role),
        future=PersonGaps(future, with_role) if future else (),
        readiness_now=_mean(ready, now.assessed),
        readiness_at_horizon=_mean(person_readiness(future), future.assessed) if future else None,
        top_now=tuple(_priorities(model.aggregate(view))[:top]),
        top_future=tuple(_priorities(model.aggregate(view, horizon=horizon))[:top])
        if horizon
        else (),
        departments=_departments(model, now, ready),
        furthest=_furthest(now, ready, 3),
        unbacked_claims=None if unbacked is None else unbacked[0],
        people_with_unbacked_claims=None if unbacked is None else unbacked[1],
        next_steps=(),
    )
    return replace(summary, next_steps=_next_steps(summary))


def build_model(data: WorkspaceData, as_of: date) -> tuple[OrgModel, list[CredentialOutcome]]:
    """The gap engine's model of the workspace as of ``as_of`` (the stored ratings and the
    credential observations of the awards the quality rubric counts at the end of that
    day), and the outcomes of the awards issued by then. One statement of what the summary,
    the snapshots and the organisation views read, so that their figures agree."""
    context = SkillContext.of(data.frameworks, data.scales)
    outcomes = _assessed(data, as_of, context, observe=True)
    evidence = ObservationColumns.from_observations(
        o for outcome in outcomes for o in outcome.observations
    )
    return _model(data, as_of, context, evidence), outcomes


def engine_model(
    data: WorkspaceData, as_of: date, evidence: ObservationColumns | None = None
) -> OrgModel:
    """``build_model``'s model alone, its credential evidence turned into the engine's
    columns without an ``Observation`` each (``evidence_columns``; ``evidence`` when the
    caller kept them): what a server rebuilds after each change, several times faster at
    100,000 people."""
    context = SkillContext.of(data.frameworks, data.scales)
    if evidence is None:
        evidence = evidence_columns(data, as_of, context)
    return _model(data, as_of, context, evidence)


def evidence_columns(
    data: WorkspaceData, as_of: date, context: SkillContext | None = None
) -> ObservationColumns:
    """The credential observations of the awards counted as of ``as_of``, as the engine's
    columns: a function of the awards, achievements, issuers, frameworks, scales and rubric
    alone (a server keeps them while none of those changes: ``evidence_key``)."""
    context = context or SkillContext.of(data.frameworks, data.scales)
    outcomes = _assessed(data, as_of, context, observe=False)
    return award_columns(award_evidence(outcomes, context))


def evidence_key(data: WorkspaceData, as_of: date) -> Hashable:
    """What the evidence of ``data``'s awards depends on beyond the awards, achievements,
    issuers, frameworks and scales: the analysis date and the rubric (by value)."""
    rubric = data.rubric or DEFAULT_RUBRIC
    return as_of, tuple(sorted(rubric.flat().items()))


def _assessed(
    data: WorkspaceData, as_of: date, context: SkillContext, *, observe: bool
) -> list[CredentialOutcome]:
    moment = end_of_day(as_of)
    return assess_awards(
        [a for a in data.awards if a.issued_on <= moment],
        {a.id: a for a in data.achievements},
        {i.id: i for i in data.issuers},
        context,
        moment,
        data.rubric,
        observe=observe,
    )


def _model(
    data: WorkspaceData, as_of: date, context: SkillContext, evidence: ObservationColumns
) -> OrgModel:
    """The model of the awards' evidence and the stored ratings (``data.observation_columns``
    when a cache keeps them)."""
    stored = data.observation_columns
    if stored is None:
        stored = ObservationColumns.from_observations(data.observations)
    observations = ObservationColumns.concat([evidence, stored])
    return OrgModel.build(data.people, data.roles, context, observations, as_of=as_of)


def person_readiness(table: PersonGapTable) -> F64:
    """Per person of the model, readiness as ``gaps.PersonGap.readiness`` computes it,
    summed row by row in requirement order (``np.bincount`` adds sequentially), so the
    figures equal the per-person ones to the last bit. The engine's own ``readiness``
    column sums with ``reduceat``, equal only to rounding; snapshots compare readiness
    exactly, and a rounding difference would show as a change that did not happen."""
    n = len(table.people)
    weights = np.bincount(table.person, weights=table.weight, minlength=n)
    covered = np.bincount(table.person, weights=table.weight * table.coverage, minlength=n)
    out = np.full(n, 100.0)
    np.divide(100.0 * covered, weights, out=out, where=weights > 0)
    return out


class PersonGaps(Sequence[PersonGap]):
    """The ``PersonGap`` of each person listed, built from the engine's table when read
    (and kept): the summary's own figures come from the columns, so an organisation of
    100,000 people costs no 100,000 objects unless a caller walks them all."""

    def __init__(self, table: PersonGapTable, people: Sequence[int]) -> None:
        self._table = table
        self._people = list(people)
        self._built: dict[int, PersonGap] = {}

    def __len__(self) -> int:
        return len(self._people)

    @overload
    def __getitem__(self, i: int) -> PersonGap: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[PersonGap, ...]: ...
    def __getitem__(self, i: int | slice) -> PersonGap | tuple[PersonGap, ...]:
        if isinstance(i, slice):
            return tuple(self._one(j) for j in self._people[i])
        return self._one(self._people[i])

    def _one(self, index: int) -> PersonGap:
        if index not in self._built:
            self._built[index] = self._table.person_gap(index)
        return self._built[index]


def _mean(readiness: F64, assessed: npt.NDArray[np.bool_]) -> float:
    """``gaps.mean_readiness``: the mean over the people assessed, summed in person order
    (100 if there are none)."""
    values = readiness[assessed].tolist()
    return sum(values) / len(values) if values else 100.0


def _priorities(rows: Iterable[CompetencyRow]) -> list[CompetencyPriority]:
    """``gaps.priorities`` from the engine's per-competency sums (in person order, as the
    loop adds them): the competencies someone is short of, largest weighted gap first."""
    ranked = [
        CompetencyPriority(
            competency=row.competency,
            people_short=row.people_short,
            people_required=row.people_in_scope,
            weighted_gap=row.total_weighted_gap,
            mean_gap=row.total_gap / row.people_short,
        )
        for row in rows
        if row.people_short
    ]
    return sorted(ranked, key=lambda p: (-p.weighted_gap, p.competency))


def _departments(model: OrgModel, now: PersonGapTable, ready: F64) -> tuple[DepartmentGap, ...]:
    """``gaps.group_by`` per department over the people with a role, lowest readiness
    first."""
    grouping = Grouping.of_labels([p.department or NONE_LABEL for p in model.people])
    size = len(grouping.names)
    with_role = model.role_of >= 0
    headcount = np.bincount(grouping.codes[with_role], minlength=size)
    assessed = grouping.codes[now.assessed]
    counted = np.bincount(assessed, minlength=size)
    total = np.bincount(assessed, weights=ready[now.assessed], minlength=size)
    table = model.aggregate(now.view, grouping)
    rows: dict[int, list[CompetencyRow]] = {}
    for i, row in enumerate(table):
        rows.setdefault(int(table.group[i]), []).append(row)
    groups = [
        DepartmentGap(
            name=name,
            headcount=int(headcount[g]),
            mean_readiness=float(total[g]) / int(counted[g]) if counted[g] else 100.0,
            priorities=tuple(_priorities(rows.get(g, []))),
        )
        for g, name in enumerate(grouping.names)
        if headcount[g]
    ]
    return tuple(sorted(groups, key=lambda d: (d.mean_readiness, d.name)))


def _furthest(now: PersonGapTable, ready: F64, count: int) -> tuple[PersonGap, ...]:
    """``gaps.furthest``: the people with an open gap, lowest readiness, then largest
    weighted gap, then id. The columns (summed in the loop's order) pick the few ranked
    first; ``gaps.furthest`` orders their ``PersonGap``."""
    n = len(now.people)
    pool = np.flatnonzero(np.bincount(now.person[now.gap > 0], minlength=n))
    if len(pool) > count:
        kth = np.partition(ready[pool], count - 1)[count - 1]
        pool = pool[ready[pool] <= kth]
    weighted = np.bincount(now.person, weights=now.weighted_gap, minlength=n)[pool]
    ids = np.array([now.people[i].employee_id for i in pool.tolist()], dtype=str)
    order = np.lexsort((ids, -weighted, ready[pool]))
    return tuple(furthest([now.person_gap(int(i)) for i in pool[order[:count]]], count))


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


def _unbacked(verified: PersonGapTable, best: PersonGapTable) -> tuple[int, int]:
    """Requirements met on claims alone, and the people with any: open in the verified
    view, met in the best-available one (same rows, the profile being the same). Where a
    verified level is held the best-available view reads it too, so such a requirement is
    met by a self or manager rating: the unverified source ``gaps.person_gap`` names."""
    rows = (verified.gap > 0) & (best.gap == 0)
    people = np.bincount(verified.person[rows], minlength=len(verified.people))
    return int(rows.sum()), int(np.count_nonzero(people))


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
