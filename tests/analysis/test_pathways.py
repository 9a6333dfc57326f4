"""Progress along stackable pathways: units done by award or by hand, steps complete,
available or locked, the cheapest next units, evidence, and who is owed a credential."""

from __future__ import annotations

from datetime import UTC, datetime

from skillgap.analysis.pathways import (
    Completion,
    Holdings,
    StepState,
    newly_complete,
    pathway_progress,
    progress_rows,
)
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.pathways import (
    AwardMode,
    AwardState,
    Pathway,
    PathwayAward,
    Step,
    StepRule,
    Unit,
    UnitKind,
)

AWARDED = "urn:ach:analyst-pathway"


def item(ident: str, cost: float = 0.0, hours: float = 0.0, ach: str | None = None) -> CatalogItem:
    return CatalogItem(ident, ident.title(), "Acme", cost=cost, hours=hours, achievement_id=ach)


def it(ident: str) -> Unit:
    return Unit(UnitKind.ITEM, ident)


def ach(ident: str) -> Unit:
    return Unit(UnitKind.ACHIEVEMENT, ident)


def day(n: int) -> datetime:
    return datetime(2026, 1, n, tzinfo=UTC)


ITEMS = {
    i.id: i
    for i in (
        item("a", ach="urn:ach:a"),
        item("b"),
        item("c", cost=100, ach="urn:ach:c"),
        item("d", cost=500, hours=10, ach="urn:ach:d"),
        item("e", cost=100, hours=40, ach="urn:ach:e"),
        item("f", cost=100, hours=5, ach="urn:ach:f"),
        item("g", cost=50, ach="urn:ach:y"),  # the catalog's way to achievement Y
    )
}
PATHWAY = Pathway(
    "analyst",
    "Analyst",
    (
        Step("knowledge", "Knowledge", (it("a"), it("b"))),
        Step(
            "proficiency",
            "Proficiency",
            (ach("urn:ach:x"), it("c")),
            StepRule.ANY,
            None,
            ("knowledge",),
        ),
        Step(
            "mastery",
            "Mastery",
            (it("d"), it("e"), ach("urn:ach:z"), it("f"), ach("urn:ach:y")),
            StepRule.N_OF,
            2,
            ("proficiency",),
        ),
    ),
    awards=AWARDED,
    mode=AwardMode.AUTOMATIC,
)


def holds(*awards: tuple[str, str, int], by_hand: tuple[str, ...] = ()) -> Holdings:
    """``awards`` as (achievement id, award id, day of issue)."""
    held: dict[str, list[tuple[str, datetime]]] = {}
    for achievement, award, n in awards:
        held.setdefault(achievement, []).append((award, day(n)))
    return Holdings(held, frozenset(by_hand))


def test_nothing_held_the_first_step_is_open_and_the_rest_locked() -> None:
    p = pathway_progress(PATHWAY, ITEMS, Holdings())
    assert [s.state for s in p.steps] == [StepState.AVAILABLE, StepState.LOCKED, StepState.LOCKED]
    assert [(s.done, s.needed) for s in p.steps] == [(0, 2), (0, 1), (0, 2)]
    assert (p.steps_complete, p.steps_total, p.percent, p.complete) == (0, 3, 0, False)
    assert (p.next_step, p.next_units) == ("knowledge", (it("a"), it("b")))  # all: every unit
    assert p.evidence == () and p.completed_at is None


def test_units_are_done_by_award_or_by_hand_and_unlock_the_next_step() -> None:
    held = holds(("urn:ach:a", "A1", 3), ("urn:ach:a", "A2", 9), by_hand=("b",))
    p = pathway_progress(PATHWAY, ITEMS, held)
    a, b = p.steps[0].units
    assert (a.done, a.award_ids, a.by_hand, a.done_at) == (True, ("A2", "A1"), False, day(3))
    assert (b.done, b.award_ids, b.by_hand) == (True, (), True)
    assert [s.state for s in p.steps] == [StepState.COMPLETE, StepState.AVAILABLE, StepState.LOCKED]
    assert p.steps[0].completed_at is None  # a unit done by hand has no date
    # any: the cheapest missing unit; an achievement without a catalog item comes last
    assert (p.next_step, p.next_units) == ("proficiency", (it("c"),))
    assert p.percent == 40  # 2 of the 5 units the steps need
    assert p.evidence == ("A2",)


