"""What the gap engine returns: columnar tables, and a row dataclass for each.

Why tables: an organisation-wide result has hundreds of thousands of cells (50 departments
x 10,000 competencies); building one object per cell would cost more than computing them.
A table keeps numpy columns (for filtering, sorting and suppressing small groups in bulk)
and makes row objects only for the rows asked for (``row(i)``, ``rows()``, iteration).

Privacy: every grouped row carries ``group_size`` (the people of the group in the model);
the caller suppresses groups smaller than its minimum, e.g. ``table.where(table.group_size
>= 5)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Generic, Self, TypeVar

import numpy as np
import numpy.typing as npt

from skillgap.analysis.engine_build import F64, I64
from skillgap.domain import CapabilityGroup, CompetencyRef, Person

R = TypeVar("R")
NONE_LABEL = "(none)"  # as gaps.group_by names people without a value
ORGANISATION = "organisation"


@dataclass(frozen=True, eq=False)
class Grouping:
    """A label per person of the model (``codes`` index ``names``, sorted by name)."""

    names: tuple[str, ...]
    codes: I64
    sizes: I64  # people per group

    @classmethod
    def of_labels(cls, labels: Sequence[str | None]) -> Grouping:
        seen: dict[str, int] = {}
        first = np.fromiter(
            (seen.setdefault(label or NONE_LABEL, len(seen)) for label in labels),
            dtype=np.int64,
            count=len(labels),
        )
        names = tuple(sorted(seen))
        position = {name: i for i, name in enumerate(names)}
        renumber = np.empty(len(seen), dtype=np.int64)
        renumber[list(seen.values())] = [position[name] for name in seen]
        codes = renumber[first]
        return cls(names, codes, np.bincount(codes, minlength=len(names)).astype(np.int64))

    @classmethod
    def of(cls, people: Sequence[Person], key: Callable[[Person], str | None]) -> Grouping:
        return cls.of_labels([key(p) for p in people])

    @classmethod
    def whole(cls, size: int, name: str = ORGANISATION) -> Grouping:
        return cls((name,), np.zeros(size, dtype=np.int64), np.array([size], dtype=np.int64))


class Table(ABC, Generic[R]):
    """Columns of equal length; ``row(i)`` builds the i-th row object."""

    @abstractmethod
    def row(self, i: int) -> R: ...

    def __len__(self) -> int:
        first = fields(self)[0]  # type: ignore[arg-type]
        return len(getattr(self, first.name))

    def __iter__(self) -> Iterator[R]:
        return (self.row(i) for i in range(len(self)))

    def rows(self) -> list[R]:
        return list(self)

    def where(self, mask: npt.NDArray[np.bool_] | I64) -> Self:
        """The rows selected by a boolean mask or an index array, in that order."""
        changes: dict[str, Any] = {
            f.name: getattr(self, f.name)[mask]
            for f in fields(self)  # type: ignore[arg-type]
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True)
class CompetencyRow:
    """One group x competency at a horizon: the people whose role requires it."""

    group: str
    group_size: int
    competency: CompetencyRef
    people_in_scope: int
    people_meeting: int
    coverage: float  # importance-weighted mean coverage of those people, 0-1
    total_gap: float
    total_weighted_gap: float

    @property
    def people_short(self) -> int:
        return self.people_in_scope - self.people_meeting

    @property
    def mean_weighted_gap(self) -> float:
        return self.total_weighted_gap / self.people_in_scope


@dataclass(frozen=True, eq=False)
class CompetencyTable(Table[CompetencyRow]):
    group: I64
    competency: I64
    group_size: I64
    people_in_scope: I64
    people_meeting: I64
    coverage: F64
    total_gap: F64
    total_weighted_gap: F64
    group_names: tuple[str, ...]
    competencies: tuple[CompetencyRef, ...]

    def row(self, i: int) -> CompetencyRow:
        return CompetencyRow(
            self.group_names[self.group[i]],
            int(self.group_size[i]),
            self.competencies[self.competency[i]],
            int(self.people_in_scope[i]),
            int(self.people_meeting[i]),
            float(self.coverage[i]),
            float(self.total_gap[i]),
            float(self.total_weighted_gap[i]),
        )


@dataclass(frozen=True)
class CapabilityRow:
    """One group x capability group (the root of a competency's group tree; ``None`` for
    competencies without one): all requirements of the people in scope that fall in it."""

    group: str
    group_size: int
    framework: str | None
    capability: CapabilityGroup | None
    people_in_scope: int  # people with at least one requirement in the capability
    people_meeting: int  # ... who meet all of them
    requirements: int
    requirements_met: int
    coverage: float  # importance-weighted mean coverage, 0-1 (readiness restricted to it)
    total_gap: float
    total_weighted_gap: float

    @property
    def mean_weighted_gap(self) -> float:
        return self.total_weighted_gap / self.people_in_scope


@dataclass(frozen=True, eq=False)
class CapabilityTable(Table[CapabilityRow]):
    group: I64
    capability: I64
    group_size: I64
    people_in_scope: I64
    people_meeting: I64
    requirements: I64
    requirements_met: I64
    coverage: F64
    total_gap: F64
    total_weighted_gap: F64
    group_names: tuple[str, ...]
    capabilities: tuple[tuple[str, CapabilityGroup] | None, ...]

    def row(self, i: int) -> CapabilityRow:
        found = self.capabilities[self.capability[i]]
        return CapabilityRow(
            self.group_names[self.group[i]],
            int(self.group_size[i]),
            found[0] if found else None,
            found[1] if found else None,
            int(self.people_in_scope[i]),
            int(self.people_meeting[i]),
            int(self.requirements[i]),
            int(self.requirements_met[i]),
            float(self.coverage[i]),
            float(self.total_gap[i]),
            float(self.total_weighted_gap[i]),
        )


@dataclass(frozen=True)
class GroupRow:
    """One group's readiness, as gaps.GroupGap computes it for the people with a role."""

    group: str
    group_size: int
    people_with_role: int
    people_assessed: int  # their role requires something at the horizon
    mean_readiness: float  # over the people assessed; 100 when there are none
    total_weighted_gap: float


