"""A group's learning budget: who takes which items so the most gap closes.

``allocate`` plans for everyone in a team, department or the organisation at once, from
one catalog (``offers``; each person's completed items in ``PersonNeeds.done``). Each
person's problem is reduced as for a person plan (``plans_model``: the items that close one
of their needs, those items' prerequisites, no dominated item; hours only count when there
is a deadline), and the problems share one integer program (``plans_milp``):

- variables ``x[p, i]`` (person p takes item i) and ``y[p, n]`` (p's need n closes);
- each closed need has a chosen item reaching its level; a chosen item's prerequisites are
  chosen or done (per person);
- the total cost is within ``budget``; with a deadline, each person's hours are within
  ``hours_per_week`` times the weeks left;
- objective: the most importance-weighted gap closed, ``sum(weight * (required - held) *
  y)``; among allocations closing as much, the cheapest (a second solve).

Exactness has a size limit. HiGHS proves a team of 150 (9,700 binaries) optimal in about
2.5 s, but a department of 2,000 is some 130,000 binaries whose knapsack-like budget row it
cannot close in minutes, and it does not reliably stop at its time limit. So the MILP is
only tried when its binaries are within what the time limit allows
(``exact_binaries``, measured); otherwise, or when HiGHS fails to prove the gap level
optimal in time, the greedy of ``plans_greedy`` answers (most weighted gap per unit of the
share of the budget and of the hours it uses) and ``solver`` is ``GREEDY`` with the reason
in the note. On the benchmark department the greedy closed 99.7% of the LP relaxation's
bound (97% with a deadline).

The reasoning is in the rows: every chosen item with the weighted gap credited to it and
that gap per unit of its cost (with the prerequisites chosen for it); every need left open
with why (no item reaches it, or the budget or the person's hours ran out); and per person
what they get.

``training_priorities`` is the organisation's view of the same needs: per competency, how
many people are short and by how much, and the item that would close most of it, with what
that costs for all of them.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from skillgap.analysis.plans import Need, Offer, solve
from skillgap.analysis.plans_model import (
    TOL,
    MetNeed,
    OfferIndex,
    Problem,
    capacity_hours,
    left_open,
    need_order,
    prune_redundant,
    reduce_person,
)
from skillgap.analysis.schedule import Scheduled, schedule
from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.plans import OpenGap, PlanLine, Solver
from skillgap.errors import ValidationError

#: HiGHS's time to prove an allocation optimal grew with about the square of its binaries
#: on the benchmark data (two solves: 12,800 binaries 3 s, 25,800 20 s; with a deadline's
#: capacity rows 9,000 took 6 s). It does not always stop at its time limit (a 60 s limit
#: once ran 150 s, separating cuts), so a model bigger than the limit allows is not tried
#: at all: the greedy answers.
SECONDS_PER_BINARY_SQUARED = 3e-8
SECONDS_PER_BINARY_SQUARED_WITH_DEADLINE = 1e-7


def exact_binaries(time_limit: float, deadline: bool) -> int:
    """The most binaries the allocation MILP is tried with, for a time limit."""
    rate = SECONDS_PER_BINARY_SQUARED_WITH_DEADLINE if deadline else SECONDS_PER_BINARY_SQUARED
    return int(math.sqrt(max(0.0, time_limit) / rate))


@dataclass(frozen=True)
class PersonNeeds:
    person_id: str
    needs: tuple[Need, ...]
    done: frozenset[str] = frozenset()  # catalog items the person has completed


@dataclass(frozen=True)
class PersonSummary:
    person_id: str
    items: int
    cost: float
    hours: float
    gaps_closed: int
    gaps_open: int
    weighted_gap_closed: float
    weighted_gap_open: float
    finish: date | None  # when the last item is due


@dataclass(frozen=True)
class Reasoning:
    """Why an item was bought: the weighted gap credited to it per unit of its cost."""

    person_id: str
    item_id: str
    closes: tuple[CompetencyRef, ...]
    weighted_gap: float
    cost: float  # the item's cost and that of the chosen prerequisites it needs
    gap_per_cost: float | None  # None: free
    reason: str


@dataclass(frozen=True)
class AllocationResult:
    lines: tuple[PlanLine, ...]  # person by person (in input order), in schedule order
    open_gaps: tuple[OpenGap, ...]
    solver: Solver
    note: str
    people: tuple[PersonSummary, ...]
    reasoning: tuple[Reasoning, ...]  # most gap per unit of cost first
    met: tuple[MetNeed, ...]
    budget: float
    weighted_gap_closed: float
    weighted_gap_open: float

    @property
    def cost(self) -> float:
        return round(sum(line.cost for line in self.lines), 2)

    @property
    def hours(self) -> float:
        return round(sum(line.hours for line in self.lines), 2)


def allocate(
    people: Sequence[PersonNeeds],
    offers: Sequence[Offer],
    budget: float,
    *,
    as_of: date,
    deadline: date | None = None,
    hours_per_week: float = 4.0,
    time_limit: float = 10.0,
) -> AllocationResult:
    """``Offer.done`` marks an item completed by everyone; ``PersonNeeds.done`` per person."""
    if budget < 0:
        raise ValidationError("a budget cannot be negative")
    if hours_per_week <= 0:
        raise ValidationError("hours per week must be more than 0")
    if time_limit < 0:
        raise ValidationError("a time limit cannot be negative")
    if len({p.person_id for p in people}) != len(people):
        raise ValidationError("a person is listed twice")
    started = time.perf_counter()
    index = OfferIndex(offers)
    everyone = frozenset(o.item_id for o in offers if o.done)
    hours_matter = deadline is not None
    problems = _reduced(people, index, everyone, hours_matter)
    capacity = capacity_hours(as_of, deadline, hours_per_week)
    capacities = [capacity] * len(problems)
    binaries = sum(len(p.items) + len(p.needs) for p in problems)
    most = exact_binaries(time_limit, deadline is not None)
    skip = ""
    if binaries > most and time_limit > 0:
        skip = (
            f"{binaries:,} binaries, more than HiGHS proves optimal in {time_limit:g} s "
            f"(about {most:,})"
        )
    remaining = max(0.0, time_limit - (time.perf_counter() - started))
    chosen, solver, why = solve(
        problems,
        ("gap", "cost"),
        budget,
        capacities,
        remaining,
        per_hours=False,
        presolve=False,
        skip=skip,
    )
    picked = [prune_redundant(prob, c) for prob, c in zip(problems, chosen, strict=True)]
    plans = [
        schedule(prob, pick, as_of=as_of, hours_per_week=hours_per_week)
        for prob, pick in zip(problems, picked, strict=True)
    ]
    spent = sum(
        prob.items[i].cost for prob, pick in zip(problems, picked, strict=True) for i in pick
    )
    lines: list[PlanLine] = []
    open_gaps: list[OpenGap] = []
    summaries: list[PersonSummary] = []
    reasoning: list[Reasoning] = []
    for prob, pick, plan in zip(problems, picked, plans, strict=True):
        used = sum(prob.items[i].hours for i in pick)
        left = [
            left_open(
                prob,
                n,
                pick,
                budget=budget,
                budget_left=budget - spent,
                capacity=capacity,
                hours_left=None if capacity is None else capacity - used,
            )
            for n in range(len(prob.needs))
            if n not in plan.closed
        ]
        gaps = [*prob.unclosable, *left]
        lines += plan.lines
        open_gaps += gaps
        summaries.append(_summary(prob, plan, gaps))
        reasoning += _reasoning(prob, pick, plan)
    reasoning.sort(key=_most_gap_per_cost)
    closed = sum(s.weighted_gap_closed for s in summaries)
    still = sum(s.weighted_gap_open for s in summaries)
    elapsed = time.perf_counter() - started
    note = (
        f"{why}; {len(people)} people, weighted gap {closed:g} of {closed + still:g} "
        f"closed for {spent:,.2f} of {budget:,.2f}; {elapsed:.1f} s"
    )
    return AllocationResult(
        tuple(lines),
        tuple(open_gaps),
        solver,
        note,
        tuple(summaries),
        tuple(reasoning),
        tuple(m for prob in problems for m in prob.met),
        budget,
        round(closed, 9),
        round(still, 9),
    )


def _reduced(
    people: Sequence[PersonNeeds], index: OfferIndex, everyone: frozenset[str], hours: bool
) -> list[Problem]:
    """Each person's reduced problem. People with the same needs and completed items (a
    role's new joiners, a team trained together) share one reduction, renamed."""
    found: dict[tuple[tuple[Need, ...], frozenset[str]], Problem] = {}
    problems = []
    for p in people:
        done = p.done | everyone
        key = (tuple(sorted(p.needs, key=need_order)), done)
        first = found.get(key)
        if first is None:
            first = found[key] = reduce_person(
                p.person_id, p.needs, index, done, hours_matter=hours
            )
            problems.append(first)
            continue
        problems.append(
            replace(
                first,
                person_id=p.person_id,
                unclosable=tuple(replace(g, person_id=p.person_id) for g in first.unclosable),
                met=tuple(replace(m, person_id=p.person_id) for m in first.met),
            )
        )
    return problems


