"""A person's learning plan: the cheapest (or quickest) set of catalog items that closes
their gaps, as an integer program.

Inputs are canonical (0-5) levels: a ``Need`` is one requirement the person does not meet
(``weight`` is the requirement's importance weight, ``needed_by`` None means now), an
``Offer`` one catalog item with the levels it *credibly* evidences. An item closes a need
when its level for the competency is at least the required level. A completed item
(``done``) costs nothing, takes no time and satisfies prerequisites; a need that a
completed item already reaches is reported in ``met``, not planned.

The model (``plans_milp``), after ``plans_model`` reduced the catalog to the items that close
some need, their prerequisites, and no item another dominates:

- variables: ``x[i]`` binary, item i is taken; ``y[n]`` binary, need n is closed;
- ``y[n] <= sum(x[i] for i closing n)``; ``x[i] <= x[p]`` for each prerequisite p of i that
  is not done (so prerequisites hold transitively);
- ``sum(cost[i] x[i]) <= budget`` and ``sum(hours[i] x[i]) <= hours_per_week * days / 7``
  when a budget or a deadline is given;
- objective, lexicographic, one solve per level with the previous optimum as a
  constraint (so no weighting trades one level against the next): with a budget or a
  deadline, first the most importance-weighted gap closed, ``sum(weight[n] *
  (required[n] - held[n]) * y[n])``; then the least cost (``Objective.COST``) or hours
  (``Objective.TIME``); then the other of the two. Without a budget or deadline every
  closable need must close (``y = 1``) and the first level is skipped. Values within
  1e-6 (plus 1e-9 relative) of an optimum count as ties; ties beyond that are settled by
  HiGHS, which is deterministic for the same model, and the model is built in id order
  whatever the order of the inputs.

HiGHS runs with ``time_limit`` seconds for all the solves together. When it cannot prove
the first level optimal in time, the plan comes from the greedy in ``plans_greedy`` (most
weighted gap per unit of cost or hours, or of the share of the budget and hours used, with
the prerequisites each item still needs), and ``solver`` is ``GREEDY`` with a note saying
why; ``time_limit=0`` asks for the greedy. On the benchmark catalog (5,000 items, 15
needs) the reduced model has about 100 items and solves in 10-50 ms.

The chosen items then lose any item nothing needs (a zero-cost extra), each closed need is
assigned to one chosen item (the cheapest), and the items are scheduled one after another
(``schedule``). Needs no item can close, and needs left open for the budget or the deadline,
come back as ``OpenGap`` rows whose reason says which.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from skillgap.analysis import plans_greedy, plans_milp
from skillgap.analysis.plans_model import (
    MetNeed,
    OfferIndex,
    Problem,
    capacity_hours,
    left_open,
    prune_redundant,
    reduce_person,
)
from skillgap.analysis.schedule import schedule
from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.plans import Objective, OpenGap, PlanLine, Solver
from skillgap.errors import ValidationError

__all__ = [
    "MetNeed",
    "Need",
    "Offer",
    "PlanRequest",
    "PlanResult",
    "closing_dates",
    "plan_person",
]

MAX_LEVEL = 5.0


@dataclass(frozen=True)
class Need:
    """One requirement the person does not meet, on the canonical 0-5 scale."""

    competency: CompetencyRef
    required: float
    held: float | None
    weight: int  # importance weight: 3 critical, 2 important, 1 useful
    needed_by: date | None = None  # None: now

    def __post_init__(self) -> None:
        if not 0.0 <= self.required <= MAX_LEVEL:
            raise ValidationError(f"{self.competency}: a required level is from 0 to 5")
        if self.held is not None and not 0.0 <= self.held <= MAX_LEVEL:
            raise ValidationError(f"{self.competency}: a held level is from 0 to 5")
        if self.weight < 1:
            raise ValidationError(f"{self.competency}: an importance weight is 1 or more")

    @property
    def gap(self) -> float:
        return max(0.0, self.required - (self.held or 0.0))

    @property
    def weighted_gap(self) -> float:
        return self.weight * self.gap


@dataclass(frozen=True)
class Offer:
    """A catalog item as the planner sees it: the canonical levels it credibly evidences."""

    item_id: str
    cost: float
    hours: float
    levels: Mapping[CompetencyRef, float]
    prerequisites: tuple[str, ...] = ()
    done: bool = False  # completed by the person: free, instant, satisfies prerequisites

    def __post_init__(self) -> None:
        if self.cost < 0 or self.hours < 0:
            raise ValidationError(f"offer {self.item_id!r}: cost and hours cannot be negative")


@dataclass(frozen=True)
class PlanRequest:
    person_id: str
    needs: tuple[Need, ...]
    offers: tuple[Offer, ...]
    objective: Objective = Objective.COST  # GAP plans like COST: gap first, then cost
    budget: float | None = None
    deadline: date | None = None
    as_of: date = field(default_factory=date.today)
    hours_per_week: float = 4.0
    time_limit: float = 2.0  # seconds for the exact solver; 0: the greedy straight away

    def __post_init__(self) -> None:
        if self.budget is not None and self.budget < 0:
            raise ValidationError("a budget cannot be negative")
        if self.hours_per_week <= 0:
            raise ValidationError("hours per week must be more than 0")
        if self.time_limit < 0:
            raise ValidationError("a time limit cannot be negative")


@dataclass(frozen=True)
class PlanResult:
    person_id: str
    as_of: date
    lines: tuple[PlanLine, ...]  # in schedule order
    open_gaps: tuple[OpenGap, ...]
    solver: Solver
    note: str
    met: tuple[MetNeed, ...] = ()  # needs an item the person completed already reaches
    weighted_gap_closed: float = 0.0  # by the lines
    weighted_gap_open: float = 0.0

    @property
    def cost(self) -> float:
        return round(sum(line.cost for line in self.lines), 2)

    @property
    def hours(self) -> float:
        return round(sum(line.hours for line in self.lines), 2)


def _stages(objective: Objective, constrained: bool) -> tuple[str, ...]:
    """The lexicographic levels of the objective (see the module docstring)."""
    order = ("hours", "cost") if objective is Objective.TIME else ("cost", "hours")
    return ("gap", *order) if constrained else order


def plan_person(request: PlanRequest) -> PlanResult:
    """The person's plan: the lines in schedule order, the gaps left open and why."""
    started = time.perf_counter()
    index = OfferIndex(request.offers)
    done = frozenset(o.item_id for o in request.offers if o.done)
    problem = reduce_person(request.person_id, request.needs, index, done, hours_matter=True)
    capacity = capacity_hours(request.as_of, request.deadline, request.hours_per_week)
    levels = _stages(request.objective, request.budget is not None or capacity is not None)
    chosen, solver, why = solve(
        [problem],
        levels,
        request.budget,
        [capacity],
        request.time_limit,
        per_hours=request.objective is Objective.TIME,
    )
    picked = prune_redundant(problem, chosen[0])
    plan = schedule(problem, picked, as_of=request.as_of, hours_per_week=request.hours_per_week)
    spent = sum(problem.items[i].cost for i in picked)
    used = sum(problem.items[i].hours for i in picked)
    left = [
        left_open(
            problem,
            n,
            picked,
            budget=request.budget,
            budget_left=None if request.budget is None else request.budget - spent,
            capacity=capacity,
            hours_left=None if capacity is None else capacity - used,
        )
        for n in range(len(problem.needs))
        if n not in plan.closed
    ]
    open_gaps = tuple(sorted([*problem.unclosable, *left], key=_gap_order))
    closed_gap = sum(problem.gains[n] for n in plan.closed)
    open_gap = sum(g.weight * max(0.0, g.required - (g.held or 0.0)) for g in open_gaps)
    elapsed = (time.perf_counter() - started) * 1000
    note = (
        f"{why}; {len(plan.closed)} of {len(plan.closed) + len(open_gaps)} gaps closed "
        f"(weighted gap {closed_gap:g} of {closed_gap + open_gap:g}), "
        f"cost {spent:,.2f}, {used:g} h; {len(problem.items)} of {len(request.offers)} "
        f"catalog items considered; {elapsed:.0f} ms"
    )
    if plan.late:
        note += f"; {plan.late} item(s) due after a gap's needed-by date"
    return PlanResult(
        request.person_id,
        request.as_of,
        plan.lines,
        open_gaps,
        solver,
        note,
        problem.met,
        round(closed_gap, 9),
        round(open_gap, 9),
    )


