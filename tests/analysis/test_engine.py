"""The columnar gap engine against the plain-loop reference (tests/analysis/reference_gaps.py)
on random small organisations, and the invariants the issue names."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_build import ObservationColumns
from skillgap.analysis.engine_people import PersonGapTable
from skillgap.analysis.gaps import GapStatus, PersonGap, priorities
from skillgap.analysis.inventory import View
from skillgap.domain import (
    KPM_SCALE,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Observation,
    Person,
    Requirement,
    Role,
    SourceKind,
)
from skillgap.errors import NotFoundError, ValidationError
from tests.analysis.reference_gaps import Org, Reference

AS_OF = date(2026, 6, 1)
FA = Framework(
    "fa",
    "Framework A (0-5)",
    groups=(
        CapabilityGroup("g1", "Data"),
        CapabilityGroup("g1a", "Databases", parent="g1"),
        CapabilityGroup("g2", "People"),
    ),
    competencies=(
        Competency("fa", "a1", "SQL", group="g1a"),
        Competency("fa", "a2", "Statistics", group="g1"),
        Competency("fa", "a3", "Coaching", group="g2"),
        Competency("fa", "a4", "Ungrouped"),
    ),
)
FB = Framework(
    "fb",
    "Framework B (K/P/M)",
    scale=KPM_SCALE,
    groups=(CapabilityGroup("h", "Cloud"),),
    competencies=(
        Competency("fb", "b1", "Containers", group="h"),
        Competency("fb", "b2", "Networks", group="h"),
        Competency("fb", "b3", "Billing"),
    ),
)
CONTEXT = SkillContext.of([FA, FB])
REQUIRABLE = [c.ref for c in FA.competencies] + [c.ref for c in FB.competencies]
STRAY = CompetencyRef("zz", "unknown")  # observed, in no framework the context knows
SCALES = {"skillgap-0-5": (0, 5), "kpm": (0, 3), "1-5": (1, 5), "1-7": (1, 7), "onet-lv": (0, 7)}
HORIZONS = [None, AS_OF - timedelta(days=30), AS_OF, AS_OF + timedelta(100), AS_OF + timedelta(400)]
ROLE_IDS = ["r0", "r1", "r2"]
DEPARTMENT = lambda p: p.department  # noqa: E731
ROLE_KEY = lambda p: p.role_id  # noqa: E731
KEYS = [None, DEPARTMENT, ROLE_KEY]
TOL = 1e-9


@st.composite
def roles(draw: st.DrawFn, role_id: str) -> Role:
    chosen = draw(
        st.lists(
            st.tuples(st.sampled_from(REQUIRABLE), st.sampled_from(HORIZONS)),
            unique=True,
            max_size=7,
        )
    )
    reqs = []
    for ref, horizon in chosen:
        top = 5 if ref.framework == "fa" else 3
        level = draw(st.integers(0, top))
        importance = draw(st.sampled_from(list(Importance)))
        reqs.append(Requirement(ref, level, importance, horizon))
    return Role(role_id, role_id.upper(), requirements=tuple(reqs))


@st.composite
def observations(
    draw: st.DrawFn,
    people: list[str],
    count: int,
    prefix: str,
    competencies: list[CompetencyRef] | None = None,
) -> list[Observation]:
    """Observations crowded onto few days (and, given ``competencies``, few competencies),
    so that same-day ratings and equal verified levels, the tie-breaks, come up often."""
    numbers = draw(st.lists(st.integers(0, 999), unique=True, min_size=count, max_size=count))
    found = []
    for n in numbers:
        scale = draw(st.sampled_from(sorted(SCALES)))
        low, high = SCALES[scale]
        source = draw(st.sampled_from(list(SourceKind)))
        found.append(
            Observation(
                id=f"{prefix}{n}",
                person_id=draw(st.sampled_from(people)),
                competency=draw(st.sampled_from(competencies or [*REQUIRABLE, STRAY])),
                level=draw(st.integers(low, high)),
                scale_id=scale,
                source=source,
                observed_on=AS_OF + timedelta(days=draw(st.integers(-2, 1))),
                confidence=draw(st.sampled_from([0.4, 0.9, 1.0])),
                award_id="award" if source is SourceKind.CREDENTIAL else None,
            )
        )
    return found


@st.composite
def organisations(draw: st.DrawFn) -> Org:
    role_list = [draw(roles(r)) for r in ROLE_IDS[: draw(st.integers(1, 3))]]
    people = [
        Person(
            f"p{i}",
            f"Person {i}",
            department=draw(st.sampled_from(["D1", "D2", None])),
            role_id=draw(st.sampled_from([*ROLE_IDS, None, "ghost"])),
            active=draw(st.booleans()) or draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 8)))
    ]
    ids = [p.employee_id for p in people] + ["stranger"]
    focus = draw(
        st.lists(st.sampled_from([*REQUIRABLE, STRAY]), min_size=1, max_size=8, unique=True)
    )
    found = draw(observations(ids, draw(st.integers(0, 30)), "o", focus))
    return Org(tuple(people), tuple(role_list), CONTEXT, tuple(found), AS_OF)


def model_of(org: Org, extra: tuple[Observation, ...] = ()) -> OrgModel:
    return OrgModel.build(
        org.people, org.roles, org.context, [*org.observations, *extra], as_of=org.as_of
    )


def same_gap(a: PersonGap, b: PersonGap) -> None:
    assert (a.person, a.role, a.horizon, a.view) == (b.person, b.role, b.horizon, b.view)
    assert [i.requirement for i in a.items] == [i.requirement for i in b.items]
    assert [i.source for i in a.items] == [i.source for i in b.items]
    for x, y in zip(a.items, b.items, strict=True):
        assert x.required == pytest.approx(y.required, abs=TOL)
        assert (x.held is None) == (y.held is None)
        assert x.held is None or x.held == pytest.approx(y.held, abs=TOL)
        assert x.status is y.status
    assert a.readiness == pytest.approx(b.readiness, abs=TOL)


STATUS = {GapStatus.MET: 0, GapStatus.PARTIAL: 1, GapStatus.MISSING: 2}


def same_columns(table: PersonGapTable, index: int, expected: PersonGap) -> None:
    """The table's own columns (what roll-ups read), not only the PersonGap rebuilt."""
    rows = slice(int(table.ptr[index]), int(table.ptr[index + 1]))
    assert list(table.status[rows]) == [STATUS[i.status] for i in expected.items]
    for column, name in ((table.gap, "gap"), (table.coverage, "coverage"),
                         (table.weighted_gap, "weighted_gap")):  # fmt: skip
        values = [getattr(i, name) for i in expected.items]
        assert np.allclose(column[rows], values, atol=TOL, rtol=0), name
    assert bool(table.assessed[index]) is expected.assessed


