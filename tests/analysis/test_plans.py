"""A person's learning plan: hand-computed optima, the schedule, open gaps and their reasons,
and the MILP against a brute-force enumeration of every item set on small random cases."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgap.analysis.plans import (
    Need,
    Offer,
    PlanRequest,
    PlanResult,
    closing_dates,
    plan_person,
)
from skillgap.analysis.plans_model import capacity_hours
from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.plans import Objective, Solver
from skillgap.errors import ValidationError

AS_OF = date(2026, 6, 1)
A, B, C, D = (CompetencyRef("fw", code) for code in "abcd")
TOL = 1e-6


def request(needs: list[Need], offers: list[Offer], **kwargs: object) -> PlanRequest:
    return PlanRequest("P1", tuple(needs), tuple(offers), as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def ids(result: PlanResult) -> list[str]:
    return [line.item_id for line in result.lines]


# -- hand-computed optima ---------------------------------------------------------------

NEEDS = [Need(A, 3, 1, 3), Need(B, 2, None, 2, date(2026, 9, 1))]  # weighted gaps 6 and 4
OFFERS = [
    Offer("X", 100, 10, {A: 3}),
    Offer("Y", 50, 20, {A: 4, B: 2}, ("P",)),
    Offer("P", 10, 5, {}),
    Offer("W", 80, 8, {B: 2}),
    Offer("Z", 30, 2, {C: 3}),
]


def test_the_cheapest_plan_takes_a_prerequisite_first() -> None:
    result = plan_person(request(NEEDS, OFFERS))
    assert result.solver is Solver.OPTIMAL
    assert ids(result) == ["P", "Y"] and result.cost == 60 and result.hours == 25
    p, y = result.lines
    assert p.closes == () and p.reason == "prerequisite of Y"
    assert y.closes == (A, B)
    assert y.reason == "closes fw:a to level 3, fw:b to level 2 by 2026-09-01"
    # 4 h a week: 5 h take 8.75 days (due on day 9), 25 h in all take 43.75 (day 44)
    assert (p.start, p.due) == (AS_OF, AS_OF + timedelta(days=9))
    assert (y.start, y.due) == (p.due, AS_OF + timedelta(days=44))
    assert closing_dates(result) == {A: y.due, B: y.due}
    assert result.weighted_gap_closed == 10 and result.open_gaps == ()


def test_the_quickest_plan_trades_money_for_hours() -> None:
    result = plan_person(request(NEEDS, OFFERS, objective=Objective.TIME))
    assert ids(result) == ["X", "W"]  # 18 h for 180, not 25 h for 60; A is needed now
    assert result.hours == 18 and result.cost == 180
    assert closing_dates(result) == {A: AS_OF + timedelta(days=18), B: AS_OF + timedelta(days=32)}


def test_ties_break_on_the_other_measure() -> None:
    offers = [Offer("slow", 50, 10, {A: 3}), Offer("fast", 50, 5, {A: 3})]
    assert ids(plan_person(request(NEEDS[:1], offers))) == ["fast"]
    offers = [Offer("dear", 90, 5, {A: 3}), Offer("cheap", 50, 5, {A: 3})]
    assert ids(plan_person(request(NEEDS[:1], offers, objective=Objective.TIME))) == ["cheap"]


def test_a_budget_closes_the_most_weighted_gap_and_says_what_it_left() -> None:
    offers = [Offer("X", 50, 1, {A: 3}), Offer("W", 40, 1, {B: 2}), Offer("V", 80, 1, {B: 2})]
    result = plan_person(request(NEEDS, offers, budget=60))
    assert ids(result) == ["X"]  # 6 of weighted gap for 50 beats 4 for 40
    (gap,) = result.open_gaps
    assert gap.competency == B and gap.weight == 2
    assert gap.reason == (
        "left open for the budget: the cheapest way (W) costs 40.00 and 10.00 is left after "
        "the gaps closed first"
    )
    result = plan_person(request(NEEDS, OFFERS, budget=55))
    assert result.lines == ()
    assert [g.reason for g in result.open_gaps] == [
        "the cheapest way (Y and 1 prerequisite) costs 60.00, more than the whole budget of 55.00",
    ] * 2


def test_a_deadline_caps_the_hours_and_the_schedule_ends_in_time() -> None:
    offers = [
        Offer("X", 100, 10, {A: 3}),
        Offer("X2", 20, 30, {A: 3}),
        Offer("W", 10, 8, {B: 2}),
    ]
    assert ids(plan_person(request(NEEDS, offers))) == ["X2", "W"]
    deadline = AS_OF + timedelta(days=28)  # 16 hours at 4 a week
    result = plan_person(request(NEEDS, offers, deadline=deadline))
    assert ids(result) == ["X"] and result.lines[-1].due <= deadline
    (gap,) = result.open_gaps
    assert gap.reason == (
        "left open for the deadline: the quickest way (W) takes 8 h and 6 h are left after "
        "the gaps closed first"
    )
    result = plan_person(request(NEEDS, offers, deadline=AS_OF + timedelta(days=7)))
    assert result.lines == ()
    assert result.open_gaps[0].reason == (
        "the quickest way (X) takes 10 h, more than the 4 h until the deadline"
    )


def test_what_no_item_can_close_is_listed_with_why() -> None:
    needs = [Need(C, 4, 2, 1), Need(D, 5, 0, 1), Need(A, 2, None, 3)]
    offers = [*OFFERS, Offer("Q", 10, 1, {A: 5}, ("gone",))]
    result = plan_person(request(needs, offers[:1] + offers[4:]))
    reasons = {g.competency: g.reason for g in result.open_gaps}
    assert reasons == {
        C: "no catalog item reaches level 4 (the highest is 3)",
        D: "no catalog item evidences it",
    }
    assert ids(result) == ["X"]
    result = plan_person(request([Need(A, 5, None, 3)], offers))
    assert result.open_gaps[0].reason == (
        "the catalog items that reach level 5 need prerequisites that are not in the catalog"
    )


def test_completed_items_are_free_and_may_meet_a_need_already() -> None:
    offers = [replace(o, done=o.item_id == "P") for o in OFFERS]
    result = plan_person(request(NEEDS, offers))
    assert ids(result) == ["Y"] and result.cost == 50
    offers = [replace(o, done=o.item_id == "W") for o in OFFERS]
    result = plan_person(request(NEEDS, offers))
    assert [(m.competency, m.item_id) for m in result.met] == [(B, "W")]
    assert ids(result) == ["P", "Y"]  # Y is still the cheapest way to A
    assert result.lines[1].closes == (A,)
    assert closing_dates(result)[B] == AS_OF


def test_needs_already_met_are_not_planned() -> None:
    result = plan_person(request([Need(A, 3, 3, 3), Need(B, 2, 4, 1)], OFFERS))
    assert result.lines == () and result.open_gaps == () and result.met == ()


def test_a_competency_needed_now_and_higher_later() -> None:
    needs = [Need(A, 2, 1, 3), Need(A, 4, 1, 3, date(2027, 6, 1))]
    offers = [Offer("A2", 10, 4, {A: 2}), Offer("A4", 100, 20, {A: 4})]
    result = plan_person(request(needs, offers))
    assert ids(result) == ["A4"]  # one item reaches both levels: 100, not 110
    assert closing_dates(result) == {A: result.lines[0].due}
    result = plan_person(request(needs, offers, budget=50))
    assert ids(result) == ["A2"] and [g.required for g in result.open_gaps] == [4]
    assert closing_dates(result) == {}  # the competency's gap is not closed while one is open


def test_the_schedule_follows_urgency_and_notes_late_items() -> None:
    needs = [Need(A, 3, None, 1, date(2026, 12, 1)), Need(B, 3, None, 1, date(2026, 6, 10))]
    offers = [
        Offer("a-course", 10, 4, {A: 3}),
        Offer("b-course", 10, 20, {B: 3}, ("b-intro",)),
        Offer("b-intro", 10, 0, {}),
    ]
    result = plan_person(request(needs, offers))
    assert ids(result) == ["b-intro", "b-course", "a-course"]
    intro, course, _ = result.lines
    assert intro.start == intro.due == AS_OF  # a zero-hour item starts and ends the same day
    assert course.due == AS_OF + timedelta(days=35)
    assert course.reason.endswith("; due 2026-07-06, after fw:b is needed (2026-06-10)")
    assert "1 item(s) due after" in result.note


def test_the_greedy_answers_when_the_solver_has_no_time() -> None:
    result = plan_person(request(NEEDS, OFFERS, time_limit=0))
    assert result.solver is Solver.GREEDY
    assert "time limit 0, MILP not run" in result.note
    assert ids(result) == ["P", "Y"]


def test_the_solver_sees_past_the_best_ratio_where_the_greedy_does_not() -> None:
    needs = [Need(A, 3, None, 1), Need(B, 5, None, 3)]  # weighted gaps 3 and 15
    offers = [Offer("small", 10, 1, {A: 3}), Offer("big", 100, 1, {B: 5})]
    greedy = plan_person(request(needs, offers, budget=100, time_limit=0))
    assert ids(greedy) == ["small"]  # 0.3 of gap per unit of cost, then "big" does not fit
    exact = plan_person(request(needs, offers, budget=100))
    assert ids(exact) == ["big"] and exact.weighted_gap_closed == 15


def test_the_same_request_gives_the_same_plan_whatever_the_order() -> None:
    rng = random.Random(4)
    offers = [
        Offer(f"i{k}", float(rng.randrange(0, 5) * 10), float(rng.randrange(1, 4)),
              {rng.choice((A, B, C)): float(rng.randrange(1, 6))})
        for k in range(40)
    ]  # fmt: skip
    needs = [Need(A, 3, None, 3), Need(B, 4, 1, 2), Need(C, 2, None, 1)]
    first = plan_person(request(needs, offers, budget=30))
    shuffled = offers[:]
    rng.shuffle(shuffled)
    again = plan_person(request(needs[::-1], shuffled, budget=30))
    assert (first.lines, first.open_gaps) == (again.lines, again.open_gaps)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValidationError, match="budget"):
        request(NEEDS, OFFERS, budget=-1)
    with pytest.raises(ValidationError, match="hours per week"):
        request(NEEDS, OFFERS, hours_per_week=0)
    with pytest.raises(ValidationError, match="offered twice"):
        plan_person(request(NEEDS, [*OFFERS, OFFERS[0]]))
    loop = [Offer("L1", 1, 1, {A: 5}, ("L2",)), Offer("L2", 1, 1, {}, ("L1",))]
    with pytest.raises(ValidationError, match="loop"):
        plan_person(request(NEEDS, loop))
    with pytest.raises(ValidationError, match="from 0 to 5"):
        Need(A, 6, None, 1)


# -- against brute force ----------------------------------------------------------------

COMPETENCIES = (A, B, C, D)
LEVELS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0)
TAUGHT = (2.0, 3.0, 4.0, 5.0)  # items mostly teach above what people hold


@st.composite
def offer_lists(draw: st.DrawFn, most: int = 8) -> list[Offer]:
    count = draw(st.sampled_from(range(2, most + 1)))
    names = [f"i{k}" for k in draw(st.permutations(range(count)))]  # ids not in build order
    offers = []
    for k, name in enumerate(names):
        levels = draw(st.dictionaries(st.sampled_from(COMPETENCIES), st.sampled_from(TAUGHT),
                                      min_size=k % 3 != 2, max_size=2))  # fmt: skip
        pres = draw(st.lists(st.sampled_from(names[:k]), unique=True, max_size=2)) if k else []
        offers.append(
            Offer(
                name,
                float(draw(st.sampled_from(range(0, 130, 10)))),
                float(draw(st.sampled_from((0, 1, 2, 5, 8, 13)))),
                levels,
                tuple(pres),
                done=draw(st.integers(0, 5)) == 0,
            )
        )
    return offers


@st.composite
def need_lists(draw: st.DrawFn, most: int = 4) -> list[Need]:
    needs = []
    for _ in range(draw(st.sampled_from(range(min(2, most), most + 1)))):
        required = draw(st.sampled_from(LEVELS[:-1]))
        held = draw(st.sampled_from((None, 0.0, 1.0, 1.0, 2.0, 3.0)))
        when = draw(st.one_of(st.none(), st.integers(0, 400).map(lambda d: AS_OF + timedelta(d))))
        needs.append(Need(draw(st.sampled_from(COMPETENCIES)), required, held,
                          draw(st.integers(1, 3)), when))  # fmt: skip
    return needs


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    # sampled_from draws evenly; integers() favours its bounds, and a 0 budget plans nothing
    budget = draw(st.one_of(st.none(), st.sampled_from(range(0, 260, 10)).map(float)))
    days = st.sampled_from(range(121)).map(lambda d: AS_OF + timedelta(d))
    deadline = draw(st.one_of(st.none(), days))
    return request(
        draw(need_lists()),
        draw(offer_lists()),
        objective=draw(st.sampled_from((Objective.COST, Objective.TIME))),
        budget=budget,
        deadline=deadline,
    )


def reaches(offer: Offer, need: Need) -> bool:
    return offer.levels.get(need.competency, -1.0) >= need.required


def to_plan(req: PlanRequest) -> list[Need]:
    """The needs with a gap that no completed item meets."""
    done = [o for o in req.offers if o.done]
    return [n for n in req.needs if n.gap > 0 and not any(reaches(o, n) for o in done)]


def brute_force(req: PlanRequest) -> tuple[float, float, float]:
    """The best (weighted gap closed, cost, hours) over every prerequisite-closed item set."""
    offers = {o.item_id: o for o in req.offers}
    done = {o.item_id for o in req.offers if o.done}
    needs = to_plan(req)
    cap = capacity_hours(req.as_of, req.deadline, req.hours_per_week)
    free = sorted(set(offers) - done)
    best: tuple[float, float, float] | None = None
    for size in range(len(free) + 1):
        for chosen in combinations(free, size):
            if any(p not in chosen and p not in done
                   for i in chosen for p in offers[i].prerequisites):  # fmt: skip
                continue
            cost = sum(offers[i].cost for i in chosen)
            hours = sum(offers[i].hours for i in chosen)
            if (req.budget is not None and cost > req.budget + TOL) or (
                cap is not None and hours > cap + TOL
            ):
                continue
            gain = sum(n.weighted_gap for n in needs if any(reaches(offers[i], n) for i in chosen))
            key = (-gain, hours, cost) if req.objective is Objective.TIME else (-gain, cost, hours)
            if best is None or key < best:
                best = key
    assert best is not None
    if req.objective is Objective.TIME:
        return (-best[0], best[2], best[1])
    return (-best[0], best[1], best[2])


def check_feasible(req: PlanRequest, result: PlanResult) -> None:
    offers = {o.item_id: o for o in req.offers}
    done = {o.item_id for o in req.offers if o.done}
    seen: set[str] = set()
    for line in result.lines:
        offer = offers[line.item_id]
        assert not offer.done and line.item_id not in seen
        assert all(p in seen or p in done for p in offer.prerequisites)
        assert all(
            any(reaches(offer, n) for n in req.needs if n.competency == ref) for ref in line.closes
        )
        seen.add(line.item_id)
    for before, after in zip(result.lines, result.lines[1:], strict=False):
        assert before.due == after.start
    if req.budget is not None:
        assert result.cost <= req.budget + TOL
    if req.deadline is not None and result.lines:
        assert result.lines[-1].due <= max(req.deadline, req.as_of)
    taken = [offers[line.item_id] for line in result.lines]
    still_open = {(g.competency, g.required) for g in result.open_gaps}
    for need in to_plan(req):
        closed = any(reaches(o, need) for o in taken)
        assert closed != ((need.competency, need.required) in still_open)
    total = sum(n.weighted_gap for n in to_plan(req))
    assert result.weighted_gap_closed + result.weighted_gap_open == pytest.approx(total)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_the_plan_is_optimal_and_feasible(req: PlanRequest) -> None:
    result = plan_person(req)
    assert result.solver is Solver.OPTIMAL, result.note
    check_feasible(req, result)
    gain, cost, hours = brute_force(req)
    assert result.weighted_gap_closed == pytest.approx(gain, abs=TOL)
    assert result.cost == pytest.approx(cost, abs=TOL)
    assert result.hours == pytest.approx(hours, abs=TOL)
    again = plan_person(req)
    assert (again.lines, again.open_gaps, again.met) == (result.lines, result.open_gaps, result.met)


@settings(max_examples=150, deadline=None)
@given(requests())
def test_the_greedy_is_feasible_and_never_beats_the_optimum(req: PlanRequest) -> None:
    result = plan_person(replace(req, time_limit=0))
    assert result.solver is Solver.GREEDY or result.note.startswith("nothing to plan")
    check_feasible(req, result)
    gain, cost, hours = brute_force(req)
    assert result.weighted_gap_closed <= gain + TOL
    if result.weighted_gap_closed >= gain - TOL:
        if req.objective is Objective.TIME:
            assert result.hours >= hours - TOL
        else:
            assert result.cost >= cost - TOL