def solve(
    problems: list[Problem],
    levels: tuple[str, ...],
    budget: float | None,
    capacities: list[float | None],
    time_limit: float,
    *,
    per_hours: bool,
    presolve: bool = True,
    skip: str = "",
) -> tuple[list[frozenset[int]], Solver, str]:
    """The chosen candidates per problem: the exact answer when HiGHS proves it in time,
    else the greedy's; and why. ``skip`` says why the MILP should not even be tried."""
    if not any(p.needs for p in problems):
        return [frozenset() for _ in problems], Solver.OPTIMAL, "nothing to plan"
    shares = [
        *(["budget"] if budget is not None else []),
        *(["hours to the deadline"] if any(c is not None for c in capacities) else []),
    ]
    price = f"share of the {' and '.join(shares)}" if shares else "hours" if per_hours else "cost"
    greedy = f"greedy (weighted gap per unit of {price})"
    if time_limit <= 0:
        skip = skip or "time limit 0"
    if not skip:
        outcome = plans_milp.solve(
            problems, levels, budget, capacities, time_limit, presolve=presolve
        )
        if outcome.chosen is not None:
            return outcome.chosen, Solver.OPTIMAL, outcome.note
        why = f"{greedy}: {outcome.note}"
    else:
        why = f"{greedy}: {skip}, MILP not run"
    chosen = plans_greedy.greedy(problems, budget, capacities, per_hours=per_hours)
    return chosen, Solver.GREEDY, why


def _gap_order(gap: OpenGap) -> tuple[CompetencyRef, float, str]:
    return (gap.competency, gap.required, gap.reason)


def closing_dates(result: PlanResult) -> dict[CompetencyRef, date]:
    """The projected date each gap closes: the due date of the last line that closes one of
    the competency's needs; ``as_of`` for a need a completed item already reaches. A
    competency with any need left open has no date."""
    still_open = {g.competency for g in result.open_gaps}
    dates: dict[CompetencyRef, date] = {
        m.competency: result.as_of for m in result.met if m.competency not in still_open
    }
    for line in result.lines:
        for ref in line.closes:
            if ref not in still_open and (ref not in dates or dates[ref] < line.due):
                dates[ref] = line.due
    return dict(sorted(dates.items()))