def test_n_of_next_units_are_the_cheapest_by_cost_then_hours() -> None:
    held = holds(("urn:ach:a", "A1", 1), ("urn:ach:x", "X1", 2), by_hand=("b",))
    p = pathway_progress(PATHWAY, ITEMS, held)
    assert p.next_step == "mastery"
    # Y through item g (50), then f (100, 5 h) before e (100, 40 h); Z has no catalog item
    assert p.next_units == (ach("urn:ach:y"), it("f"))
    held = holds(("urn:ach:a", "A1", 1), ("urn:ach:x", "X1", 2), ("urn:ach:y", "Y1", 3))
    p = pathway_progress(PATHWAY, ITEMS, Holdings(held.awards, frozenset({"b", "f", "g"})))
    assert p.complete and p.next_units == () and p.next_step is None


def test_a_complete_pathway_gives_its_evidence_and_when_it_was_completed() -> None:
    held = holds(
        ("urn:ach:a", "A1", 1),
        ("urn:ach:b-other", "B0", 1),
        ("urn:ach:c", "C1", 5),
        ("urn:ach:x", "X1", 4),
        ("urn:ach:z", "Z1", 20),
        ("urn:ach:d", "D1", 12),
        ("urn:ach:e", "E1", 15),
        by_hand=("b",),
    )
    p = pathway_progress(PATHWAY, ITEMS, held)
    assert (p.complete, p.percent, p.steps_complete) == (True, 100, 3)
    assert p.evidence == ("A1", "X1", "C1", "D1", "E1", "Z1")  # by step, then unit order
    assert [s.completed_at for s in p.steps] == [None, day(4), day(15)]  # mastery: its 2nd unit
    assert p.completed_at is None  # knowledge was completed by hand
    p = pathway_progress(PATHWAY, ITEMS, Holdings(held.awards, frozenset()))
    assert not p.complete and p.next_units == (it("b"),)
    assert [s.state for s in p.steps] == [
        StepState.AVAILABLE,
        StepState.COMPLETE,  # prior learning counts: the order only says what is next
        StepState.COMPLETE,
    ]


def test_completed_at_is_the_day_the_last_step_had_enough_units() -> None:
    pathway = Pathway("p", "P", (Step("s", "S", (ach("urn:1"), ach("urn:2")), StepRule.ANY),))
    held = holds(("urn:2", "B", 7), ("urn:1", "A", 9), ("urn:2", "B-renewed", 30))
    p = pathway_progress(pathway, {}, held)
    assert p.completed_at == day(7)
    assert p.steps[0].units[1].award_ids == ("B-renewed", "B")


def test_progress_rows_cover_every_person_on_every_pathway() -> None:
    people = {
        "E2": holds(("urn:ach:a", "A1", 1), by_hand=("b",)),
        "E1": Holdings(),
    }
    rows = progress_rows([PATHWAY], ITEMS, people)
    assert [(r.person_id, r.steps_complete, r.percent, r.next_step) for r in rows] == [
        ("E1", 0, 0, "knowledge"),
        ("E2", 1, 40, "proficiency"),
    ]
    assert rows[1].next_units == ("item:c",)
    assert (rows[0].pathway_id, rows[0].pathway_name, rows[0].steps_total) == (
        "analyst",
        "Analyst",
        3,
    )


def test_newly_complete_leaves_out_holders_and_recorded_awards() -> None:
    complete = holds(
        ("urn:ach:a", "A1", 1),
        ("urn:ach:x", "X1", 2),
        ("urn:ach:d", "D1", 3),
        ("urn:ach:f", "F1", 4),
        by_hand=("b",),
    )
    holder = Holdings({**complete.awards, AWARDED: [("ORG1", day(9))]}, complete.done_items)
    people = {
        "E1": complete,
        "E2": holder,  # holds the credential already
        "E3": complete,  # a reviewer turned it down: not proposed again
        "E4": complete,  # pending for the same credential (another pathway id)
        "E5": Holdings(),
    }
    recorded = [
        PathwayAward("W3", "analyst", "E3", AWARDED, day(5), ("A1",), AwardState.REJECTED),
        PathwayAward("W4", "old-analyst", "E4", AWARDED, day(5), ("A1",)),
    ]
    nothing = Pathway("no-award", "No award", (Step("s", "S", (it("a"),)),))
    found = newly_complete([PATHWAY, nothing], ITEMS, people, recorded)
    assert found == [
        Completion("E1", "analyst", AWARDED, AwardMode.AUTOMATIC, ("A1", "X1", "D1", "F1"), None)
    ]
