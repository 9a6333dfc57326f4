"""Internal candidates (analysis/candidates.py) against ``gaps.person_gap`` for every person of
random organisations (the builders of test_engine.py), and the filters and ordering."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgap.analysis import candidates
from skillgap.analysis.candidates import rank_candidates
from skillgap.analysis.engine_filters import people_mask
from skillgap.analysis.gaps import GapStatus, PersonGap, person_gap
from skillgap.analysis.inventory import View
from skillgap.domain import Importance, Observation, Person, Requirement, Role, SourceKind
from skillgap.errors import NotFoundError, ValidationError
from tests.analysis.reference_gaps import Org, Reference
from tests.analysis.test_engine import AS_OF, CONTEXT, REQUIRABLE, model_of, organisations, roles

HORIZONS = [None, AS_OF - timedelta(days=30), AS_OF + timedelta(100), AS_OF + timedelta(400)]
TOL = 1e-9
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def expected_gaps(org: Org, role: Role, view: View, horizon: date | None) -> list[PersonGap]:
    ref = Reference(org)
    at = horizon or org.as_of
    return [person_gap(p, role, ref.inventory, CONTEXT, view=view, horizon=at) for p in ref.active]


def weighted_gap(gap: PersonGap) -> float:
    return sum(i.weighted_gap for i in gap.items)


def ranking_key(gap: PersonGap) -> tuple[float, float, str]:
    """Readiness, then weighted gap, compared to 9 decimal places; then the id."""
    ready, short = np.round([gap.readiness, weighted_gap(gap)], 9).tolist()
    return (-ready, short, gap.person.employee_id)


@FAST
@given(organisations(), roles("opening"), st.data())
def test_every_person_agrees_with_the_gaps_module(
    org: Org, opening: Role, data: st.DataObject
) -> None:
    model = model_of(org)
    for role in [*org.roles, opening]:
        for view in View:
            horizon = data.draw(st.sampled_from(HORIZONS))
            table = rank_candidates(model, role, view=view, horizon=horizon, limit=None)
            expected = expected_gaps(org, role, view, horizon)
            assert [g.person for g in expected] == list(model.people)
            assert table.total == len(expected) == len(table)
            for i, gap in enumerate(expected):
                assert table.readiness[i] == pytest.approx(gap.readiness, abs=TOL)
                assert table.weighted_gap[i] == pytest.approx(weighted_gap(gap), abs=TOL)
                statuses = [x.status for x in gap.items]
                row = table.row_of(gap.person.employee_id)
                assert (row.met, row.partial, row.missing) == tuple(
                    statuses.count(s) for s in GapStatus
                )
                assert row.holds_role is (gap.person.role_id == role.id)
                lacks = table.lacks(gap.person.employee_id)
                assert [(x.requirement, x.required, x.held, x.status) for x in lacks] == [
                    (x.requirement, x.required, x.held, x.status) for x in gap.open_items
                ]
                assert [x.weighted_gap for x in lacks] == [x.weighted_gap for x in gap.open_items]
            ranked = [r.person for r in table]
            assert ranked == [g.person for g in sorted(expected, key=ranking_key)]
            assert [r.rank for r in table] == list(range(1, len(expected) + 1))


@FAST
@given(organisations(), st.data())
def test_filters_exclusions_and_limits_keep_the_order(org: Org, data: st.DataObject) -> None:
    model = model_of(org)
    role = data.draw(st.sampled_from(org.roles))
    view = data.draw(st.sampled_from(list(View)))
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(model.people),
                                       max_size=len(model.people))), dtype=bool)  # fmt: skip
    exclude = data.draw(st.booleans())
    limit = data.draw(st.integers(0, 10))
    expected = [
        g
        for g, kept in zip(expected_gaps(org, role, view, None), keep, strict=True)
        if kept and not (exclude and g.person.role_id == role.id)
    ]
    ids = [g.person.employee_id for g in sorted(expected, key=ranking_key)][:limit]
    for small in (candidates.SMALL_SORT, 0):  # ties ranked in Python, and by numpy
        with mock.patch.object(candidates, "SMALL_SORT", small):
            table = rank_candidates(
                model, role, view=view, people_filter=keep, exclude_holders=exclude, limit=limit
            )
        assert [r.person.employee_id for r in table] == ids
        assert table.total == len(expected)
        assert np.array_equal(table.in_scope, keep & ~(exclude & table.holds_role))


def team(n: int) -> list[Person]:
    places = ["Berlin", "Paris", None]
    return [
        Person(
            f"E{i:02d}",
            f"Person {i}",
            department="Data" if i % 2 else "Ops",
            team=f"T{i % 3}",
            role_id="analyst" if i < 3 else None,
            attributes={"location": place} if (place := places[i % 3]) else {},
        )
        for i in range(n)
    ]


ROLE = Role(
    "analyst",
    "Analyst",
    requirements=(
        Requirement(REQUIRABLE[0], 3, Importance.CRITICAL),
        Requirement(REQUIRABLE[1], 2, Importance.USEFUL),
        Requirement(REQUIRABLE[4], 2, Importance.IMPORTANT, AS_OF + timedelta(days=365)),
    ),
)


def rating(oid: str, person: str, ref_index: int, level: int, source: SourceKind) -> Observation:
    award = "award" if source is SourceKind.CREDENTIAL else None
    return Observation(oid, person, REQUIRABLE[ref_index], level, "skillgap-0-5", source, AS_OF,
                       award_id=award)  # fmt: skip


def test_the_people_filter_reads_department_team_and_attributes() -> None:
    model = model_of(Org(tuple(team(9)), (ROLE,), CONTEXT, (), AS_OF))

    def ids(mask: np.ndarray) -> list[str]:
        return [p.employee_id for p, kept in zip(model.people, mask, strict=True) if kept]

    assert ids(people_mask(model)) == [p.employee_id for p in model.people]
    assert ids(people_mask(model, department="Data")) == ["E01", "E03", "E05", "E07"]
    assert ids(people_mask(model, department="Data", team="T1")) == ["E01", "E07"]
    ops = ["E00", "E02", "E06", "E08"]
    assert ids(people_mask(model, team=["T0", "T2"], department="Ops")) == ops
    assert ids(people_mask(model, attributes={"location": "Berlin"})) == ["E00", "E03", "E06"]
    both = people_mask(model, attributes={"location": ["Paris", "Berlin"]}, department="Ops")
    assert ids(both) == ["E00", "E04", "E06"]
    # No value never matches, whatever is asked; an unknown value matches nobody.
    assert ids(people_mask(model, attributes={"location": ["Rome"]})) == []
    assert ids(people_mask(model, attributes={"grade": "7"})) == []
    table = rank_candidates(model, ROLE, people_filter=people_mask(model, department="Data"))
    assert table.total == 4 and all(r.person.department == "Data" for r in table)


def test_verified_evidence_only_and_what_each_lacks() -> None:
    people = team(4)
    evidence = (
        rating("a1", "E00", 0, 2, SourceKind.ASSESSMENT),
        rating("a2", "E00", 1, 2, SourceKind.ASSESSMENT),
        rating("s1", "E01", 0, 5, SourceKind.SELF),  # a claim: not in the verified view
        rating("m1", "E01", 1, 2, SourceKind.MANAGER),
        rating("c1", "E02", 0, 4, SourceKind.CREDENTIAL),  # meets the critical need
    )
    model = model_of(Org(tuple(people), (ROLE,), CONTEXT, evidence, AS_OF))
    table = rank_candidates(model, ROLE)
    assert [(r.person.employee_id, r.readiness, r.weighted_gap) for r in table] == [
        ("E02", 75.0, 2.0),  # 3 of 4 weight covered
        ("E00", 75.0, 3.0),  # 3 x 2/3 + 1 = 3: as ready, but a larger weighted gap
        ("E01", 0.0, 11.0),  # the ties of readiness and gap: by employee id
        ("E03", 0.0, 11.0),
    ]
    first = table.row(0)
    assert (first.rank, first.met, first.partial, first.missing) == (1, 1, 0, 1)
    assert [(x.competency, x.required, x.held, x.gap) for x in table.lacks(first)] == [
        (REQUIRABLE[1], 2.0, None, 2.0)
    ]
    e0 = table.lacks("E00")
    assert [(x.competency, x.importance, x.held, x.status) for x in e0] == [
        (REQUIRABLE[0], Importance.CRITICAL, 2.0, GapStatus.PARTIAL)
    ]
    with mock.patch.object(candidates, "SMALL_SORT", 0):
        again = rank_candidates(model, ROLE)
    assert [r.person for r in again] == [r.person for r in table]
    claims = rank_candidates(model, ROLE, view=View.BEST_AVAILABLE)
    assert claims.row(0).person.employee_id == "E01" and claims.row(0).readiness == 100.0
    later = rank_candidates(model, ROLE, horizon=AS_OF + timedelta(days=365), limit=2)
    assert len(later.requirements) == 3 and len(later) == 2 and later.total == 4
    assert later.row_of("E03").rank is None and later.row_of("E02").rank == 1
    alone = rank_candidates(model, ROLE, people_filter=model.mask(["E00"]))  # promotion
    assert [r.person.employee_id for r in alone] == ["E00"] and alone.row(0).readiness == 75.0
    outsiders = rank_candidates(model, ROLE, exclude_holders=True)
    assert [r.person.employee_id for r in outsiders] == ["E03"]


def test_new_evidence_and_roles_the_model_does_not_know() -> None:
    model = model_of(Org(tuple(team(3)), (ROLE,), CONTEXT, (), AS_OF))
    opening = Role("opening", "Opening", requirements=(Requirement(REQUIRABLE[6], 2),))
    assert rank_candidates(model, opening).readiness.tolist() == [0.0, 0.0, 0.0]
    model.update_person("E02", [rating("c", "E02", 6, 3, SourceKind.CREDENTIAL)])
    table = rank_candidates(model, opening)
    assert table.row(0).person.employee_id == "E02" and table.row(0).readiness == 100.0
    assert table.lacks("E02") == [] and not table.holds_role.any()
    empty = rank_candidates(model, Role("none", "Nothing required"), limit=None)
    assert empty.readiness.tolist() == [100.0] * 3 and [r.rank for r in empty] == [1, 2, 3]
    assert len(rank_candidates(model, ROLE, limit=0)) == 0


def test_refusals() -> None:
    model = model_of(Org(tuple(team(3)), (ROLE,), CONTEXT, (), AS_OF))
    with pytest.raises(ValidationError, match="cannot be negative"):
        rank_candidates(model, ROLE, limit=-1)
    with pytest.raises(ValidationError, match="one boolean per person"):
        rank_candidates(model, ROLE, people_filter=np.ones(2, dtype=bool))
    with pytest.raises(ValidationError, match="one boolean per person"):
        rank_candidates(model, ROLE, people_filter=np.ones(3, dtype=np.int64))
    with pytest.raises(NotFoundError, match="no active person"):
        rank_candidates(model, ROLE).lacks("nobody")


@FAST
@given(st.lists(st.tuples(st.sampled_from([0, 2, 3, 5]), st.sampled_from([0, 1, 3])), max_size=60),
       st.integers(0, 70))  # fmt: skip
def test_ties_are_ranked_by_weighted_gap_then_id(levels: list[tuple[int, int]], limit: int) -> None:
    """Few distinct levels: readiness ties everywhere (75 from 3 x 2/3 + 1, gap 3, or from
    3 + 0, gap 2), in both ranking paths."""
    critical = Requirement(REQUIRABLE[0], 3, Importance.CRITICAL)
    role = Role("r", "R", requirements=(critical, Requirement(REQUIRABLE[1], 2, Importance.USEFUL)))
    people = [Person(f"P{(i * 37) % 101:03d}", "P", role_id="r") for i in range(len(levels))]
    found = [
        rating(f"o{i}-{j}", p.employee_id, j, level, SourceKind.ASSESSMENT)
        for i, (p, pair) in enumerate(zip(people, levels, strict=True))
        for j, level in enumerate(pair)
        if level
    ]
    org = Org(tuple(people), (role,), CONTEXT, tuple(found), AS_OF)
    model = model_of(org)
    expected = sorted(expected_gaps(org, role, View.VERIFIED, None), key=ranking_key)
    for small in (candidates.SMALL_SORT, 0):
        with mock.patch.object(candidates, "SMALL_SORT", small):
            table = rank_candidates(model, role, limit=limit)
        assert [r.person for r in table] == [g.person for g in expected][:limit]