def _summary(prob: Problem, plan: Scheduled, gaps: list[OpenGap]) -> PersonSummary:
    open_gap = sum(g.weight * max(0.0, g.required - (g.held or 0.0)) for g in gaps)
    return PersonSummary(
        prob.person_id,
        len(plan.lines),
        round(sum(line.cost for line in plan.lines), 2),
        round(sum(line.hours for line in plan.lines), 2),
        len(plan.closed),
        len(gaps),
        round(sum(prob.gains[n] for n in plan.closed), 9),
        round(open_gap, 9),
        max((line.due for line in plan.lines), default=None),
    )


def _reasoning(prob: Problem, pick: frozenset[int], plan: Scheduled) -> list[Reasoning]:
    gain: dict[int, float] = defaultdict(float)
    for n, j in plan.closed.items():
        gain[j] += prob.gains[n]
    by_id = {prob.items[i].item_id: i for i in pick}
    rows = []
    for line in plan.lines:
        i = by_id[line.item_id]
        item = prob.items[i]
        cost = item.cost + sum(prob.items[k].cost for k in item.closure if k in pick)
        rows.append(
            Reasoning(
                prob.person_id,
                item.item_id,
                line.closes,
                round(gain[i], 9),
                round(cost, 2),
                gain[i] / cost if cost > TOL else None,
                line.reason,
            )
        )
    return rows