def same_rows(found: dict[Any, Any], expected: dict[Any, dict[str, Any]]) -> None:
    assert set(found) == set(expected)
    for key, row in expected.items():
        for name, value in row.items():
            assert getattr(found[key], name) == pytest.approx(value, abs=TOL), (key, name)


def cap_key(row: Any) -> tuple[str, str] | None:
    return (row.framework, row.capability.code) if row.capability else None


def check_everything(model: OrgModel, ref: Reference) -> None:
    """Every result of the engine against the reference, both views, several horizons."""
    for view in View:
        for horizon in [None, *ref.future, AS_OF + timedelta(1000)]:
            table = model.person_gaps(view, horizon)
            expected = ref.gaps(view, horizon)
            for i, person in enumerate(model.people):
                if person.employee_id in expected:
                    same_gap(table.person_gap(person.employee_id), expected[person.employee_id])
                    same_columns(table, i, expected[person.employee_id])
                else:
                    assert table.ptr[i] == table.ptr[i + 1] and table.readiness[i] == 100.0
            for key in KEYS:
                same_rows(
                    {
                        (r.group, r.competency): r
                        for r in model.aggregate(view, key, horizon=horizon)
                    },
                    ref.by_competency(view, key, horizon),
                )
                capabilities = model.aggregate_capabilities(view, key, horizon=horizon)
                same_rows(
                    {(r.group, cap_key(r)): r for r in capabilities},
                    ref.by_capability(view, key, horizon),
                )
                same_rows(
                    {r.group: r for r in model.group_readiness(view, key, horizon=horizon)},
                    ref.by_group(view, key, horizon),
                )
        for key in KEYS:
            same_rows(
                {(r.group, r.horizon, r.competency): r for r in model.future_gaps(view, key)},
                ref.future_gaps(view, key),
            )
        for half_life in (365.0, 90.0):
            ranked = model.priorities(view, half_life_days=half_life).rows()
            same_rows(
                {(r.competency, r.horizon): r for r in ranked}, ref.priorities(view, half_life)
            )
            scores = [r.score for r in ranked]
            assert scores == sorted(scores, reverse=True)
        for level in (0.5, 2.0, 3.0, 5.0):
            bench = {r.competency: r.people for r in model.bench_strength(level, view)}
            expected_bench = ref.bench(level, view)
            assert set(expected_bench) <= set(bench)
            assert bench == {c: expected_bench.get(c, 0) for c in bench}
    departments = sorted({p.department or "" for p in model.people})
    groups = [
        None,
        *({p.employee_id for p in model.people if p.department == d} for d in departments),
    ]
    for importance in Importance:
        for members in groups:
            mask = None if members is None else model.mask(members)
            found = model.single_points_of_failure(importance, people=mask)
            assert [
                (s.competency, s.level, s.roles, s.people_requiring, s.holders, s.holder)
                for s in found
            ] == ref.single_points(importance, members), members


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(organisations())
def test_the_engine_agrees_with_the_reference(org: Org) -> None:
    check_everything(model_of(org), Reference(org))