@dataclass(frozen=True, eq=False)
class GroupTable(Table[GroupRow]):
    group: I64
    group_size: I64
    people_with_role: I64
    people_assessed: I64
    mean_readiness: F64
    total_weighted_gap: F64
    group_names: tuple[str, ...]

    def row(self, i: int) -> GroupRow:
        return GroupRow(
            self.group_names[self.group[i]],
            int(self.group_size[i]),
            int(self.people_with_role[i]),
            int(self.people_assessed[i]),
            float(self.mean_readiness[i]),
            float(self.total_weighted_gap[i]),
        )


@dataclass(frozen=True)
class BenchRow:
    competency: CompetencyRef
    level: float  # the threshold asked for, canonical 0-5
    people: int  # people of the model holding at least that level in the view


@dataclass(frozen=True, eq=False)
class BenchTable(Table[BenchRow]):
    competency: I64
    people: I64
    level: float
    competencies: tuple[CompetencyRef, ...]

    def row(self, i: int) -> BenchRow:
        return BenchRow(self.competencies[self.competency[i]], self.level, int(self.people[i]))


@dataclass(frozen=True)
class SinglePoint:
    """A competency some role requires at (at least) the chosen importance that at most one
    person of the model holds, verified, at the lowest level such a requirement asks for."""

    competency: CompetencyRef
    level: float  # canonical
    roles: int  # roles requiring it at that importance (any horizon)
    people_requiring: int  # people holding those roles
    holders: int  # 0 or 1
    holder: str | None  # the one person's employee id


@dataclass(frozen=True)
class FutureGapRow:
    """One group x horizon x competency: the people whose role has a requirement dated at
    that horizon (after the analysis date), judged against today's inventory."""

    group: str
    group_size: int
    horizon: date
    competency: CompetencyRef
    people_in_scope: int
    people_short: int
    total_gap: float
    total_weighted_gap: float


@dataclass(frozen=True, eq=False)
class FutureGapTable(Table[FutureGapRow]):
    group: I64
    horizon: I64
    competency: I64
    group_size: I64
    people_in_scope: I64
    people_short: I64
    total_gap: F64
    total_weighted_gap: F64
    group_names: tuple[str, ...]
    horizons: tuple[date, ...]
    competencies: tuple[CompetencyRef, ...]

    def row(self, i: int) -> FutureGapRow:
        return FutureGapRow(
            self.group_names[self.group[i]],
            int(self.group_size[i]),
            self.horizons[self.horizon[i]],
            self.competencies[self.competency[i]],
            int(self.people_in_scope[i]),
            int(self.people_short[i]),
            float(self.total_gap[i]),
            float(self.total_weighted_gap[i]),
        )


@dataclass(frozen=True)
class PriorityRow:
    """A training need: a competency, and the horizon at which the need arises.

    score = importance x people_short x gap_size x urgency, where importance is the
    gap-weighted mean importance weight of the needs (so importance x people_short x
    gap_size is their total importance-weighted gap) and urgency = 0.5 ** (days ahead /
    half-life), 1 for today's needs. A future row counts only the gap beyond what the same
    people are already short of at an earlier horizon, so no need is counted twice.
    """

    competency: CompetencyRef
    horizon: date | None  # None: needed now
    days_ahead: int
    people_required: int  # people whose role sets this requirement at this horizon
    people_short: int
    gap_size: float  # mean (new) gap of the people short
    importance: float
    urgency: float
    weighted_gap: float  # importance x people_short x gap_size
    score: float

    def explain(self) -> str:
        when = f"by {self.horizon.isoformat()}" if self.horizon else "now"
        return (
            f"{self.competency} {when}: importance {self.importance:.2f} x "
            f"{self.people_short} people short x mean gap {self.gap_size:.2f} x "
            f"urgency {self.urgency:.2f} = {self.score:.2f}"
        )


@dataclass(frozen=True, eq=False)
class PriorityTable(Table[PriorityRow]):
    """Ranked: highest score first, then today's needs first, then by competency."""

    competency: I64
    horizon: I64  # 0: now; h + 1: horizons[h]
    people_required: I64
    people_short: I64
    gap_size: F64
    importance: F64
    urgency: F64
    weighted_gap: F64
    score: F64
    as_of: date
    horizons: tuple[date, ...]
    competencies: tuple[CompetencyRef, ...]

    def row(self, i: int) -> PriorityRow:
        h = int(self.horizon[i])
        when = self.horizons[h - 1] if h else None
        return PriorityRow(
            self.competencies[self.competency[i]],
            when,
            (when - self.as_of).days if when else 0,
            int(self.people_required[i]),
            int(self.people_short[i]),
            float(self.gap_size[i]),
            float(self.importance[i]),
            float(self.urgency[i]),
            float(self.weighted_gap[i]),
            float(self.score[i]),
        )