def _most_gap_per_cost(row: Reasoning) -> tuple[float, float, str, str]:
    ratio = float("inf") if row.gap_per_cost is None else row.gap_per_cost
    return (-ratio, -row.weighted_gap, row.person_id, row.item_id)


@dataclass(frozen=True)
class TrainingPriority:
    """One competency people are short of, and what closing it for them would take."""

    competency: CompetencyRef
    people_short: int
    weighted_gap: float
    item_id: str | None  # the item closing the most of that gap, then the cheapest for all
    people_closed: int  # how many of the people short it brings to their level
    cost: float  # for all of them: the item and the prerequisites each has not completed
    hours: float
    reason: str = ""  # when no item closes any of it


def training_priorities(
    people: Sequence[PersonNeeds], offers: Sequence[Offer]
) -> tuple[TrainingPriority, ...]:
    """Largest importance-weighted gap first. A person with several needs for a competency
    (now, and a higher level later) counts once, at the highest level, with their largest
    weighted gap."""
    index = OfferIndex(offers)
    everyone = frozenset(o.item_id for o in offers if o.done)
    short: dict[CompetencyRef, dict[str, tuple[float, float]]] = defaultdict(dict)
    done_of = {p.person_id: p.done | everyone for p in people}
    for person in people:
        for need in person.needs:
            if need.gap <= TOL:
                continue
            seen = short[need.competency].get(person.person_id, (0.0, 0.0))
            short[need.competency][person.person_id] = (
                max(seen[0], need.required),
                max(seen[1], need.weighted_gap),
            )
    rows = [_priority(ref, who, index, done_of) for ref, who in short.items()]
    rows.sort(key=lambda r: (-r.weighted_gap, -r.people_short, r.competency))
    return tuple(rows)


def _priority(
    ref: CompetencyRef,
    who: dict[str, tuple[float, float]],
    index: OfferIndex,
    done_of: dict[str, frozenset[str]],
) -> TrainingPriority:
    total = sum(g for _, g in who.values())
    best: tuple[float, int, float, str] | None = None
    for level, item in index.levels.get(ref, []):
        pre = index.full_closure(item)
        if pre is None:
            continue
        reached = [g for required, g in who.values() if required <= level + TOL]
        if not reached:
            break  # the rest reach lower levels still
        each = index.by_id[item].cost + sum(index.by_id[k].cost for k in pre)
        key = (-sum(reached), -len(reached), len(reached) * each, item)
        if best is None or key < best:
            best = key
    if best is None:
        rows = index.levels.get(ref, [])
        lowest = min(required for required, _ in who.values())
        reason = (
            "no catalog item evidences it"
            if not rows
            else f"no catalog item reaches level {lowest:g}, the lowest needed"
        )
        return TrainingPriority(ref, len(who), round(total, 9), None, 0, 0.0, 0.0, reason)
    item = best[3]
    offer = index.by_id[item]
    level = offer.levels[ref]
    cost = hours = 0.0
    closed = 0
    for person, (required, _) in sorted(who.items()):
        if required > level + TOL:
            continue
        closed += 1
        for k in [item, *sorted(index.full_closure(item) or ())]:
            if k not in done_of[person]:
                cost += index.by_id[k].cost
                hours += index.by_id[k].hours
    return TrainingPriority(ref, len(who), round(total, 9), item, closed, round(cost, 2), hours)