@FAST
@given(organisations())
def test_columns_and_objects_build_the_same_model(org: Org) -> None:
    columns = ObservationColumns.from_observations(org.observations)
    same_gaps(OrgModel.build(org.people, org.roles, org.context, columns, as_of=AS_OF), org)


def same_gaps(model: OrgModel, org: Org) -> None:
    """``model`` has every person's gaps of the model built from ``org``'s objects."""
    again = model_of(org)
    for view in View:
        a, b = model.person_gaps(view), again.person_gaps(view)
        assert np.array_equal(a.held, b.held, equal_nan=True)
        assert np.array_equal(a.gap, b.gap) and np.array_equal(a.readiness, b.readiness)


@FAST
@given(organisations(), st.data())
def test_columns_joined_from_parts_build_the_same_model(org: Org, data: st.DataObject) -> None:
    """A server keeps the stored ratings as columns and joins the awards' evidence to them."""
    cut = data.draw(st.integers(0, len(org.observations)))
    parts = [
        ObservationColumns.from_observations(org.observations[:cut]),
        ObservationColumns.from_observations(org.observations[cut:]),
    ]
    joined = ObservationColumns.concat(parts)
    assert len(joined) == len(org.observations)
    same_gaps(OrgModel.build(org.people, org.roles, org.context, joined, as_of=AS_OF), org)


@FAST
@given(organisations(), st.data())
def test_adding_verified_evidence_never_increases_a_gap(org: Org, data: st.DataObject) -> None:
    """In the verified view. (In best-available it may: verified evidence replaces a higher
    claim, by design.)"""
    active = [p.employee_id for p in org.people if p.active]
    if not active:
        return
    new = data.draw(observations(active, data.draw(st.integers(1, 4)), "new"))
    verified = tuple(replace(o, source=SourceKind.CREDENTIAL, award_id="award") for o in new)
    before, after = model_of(org), model_of(org, verified)
    for horizon in [None, *before.horizons]:
        a, b = before.person_gaps(View.VERIFIED, horizon), after.person_gaps(View.VERIFIED, horizon)
        assert np.all(b.gap <= a.gap + TOL)
        assert np.all(b.readiness >= a.readiness - TOL)
    short = {(r.competency, r.horizon): r for r in before.priorities().rows()}
    for row in after.priorities().rows():
        if row.horizon is None:
            assert row.people_short <= short[(row.competency, None)].people_short


@FAST
@given(organisations(), st.data())
def test_a_person_meeting_every_requirement_has_no_gap(org: Org, data: st.DataObject) -> None:
    staffed = [p for p in org.people if p.active and p.role_id in {r.id for r in org.roles}]
    if not staffed:
        return
    person = data.draw(st.sampled_from(staffed))
    role = next(r for r in org.roles if r.id == person.role_id)
    proof = tuple(
        Observation(f"proof{i}", person.employee_id, req.competency, 5, "skillgap-0-5",
                    SourceKind.ASSESSMENT, AS_OF)
        for i, req in enumerate(role.requirements)
    )  # fmt: skip
    model = model_of(org, proof)
    index = model.index(person.employee_id)
    for view in View:
        for horizon in [None, *model.horizons]:
            gap = model.person_gap(person.employee_id, view, horizon)
            assert all(i.gap == 0 and i.status is GapStatus.MET for i in gap.items)
            assert gap.readiness == 100.0
        for row in model.future_gaps(view, lambda p: p.employee_id):
            if row.group == person.employee_id:
                assert row.total_gap == 0 and row.people_short == 0
        assert model.person_gaps(view).total_weighted_gap()[index] == 0


