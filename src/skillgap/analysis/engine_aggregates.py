"""Roll-ups of the gap engine's rows: per group and competency, per capability group, per
group, future gaps and priorities. Each is a handful of grouped sums (``grouped``) over the
requirement rows, so any grouping of people costs the same as any other.

Sums add the rows in order, like the plain loops they replace; totals therefore add up:
the departments' rows of a competency sum to the organisation's, the capability groups'
to their competencies', up to float rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine_build import F64, I64
from skillgap.analysis.engine_compute import MET, Holdings, grouped, wsum
from skillgap.analysis.engine_rows import FutureColumns, GapColumns, Mask
from skillgap.analysis.engine_tables import (
    CapabilityTable,
    CompetencyTable,
    FutureGapTable,
    Grouping,
    GroupTable,
    PriorityTable,
    SinglePoint,
)
from skillgap.domain import CapabilityGroup, CompetencyRef, Importance, Person, Role


def by_competency(
    g: GapColumns, grouping: Grouping, competencies: tuple[CompetencyRef, ...]
) -> CompetencyTable:
    n_comp, size = len(competencies), len(grouping.names)
    keys = g.comp if size == 1 else grouping.codes[g.rows.person] * n_comp + g.comp
    met = g.status == MET
    s = grouped(keys, size * n_comp, [met, g.weight, g.weight * g.coverage, g.gap, g.weighted_gap])
    meeting, weights, covered, gap, weighted = s.sums
    return CompetencyTable(
        group=s.cell // n_comp,
        competency=s.cell % n_comp,
        group_size=grouping.sizes[s.cell // n_comp],
        people_in_scope=s.count,
        people_meeting=meeting.astype(np.int64),
        coverage=covered / weights,
        total_gap=gap,
        total_weighted_gap=weighted,
        group_names=grouping.names,
        competencies=competencies,
    )


def by_capability(
    g: GapColumns,
    grouping: Grouping,
    capability_of: I64,
    capabilities: tuple[tuple[str, CapabilityGroup] | None, ...],
) -> CapabilityTable:
    k, size = len(capabilities), len(grouping.names)
    cap = capability_of[g.comp]
    unmet = g.status != MET
    # People first: per (person, capability), then each person-capability to its group.
    mine = grouped(g.rows.person * k + cap, len(grouping.codes) * k, [unmet])
    owners = grouping.codes[mine.cell // k] * k + mine.cell % k
    people = grouped(owners, size * k, [mine.sums[0] == 0])
    keys = cap if size == 1 else grouping.codes[g.rows.person] * k + cap
    s = grouped(keys, size * k, [unmet, g.weight, g.weight * g.coverage, g.gap, g.weighted_gap])
    short, weights, covered, gap, weighted = s.sums
    return CapabilityTable(
        group=s.cell // k,
        capability=s.cell % k,
        group_size=grouping.sizes[s.cell // k],
        people_in_scope=people.count,
        people_meeting=people.sums[0].astype(np.int64),
        requirements=s.count,
        requirements_met=s.count - short.astype(np.int64),
        coverage=covered / weights,
        total_gap=gap,
        total_weighted_gap=weighted,
        group_names=grouping.names,
        capabilities=capabilities,
    )


def by_group(g: GapColumns, grouping: Grouping, has_role: Mask) -> GroupTable:
    size = len(grouping.names)
    codes = grouping.codes
    assessed = wsum(codes, g.assessed, size)
    total = wsum(codes, np.where(g.assessed, g.readiness, 0.0), size)
    mean = np.full(size, 100.0)
    np.divide(total, assessed, out=mean, where=assessed > 0)
    return GroupTable(
        group=np.arange(size, dtype=np.int64),
        group_size=grouping.sizes,
        people_with_role=wsum(codes, has_role, size).astype(np.int64),
        people_assessed=assessed.astype(np.int64),
        mean_readiness=mean,
        total_weighted_gap=wsum(codes, g.rows.sum_per_person(g.weighted_gap), size),
        group_names=grouping.names,
    )


def future_gaps(
    f: FutureColumns,
    grouping: Grouping,
    competencies: tuple[CompetencyRef, ...],
    horizons: tuple[date, ...],
) -> FutureGapTable:
    n_comp = len(competencies)
    inner = len(horizons) * n_comp
    keys = grouping.codes[f.rows.person] * inner + f.horizon * n_comp + f.comp
    s = grouped(keys, len(grouping.names) * inner, [f.gap > 0, f.gap, f.weight * f.gap])
    short, gap, weighted = s.sums
    return FutureGapTable(
        group=s.cell // inner,
        horizon=(s.cell % inner) // n_comp,
        competency=s.cell % n_comp,
        group_size=grouping.sizes[s.cell // inner],
        people_in_scope=s.count,
        people_short=short.astype(np.int64),
        total_gap=gap,
        total_weighted_gap=weighted,
        group_names=grouping.names,
        horizons=horizons,
        competencies=competencies,
    )


def priorities(
    now: GapColumns,
    future: FutureColumns,
    competencies: tuple[CompetencyRef, ...],
    as_of: date,
    horizons: tuple[date, ...],
    *,
    half_life_days: float,
    people: Mask | None = None,
) -> PriorityTable:
    """Needs per (horizon, competency): today's gaps at horizon 0, each later horizon's
    new gaps (``increment``) at its own; ranked by score."""
    n_comp = len(competencies)
    parts = []
    for keys, need, weight, rows in (
        (now.comp, now.gap, now.weight, now.rows),
        ((future.horizon + 1) * n_comp + future.comp, future.increment, future.weight, future.rows),
    ):
        if people is not None:
            chosen = people[rows.person]
            keys, need, weight = keys[chosen], need[chosen], weight[chosen]
        parts.append(grouped(keys, (len(horizons) + 1) * n_comp, [need > 0, need, weight * need]))
    cell = np.concatenate([p.cell for p in parts])
    count = np.concatenate([p.count for p in parts])
    short, total, weighted = (np.concatenate([p.sums[i] for p in parts]) for i in range(3))
    keep = short > 0
    cell, count, short, total, weighted = (a[keep] for a in (cell, count, short, total, weighted))
    days = np.array([0] + [(h - as_of).days for h in horizons], dtype=np.float64)
    urgency = (0.5 ** (days / half_life_days))[cell // n_comp]
    score = weighted * urgency
    order = np.lexsort((cell % n_comp, cell // n_comp, -score))
    return PriorityTable(
        competency=(cell % n_comp)[order],
        horizon=(cell // n_comp)[order],
        people_required=count[order],
        people_short=short.astype(np.int64)[order],
        gap_size=(total / short)[order],
        importance=(weighted / total)[order],
        urgency=urgency[order],
        weighted_gap=weighted[order],
        score=score[order],
        as_of=as_of,
        horizons=horizons,
        competencies=competencies,
    )


def bench_counts(comp: I64, level: F64, threshold: float, n_comp: int) -> I64:
    """People holding at least ``threshold`` per competency (one holding per person)."""
    return np.bincount(comp[level >= threshold], minlength=n_comp).astype(np.int64)


@dataclass(frozen=True)
class Critical:
    """Per competency required at an importance or above (any role, any horizon): the
    lowest canonical level so required, and the roles requiring it, each with the lowest
    level it asks for."""

    level: dict[int, float]
    roles: dict[int, frozenset[int]]
    by_role: dict[int, dict[int, float]]

    def within(self, staffed: I64) -> Critical:
        """Only the roles somebody holds (``staffed[r] > 0``): a group's own needs."""
        by_role = {
            c: {r: lv for r, lv in levels.items() if staffed[r] > 0}
            for c, levels in self.by_role.items()
        }
        by_role = {c: levels for c, levels in by_role.items() if levels}
        return Critical(
            {c: min(levels.values()) for c, levels in by_role.items()},
            {c: frozenset(levels) for c, levels in by_role.items()},
            by_role,
        )


