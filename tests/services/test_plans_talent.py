"""Plans and talent decisions on the demo organisation (memory twin, SQLite, PostgreSQL):
a person's plan closes only with credible items and respects budget and deadline; a group
plan spends within its budget; saved plans track against credentials earned; candidates,
hiring needs and policy checks are audited and explain themselves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from skillgap.analysis.catalog import judge_items
from skillgap.analysis.context import SkillContext
from skillgap.clock import FixedClock
from skillgap.domain import Award, CompetencyRef
from skillgap.domain.plans import Objective, PlanScope, Solver
from skillgap.errors import NotFoundError, ValidationError
from skillgap.formats.bundle import Bundle
from skillgap.services import catalog, pathways, plans, talent
from skillgap.services.bundles import demo_folder, store_bundle
from skillgap.store import Store

CLOCK = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
DATA = demo_folder()


@pytest.fixture
def demo(store: Store, demo_bundle: Bundle) -> Store:
    with store.transaction() as ws:
        store_bundle(ws, demo_bundle)
    catalog.import_catalog(store, [DATA / "catalog.yaml"])
    pathways.import_pathways(store, DATA / "pathways.yaml")
    talent.import_policy(store, DATA / "policy.yaml")
    return store


def credible(store: Store) -> set[str]:
    with store.transaction() as ws:
        context = SkillContext.of(ws.frameworks.list(), ws.scales.list())
        judged = judge_items(ws.catalog.list(), context)
    return {k for k, j in judged.items() if j.credible}


def test_a_person_plan_uses_only_credible_items_for_gaps(demo: Store) -> None:
    result = plans.plan_for_person(demo, CLOCK, "E1027", actor="hr")
    good = credible(demo)
    assert result.plan.solver is Solver.OPTIMAL and result.plan.id == "P0001"
    assert result.plan.lines
    for line in result.plan.lines:
        assert line.start >= date(2026, 11, 25)  # learning starts today
        if line.closes:
            assert line.item_id in good, line
    assert all(g.reason for g in result.plan.open_gaps)
    with demo.transaction() as ws:
        assert ws.plans.get("P0001") == result.plan
        (entry,) = ws.audit.list(action="plan")
    assert entry.actor == "hr" and entry.subject == "person:E1027"


def test_budget_and_deadline_are_respected(demo: Store) -> None:
    free = plans.plan_for_person(demo, CLOCK, "E1027", save=False)
    tight = plans.plan_for_person(demo, CLOCK, "E1027", budget=500, save=False)
    assert tight.plan.cost <= 500 < free.plan.cost
    assert len(tight.plan.open_gaps) > len(free.plan.open_gaps)
    assert any("budget" in g.reason for g in tight.plan.open_gaps)
    by = date(2027, 2, 1)
    soon = plans.plan_for_person(demo, CLOCK, "E1027", deadline=by, save=False)
    assert all(line.due <= by for line in soon.plan.lines)
    with pytest.raises(ValidationError, match="not after the plan's start"):
        plans.plan_for_person(demo, CLOCK, "E1027", deadline=date(2026, 1, 1))
    with demo.transaction() as ws:
        assert ws.plans.count() == 0  # --no-save


def test_time_objective_takes_no_more_hours_than_cost_objective(demo: Store) -> None:
    cheap = plans.plan_for_person(demo, CLOCK, "E1003", save=False)
    fast = plans.plan_for_person(demo, CLOCK, "E1003", objective=Objective.TIME, save=False)
    assert fast.plan.hours <= cheap.plan.hours and cheap.plan.cost <= fast.plan.cost


def test_a_target_role_plans_for_promotion(demo: Store) -> None:
    own = plans.plan_for_person(demo, CLOCK, "E1027", save=False)
    target = plans.plan_for_person(demo, CLOCK, "E1027", target_role="data-engineer", save=False)
    assert target.role.id == "data-engineer" and own.role.id == "data-analyst"
    assert target.readiness != own.readiness
    with pytest.raises(NotFoundError, match="no role 'nope'"):
        plans.plan_for_person(demo, CLOCK, "E1027", target_role="nope")


def test_a_department_plan_spends_within_its_budget(demo: Store) -> None:
    group = plans.plan_for_group(demo, CLOCK, PlanScope.DEPARTMENT, "Security", budget=5000)
    assert group.plan.cost <= 5000 and group.plan.lines
    assert group.result.weighted_gap_closed > 0
    assert {line.person_id for line in group.plan.lines} <= {
        "E1004", "E1038", "E1039", "E1040", "E1041", "E1042", "E1043", "E1044", "E1045",
    }  # fmt: skip
    more = plans.plan_for_group(demo, CLOCK, PlanScope.DEPARTMENT, "Security", budget=20000)
    assert more.result.weighted_gap_closed >= group.result.weighted_gap_closed
    with pytest.raises(NotFoundError, match="no department 'Nowhere'"):
        plans.plan_for_group(demo, CLOCK, PlanScope.DEPARTMENT, "Nowhere", budget=1)


def test_organisation_priorities_cost_their_items(demo: Store) -> None:
    top = plans.organisation_priorities(demo, CLOCK, top=3)
    assert len(top) == 3
    assert [p.weighted_gap for p in top] == sorted((p.weighted_gap for p in top), reverse=True)
    assert all(p.item_id or p.reason for p in top)


def test_plan_vs_done_follows_the_credentials_earned(demo: Store) -> None:
    made = plans.plan_for_person(demo, CLOCK, "E1027", actor="hr")
    with demo.transaction() as ws:
        items = {i.id: i for i in ws.catalog.list()}
    tracked = [ln for ln in made.plan.lines if items[ln.item_id].achievement_id]
    assert tracked, "the demo plan should include an item ending in a credential"
    line = tracked[0]
    before = talent.plan_status(demo, CLOCK, made.plan.id)
    assert before.done == 0
    earned = Award(
        id="urn:test:earned",
        achievement_id=items[line.item_id].achievement_id or "",
        recipient="elena@example.org",
        issued_on=datetime(2026, 11, 20, tzinfo=UTC),
        person_id="E1027",
    )
    with demo.transaction() as ws:
        ws.awards.add(earned)
    after = talent.plan_status(demo, CLOCK, made.plan.id)
    done = [s for s in after.lines if s.done_on is not None]
    assert after.done == 1 and done[0].line == line and done[0].done_on == date(2026, 11, 20)
    assert after.spent == line.cost
    late = talent.plan_status(demo, FixedClock(CLOCK.now() + timedelta(days=3000)), made.plan.id)
    assert {s.state(late.today) for s in late.lines} <= {"done", "overdue", "not trackable"}
    with pytest.raises(NotFoundError, match="no plan 'P9999'"):
        talent.plan_status(demo, CLOCK, "P9999")


def test_candidates_are_ranked_explained_and_audited(demo: Store) -> None:
    result = talent.candidates(demo, CLOCK, "security-analyst", limit=5, actor="hr")
    rows = result.table.rows()
    assert len(rows) == 5
    assert [r.readiness for r in rows] == sorted((r.readiness for r in rows), reverse=True)
    assert all(r.person.role_id != "security-analyst" for r in rows)  # holders left out
    for row in rows:
        assert result.plans[row.person.employee_id].lines or result.table.lacks(row) == []
    ops = talent.candidates(
        demo, CLOCK, "security-analyst", department="Operations", limit=50, actor="hr"
    )
    assert {r.person.department for r in ops.table.rows()} == {"Operations"}
    with demo.transaction() as ws:
        entries = ws.audit.list(action="candidates")
    assert entries[0].details["filters"]["department"] == "Operations"
    assert [c["person"] for c in entries[1].details["listed"]] == [
        r.person.employee_id for r in rows
    ]


def test_hiring_needs_list_what_no_plan_closes_in_time(demo: Store) -> None:
    result = talent.hiring_needs_report(demo, CLOCK, actor="hr")
    assert result.needs
    problem = CompetencyRef("demo", "problem-solving")  # no demo item reaches level 3
    assert any(r.competency == problem for n in result.needs for r in n.requirements)
    for need in result.needs:
        assert need.people and all(r.reasons for r in need.requirements)
    one = talent.hiring_needs_report(demo, CLOCK, role_id="data-analyst", actor="hr")
    assert {n.role.id for n in one.needs} <= {"data-analyst"}


def test_policy_check_lists_who_qualifies_and_why(demo: Store) -> None:
    result = talent.check_policy(demo, CLOCK, actor="reward-committee")
    outcomes = {o.rule.id: o for o in result.outcomes}
    premium = outcomes["critical-credential-premium"]
    assert premium.qualified
    for q in premium.qualified:
        assert all(m.requirement.importance == "critical" for m in q.matches)
        assert all("critical for role" in m.reason for m in q.matches)
    two = outcomes["senior-promotion-criterion"]
    assert all(q.achievements >= 2 for q in two.qualified)
    with demo.transaction() as ws:
        entry = ws.audit.list(action="policy check")[0]
    assert entry.id == result.audit_id and entry.actor == "reward-committee"
    assert sorted(entry.details["qualified"]["critical-credential-premium"]) == sorted(
        q.person.employee_id for q in premium.qualified
    )
    with pytest.raises(NotFoundError, match="no policy rule 'x'"):
        talent.check_policy(demo, CLOCK, rule_id="x", actor="a")


def test_the_audit_window_is_bounded(demo: Store) -> None:
    talent.check_policy(demo, CLOCK, actor="a")
    assert len(talent.audit_log(demo, days=36_525, clock=CLOCK)) == 1
    with pytest.raises(ValidationError, match="days must be from 1 to 36525, not 739945"):
        talent.audit_log(demo, days=739_945, clock=CLOCK)