@FAST
@given(organisations())
def test_aggregates_are_the_sum_of_their_parts(org: Org) -> None:
    model = model_of(org)
    for view in View:
        whole = {r.competency: r for r in model.aggregate(view)}
        parts: dict[CompetencyRef, list[float]] = {}
        for r in model.aggregate(view, DEPARTMENT):
            sums = parts.setdefault(r.competency, [0, 0, 0.0, 0.0])
            for i, v in enumerate((r.people_in_scope, r.people_meeting, r.total_gap,
                                   r.total_weighted_gap)):  # fmt: skip
                sums[i] += v
        assert set(parts) == set(whole)
        for ref, (scope, meeting, gap, weighted) in parts.items():
            assert (scope, meeting) == (whole[ref].people_in_scope, whole[ref].people_meeting)
            assert gap == pytest.approx(whole[ref].total_gap, abs=TOL)
            assert weighted == pytest.approx(whole[ref].total_weighted_gap, abs=TOL)
        total = sum(r.total_weighted_gap for r in whole.values())
        caps = model.aggregate_capabilities(view)
        assert sum(r.total_weighted_gap for r in caps) == pytest.approx(total, abs=TOL)
        assert sum(r.requirements for r in caps) == sum(r.people_in_scope for r in whole.values())
        groups = model.group_readiness(view, DEPARTMENT)
        assert sum(r.total_weighted_gap for r in groups) == pytest.approx(total, abs=TOL)
        assert sum(r.group_size for r in groups) == len(model.people)
        assert float(model.person_gaps(view).weighted_gap.sum()) == pytest.approx(total, abs=TOL)
        now = [r for r in model.priorities(view) if r.horizon is None]
        assert sum(r.weighted_gap for r in now) == pytest.approx(total, abs=TOL)
        for r in now:
            assert r.importance * r.people_short * r.gap_size == pytest.approx(r.weighted_gap)
        future = model.future_gaps(view)
        by_department = model.future_gaps(view, DEPARTMENT)
        assert float(by_department.total_gap.sum()) == pytest.approx(
            float(future.total_gap.sum()), abs=TOL
        )


@FAST
@given(organisations())
def test_todays_priorities_are_the_gaps_modules_priorities(org: Org) -> None:
    model, ref = model_of(org), Reference(org)
    for view in View:
        expected = {p.competency: p for p in priorities(ref.gaps(view).values())}
        found = {r.competency: r for r in model.priorities(view) if r.horizon is None}
        assert set(found) == set(expected)
        for c, p in expected.items():
            assert (found[c].people_short, found[c].people_required) == (
                p.people_short,
                p.people_required,
            )
            assert found[c].weighted_gap == pytest.approx(p.weighted_gap, abs=TOL)
            assert found[c].gap_size == pytest.approx(p.mean_gap, abs=TOL)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), st.data())
def test_a_one_person_update_equals_a_full_recompute(org: Org, data: st.DataObject) -> None:
    active = [p.employee_id for p in org.people if p.active]
    if not active:
        return
    model = model_of(org)
    held_out = [model.person_gaps(view, h) for view in View for h in [None, *model.horizons]]
    model.priorities(View.BEST_AVAILABLE)  # future rows computed, so they get patched
    added: list[Observation] = []
    for round_ in range(data.draw(st.integers(1, 3))):
        person = data.draw(st.sampled_from(active))
        new = data.draw(observations([person], data.draw(st.integers(1, 3)), f"u{round_}-"))
        model.update_person(person, new)
        added += new
    full = model_of(org, tuple(added))
    for table in held_out:  # tables handed out before the updates were patched in place
        again = full.person_gaps(table.view, table.horizon)
        assert np.allclose(table.held, again.held, equal_nan=True, atol=TOL)
        assert np.allclose(table.readiness, again.readiness, atol=TOL)
    check_everything(model, Reference(replace(org, observations=(*org.observations, *added))))
    model.refresh()
    check_everything(model, Reference(replace(org, observations=(*org.observations, *added))))


def test_privacy_every_grouped_row_carries_its_group_size() -> None:
    role = Role("r", "R", requirements=(Requirement(REQUIRABLE[0], 3),))
    people = [Person(f"p{i}", "P", department="Big" if i < 5 else "Small", role_id="r")
              for i in range(6)]  # fmt: skip
    model = OrgModel.build(people, [role], CONTEXT, [], as_of=AS_OF)
    table = model.aggregate(View.VERIFIED, DEPARTMENT)
    assert {r.group: r.group_size for r in table} == {"Big": 5, "Small": 1}
    kept = table.where(table.group_size >= 5)
    assert [r.group for r in kept] == ["Big"]


