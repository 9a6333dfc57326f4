"""Gaps: a person against a role's requirements at a horizon, and roll-ups of many people.

- gap = required level - held level on the canonical 0-5 scale, never below 0;
- status: met (held >= required), partial (some level held), missing (nothing held);
- readiness = importance-weighted share of the requirements covered, where a requirement
  is covered by min(held, required) / required (weights: critical 3, important 2, useful 1);
- a competency's priority across people = sum of importance weight x gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from skillgap.analysis.context import SkillContext
from skillgap.analysis.inventory import Inventory, Reading, View
from skillgap.domain import CompetencyRef, Person, Requirement, Role, SourceKind


class GapStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"


@dataclass(frozen=True)
class RequirementGap:
    """One requirement against the level held. ``gap``, ``status``, ``coverage`` and
    ``weighted_gap`` follow from the four fields; they are worked out once, when it is made
    (a person's answer reads each of them several times per line)."""

    requirement: Requirement
    required: float
    held: float | None
    source: SourceKind | None
    gap: float = field(init=False, compare=False)
    status: GapStatus = field(init=False, compare=False)
    coverage: float = field(init=False, compare=False)
    weighted_gap: float = field(init=False, compare=False)

    def __post_init__(self) -> None:
        held, required = self.held or 0.0, self.required
        gap = max(0.0, required - held)
        if held >= required:
            status = GapStatus.MET
        else:
            status = GapStatus.MISSING if held <= 0 else GapStatus.PARTIAL
        coverage = 1.0 if required <= 0 else min(held, required) / required
        put = object.__setattr__
        put(self, "gap", gap)
        put(self, "status", status)
        put(self, "coverage", coverage)
        put(self, "weighted_gap", self.requirement.importance.weight * gap)


def requirement_gap(
    requirement: Requirement, required: float, held: Reading | None
) -> RequirementGap:
    """``requirement`` (``required`` on the canonical scale) against the reading of the
    level held in one view (None: nothing held)."""
    if held is None:
        return RequirementGap(requirement, required, None, None)
    return RequirementGap(requirement, required, held.level, held.observation.source)


@dataclass(frozen=True)
class PersonGap:
    person: Person
    role: Role
    horizon: date | None
    view: View
    items: tuple[RequirementGap, ...]

    @property
    def assessed(self) -> bool:
        """Whether the role requires anything at this horizon (else readiness means nothing)."""
        return bool(self.items)

    @cached_property
    def readiness(self) -> float:
        """Importance-weighted coverage of the role, 0-100 (100 when nothing is required)."""
        weights = sum(i.requirement.importance.weight for i in self.items)
        if not weights:
            return 100.0
        covered = sum(i.requirement.importance.weight * i.coverage for i in self.items)
        return 100.0 * covered / weights

    @property
    def open_items(self) -> tuple[RequirementGap, ...]:
        return tuple(sorted((i for i in self.items if i.gap > 0), key=_by_weighted_gap))


def _by_weighted_gap(item: RequirementGap) -> tuple[float, CompetencyRef]:
    return (-item.weighted_gap, item.requirement.competency)


def person_gap(
    person: Person,
    role: Role,
    inventory: Inventory,
    context: SkillContext,
    *,
    view: View = View.VERIFIED,
    horizon: date | None = None,
) -> PersonGap:
    holdings = inventory.of(person.employee_id)
    items = []
    for req in role.requirements_at(horizon):
        holding = holdings.get(req.competency)
        required = context.canonical(req.competency, req.level)
        items.append(requirement_gap(req, required, holding.reading(view) if holding else None))
    return PersonGap(person, role, horizon, view, tuple(items))


@dataclass(frozen=True)
class CompetencyPriority:
    competency: CompetencyRef
    people_short: int
    people_required: int
    weighted_gap: float
    mean_gap: float  # over the people short of it


def priorities(gaps: Iterable[PersonGap]) -> list[CompetencyPriority]:
    """Competencies ranked by total importance-weighted gap across the given people."""
    short: dict[CompetencyRef, list[RequirementGap]] = defaultdict(list)
    required: dict[CompetencyRef, int] = defaultdict(int)
    for gap in gaps:
        for item in gap.items:
            ref = item.requirement.competency
            required[ref] += 1
            if item.gap > 0:
                short[ref].append(item)
    ranked = [
        CompetencyPriority(
            competency=ref,
            people_short=len(items),
            people_required=required[ref],
            weighted_gap=sum(i.weighted_gap for i in items),
            mean_gap=sum(i.gap for i in items) / len(items),
        )
        for ref, items in short.items()
    ]
    return sorted(ranked, key=lambda p: (-p.weighted_gap, p.competency))


@dataclass(frozen=True)
class GroupGap:
    name: str
    gaps: tuple[PersonGap, ...]

    @property
    def headcount(self) -> int:
        return len(self.gaps)

    @property
    def mean_readiness(self) -> float:
        return mean_readiness(self.gaps)

    @property
    def priorities(self) -> list[CompetencyPriority]:
        return priorities(self.gaps)


def group_by(gaps: Sequence[PersonGap], key: Callable[[Person], str | None]) -> list[GroupGap]:
    """Roll person gaps up by a person attribute (department, team ...), lowest readiness first."""
    grouped: dict[str, list[PersonGap]] = defaultdict(list)
    for gap in gaps:
        grouped[key(gap.person) or "(none)"].append(gap)
    groups = [GroupGap(name, tuple(items)) for name, items in grouped.items()]
    return sorted(groups, key=lambda g: (g.mean_readiness, g.name))


def mean_readiness(gaps: Iterable[PersonGap]) -> float:
    """Mean readiness of the people whose role requires something (100 if there are none)."""
    assessed = [g.readiness for g in gaps if g.assessed]
    return sum(assessed) / len(assessed) if assessed else 100.0


def furthest(gaps: Iterable[PersonGap], count: int = 3) -> list[PersonGap]:
    """The people furthest from their role: lowest readiness, then largest weighted gap.

    Only people with an open gap are listed."""
    return sorted(
        (g for g in gaps if g.open_items),
        key=lambda g: (g.readiness, -sum(i.weighted_gap for i in g.items), g.person.employee_id),
    )[:count]
