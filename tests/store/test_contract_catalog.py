"""The storage contract for the catalog, pathways, pathway awards and plans: each test takes
the ``store`` fixture, so it runs on MemoryStore, SQLite and PostgreSQL (skipped without
SKILLGAP_TEST_POSTGRES_URL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgap.domain import AssessmentType, CompetencyRef, IssuerTier
from skillgap.domain.catalog import MAX_COST, MAX_HOURS, CatalogItem, ItemKind, Outcome
from skillgap.domain.credentials import MAX_VALIDITY_DAYS
from skillgap.domain.pathways import AwardMode, AwardState, Pathway, Step, Unit, UnitKind
from skillgap.domain.plans import Objective, OpenGap, Plan, PlanLine, PlanScope, Solver
from skillgap.errors import ConflictError, NotFoundError
from skillgap.store import Store
from tests.store.builders import (
    ITEM,
    PATHWAY,
    PERSON,
    PYTHON,
    SQL,
    Boom,
    add_person,
    make_item,
    make_pathway,
    make_pathway_award,
    make_person,
    make_plan,
    with_item,
    with_pathway_and_person,
)

# --------------------------------------------------------------------------- catalog items


def test_a_catalog_item_round_trips_every_field(store: Store) -> None:
    full = make_item("a", ITEM)
    bare = CatalogItem("b", "Bare", "")  # every default: None, empty tuples, unknown tiers
    with store.transaction() as ws:
        ws.catalog.add_all([full, bare, make_item(ITEM)])
    with store.transaction() as ws:
        found = ws.catalog.get("a")
        assert ws.catalog.get("b") == bare
        assert ws.catalog.find("zz") is None
    assert found == full
    assert found.cost == 1234.5 and found.hours == 12.75 and found.valid_for_days == 730
    assert found.outcomes == (Outcome(SQL, 3), Outcome(PYTHON, 2))  # in the order given
    assert found.kind is ItemKind.CERTIFICATION and found.prerequisites == (ITEM,)


def test_items_of_one_batch_may_need_each_other(store: Store) -> None:
    items = [make_item("c", "b", "a"), make_item("b", "a"), make_item("a")]  # needers first
    with store.transaction() as ws:
        ws.catalog.add_all(items)
    with store.transaction() as ws:
        assert ws.catalog.list() == sorted(items, key=lambda i: i.id)
        assert ws.catalog.get("c").prerequisites == ("b", "a")  # in the order given


def test_an_item_needing_an_unknown_item_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        with pytest.raises(
            ConflictError,
            match="catalog item 'b' refers to catalog item 'zz', which the workspace does not hold",
        ):
            ws.catalog.add_all([make_item("a"), make_item("b", "a", "zz")])
        assert ws.catalog.count() == 0  # the batch wrote nothing
        ws.catalog.add(make_item("a"))  # and the transaction goes on
    with store.transaction() as ws:
        assert [i.id for i in ws.catalog.list()] == ["a"]


def test_prerequisites_that_would_loop_are_refused(store: Store) -> None:
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="loop"):
            ws.catalog.add_all([make_item("a", "b"), make_item("b", "a")])
        ws.catalog.add_all([make_item("a"), make_item("b", "a")])
        with pytest.raises(ConflictError, match="catalog item prerequisites loop"):
            ws.catalog.put(make_item("a", "b"))
        assert ws.catalog.get("a").prerequisites == ()


def test_put_replaces_an_item_with_its_outcomes_and_prerequisites(store: Store) -> None:
    with store.transaction() as ws:
        ws.catalog.add_all([make_item("a"), make_item("b"), make_item("c", "a", "b")])
    changed = make_item("c", "b", outcomes=(), cost=0.0, valid_for_days=None, url=None)
    with store.transaction() as ws:
        ws.catalog.put(changed)
        ws.catalog.put(make_item("d"))  # put of a new id adds it
    with store.transaction() as ws:
        assert ws.catalog.get("c") == changed
        assert ws.catalog.count() == 4
        ws.catalog.remove("a")  # no longer needed by c


def test_remove_takes_an_item_and_its_child_rows(store: Store) -> None:
    with store.transaction() as ws:
        ws.catalog.add_all([make_item("a"), make_item("b", "a")])
    with store.transaction() as ws:
        ws.catalog.remove("b")
        assert ws.catalog.find("b") is None
        ws.catalog.remove("a")  # nothing needs it any more
    with store.transaction() as ws:
        assert ws.catalog.count() == 0
        ws.catalog.add_all([make_item("a"), make_item("b", "a")])  # the same ids again


def test_remove_of_a_missing_item_raises_not_found(store: Store) -> None:
    with store.transaction() as ws, pytest.raises(NotFoundError, match="'nope'"):
        ws.catalog.remove("nope")


def test_remove_of_an_item_another_needs_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        ws.catalog.add_all([make_item("a"), make_item("c", "a"), make_item("b", "a")])
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="catalog item 'a' is needed by 'b'"):
            ws.catalog.remove("a")
        ws.catalog.add(make_item("d"))  # the transaction goes on
    with store.transaction() as ws:
        assert [i.id for i in ws.catalog.list()] == ["a", "b", "c", "d"]


def test_remove_of_an_item_a_pathway_uses_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        with_item(ws)
        ws.pathways.add(make_pathway("p-2"))
        ws.pathways.add(make_pathway("p-1"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match=f"catalog item '{ITEM}' is used by pathway 'p-1'"):
            ws.catalog.remove(ITEM)
        assert ws.catalog.count() == 1


# --------------------------------------------------------------------------- pathways


def test_a_pathway_round_trips_every_field(store: Store) -> None:
    full = make_pathway("p")
    bare = Pathway("q", "", (Step("s", "", (Unit(UnitKind.ACHIEVEMENT, "a"),)),))
    with store.transaction() as ws:
        with_item(ws)
        ws.pathways.add_all([full, bare])
    with store.transaction() as ws:
        assert ws.pathways.get("p") == full
        found = ws.pathways.get("q")
    assert found == bare and found.awards is None and found.mode is AwardMode.REVIEW
    assert found.steps[0].count is None and found.steps[0].after == ()


def test_a_pathway_naming_an_unknown_catalog_item_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        with pytest.raises(
            ConflictError,
            match="pathway 'p', step 'basics', refers to catalog item 'ci-1', which the",
        ):
            ws.pathways.add(make_pathway("p"))
        with_item(ws)
        ws.pathways.add(make_pathway("p"))
        with pytest.raises(ConflictError, match="catalog item 'gone'"):
            ws.pathways.put(make_pathway("p", item="gone"))
    with store.transaction() as ws:
        assert ws.pathways.get("p") == make_pathway("p")


def test_put_replaces_a_pathway(store: Store) -> None:
    with store.transaction() as ws:
        with_item(ws)
        ws.pathways.add(make_pathway("p"))
    changed = make_pathway(
        "p", awards=None, mode=AwardMode.REVIEW, steps=make_pathway("p").steps[:1]
    )
    with store.transaction() as ws:
        ws.pathways.put(changed)
    with store.transaction() as ws:
        assert ws.pathways.list() == [changed]


def test_remove_of_a_pathway(store: Store) -> None:
    with store.transaction() as ws:
        with_pathway_and_person(ws)
        ws.pathways.add(make_pathway("p-2"))
        ws.pathway_awards.add(make_pathway_award("pa-2"))
        ws.pathway_awards.add(make_pathway_award("pa-1"))
    with store.transaction() as ws:
        with pytest.raises(NotFoundError, match="no pathway 'p-9'"):
            ws.pathways.remove("p-9")
        with pytest.raises(
            ConflictError, match=f"pathway '{PATHWAY}' is referred to by pathway award 'pa-1'"
        ):
            ws.pathways.remove(PATHWAY)
        ws.pathways.remove("p-2")
    with store.transaction() as ws:
        assert [p.id for p in ws.pathways.list()] == [PATHWAY]
        with pytest.raises(ConflictError, match="used by pathway"):  # still, by the other one
            ws.catalog.remove(ITEM)


# --------------------------------------------------------------------------- pathway awards


def test_a_pathway_award_round_trips_every_field(store: Store) -> None:
    full = make_pathway_award("pa-1")
    bare = make_pathway_award(
        "pa-2", state=AwardState.PENDING, decided_by=None, decided_at=None, issued_id=None, note=""
    )
    with store.transaction() as ws:
        with_pathway_and_person(ws)
        ws.pathway_awards.add_all([full, bare])
    with store.transaction() as ws:
        assert ws.pathway_awards.list() == [full, bare]
        found = ws.pathway_awards.get("pa-1")
    assert found.completed_at.utcoffset() is not None and found.completed_at == full.completed_at
    assert found.units == ("aw-2", "aw-1")


def test_pathway_awards_for_a_person(store: Store) -> None:
    with store.transaction() as ws:
        with_pathway_and_person(ws)
        ws.people.add(make_person("E2"))
        ws.pathway_awards.add_all(
            [
                make_pathway_award("pa-3"),
                make_pathway_award("pa-2", person_id="E2"),
                make_pathway_award("pa-1"),
            ]
        )
    with store.transaction() as ws:
        assert [a.id for a in ws.pathway_awards.for_person(PERSON)] == ["pa-1", "pa-3"]
        assert [a.id for a in ws.pathway_awards.for_person("E2")] == ["pa-2"]
        assert ws.pathway_awards.for_person("E9") == []


def test_put_records_a_reviewers_decision(store: Store) -> None:
    pending = make_pathway_award(
        "pa-1", state=AwardState.PENDING, decided_by=None, decided_at=None, issued_id=None
    )
    with store.transaction() as ws:
        with_pathway_and_person(ws)
        ws.pathway_awards.add(pending)
    decided = make_pathway_award("pa-1", state=AwardState.REJECTED, issued_id=None)
    with store.transaction() as ws:
        ws.pathway_awards.put(decided)
    with store.transaction() as ws:
        assert ws.pathway_awards.get("pa-1") == decided
        assert ws.pathway_awards.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"person_id": "E9"}, "pathway award 'pa-1' refers to person 'E9', which the"),
        ({"pathway_id": "p-9"}, "pathway award 'pa-1' refers to pathway 'p-9', which the"),
    ],
    ids=["person", "pathway"],
)
def test_a_pathway_award_must_refer_to_what_the_workspace_holds(
    store: Store, changes: dict[str, str], message: str
) -> None:
    with store.transaction() as ws:
        with_pathway_and_person(ws)
        with pytest.raises(ConflictError, match=message):
            ws.pathway_awards.add(make_pathway_award("pa-1", **changes))
        ws.pathway_awards.add(make_pathway_award("pa-2"))
    with store.transaction() as ws:
        assert [a.id for a in ws.pathway_awards.list()] == ["pa-2"]


# --------------------------------------------------------------------------- plans


def test_a_plan_round_trips_every_field(store: Store) -> None:
    full = make_plan("plan-1")
    bare = Plan(
        "plan-2",
        PlanScope.ORGANISATION,
        "Tidewell",
        datetime(2026, 1, 1, tzinfo=UTC),
        "cli",
        date(2026, 1, 1),
        Objective.COST,
        Solver.OPTIMAL,
    )
    with store.transaction() as ws:
        add_person(ws)
        ws.plans.add_all([full, bare])
    with store.transaction() as ws:
        assert ws.plans.list() == [full, bare]
        found = ws.plans.get("plan-1")
    assert found.lines == full.lines and found.open_gaps == full.open_gaps
    assert found.lines[0].hours == 100 / 3 and found.open_gaps[0].held is None
    assert found.cost == 1234.5 and found.created_at == full.created_at


def test_plans_for_a_subject_oldest_first(store: Store) -> None:
    at = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    plans = [
        make_plan("p-b", created_at=at),
        make_plan("p-a", created_at=at),  # the same time: by id
        make_plan("p-0", created_at=at + timedelta(seconds=1)),
        make_plan("p-z", created_at=at.astimezone(timezone(timedelta(hours=-5))) - timedelta(1)),
        make_plan("p-t", scope=PlanScope.TEAM, lines=(), open_gaps=()),
        make_plan("p-o", subject="E2", lines=(), open_gaps=()),
    ]
    with store.transaction() as ws:
        add_person(ws)
        ws.plans.add_all(plans)
    with store.transaction() as ws:
        found = ws.plans.for_subject(PlanScope.PERSON, PERSON)
        assert [p.id for p in found] == ["p-z", "p-a", "p-b", "p-0"]
        assert found[0] == plans[3]
        assert [p.id for p in ws.plans.for_subject(PlanScope.TEAM, PERSON)] == ["p-t"]
        assert ws.plans.for_subject(PlanScope.DEPARTMENT, PERSON) == []


@pytest.mark.parametrize("where", ["line", "open gap"])
def test_a_plan_for_an_unknown_person_is_refused(store: Store, where: str) -> None:
    plan = make_plan("plan-1")
    if where == "line":
        day = date(2026, 1, 1)
        plan = make_plan("plan-1", lines=(*plan.lines, PlanLine("E9", ITEM, (), 1, 1, day, day)))
    else:
        gap = OpenGap("E9", CompetencyRef("fw", "x"), 1.0, None, 1, "none")
        plan = make_plan("plan-1", open_gaps=(*plan.open_gaps, gap))
    with store.transaction() as ws:
        add_person(ws)
        with pytest.raises(ConflictError, match="plan 'plan-1' refers to person 'E9', which the"):
            ws.plans.add(plan)
        assert ws.plans.count() == 0
        ws.plans.add(make_plan("plan-2"))
    with store.transaction() as ws:
        assert [p.id for p in ws.plans.list()] == ["plan-2"]


def test_a_failed_transaction_leaves_no_catalog_pathway_or_plan(store: Store) -> None:
    with pytest.raises(Boom), store.transaction() as ws:
        with_pathway_and_person(ws)
        ws.catalog.add(make_item("b", ITEM))
        ws.pathway_awards.add(make_pathway_award("pa-1"))
        ws.plans.add(make_plan("plan-1"))
        raise Boom
    with store.transaction() as ws:
        assert ws.catalog.count() == ws.pathways.count() == 0
        assert ws.pathway_awards.count() == ws.plans.count() == 0


# --------------------------------------------------------------------------- properties

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
NAME = TEXT.filter(lambda s: bool(s.strip()))
REFS = st.builds(CompetencyRef, NAME, NAME)
MONEY = st.floats(0.0, MAX_COST, allow_nan=False)
AWARE = st.datetimes(
    datetime(1900, 1, 2),
    datetime(2200, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
)
DATES = st.dates(date(1900, 1, 1), date(2200, 1, 1))
PRE = ("pre-1", "pre-\u00e4")
SLOW = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

items = st.builds(
    CatalogItem,
    id=NAME.filter(lambda s: s not in PRE),
    name=NAME,
    provider=TEXT,
    kind=st.sampled_from(ItemKind),
    internal=st.booleans(),
    outcomes=st.dictionaries(REFS, st.integers(1, 2**31 - 1), max_size=4).map(
        lambda d: tuple(Outcome(ref, level) for ref, level in d.items())
    ),
    hours=st.floats(0.0, MAX_HOURS, allow_nan=False),
    cost=MONEY,
    issuer_tier=st.sampled_from(IssuerTier),
    assessment=st.sampled_from(AssessmentType),
    prerequisites=st.lists(st.sampled_from(PRE), unique=True).map(tuple),
    valid_for_days=st.none() | st.integers(1, MAX_VALIDITY_DAYS),
    achievement_id=st.none() | TEXT,
    url=st.none() | TEXT,
    description=TEXT,
)


@SLOW
@given(item=items)
def test_any_catalog_item_round_trips(store: Store, item: CatalogItem) -> None:
    with pytest.raises(Boom), store.transaction() as ws:  # rolled back: the next example
        ws.catalog.add_all([CatalogItem(p, p, "") for p in PRE])
        ws.catalog.add(item)
        assert ws.catalog.get(item.id) == item
        raise Boom


def _line(draw: st.DrawFn) -> PlanLine:
    start = draw(DATES)
    return PlanLine(
        person_id=draw(st.sampled_from([PERSON, "\u00e42"])),
        item_id=draw(NAME),
        closes=tuple(draw(st.lists(REFS, max_size=3))),
        cost=draw(MONEY),
        hours=draw(st.floats(0.0, MAX_HOURS, allow_nan=False)),
        start=start,
        due=start + timedelta(days=draw(st.integers(0, 1000))),
        reason=draw(TEXT),
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    gaps = st.builds(
        OpenGap,
        person_id=st.just(PERSON),
        competency=REFS,
        required=st.floats(0.0, 5.0),
        held=st.none() | st.floats(0.0, 5.0),
        weight=st.integers(0, 10),
        reason=TEXT,
    )
    return Plan(
        id=draw(NAME),
        scope=draw(st.sampled_from(PlanScope)),
        subject=draw(TEXT),
        created_at=draw(AWARE),
        created_by=draw(TEXT),
        as_of=draw(DATES),
        objective=draw(st.sampled_from(Objective)),
        solver=draw(st.sampled_from(Solver)),
        lines=tuple(_line(draw) for _ in range(draw(st.integers(0, 3)))),
        open_gaps=tuple(draw(st.lists(gaps, max_size=3))),
        budget=draw(st.none() | MONEY),
        deadline=draw(st.none() | DATES),
        target_role=draw(st.none() | TEXT),
        horizon=draw(st.none() | DATES),
        hours_per_week=draw(st.floats(0.0, 168.0, exclude_min=True)),
        note=draw(TEXT),
    )


@SLOW
@given(plan=plans())
def test_any_plan_round_trips(store: Store, plan: Plan) -> None:
    with pytest.raises(Boom), store.transaction() as ws:
        ws.people.add_all([make_person(PERSON), make_person("\u00e42")])
        ws.plans.add(plan)
        assert ws.plans.get(plan.id) == plan
        raise Boom
