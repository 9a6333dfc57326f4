from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillgap.analysis.gaps import GapStatus, furthest, group_by, person_gap, priorities
from skillgap.analysis.inventory import View, build_inventory
from skillgap.domain import SourceKind
from tests.analysis.builders import ANA, BEN, CONTEXT, ROLE, SQL, TALK, VIZ, obs

C, M, S, INF = SourceKind.CREDENTIAL, SourceKind.MANAGER, SourceKind.SELF, SourceKind.INFERRED


def test_a_claim_never_overrides_verified_evidence() -> None:
    inv = build_inventory([obs("E1", SQL, 2, C), obs("E1", SQL, 5, S)], CONTEXT)
    holding = inv.holding("E1", SQL)
    assert holding is not None
    best = holding.reading(View.BEST_AVAILABLE)
    assert best is not None and best.level == 2.0 and best.observation.source is C


def test_several_credentials_give_the_highest_verified_level() -> None:
    inv = build_inventory([obs("E1", SQL, 2, C), obs("E1", SQL, 4, C)], CONTEXT)
    holding = inv.holding("E1", SQL)
    assert holding is not None and holding.verified is not None
    assert holding.verified.level == 4.0


def test_best_available_falls_back_manager_then_self_and_takes_the_latest() -> None:
    inv = build_inventory(
        [
            obs("E1", SQL, 4, S, on=date(2026, 1, 1)),
            obs("E1", SQL, 2, S, on=date(2026, 5, 1)),
            obs("E1", VIZ, 1, S),
            obs("E1", VIZ, 3, M),
        ],
        CONTEXT,
    )
    sql, viz = inv.holding("E1", SQL), inv.holding("E1", VIZ)
    assert sql is not None and viz is not None
    assert sql.reading(View.VERIFIED) is None
    best_sql, best_viz = sql.reading(View.BEST_AVAILABLE), viz.reading(View.BEST_AVAILABLE)
    assert best_sql is not None and best_sql.level == 2.0  # the later self rating
    assert best_viz is not None and best_viz.observation.source is M


def test_inferred_levels_never_enter_a_view() -> None:
    inv = build_inventory([obs("E1", SQL, 5, INF)], CONTEXT)
    holding = inv.holding("E1", SQL)
    assert holding is not None and holding.inferred is not None
    assert holding.reading(View.VERIFIED) is None
    assert holding.reading(View.BEST_AVAILABLE) is None


def test_levels_on_other_scales_are_compared_through_the_mapping() -> None:
    # KPM "Mastery" (3) sits at 4 on 0-5: it meets a level-3 requirement.
    inv = build_inventory([obs("E1", SQL, 3, M, scale="kpm")], CONTEXT)
    gap = person_gap(ANA, ROLE, inv, CONTEXT, view=View.BEST_AVAILABLE)
    sql = next(i for i in gap.items if i.requirement.competency == SQL)
    assert sql.held == 4.0 and sql.status is GapStatus.MET


def test_person_gap_statuses_and_weighted_readiness() -> None:
    inv = build_inventory([obs("E1", SQL, 3, C), obs("E1", VIZ, 1, C)], CONTEXT)
    gap = person_gap(ANA, ROLE, inv, CONTEXT)
    by_ref = {i.requirement.competency: i for i in gap.items}
    assert by_ref[SQL].status is GapStatus.MET
    assert by_ref[VIZ].status is GapStatus.PARTIAL and by_ref[VIZ].gap == 1.0
    assert by_ref[TALK].status is GapStatus.MISSING and by_ref[TALK].gap == 4.0
    # weights 3, 2, 1; coverage 1, 1/2, 0 -> (3 + 1) / 6
    assert gap.readiness == pytest.approx(100 * 4 / 6)
    assert [i.requirement.competency for i in gap.open_items] == [TALK, VIZ]


def test_the_future_profile_raises_the_bar() -> None:
    inv = build_inventory(
        [obs("E1", SQL, 3, C), obs("E1", VIZ, 2, C), obs("E1", TALK, 4, C)], CONTEXT
    )
    assert person_gap(ANA, ROLE, inv, CONTEXT).readiness == 100.0
    future = person_gap(ANA, ROLE, inv, CONTEXT, horizon=date(2027, 12, 31))
    assert future.readiness < 100.0
    assert [(i.requirement.competency, i.gap) for i in future.open_items] == [(VIZ, 2.0)]


