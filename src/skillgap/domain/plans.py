"""Learning plans: which catalog items, for whom, by when, and what they close.

A plan is a record, like a snapshot: it keeps what the solver chose and why on the day it
was made, so it can later be tracked against the credentials people actually earn (plan vs
done) without a change to the catalog rewriting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from skillgap.domain.frameworks import CompetencyRef
from skillgap.errors import ValidationError


class PlanScope(StrEnum):
    PERSON = "person"
    TEAM = "team"
    DEPARTMENT = "department"
    ORGANISATION = "organisation"


class Objective(StrEnum):
    COST = "cost"  # the cheapest set of items (hours break ties)
    TIME = "time"  # the fewest hours (cost breaks ties)
    GAP = "gap"  # a budget: the most importance-weighted gap closed


class Solver(StrEnum):
    OPTIMAL = "optimal"  # the integer program was solved to optimality
    GREEDY = "greedy"  # the exact solver could not finish in time: a heuristic answer


@dataclass(frozen=True)
class PlanLine:
    """One catalog item for one person: the gaps it closes (competencies of their target
    profile) and when it starts and is due, given the person's learning hours per week."""

    person_id: str
    item_id: str
    closes: tuple[CompetencyRef, ...]
    cost: float
    hours: float
    start: date
    due: date
    reason: str = ""  # one line: why the solver chose it ("prerequisite of X" ...)

    def __post_init__(self) -> None:
        if self.due < self.start:
            raise ValidationError(f"plan line {self.item_id!r}: due before it starts")


@dataclass(frozen=True)
class OpenGap:
    """A gap the plan leaves open, and why (no catalog item reaches the level, the budget or
    the deadline ran out ...)."""

    person_id: str
    competency: CompetencyRef
    required: float  # canonical 0-5
    held: float | None
    weight: int  # importance weight of the requirement
    reason: str


@dataclass(frozen=True)
class Plan:
    id: str
    scope: PlanScope
    subject: str  # the person's employee id, the team or department name, the organisation
    created_at: datetime
    created_by: str
    as_of: date
    objective: Objective
    solver: Solver
    lines: tuple[PlanLine, ...] = ()
    open_gaps: tuple[OpenGap, ...] = ()
    budget: float | None = None
    deadline: date | None = None
    target_role: str | None = None
    horizon: date | None = None  # the profile planned for (None: today's needs)
    hours_per_week: float = 4.0
    note: str = ""  # the solver's own words: time taken, gap closed, why it fell back

    def __post_init__(self) -> None:
        if self.budget is not None and self.budget < 0:
            raise ValidationError(f"plan {self.id!r}: a budget cannot be negative")
        if self.hours_per_week <= 0:
            raise ValidationError(f"plan {self.id!r}: hours per week must be more than 0")

    @property
    def cost(self) -> float:
        return round(sum(line.cost for line in self.lines), 2)

    @property
    def hours(self) -> float:
        return round(sum(line.hours for line in self.lines), 2)
