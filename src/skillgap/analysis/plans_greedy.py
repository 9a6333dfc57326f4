"""The greedy fallback, for when the exact solver cannot finish in time.

A *move* is one candidate item of one person together with the prerequisites that person
has not yet been given. Its gain is the weighted gap of the needs it would newly close. Its
price is what it uses of the scarce resources: its share of the budget plus its share of
everyone's hours before the deadline (the person's hours times the number of people: for
a group, scaling by one person's hours made hours dominate the price and closed a third
less gap), with whichever of the two is given; with neither, its cost (or hours, when
planning for time). Repeatedly the move with the most gain per
unit of price is taken (a free move first; then more gain, a lower price, lower cost and
hours in the objective's order, the person's and the item's position), as long as it fits
what is left of the budget and of that person's hours. It never breaks a constraint, so
its plan is feasible, but it may close less gap, or pay more, than the optimum.

The moves sit in a heap. A move's gain only shrinks as needs close, so a stale entry is
re-scored when it surfaces; its price only shrinks when one of its prerequisites is taken,
and then the move is pushed again at once.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

from skillgap.analysis.plans_model import TOL, Problem, still_needs

Key = tuple[float, float, float, float, float, int, int]


def greedy(
    problems: Sequence[Problem],
    budget: float | None,
    capacities: Sequence[float | None],
    *,
    per_hours: bool,
) -> list[frozenset[int]]:
    picked: list[set[int]] = [set() for _ in problems]
    closed: list[set[int]] = [set() for _ in problems]
    hours_left = [math.inf if c is None else c for c in capacities]
    money_left = math.inf if budget is None else budget
    dependents: list[list[list[int]]] = []
    fresh: list[list[tuple[list[int], list[int], float, float, float]]] = []
    for prob in problems:
        after: list[list[int]] = [[] for _ in prob.items]
        moves = []
        for j, item in enumerate(prob.items):
            for k in item.closure:
                after[k].append(j)
            extra = [*item.closure, j]
            newly = sorted({n for k in extra for n in prob.items[k].closes})
            moves.append(
                (
                    extra,
                    newly,
                    sum(prob.gains[n] for n in newly),
                    sum(prob.items[k].cost for k in extra),
                    sum(prob.items[k].hours for k in extra),
                )
            )
        dependents.append(after)
        fresh.append(moves)

    def score(p: int, i: int) -> tuple[Key, list[int], list[int], float, float]:
        prob = problems[p]
        if picked[p]:
            extra = still_needs(prob, i, picked[p])
            newly = sorted({n for k in extra for n in prob.items[k].closes if n not in closed[p]})
            gain = sum(prob.gains[n] for n in newly)
            cost = sum(prob.items[k].cost for k in extra)
            hours = sum(prob.items[k].hours for k in extra)
        else:  # the person has nothing yet: the move as precomputed
            extra, newly, gain, cost, hours = fresh[p][i]
        first, second = (hours, cost) if per_hours else (cost, hours)
        price = first
        if budget is not None or capacities[p] is not None:
            price = cost / max(budget, TOL) if budget is not None else 0.0
            cap = capacities[p]
            price += hours / max(cap * len(problems), TOL) if cap is not None else 0.0
        ratio = gain / price if price > TOL else math.inf
        return (-ratio, -gain, price, first, second, p, i), extra, newly, cost, hours

    heap: list[Key] = []
    for p, prob in enumerate(problems):
        for i in range(len(prob.items)):
            if prob.items[i].closes:
                heap.append(score(p, i)[0])
    heapq.heapify(heap)
    while heap:
        entry = heapq.heappop(heap)
        p, i = entry[5], entry[6]
        if i in picked[p]:
            continue
        key, extra, newly, cost, hours = score(p, i)
        if not newly:
            continue
        if key != entry:
            heapq.heappush(heap, key)
            continue
        if cost > money_left + TOL or hours > hours_left[p] + TOL:
            continue  # pushed again if a prerequisite it needs gets taken
        picked[p].update(extra)
        closed[p].update(newly)
        money_left -= cost
        hours_left[p] -= hours
        for k in extra:
            for j in dependents[p][k]:
                if j not in picked[p] and problems[p].items[j].closes:
                    heapq.heappush(heap, score(p, j)[0])
    return [frozenset(s) for s in picked]
