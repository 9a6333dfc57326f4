"""From a set of chosen items to dated plan lines.

Assignment: each need the chosen items close is credited to one of them, the cheapest
(then the fewest hours, then the smallest id); ``PlanLine.closes`` lists the competencies
of the needs credited to the line. A chosen item credited with nothing is there as a
prerequisite, and its reason says of which chosen items.

Order: prerequisites first; among the items ready at once, the one whose credited needs
are needed soonest (a need for now before any dated one), where a prerequisite takes the
urgency of the most urgent item that needs it; then the item id.

Dates: the items run one after another at ``hours_per_week``, counted in days: an item
is due ``ceil(7 * hours so far / hours_per_week)`` days after ``as_of`` (hours so far
including its own) and starts on the day the previous one is due (the first on ``as_of``).
A zero-hour item (an assessment that is only taken) starts and is due on the same day.
Counting in days, not whole weeks, keeps the schedule's end within the deadline exactly
when the plan's hours fit ``hours_per_week * days / 7``, the MILP's capacity row. A line due
after the needed-by date of a need it is credited with says so in its reason.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from skillgap.analysis.plans_model import Candidate, Problem
from skillgap.domain.plans import PlanLine

DAY_TOL = 1e-9  # 7 * hours / rate a hair over a whole day is that day


@dataclass(frozen=True)
class Scheduled:
    lines: tuple[PlanLine, ...]  # in schedule order
    closed: dict[int, int]  # need index -> the candidate it is credited to
    late: int  # lines due after a credited need's needed-by date


def cheapest(item: Candidate) -> tuple[float, float, str]:
    return (item.cost, item.hours, item.item_id)


def assign(problem: Problem, picked: frozenset[int]) -> dict[int, int]:
    credited: dict[int, int] = {}
    for n, closers in enumerate(problem.closers):
        chosen = [c for c in closers if c in picked]
        if chosen:
            credited[n] = min(chosen, key=lambda c: cheapest(problem.items[c]))
    return credited


def order(problem: Problem, picked: frozenset[int], credited: dict[int, int]) -> list[int]:
    urgency = dict.fromkeys(picked, date.max)
    for n, item in credited.items():
        urgency[item] = min(urgency[item], problem.needs[n].needed_by or date.min)
    for j in sorted(picked, reverse=True):  # candidates are in prerequisite order
        for q in problem.items[j].prerequisites:
            urgency[q] = min(urgency[q], urgency[j])
    waiting = {j: len(problem.items[j].prerequisites) for j in picked}
    after: dict[int, list[int]] = defaultdict(list)
    for j in picked:
        for q in problem.items[j].prerequisites:
            after[q].append(j)
    ready = [(urgency[j], problem.items[j].item_id, j) for j, w in waiting.items() if w == 0]
    heapq.heapify(ready)
    sequence: list[int] = []
    while ready:
        _, _, j = heapq.heappop(ready)
        sequence.append(j)
        for k in after[j]:
            waiting[k] -= 1
            if waiting[k] == 0:
                heapq.heappush(ready, (urgency[k], problem.items[k].item_id, k))
    return sequence


def schedule(
    problem: Problem, picked: frozenset[int], *, as_of: date, hours_per_week: float
) -> Scheduled:
    credited = assign(problem, picked)
    own: dict[int, list[int]] = defaultdict(list)
    for n, j in sorted(credited.items()):
        own[j].append(n)
    needed_for: dict[int, list[str]] = defaultdict(list)
    for j in sorted(picked, key=lambda k: problem.items[k].item_id):
        for q in problem.items[j].prerequisites:
            needed_for[q].append(problem.items[j].item_id)
    lines: list[PlanLine] = []
    late = 0
    start = as_of
    hours = 0.0
    for j in order(problem, picked, credited):
        item = problem.items[j]
        hours += item.hours
        due = as_of + timedelta(days=math.ceil(7 * hours / hours_per_week - DAY_TOL))
        needs = [problem.needs[n] for n in own[j]]
        parts = []
        if needs:
            parts.append(
                "closes "
                + ", ".join(
                    f"{n.competency} to level {n.required:g}"
                    + (f" by {n.needed_by}" if n.needed_by else "")
                    for n in needs
                )
            )
        if needed_for[j]:
            parts.append("prerequisite of " + ", ".join(needed_for[j]))
        overdue = [n for n in needs if n.needed_by is not None and due > n.needed_by]
        if overdue:
            late += 1
            parts.append(
                f"due {due}, after "
                + ", ".join(f"{n.competency} is needed ({n.needed_by})" for n in overdue)
            )
        lines.append(
            PlanLine(
                problem.person_id,
                item.item_id,
                tuple(sorted({n.competency for n in needs})),
                item.cost,
                item.hours,
                start,
                due,
                "; ".join(parts),
            )
        )
        start = due
    return Scheduled(tuple(lines), credited, late)