def critical(
    roles: Sequence[Role],
    intern: dict[CompetencyRef, int],
    context: SkillContext,
    importance: Importance,
) -> Critical:
    by_role: dict[int, dict[int, float]] = {}
    for r, role in enumerate(roles):
        for req in role.requirements:
            if req.importance.weight >= importance.weight:
                c = intern[req.competency]
                required = context.canonical(req.competency, req.level)
                levels = by_role.setdefault(c, {})
                levels[r] = min(required, levels.get(r, required))
    return Critical(
        {c: min(levels.values()) for c, levels in by_role.items()},
        {c: frozenset(levels) for c, levels in by_role.items()},
        by_role,
    )


def single_points(
    need: Critical,
    role_of: I64,
    n_roles: int,
    people: Sequence[Person],
    competencies: tuple[CompetencyRef, ...],
    held: Holdings,
    members: Mask | None = None,
) -> list[SinglePoint]:
    """The competencies of ``need`` that at most one person holds verified at the level
    required; fewest holders first. With ``members`` (a person mask), a group's: what the
    roles its members hold require, at the lowest level those roles ask, held by members."""
    assigned = role_of >= 0 if members is None else (role_of >= 0) & members
    staffed = np.bincount(role_of[assigned], minlength=n_roles)
    if members is not None:
        need = need.within(staffed)
    if not need.level:
        return []
    minimum = np.full(len(competencies), np.inf)
    minimum[list(need.level)] = list(need.level.values())
    comp = held.comp
    ok = held.verified >= minimum[comp]
    if members is not None:
        ok &= members[held.person]
    counts = np.bincount(comp[ok], minlength=len(competencies))
    holder = np.full(len(competencies), -1, dtype=np.int64)
    holder[comp[ok]] = held.person[ok]
    found = [
        SinglePoint(
            competency=competencies[c],
            level=level,
            roles=len(need.roles[c]),
            people_requiring=int(sum(staffed[r] for r in need.roles[c])),
            holders=int(counts[c]),
            holder=people[holder[c]].employee_id if counts[c] == 1 else None,
        )
        for c, level in need.level.items()
        if counts[c] <= 1
    ]
    return sorted(found, key=lambda s: (s.holders, s.competency))