def test_roll_ups_rank_competencies_departments_and_people() -> None:
    inv = build_inventory([obs("E1", SQL, 3, C), obs("E2", TALK, 4, C)], CONTEXT)
    gaps = [person_gap(p, ROLE, inv, CONTEXT) for p in (ANA, BEN)]
    ranked = priorities(gaps)
    # VIZ: both short by 2 (weight 2) = 8; SQL: Ben short by 3 (weight 3) = 9; TALK: Ana 4 x 1
    assert [(p.competency, p.weighted_gap, p.people_short) for p in ranked] == [
        (SQL, 9.0, 1),
        (VIZ, 8.0, 2),
        (TALK, 4.0, 1),
    ]
    groups = group_by(gaps, lambda p: p.department)
    assert [g.name for g in groups] == ["Ops", "Data"]  # Ben is less ready than Ana
    assert [g.person.employee_id for g in furthest(gaps, 1)] == ["E2"]


levels = st.integers(min_value=0, max_value=5)


@given(sql=levels, viz=levels, extra=levels, which=st.sampled_from([SQL, VIZ, TALK]))
def test_adding_evidence_never_increases_a_gap(sql: int, viz: int, extra: int, which) -> None:  # type: ignore[no-untyped-def]
    base = [obs("E1", SQL, sql, C), obs("E1", VIZ, viz, C)]
    before = person_gap(ANA, ROLE, build_inventory(base, CONTEXT), CONTEXT)
    more = [*base, obs("E1", which, extra, C, oid="extra")]
    after = person_gap(ANA, ROLE, build_inventory(more, CONTEXT), CONTEXT)
    for b, a in zip(before.items, after.items, strict=True):
        assert a.gap <= b.gap
    assert after.readiness >= before.readiness


@given(st.lists(st.tuples(st.sampled_from([SQL, VIZ, TALK]), levels), max_size=6))
def test_verified_view_is_never_more_ready_than_best_available(claims) -> None:  # type: ignore[no-untyped-def]
    observations = [obs("E1", ref, lvl, S, oid=f"s{i}") for i, (ref, lvl) in enumerate(claims)]
    observations.append(obs("E1", SQL, 2, C))
    inv = build_inventory(observations, CONTEXT)
    verified = person_gap(ANA, ROLE, inv, CONTEXT, view=View.VERIFIED)
    best = person_gap(ANA, ROLE, inv, CONTEXT, view=View.BEST_AVAILABLE)
    assert verified.readiness <= best.readiness


def test_meeting_every_requirement_leaves_no_gap() -> None:
    inv = build_inventory([obs("E1", r.competency, 5, C) for r in ROLE.requirements], CONTEXT)
    for horizon in (None, date(2027, 12, 31)):
        gap = person_gap(ANA, ROLE, inv, CONTEXT, horizon=horizon)
        assert gap.open_items == () and gap.readiness == 100.0


def test_a_level_zero_requirement_is_always_met() -> None:
    from skillgap.domain import Importance, Requirement, Role

    role = Role("r", "R", requirements=(Requirement(SQL, 0, Importance.CRITICAL),))
    gap = person_gap(ANA, role, build_inventory([], CONTEXT), CONTEXT)
    [item] = gap.items
    assert item.status is GapStatus.MET and item.gap == 0 and gap.readiness == 100.0


def test_people_whose_role_requires_nothing_leave_the_means_and_the_furthest() -> None:
    from skillgap.analysis.gaps import mean_readiness
    from skillgap.domain import Role

    empty = Role("empty", "Nothing yet")
    inv = build_inventory([obs("E1", SQL, 3, C)], CONTEXT)
    gaps = [person_gap(ANA, ROLE, inv, CONTEXT), person_gap(BEN, empty, inv, CONTEXT)]
    assert not gaps[1].assessed
    assert mean_readiness(gaps) == gaps[0].readiness < 100
    assert [g.person.employee_id for g in furthest(gaps, 3)] == ["E1"]
    met = person_gap(
        ANA,
        ROLE,
        build_inventory([obs("E1", r.competency, 5, C) for r in ROLE.requirements], CONTEXT),
        CONTEXT,
    )
    assert furthest([met], 3) == []
