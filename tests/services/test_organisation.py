"""Gaps of groups, priorities and bench strength on the demo organisation (Tidewell
Logistics, as of its snapshot date 2026-11-01), on the memory twin, SQLite and PostgreSQL:
roll-ups add up, agree with the summary, and hide what concerns fewer people than the
minimum group size unless asked by an administrator."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest

from skillgap.analysis.engine_tables import CompetencyRow, GroupRow
from skillgap.analysis.explain import person_evidence
from skillgap.analysis.inventory import View
from skillgap.clock import FixedClock
from skillgap.config import load_min_group_size
from skillgap.domain import CompetencyRef
from skillgap.errors import ConfigError, NotFoundError, ValidationError
from skillgap.formats.bundle import Bundle
from skillgap.services.bundles import store_bundle
from skillgap.services.organisation import ScopeGaps, bench_strength, priorities, scope_gaps
from skillgap.services.organisation_scope import Privacy, Reason, Scope, ScopeKind, Suppressed, When
from skillgap.services.summary import organisation_summary, workspace_data
from skillgap.store import Store

CLOCK = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
AS_OF = date(2026, 11, 1)
ADMIN = Privacy(admin=True)
ORG = Scope(ScopeKind.ORGANISATION)
DEPARTMENTS = ("Corporate", "Data & Analytics", "Operations", "Security", "Technology")
SQL = CompetencyRef("demo", "sql")


@pytest.fixture
def demo(store: Store, demo_bundle: Bundle) -> Store:
    with store.transaction() as ws:
        store_bundle(ws, demo_bundle)
    return store


def department(store: Store, name: str, **kwargs: Any) -> ScopeGaps:
    return scope_gaps(store, CLOCK, Scope(ScopeKind.DEPARTMENT, name), **kwargs)


def shown(rows: tuple[Any, ...]) -> list[Any]:
    return [r for r in rows if not isinstance(r, Suppressed)]


def totals(rows: list[Any], key: str, fields: tuple[str, ...]) -> dict[Any, list[float]]:
    summed: dict[Any, list[float]] = defaultdict(lambda: [0.0] * len(fields))
    for row in rows:
        for i, f in enumerate(fields):
            summed[getattr(row, key)][i] += getattr(row, f)
    return dict(summed)


def close(a: dict[Any, list[float]], b: dict[Any, list[float]]) -> bool:
    return a.keys() == b.keys() and all(
        math.isclose(x, y, abs_tol=1e-9) for k in a for x, y in zip(a[k], b[k], strict=True)
    )


def test_aggregates_equal_the_sum_of_their_parts(demo: Store) -> None:
    org = scope_gaps(demo, CLOCK, ORG, privacy=ADMIN)
    parts = [department(demo, d, privacy=ADMIN) for d in DEPARTMENTS]
    assert org.frame.as_of == AS_OF and org.frame.people == sum(p.frame.people for p in parts)
    comp = ("people_in_scope", "people_meeting", "total_gap", "total_weighted_gap")
    assert close(
        totals(list(org.competencies), "competency", comp),
        totals([r for p in parts for r in p.competencies], "competency", comp),
    )
    cap = ("people_in_scope", "people_meeting", "requirements", "requirements_met", "total_gap")
    assert close(
        totals(list(org.capabilities), "capability", cap),
        totals([r for p in parts for r in p.capabilities], "capability", cap),
    )
    # each capability group's requirements are its competencies' people in scope
    per_capability: dict[str, int] = defaultdict(int)
    context = org.frame.context
    for row in org.competencies:
        assert isinstance(row, CompetencyRow)
        top = context.capability(row.competency)
        per_capability[top.code if top else ""] += row.people_in_scope
    assert {
        (r.capability.code if r.capability else ""): r.requirements for r in shown(org.capabilities)
    } == per_capability
    # readiness: the organisation's breakdown is each department's own figure
    assert [g.group for g in org.groups] == list(DEPARTMENTS)
    for group, part in zip(org.groups, parts, strict=True):
        assert group == part.readiness
    readiness = org.readiness
    assert isinstance(readiness, GroupRow)
    assessed = [p.readiness for p in parts if isinstance(p.readiness, GroupRow)]
    assert readiness.people_assessed == sum(r.people_assessed for r in assessed)
    mean = sum(r.mean_readiness * r.people_assessed for r in assessed) / sum(
        r.people_assessed for r in assessed
    )
    assert math.isclose(readiness.mean_readiness, mean)
    # a department's teams add up to the department
    data = department(demo, "Data & Analytics", privacy=ADMIN)
    teams = [g for g in data.groups if isinstance(g, GroupRow)]
    assert [t.group for t in teams] == ["Analytics", "Data Engineering", "ML Lab"]
    assert sum(t.group_size for t in teams) == data.frame.people == 12
    assert math.isclose(
        sum(t.total_weighted_gap for t in teams),
        data.readiness.total_weighted_gap if isinstance(data.readiness, GroupRow) else -1,
    )


def test_the_organisation_agrees_with_the_summary(demo: Store) -> None:
    org = scope_gaps(demo, CLOCK, ORG)
    summary = organisation_summary(demo, CLOCK)
    assert isinstance(org.readiness, GroupRow)
    assert math.isclose(org.readiness.mean_readiness, summary.readiness_now)
    assert org.readiness.people_assessed == summary.people_assessed == 58
    by_name = {g.name: g.mean_readiness for g in summary.departments}
    for group in org.groups:
        assert isinstance(group, GroupRow)
        assert math.isclose(group.mean_readiness, by_name[group.group])
    now = priorities(demo, CLOCK, horizon=When.NOW, privacy=ADMIN, top=5)
    assert [
        (r.competency, r.people_short, r.people_required, r.weighted_gap) for r in now.rows
    ] == [
        (p.competency, p.people_short, p.people_required, p.weighted_gap) for p in summary.top_now
    ]
    ahead = scope_gaps(demo, CLOCK, ORG, horizon=When.NEXT)
    assert ahead.at == summary.horizon == date(2027, 12, 31)
    assert isinstance(ahead.readiness, GroupRow)
    assert math.isclose(ahead.readiness.mean_readiness, summary.readiness_at_horizon or -1)


def test_horizons(demo: Store) -> None:
    future = department(demo, "Data & Analytics", horizon=When.FUTURE)
    assert future.at == AS_OF and future.horizons == (date(2027, 12, 31), date(2028, 6, 30))
    assert future.future and all(r.horizon > AS_OF for r in future.future if r.horizon)
    assert department(demo, "Security").future is None
    # Security's roles change only at the end of 2027
    security = department(demo, "Security", horizon=When.NEXT)
    assert (security.at, security.horizons) == (date(2027, 12, 31), (date(2027, 12, 31),))
    dated = department(demo, "Security", horizon=date(2028, 1, 1))
    assert dated.at == date(2028, 1, 1) and dated.readiness == security.readiness
    with pytest.raises(ValidationError, match="not after the analysis date 2026-11-01"):
        department(demo, "Security", horizon=AS_OF)


def test_small_groups_and_rows_are_suppressed_unless_admin(demo: Store) -> None:
    lab = Scope(ScopeKind.TEAM, "ML Lab")
    hidden = scope_gaps(demo, CLOCK, lab)
    assert hidden.frame.people == 3
    assert hidden.frame.hidden == Suppressed("ML Lab", Reason.SMALL_GROUP)
    assert hidden.readiness == hidden.frame.hidden
    assert hidden.competencies == hidden.capabilities == hidden.groups == ()
    visible = scope_gaps(demo, CLOCK, lab, privacy=ADMIN)
    assert isinstance(visible.readiness, GroupRow) and visible.competencies
    assert not any(isinstance(r, Suppressed) for r in visible.competencies)
    assert scope_gaps(demo, CLOCK, lab, privacy=Privacy(min_group_size=3)).frame.hidden is None

    data = department(demo, "data & analytics")  # names match case-insensitively
    assert data.frame.group == "Data & Analytics"
    assert [(g.group, isinstance(g, Suppressed)) for g in data.groups] == [
        ("Analytics", False),
        ("Data Engineering", True),
        ("ML Lab", True),
    ]
    rows = data.competencies
    first_hidden = next(i for i, r in enumerate(rows) if isinstance(r, Suppressed))
    visible_rows = rows[:first_hidden]
    markers = rows[first_hidden:]
    assert visible_rows and markers
    assert all(isinstance(r, CompetencyRow) and r.people_in_scope >= 5 for r in visible_rows)
    assert all(isinstance(m, Suppressed) and m.reason is Reason.FEW_PEOPLE for m in markers)
    assert [m.competency for m in markers] == sorted(m.competency for m in markers)  # type: ignore[type-var]
    everything = {
        r.competency: r.people_in_scope
        for r in department(demo, "Data & Analytics", privacy=ADMIN).competencies
        if isinstance(r, CompetencyRow)
    }
    assert {m.competency for m in markers} == {c for c, n in everything.items() if n < 5}


def test_single_points_of_failure_never_name_the_holder(demo: Store) -> None:
    org = scope_gaps(demo, CLOCK, ORG)
    points = {p.competency.code: p for p in org.single_points or ()}
    assert points["warehouse-operations"].holders == 0
    assert points["cloud-security"].holders == 1
    assert all(p.holder is None for p in points.values())
    assert all(p.holders <= 1 for p in points.values())


def test_priorities_rows_carry_their_components(demo: Store) -> None:
    result = priorities(demo, CLOCK, top=100, privacy=ADMIN)
    rows = result.rows
    assert result.needs == len(rows) > 10 and result.suppressed == ()
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    for r in rows:
        assert math.isclose(r.weighted_gap, r.importance * r.people_short * r.gap_size)
        assert math.isclose(r.score, r.weighted_gap * r.urgency)
        assert math.isclose(r.urgency, 0.5 ** (r.days_ahead / 365))
        assert 1 <= r.importance <= 3 and 0 < r.people_short <= r.people_required
        assert f"= {r.score:.2f}" in r.explain()
    assert {r.horizon for r in rows} == {None, date(2027, 12, 31), date(2028, 6, 30)}
    now = priorities(demo, CLOCK, horizon=When.NOW, top=100, privacy=ADMIN).rows
    assert now == tuple(r for r in rows if r.horizon is None)
    future = priorities(demo, CLOCK, horizon=When.FUTURE, top=100, privacy=ADMIN).rows
    assert future == tuple(r for r in rows if r.horizon is not None)
    by_2027 = priorities(demo, CLOCK, horizon=date(2028, 1, 1), top=100, privacy=ADMIN).rows
    assert by_2027 == tuple(r for r in rows if r.horizon in (None, date(2027, 12, 31)))
    assert priorities(demo, CLOCK, horizon=When.NEXT, top=100, privacy=ADMIN).rows == by_2027
    assert len(priorities(demo, CLOCK, top=3).rows) == 3
    # a department's needs are its people's only
    corporate = priorities(demo, CLOCK, department="Corporate", top=100, privacy=ADMIN)
    assert corporate.frame.people == 8
    assert all(r.people_required <= 7 for r in corporate.rows)  # 7 of them hold a role


def test_priorities_hide_needs_of_few_people(demo: Store) -> None:
    result = priorities(demo, CLOCK, top=100)
    assert all(r.people_required >= 5 for r in result.rows)
    hidden = {(s.competency, s.horizon) for s in result.suppressed}
    everything = priorities(demo, CLOCK, top=100, privacy=ADMIN).rows
    assert hidden == {(r.competency, r.horizon) for r in everything if r.people_required < 5}
    assert result.needs + len(hidden) == len(everything)
    small = priorities(demo, CLOCK, privacy=Privacy(min_group_size=100))
    assert small.rows == () and small.suppressed == (small.frame.hidden,)


def test_bench_strength_counts(demo: Store) -> None:
    result = bench_strength(demo, CLOCK)
    assert {line.level for line in result.rows} == {3.0}
    counts = [(line.people, line.competency) for line in result.rows]
    assert counts == sorted(counts)  # thinnest bench first
    # the same counts from each person's inventory, as `skillgap why` reads it
    with demo.transaction() as ws:
        data = workspace_data(ws)
    held: dict[CompetencyRef, int] = defaultdict(int)
    achievements = {a.id: a for a in data.achievements}
    issuers = {i.id: i for i in data.issuers}
    context = result.frame.context
    for person in (p for p in data.people if p.active):
        evidence = person_evidence(
            person, data.awards, achievements, issuers, data.observations, context, AS_OF
        )
        for ref, holding in evidence.inventory.of(person.employee_id).items():
            reading = holding.reading(View.VERIFIED)
            if reading is not None and reading.level >= 3:
                held[ref] += 1
    assert {line.competency: line.people for line in result.rows if line.people} == dict(held)
    sql = bench_strength(demo, CLOCK, competency="SQL")
    assert [(line.level, line.people) for line in sql.rows] == [
        (1.0, 12),
        (2.0, 12),
        (3.0, held[SQL]),
        (4.0, 1),  # Elena Petrova's Data Analytics - Mastery
        (5.0, 0),
    ]
    org = scope_gaps(demo, CLOCK, ORG)
    required = {r.competency: r.people_in_scope for r in shown(org.competencies)}
    assert {line.required_by for line in sql.rows} == {required[SQL]} == {18}
    hidden = bench_strength(demo, CLOCK, privacy=Privacy(min_group_size=61))
    assert hidden.rows == () and hidden.frame.hidden is not None


def test_unknown_groups_name_the_known_ones(demo: Store) -> None:
    with pytest.raises(NotFoundError, match=r"no active person in department 'Sales' \("):
        department(demo, "Sales")
    with pytest.raises(NotFoundError, match="roles: data-analyst, data-engineer"):
        scope_gaps(demo, CLOCK, Scope(ScopeKind.ROLE, "astronaut"))
    with pytest.raises(ValidationError, match="needs a name"):
        Scope(ScopeKind.TEAM)


def test_the_minimum_group_size_setting() -> None:
    assert load_min_group_size({}) == 5
    assert load_min_group_size({"SKILLGAP_MIN_GROUP_SIZE": "8"}) == 8
    assert load_min_group_size({"SKILLGAP_MIN_GROUP_SIZE": "8"}, 3) == 3  # the flag wins
    with pytest.raises(ConfigError, match="not a whole number"):
        load_min_group_size({"SKILLGAP_MIN_GROUP_SIZE": "five"})
    with pytest.raises(ConfigError, match="from 2 to 1000, not 1"):
        load_min_group_size({"SKILLGAP_MIN_GROUP_SIZE": "1"})