def test_a_priority_explains_its_score() -> None:
    role = Role(
        "r",
        "R",
        requirements=(
            Requirement(REQUIRABLE[0], 3, Importance.CRITICAL),
            Requirement(REQUIRABLE[0], 5, Importance.CRITICAL, AS_OF + timedelta(365)),
        ),
    )
    people = [Person("p1", "P", role_id="r"), Person("p2", "Q", role_id="r")]
    model = OrgModel.build(people, [role], CONTEXT, [], as_of=AS_OF)
    now, later = model.priorities().rows()
    assert (now.people_short, now.gap_size, now.importance, now.urgency) == (2, 3.0, 3.0, 1.0)
    assert now.score == 18.0
    # By the horizon 5 is needed: 2 more levels each, a year away: half as urgent.
    assert (later.horizon, later.gap_size, later.urgency, later.score) == (
        AS_OF + timedelta(365),
        2.0,
        0.5,
        6.0,
    )
    assert "importance 3.00 x 2 people short x mean gap 2.00 x urgency 0.50 = 6.00" in (
        later.explain()
    )


def test_refusals() -> None:
    person = Person("p1", "P", role_id="r0")
    with pytest.raises(ValidationError, match="repeat an employee id"):
        OrgModel.build([person, person], [], CONTEXT, [], as_of=AS_OF)
    model = OrgModel.build([person], [], CONTEXT, [], as_of=AS_OF)
    with pytest.raises(NotFoundError, match="no active person 'nobody'"):
        model.update_person("nobody", [])
    other = Observation("x", "p2", REQUIRABLE[0], 1, "skillgap-0-5", SourceKind.SELF, AS_OF)
    with pytest.raises(ValidationError, match="is not about 'p1'"):
        model.update_person("p1", [other])
    with pytest.raises(NotFoundError, match="has no role"):
        model.person_gap("p1")
    with pytest.raises(ValidationError, match="level 9 is not on scale"):
        OrgModel.build([person], [], CONTEXT, [replace(other, person_id="p1", level=9)],
                       as_of=AS_OF)  # fmt: skip
    with pytest.raises(ValidationError, match="half-life"):
        model.priorities(half_life_days=0)
    with pytest.raises(ValidationError, match="person mask"):
        model.priorities(people=np.ones(3, dtype=bool))
    with pytest.raises(ValidationError, match="labels given"):
        model.aggregate(View.VERIFIED, ["D1", "D2"])


def test_priorities_of_some_people_and_groupings_by_labels() -> None:
    role = Role("r", "R", requirements=(Requirement(REQUIRABLE[0], 3),))
    people = [Person(f"p{i}", "P", role_id="r") for i in range(4)]
    model = OrgModel.build(people, [role], CONTEXT, [], as_of=AS_OF)
    (row,) = model.priorities(people=model.mask(["p1", "p2"])).rows()
    assert (row.people_short, row.people_required) == (2, 2)
    labels = ["a", None, "a", "b"]
    table = model.group_readiness(View.VERIFIED, labels)
    assert [(r.group, r.group_size) for r in table] == [("(none)", 1), ("a", 2), ("b", 1)]
    grouping = model.grouping(labels)
    assert (
        model.aggregate(View.VERIFIED, grouping).rows()
        == model.aggregate(View.VERIFIED, labels).rows()
    )


def _rating(oid: str, source: SourceKind, level: int, confidence: float = 1.0) -> Observation:
    award = "award" if source is SourceKind.CREDENTIAL else None
    return Observation(oid, "p1", REQUIRABLE[0], level, "skillgap-0-5", source, AS_OF,
                       confidence, award_id=award)  # fmt: skip


def test_ties_are_broken_as_the_inventory_breaks_them() -> None:
    role = Role("r", "R", requirements=(Requirement(REQUIRABLE[0], 5),))
    person = Person("p1", "P", role_id="r")
    # Same day: the id decides, in code-point order ("m2" > "m10").
    ratings = [_rating("m2", SourceKind.MANAGER, 4), _rating("m10", SourceKind.MANAGER, 1)]
    model = OrgModel.build([person], [role], CONTEXT, ratings, as_of=AS_OF)
    item = model.person_gap("p1", View.BEST_AVAILABLE).items[0]
    assert (item.held, item.source) == (4.0, SourceKind.MANAGER)
    # Equal verified levels: the more confident evidence names the source.
    proofs = [
        _rating("c9", SourceKind.CREDENTIAL, 3, 0.9),
        _rating("a1", SourceKind.ASSESSMENT, 3, 1.0),
    ]
    model.update_person("p1", proofs)
    for view in View:
        item = model.person_gap("p1", view).items[0]
        assert (item.held, item.source) == (3.0, SourceKind.ASSESSMENT)
    model.update_person("p1", [_rating("m3", SourceKind.MANAGER, 2)])  # after "m2": latest
    model.refresh()
    gaps = model.person_gaps(View.BEST_AVAILABLE)
    assert gaps.held[0] == 3.0  # verified evidence still wins over the claim
