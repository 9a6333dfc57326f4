"""One person's planning problem, reduced to the items that can matter.

``reduce_person`` keeps the needs with a gap (required above held), sets aside those a
completed item already reaches (``MetNeed``) and those no item can close (an ``OpenGap``
saying why), and keeps as candidates only the items that close some need, plus their
prerequisites (transitively, stopping at completed items). An item whose prerequisite is
not in the catalog at all cannot be taken.

Dominance: item A is dropped when another item B closes every need A closes, costs no more,
takes no more hours (when hours count), needs no prerequisite A does not already need, and
A is no candidate's prerequisite. Any plan with A stays prerequisite-closed with B in A's
place and is no worse on any objective, so dropping A keeps an optimum. B beats A on one of
those or, when they are equal on all, has the smaller id; that is a strict order, so
among items dominating one another the best always stays.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.plans import OpenGap
from skillgap.errors import ValidationError

if TYPE_CHECKING:
    from skillgap.analysis.plans import Need, Offer

TOL = 1e-9  # levels, money and hours this close are equal
UNKNOWN = None  # the closure of an item that cannot be taken


@dataclass(frozen=True)
class MetNeed:
    """A need an item the person has completed already reaches: nothing to plan."""

    person_id: str
    competency: CompetencyRef
    required: float
    item_id: str


class OfferIndex:
    """The offers by id, and per competency its (level, item id) pairs, highest first."""

    def __init__(self, offers: Iterable[Offer]) -> None:
        by_id: dict[str, Offer] = {}
        for offer in offers:
            if offer.item_id in by_id:
                raise ValidationError(f"catalog item {offer.item_id!r} is offered twice")
            by_id[offer.item_id] = offer
        self.by_id = by_id
        levels: dict[CompetencyRef, list[tuple[float, str]]] = defaultdict(list)
        for offer in by_id.values():
            for ref, level in offer.levels.items():
                levels[ref].append((level, offer.item_id))
        for rows in levels.values():
            rows.sort(key=lambda row: (-row[0], row[1]))
        self.levels: dict[CompetencyRef, list[tuple[float, str]]] = dict(levels)
        self._closures: dict[str, frozenset[str] | None] = {}
        self._visiting: set[str] = set()

    def full_closure(self, item: str) -> frozenset[str] | None:
        """Every prerequisite of ``item``, transitively (UNKNOWN: one is not offered)."""
        if item in self._closures:
            return self._closures[item]
        offer = self.by_id.get(item)
        if offer is None:
            return UNKNOWN
        if item in self._visiting:
            raise ValidationError(f"catalog item prerequisites loop through {item!r}")
        self._visiting.add(item)
        found: set[str] | None = set()
        for pre in offer.prerequisites:
            sub = self.full_closure(pre)
            if sub is UNKNOWN or found is None:
                found = None
                continue  # the rest is still searched for loops
            found.add(pre)
            found |= sub
        self._visiting.discard(item)
        result = UNKNOWN if found is None else frozenset(found)
        self._closures[item] = result
        return result


@dataclass(frozen=True)
class Candidate:
    item_id: str
    cost: float
    hours: float
    prerequisites: tuple[int, ...]  # direct, not done: indexes into Problem.items
    closure: tuple[int, ...]  # every prerequisite not done, transitively
    closes: tuple[int, ...]  # indexes into Problem.needs


@dataclass(frozen=True)
class Problem:
    """``items`` are in prerequisite order (a prerequisite before what needs it), then id;
    ``closers[n]`` are the items that close ``needs[n]``; ``gains[n]`` its weighted gap."""

    person_id: str
    needs: tuple[Need, ...]
    gains: tuple[float, ...]
    items: tuple[Candidate, ...]
    closers: tuple[tuple[int, ...], ...]
    unclosable: tuple[OpenGap, ...]
    met: tuple[MetNeed, ...]


def need_order(need: Need) -> tuple[CompetencyRef, date, float, int, float]:
    return (need.competency, need.needed_by or date.min, need.required, need.weight,
            -1.0 if need.held is None else need.held)  # fmt: skip


class _Closures:
    """Prerequisite closures for one person: what an item still needs, or UNKNOWN. The
    catalog-wide closure serves whenever the person has completed none of it."""

    def __init__(self, index: OfferIndex, done: frozenset[str]) -> None:
        self.index = index
        self.done = done
        self.memo: dict[str, frozenset[str] | None] = {}

    def __call__(self, item: str) -> frozenset[str] | None:
        if item in self.memo:
            return self.memo[item]
        full = self.index.full_closure(item)
        if full is not None and full.isdisjoint(self.done):
            self.memo[item] = full
            return full
        offer = self.index.by_id.get(item)
        if offer is None:
            return UNKNOWN
        found: set[str] = set()  # full_closure found no loop: the recursion ends
        result: frozenset[str] | None = None
        for pre in offer.prerequisites:
            if pre in self.done:
                continue
            sub = self(pre)
            if sub is UNKNOWN:
                break
            found.add(pre)
            found |= sub
        else:
            result = frozenset(found)
        self.memo[item] = result
        return result


def _unclosable(person_id: str, need: Need, rows: list[tuple[float, str]]) -> OpenGap:
    if not rows:
        reason = "no catalog item evidences it"
    elif rows[0][0] < need.required - TOL:
        reason = f"no catalog item reaches level {need.required:g} (the highest is {rows[0][0]:g})"
    else:
        reason = (
            f"the catalog items that reach level {need.required:g} need prerequisites "
            "that are not in the catalog"
        )
    return OpenGap(person_id, need.competency, need.required, need.held, need.weight, reason)


def reduce_person(
    person_id: str,
    needs: Iterable[Need],
    index: OfferIndex,
    done: frozenset[str],
    *,
    hours_matter: bool,
) -> Problem:
    closure = _Closures(index, done)
    closable: list[Need] = []
    closer_ids: list[list[str]] = []
    met: list[MetNeed] = []
    unclosable: list[OpenGap] = []
    for need in sorted((n for n in needs if n.gap > TOL), key=need_order):
        rows = index.levels.get(need.competency, [])
        reaching = [item for level, item in rows if level >= need.required - TOL]
        completed = sorted(item for item in reaching if item in done)
        if completed:
            met.append(MetNeed(person_id, need.competency, need.required, completed[0]))
            continue
        usable = sorted(item for item in reaching if closure(item) is not UNKNOWN)
        if usable:
            closable.append(need)
            closer_ids.append(usable)
        else:
            unclosable.append(_unclosable(person_id, need, rows))
    dropped = _dominated(index, closer_ids, closure, hours_matter)
    closer_ids = [[i for i in ids if i not in dropped] for ids in closer_ids]
    return _problem(person_id, closable, closer_ids, index, done, closure, unclosable, met)


def _dominated(
    index: OfferIndex,
    closer_ids: list[list[str]],
    closure: _Closures,
    hours_matter: bool,
) -> set[str]:
    closes: dict[str, set[int]] = defaultdict(set)
    for n, ids in enumerate(closer_ids):
        for item in ids:
            closes[item].add(n)
    pre = {item: closure(item) or frozenset() for item in closes}
    prerequisite: set[str] = set()
    for items in pre.values():
        prerequisite |= items
    price = {
        item: (index.by_id[item].cost, index.by_id[item].hours if hours_matter else 0.0)
        for item in closes
    }
    by_price = [sorted(ids, key=lambda i: (*price[i], i)) for ids in closer_ids]
    dropped: set[str] = set()
    for a, needs_a in closes.items():
        if a in prerequisite:
            continue
        cost_a, hours_a = price[a]
        for b in by_price[min(needs_a)]:
            cost_b, hours_b = price[b]
            if cost_b > cost_a:
                break
            if b == a or hours_b > hours_a:
                continue
            needs_b, pre_a, pre_b = closes[b], pre[a], pre[b]
            if not (needs_a <= needs_b and pre_b <= pre_a):
                continue
            if (cost_b, hours_b) < (cost_a, hours_a) or needs_a < needs_b or pre_b < pre_a:
                dropped.add(a)
                break
            if b < a:  # equal on everything: the smaller id stays
                dropped.add(a)
                break
    return dropped


def _problem(
    person_id: str,
    needs: list[Need],
    closer_ids: list[list[str]],
    index: OfferIndex,
    done: frozenset[str],
    closure: _Closures,
    unclosable: list[OpenGap],
    met: list[MetNeed],
) -> Problem:
    wanted: set[str] = set()
    for ids in closer_ids:
        for item in ids:
            wanted.add(item)
            wanted |= closure(item) or frozenset()
    direct = {
        item: [p for p in index.by_id[item].prerequisites if p not in done] for item in wanted
    }
    order = _topological(direct)
    position = {item: k for k, item in enumerate(order)}
    closes: dict[str, list[int]] = defaultdict(list)
    for n, ids in enumerate(closer_ids):
        for item in ids:
            closes[item].append(n)
    items = tuple(
        Candidate(
            item,
            index.by_id[item].cost,
            index.by_id[item].hours,
            tuple(sorted(position[p] for p in direct[item])),
            tuple(sorted(position[p] for p in closure(item) or ())),
            tuple(closes[item]),
        )
        for item in order
    )
    return Problem(
        person_id,
        tuple(needs),
        tuple(n.weighted_gap for n in needs),
        items,
        tuple(tuple(sorted(position[i] for i in ids)) for ids in closer_ids),
        tuple(unclosable),
        tuple(met),
    )


def _topological(direct: dict[str, list[str]]) -> list[str]:
    """Prerequisites first; among the items ready at once, the smallest id."""
    waiting = {item: len(pres) for item, pres in direct.items()}
    needed_by: dict[str, list[str]] = defaultdict(list)
    for item, pres in direct.items():
        for pre in pres:
            needed_by[pre].append(item)
    ready = [item for item, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        item = heapq.heappop(ready)
        order.append(item)
        for after in needed_by[item]:
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(ready, after)
    return order


def capacity_hours(as_of: date, deadline: date | None, hours_per_week: float) -> float | None:
    """The learning hours between ``as_of`` and ``deadline`` (None: no deadline)."""
    if deadline is None:
        return None
    return max(0, (deadline - as_of).days) * hours_per_week / 7


def prune_redundant(problem: Problem, chosen: Iterable[int]) -> frozenset[int]:
    """Drops chosen items that close nothing another chosen item does not, and that no
    chosen item needs first: the most expensive first, until none is left."""
    picked = set(chosen)
    changed = True
    while changed:
        changed = False
        for i in sorted(picked, key=lambda k: _dearest(problem.items[k])):
            needed = any(i in problem.items[j].prerequisites for j in picked)
            if needed or any(
                not any(c != i and c in picked for c in problem.closers[n])
                for n in problem.items[i].closes
            ):
                continue
            picked.discard(i)
            changed = True
    return frozenset(picked)


def _dearest(item: Candidate) -> tuple[float, float, str]:
    return (-item.cost, -item.hours, item.item_id)


def still_needs(problem: Problem, item: int, picked: frozenset[int] | set[int]) -> list[int]:
    """The item and the prerequisites it still needs given what is picked."""
    return [k for k in (*problem.items[item].closure, item) if k not in picked]


def left_open(
    problem: Problem,
    need: int,
    picked: frozenset[int],
    *,
    budget: float | None,
    budget_left: float | None,
    capacity: float | None,
    hours_left: float | None,
) -> OpenGap:
    """A closable need the plan leaves open, with what stood in the way."""
    ways = []
    for c in problem.closers[need]:
        extra = still_needs(problem, c, picked)
        ways.append(
            (
                sum(problem.items[k].cost for k in extra),
                sum(problem.items[k].hours for k in extra),
                _way(problem, c, len(extra) - 1),
            )
        )
    cheapest = min(ways)
    quickest = min(ways, key=lambda w: (w[1], w[0], w[2]))
    reasons = []
    if budget_left is not None and all(w[0] > budget_left + TOL for w in ways):
        if budget is not None and cheapest[0] > budget + TOL:
            reasons.append(
                f"the cheapest way ({cheapest[2]}) costs {cheapest[0]:,.2f}, more than "
                f"the whole budget of {budget:,.2f}"
            )
        else:
            reasons.append(
                f"left open for the budget: the cheapest way ({cheapest[2]}) costs "
                f"{cheapest[0]:,.2f} and {max(0.0, budget_left):,.2f} is left after the "
                "gaps closed first"
            )
    if hours_left is not None and all(w[1] > hours_left + TOL for w in ways):
        if capacity is not None and quickest[1] > capacity + TOL:
            reasons.append(
                f"the quickest way ({quickest[2]}) takes {quickest[1]:g} h, more than the "
                f"{capacity:.4g} h until the deadline"
            )
        else:
            reasons.append(
                f"left open for the deadline: the quickest way ({quickest[2]}) takes "
                f"{quickest[1]:g} h and {max(0.0, hours_left):.4g} h are left after the "
                "gaps closed first"
            )
    if not reasons:
        reasons.append("left open: no way to close it fits both the budget and the hours left")
    n = problem.needs[need]
    return OpenGap(
        problem.person_id, n.competency, n.required, n.held, n.weight, "; ".join(reasons)
    )


def _way(problem: Problem, item: int, prerequisites: int) -> str:
    name = problem.items[item].item_id
    if prerequisites > 0:
        return f"{name} and {prerequisites} prerequisite{'s' if prerequisites > 1 else ''}"
    return name
