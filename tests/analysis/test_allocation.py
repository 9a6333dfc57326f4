"""A group's budget allocation and its training priorities: hand-computed cases, the reasoning
rows, and the MILP against a brute-force enumeration on small random groups."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations, product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgap.analysis import allocation
from skillgap.analysis.allocation import (
    AllocationResult,
    PersonNeeds,
    allocate,
    training_priorities,
)
from skillgap.analysis.plans import Need, Offer
from skillgap.analysis.plans_model import capacity_hours
from skillgap.domain.plans import Solver
from skillgap.errors import ValidationError
from tests.analysis.test_plans import AS_OF, TOL, A, B, C, need_lists, offer_lists, reaches

X = Offer("X", 100, 10, {A: 3})
W = Offer("W", 60, 8, {B: 2})
P1 = PersonNeeds("P1", (Need(A, 3, 1, 3),))  # weighted gap 6
P2 = PersonNeeds("P2", (Need(A, 3, 2, 2), Need(B, 2, None, 1)))  # 2 and 2


def items(result: AllocationResult) -> list[tuple[str, str]]:
    return [(line.person_id, line.item_id) for line in result.lines]


def test_the_budget_goes_where_it_closes_the_most_weighted_gap() -> None:
    result = allocate([P1, P2], [X, W], 100, as_of=AS_OF)
    assert result.solver is Solver.OPTIMAL
    assert items(result) == [("P1", "X")] and result.weighted_gap_closed == 6
    result = allocate([P1, P2], [X, W], 160, as_of=AS_OF)
    assert items(result) == [("P1", "X"), ("P2", "W")] and result.cost == 160


def test_among_allocations_closing_as_much_the_cheapest_wins() -> None:
    # P1 X and P2 X (200) close as much as P1 X and P2 W (160): 8
    result = allocate([P1, P2], [X, W], 200, as_of=AS_OF)
    assert items(result) == [("P1", "X"), ("P2", "W")] and result.cost == 160
    assert result.weighted_gap_closed == 8 and result.weighted_gap_open == 2


def test_the_reasoning_is_in_the_rows() -> None:
    result = allocate([P1, P2], [X, W], 200, as_of=AS_OF)
    rows = [(r.person_id, r.item_id, r.weighted_gap, r.cost) for r in result.reasoning]
    assert rows == [("P1", "X", 6, 100), ("P2", "W", 2, 60)]
    assert result.reasoning[0].gap_per_cost == pytest.approx(0.06)
    (gap,) = result.open_gaps
    assert (gap.person_id, gap.competency) == ("P2", A)
    assert gap.reason == (
        "left open for the budget: the cheapest way (X) costs 100.00 and 40.00 is left after "
        "the gaps closed first"
    )
    summary = {s.person_id: s for s in result.people}
    assert summary["P2"].items == 1 and summary["P2"].gaps_open == 1
    assert summary["P2"].finish == AS_OF + timedelta(days=14)  # 8 h at 4 a week
    assert summary["P1"].weighted_gap_closed == 6 and summary["P1"].cost == 100


def test_prerequisites_and_completed_items_are_per_person() -> None:
    y = Offer("Y", 50, 20, {A: 4}, ("P",))
    p = Offer("P", 10, 5, {})
    first = PersonNeeds("P1", (Need(A, 3, 1, 3),), done=frozenset({"P"}))
    second = PersonNeeds("P2", (Need(A, 3, 1, 3),))
    result = allocate([first, second], [X, y, p], 115, as_of=AS_OF)
    assert items(result) == [("P1", "Y"), ("P2", "P"), ("P2", "Y")]
    assert result.cost == 110
    reasons = {(r.person_id, r.item_id): r for r in result.reasoning}
    assert reasons["P2", "Y"].cost == 60 and reasons["P2", "P"].weighted_gap == 0
    assert reasons["P2", "P"].reason == "prerequisite of Y"


def test_a_deadline_caps_each_persons_hours() -> None:
    quick = Offer("quick", 100, 4, {A: 3})
    slow = Offer("slow", 10, 40, {A: 3})
    deadline = AS_OF + timedelta(days=14)  # 8 hours each at 4 a week
    result = allocate([P1], [quick, slow], 1000, as_of=AS_OF, deadline=deadline)
    assert items(result) == [("P1", "quick")]
    assert allocate([P1], [quick, slow], 1000, as_of=AS_OF).lines[0].item_id == "slow"


def test_what_nothing_can_close_stays_open_with_why() -> None:
    person = PersonNeeds("P1", (Need(C, 2, None, 3), Need(A, 5, None, 1)))
    result = allocate([person], [X, W], 1000, as_of=AS_OF)
    assert result.lines == () and [g.reason for g in result.open_gaps] == [
        "no catalog item reaches level 5 (the highest is 3)",
        "no catalog item evidences it",
    ]


def test_the_greedy_answers_without_time_or_when_the_model_is_too_big(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = allocate([P1, P2], [X, W], 160, as_of=AS_OF, time_limit=0)
    assert result.solver is Solver.GREEDY and "time limit 0" in result.note
    assert items(result) == [("P1", "X"), ("P2", "W")]
    monkeypatch.setattr(allocation, "SECONDS_PER_BINARY_SQUARED", 10.0)
    result = allocate([P1, P2], [X, W], 160, as_of=AS_OF)
    assert result.solver is Solver.GREEDY
    assert "6 binaries, more than HiGHS proves optimal in 10 s (about 1), MILP not run" in (
        result.note
    )


def test_the_solver_sees_past_the_best_ratio_where_the_greedy_does_not() -> None:
    small = PersonNeeds("P1", (Need(A, 3, None, 1),))  # weighted gap 3 for 10
    big = PersonNeeds("P2", (Need(B, 5, None, 3),))  # 15 for 100
    offers = [Offer("small", 10, 1, {A: 3}), Offer("big", 100, 1, {B: 5})]
    greedy = allocate([small, big], offers, 100, as_of=AS_OF, time_limit=0)
    assert items(greedy) == [("P1", "small")]
    exact = allocate([small, big], offers, 100, as_of=AS_OF)
    assert items(exact) == [("P2", "big")] and exact.solver is Solver.OPTIMAL


def test_bad_groups_are_refused() -> None:
    with pytest.raises(ValidationError, match="twice"):
        allocate([P1, P1], [X], 10, as_of=AS_OF)
    with pytest.raises(ValidationError, match="budget"):
        allocate([P1], [X], -1, as_of=AS_OF)


def test_training_priorities_cost_the_best_item_for_everyone_short() -> None:
    y = Offer("Y", 50, 20, {A: 4}, ("P",))
    p = Offer("P", 10, 5, {})
    people = [
        PersonNeeds("P1", (Need(A, 3, 1, 3), Need(B, 2, None, 1))),
        PersonNeeds("P2", (Need(A, 4, 2, 2),), done=frozenset({"P"})),
        PersonNeeds("P3", (Need(A, 2, 1, 1), Need(A, 3, 1, 1, date(2027, 1, 1)))),
        PersonNeeds("P4", (Need(C, 3, 2, 3), Need(B, 2, 2, 3))),  # B is met
    ]
    rows = training_priorities(people, [X, y, p, W])
    assert [(r.competency, r.people_short, r.weighted_gap) for r in rows] == [
        (A, 3, 12),  # 6 + 4 + max(1, 2): P3 counts once, at level 3
        (C, 1, 3),
        (B, 1, 2),
    ]
    a, c, b = rows
    assert (a.item_id, a.people_closed, a.cost, a.hours) == ("Y", 3, 170, 70)
    assert (b.item_id, b.cost, b.hours) == ("W", 60, 8)
    assert c.item_id is None and c.reason == "no catalog item evidences it"


# -- against brute force ----------------------------------------------------------------


@st.composite
def groups(draw: st.DrawFn) -> tuple[list[PersonNeeds], list[Offer], float, date | None]:
    offers = draw(offer_lists(most=5))
    names = [o.item_id for o in offers]
    people = [
        PersonNeeds(
            f"P{k}",
            tuple(draw(need_lists(most=3))),
            frozenset(draw(st.lists(st.sampled_from(names), max_size=2))),
        )
        for k in range(draw(st.integers(2, 3)))
    ]
    budget = float(draw(st.sampled_from(range(0, 310, 10))))
    days = st.sampled_from(range(91)).map(lambda d: AS_OF + timedelta(d))
    deadline = draw(st.one_of(st.none(), days))
    return people, offers, budget, deadline


def person_options(
    person: PersonNeeds, offers: list[Offer], cap: float | None
) -> list[tuple[float, float]]:
    """Every (cost, weighted gap) the person can have, within their hours."""
    by_id = {o.item_id: o for o in offers}
    done = person.done | {o.item_id for o in offers if o.done}
    needs = [n for n in person.needs if n.gap > 0 and not any(
        reaches(by_id[d], n) for d in done if d in by_id)]  # fmt: skip
    free = sorted(set(by_id) - done)
    found = set()
    for size in range(len(free) + 1):
        for chosen in combinations(free, size):
            if any(p not in chosen and p not in done
                   for i in chosen for p in by_id[i].prerequisites):  # fmt: skip
                continue
            if cap is not None and sum(by_id[i].hours for i in chosen) > cap + TOL:
                continue
            gain = sum(n.weighted_gap for n in needs if any(reaches(by_id[i], n) for i in chosen))
            found.add((sum(by_id[i].cost for i in chosen), gain))
    return sorted(found)


def brute_force(
    people: list[PersonNeeds], offers: list[Offer], budget: float, deadline: date | None
) -> tuple[float, float]:
    cap = capacity_hours(AS_OF, deadline, 4.0)
    best = (0.0, 0.0)
    for combo in product(*(person_options(p, offers, cap) for p in people)):
        cost = sum(c for c, _ in combo)
        gain = sum(g for _, g in combo)
        if cost <= budget + TOL and (-gain, cost) < (-best[0], best[1]):
            best = (gain, cost)
    return best


def check_feasible(
    result: AllocationResult, people: list[PersonNeeds], offers: list[Offer], budget: float,
    deadline: date | None,
) -> None:  # fmt: skip
    by_id = {o.item_id: o for o in offers}
    assert result.cost <= budget + TOL
    for person in people:
        done = person.done | {o.item_id for o in offers if o.done}
        lines = [line for line in result.lines if line.person_id == person.person_id]
        seen: set[str] = set()
        for line in lines:
            assert line.item_id not in done
            assert all(p in seen or p in done for p in by_id[line.item_id].prerequisites)
            seen.add(line.item_id)
        if deadline is not None and lines:
            assert lines[-1].due <= max(deadline, AS_OF)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups())
def test_the_allocation_is_optimal_and_feasible(
    group: tuple[list[PersonNeeds], list[Offer], float, date | None],
) -> None:
    people, offers, budget, deadline = group
    result = allocate(people, offers, budget, as_of=AS_OF, deadline=deadline)
    assert result.solver is Solver.OPTIMAL, result.note
    check_feasible(result, people, offers, budget, deadline)
    gain, cost = brute_force(people, offers, budget, deadline)
    assert result.weighted_gap_closed == pytest.approx(gain, abs=TOL)
    assert result.cost == pytest.approx(cost, abs=TOL)
    again = allocate(people, offers, budget, as_of=AS_OF, deadline=deadline)
    assert (again.lines, again.open_gaps) == (result.lines, result.open_gaps)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups())
def test_the_greedy_allocation_is_feasible(
    group: tuple[list[PersonNeeds], list[Offer], float, date | None],
) -> None:
    people, offers, budget, deadline = group
    result = allocate(people, offers, budget, as_of=AS_OF, deadline=deadline, time_limit=0)
    assert result.solver is Solver.GREEDY or result.note.startswith("nothing to plan")
    check_feasible(result, people, offers, budget, deadline)
    assert result.weighted_gap_closed <= brute_force(people, offers, budget, deadline)[0] + TOL
