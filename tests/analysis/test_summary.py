"""The organisation summary, on small hand-made data (no store, no CLI)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine_build import SOURCE_CODE, ObservationColumns
from skillgap.analysis.engine_evidence import evidence_columns
from skillgap.analysis.evidence import Exclusion, award_evidence
from skillgap.analysis.gaps import (
    PersonGap,
    furthest,
    group_by,
    mean_readiness,
    person_gap,
    priorities,
)
from skillgap.analysis.inventory import View, build_inventory
from skillgap.analysis.summary import WorkspaceData, build_model, engine_model, summarise
from skillgap.domain import AssessmentType, SourceKind
from skillgap.errors import NotFoundError
from skillgap.formats.bundle import Bundle
from tests.analysis.builders import (
    ANA,
    BEN,
    FRAMEWORK,
    ISSUERS,
    ROLE,
    SQL,
    TALK,
    VIZ,
    achievement,
    award,
    obs,
)

AS_OF = date(2026, 11, 1)


def data(**changes: object) -> WorkspaceData:
    base = WorkspaceData(
        frameworks=[FRAMEWORK],
        roles=[ROLE],
        people=[ANA, BEN],
        issuers=list(ISSUERS.values()),
        achievements=[
            achievement("sql-cert"),
            achievement("sql-quiz", assessment=AssessmentType.QUIZ),
        ],
        awards=[
            award("a1", "sql-cert", "E1", issued=datetime(2025, 1, 1, tzinfo=UTC)),
            award("a2", "sql-quiz", "E2", issued=datetime(2025, 1, 1, tzinfo=UTC)),
            award("a3", "sql-cert", "E2", issued=datetime(2027, 1, 1, tzinfo=UTC)),
        ],
        observations=[
            obs("E2", SQL, 4, SourceKind.SELF, on=date(2026, 3, 1)),
            obs("E2", VIZ, 2, SourceKind.MANAGER, on=date(2026, 12, 1)),  # after AS_OF
        ],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_credential_tally_counts_only_what_existed_then() -> None:
    s = summarise(data(), organisation="Org", as_of=AS_OF)
    assert (s.credentials.total, s.credentials.counted, s.credentials.issued_later) == (2, 1, 1)
    assert s.credentials.excluded == {Exclusion.WEAK_ASSESSMENT: 1}
    later = summarise(data(), organisation="Org", as_of=date(2027, 2, 1))
    assert (later.credentials.total, later.credentials.counted) == (3, 2)


def test_unbacked_claims_are_counted_in_the_verified_view_only() -> None:
    s = summarise(data(), organisation="Org", as_of=AS_OF)
    # Ben's self-rated SQL 4 meets the level-3 requirement; nothing verified backs it. His
    # manager's Viz rating is dated after AS_OF, so it is ignored.
    assert (s.unbacked_claims, s.people_with_unbacked_claims) == (1, 1)
    best = summarise(data(), organisation="Org", as_of=AS_OF, view=View.BEST_AVAILABLE)
    assert best.unbacked_claims is None
    assert best.readiness_now > s.readiness_now


def test_gaps_priorities_and_the_horizon() -> None:
    s = summarise(data(), organisation="Org", as_of=AS_OF)
    assert s.horizon == date(2027, 12, 31)
    assert s.people_assessed == 2 and s.people_without_role == 0
    # Ana holds SQL 3 (verified); Ben nothing verified: SQL gap 3 x weight 3 = 9 leads.
    # Viz (2 people x 2 x 2) and Communication (2 x 4 x 1) tie at 8: ordered by code.
    assert [p.competency for p in s.top_now] == [SQL, TALK, VIZ]
    assert [p.weighted_gap for p in s.top_now] == [9.0, 8.0, 8.0]
    assert s.top_now[0].weighted_gap == 9.0
    assert [g.person.employee_id for g in s.furthest] == ["E2", "E1"]
    # At the horizon Viz rises from 2 to 4, but nobody holds any Viz: readiness stays.
    assert s.readiness_at_horizon == s.readiness_now == 25.0
    assert any("Start with SQL" in step for step in s.next_steps)
    assert any("self or manager ratings alone" in step for step in s.next_steps)
    assert any(step.startswith("1 credential is assessed by quiz") for step in s.next_steps)
    assert not any("unrecognised" in step for step in s.next_steps)


def test_inactive_people_and_people_without_a_role_are_left_out() -> None:
    people = [ANA, replace(BEN, active=False), replace(BEN, employee_id="E3", role_id=None)]
    s = summarise(data(people=people), organisation="Org", as_of=AS_OF)
    assert s.people_assessed == 1 and s.people_without_role == 1
    assert [g.person.employee_id for g in s.now] == ["E1"]


def test_no_one_with_a_role_is_an_error_not_a_hundred_percent() -> None:
    with pytest.raises(NotFoundError, match="no active person .* holds a known role"):
        summarise(data(people=[replace(ANA, role_id=None)]), organisation="Org", as_of=AS_OF)


def _copied(bundle: Bundle, copies: int) -> WorkspaceData:
    """The demo's people and their evidence ``copies`` times, each copy with its own ids."""
    people, awards, claims = [], [], []
    for n in range(copies):
        people += [replace(p, employee_id=f"{p.employee_id}-{n}") for p in bundle.people]
        awards += [
            replace(a, id=f"{a.id}-{n}", person_id=a.person_id and f"{a.person_id}-{n}")
            for a in bundle.awards
        ]
        claims += [
            replace(c, id=f"{c.id}-{n}", person_id=f"{c.person_id}-{n}") for c in bundle.claims
        ]
    return WorkspaceData(
        frameworks=[bundle.framework],
        roles=bundle.roles,
        people=people,
        issuers=bundle.issuers,
        achievements=bundle.achievements,
        awards=awards,
        observations=claims,
    )


@pytest.mark.parametrize("days_before", [0, 400])  # later: some awards not yet issued
def test_the_servers_model_equals_the_one_built_from_observation_objects(
    demo_bundle: Bundle, days_before: int
) -> None:
    """``engine_model`` (evidence as rows, ratings as kept columns) builds what
    ``build_model`` builds from an ``Observation`` per credential observation."""
    workspace = _copied(demo_bundle, 3)
    assert demo_bundle.snapshot_date is not None
    as_of = demo_bundle.snapshot_date - timedelta(days=days_before)
    model, outcomes = build_model(workspace, as_of)
    evidence = award_evidence(outcomes, model.context)
    rows = list(evidence.rows())
    assert rows == [
        (o.id, o.person_id, o.competency, o.level, o.scale_id, o.observed_on, o.confidence)
        for outcome in outcomes
        for o in outcome.observations
    ]
    assert len(rows) > 10
    columns = evidence_columns(evidence)  # the same observations, in the same order
    assert rows == [
        (
            str(columns.ids[i]),
            columns.person_ids[columns.person[i]],
            columns.competencies[columns.competency[i]],
            int(columns.level[i]),
            columns.scale_ids[columns.scale[i]],
            date.fromordinal(int(columns.observed_on[i])),
            float(columns.confidence[i]),
        )
        for i in range(len(columns))
    ]
    assert set(columns.source.tolist()) == {SOURCE_CODE[SourceKind.CREDENTIAL]}
    kept = replace(
        workspace, observation_columns=ObservationColumns.from_observations(workspace.observations)
    )
    for other in (
        engine_model(workspace, as_of),
        engine_model(kept, as_of),
        build_model(kept, as_of)[0],
    ):
        assert other._store.rows() == model._store.rows()
        for view in View:
            a, b = other.person_gaps(view), model.person_gaps(view)
            assert np.array_equal(a.held, b.held, equal_nan=True)
            assert np.array_equal(a.gap, b.gap) and np.array_equal(a.readiness, b.readiness)


def test_the_columnar_figures_equal_the_per_person_rules_exactly(demo_bundle: Bundle) -> None:
    """The summary reads the gap engine's columns; ``analysis.gaps`` states the rules. On
    the demo (copied, so that people tie), every figure equals the per-person loop to the
    last bit: readiness, priorities, departments, the people furthest, unbacked claims."""
    workspace = _copied(demo_bundle, 3)
    as_of = demo_bundle.snapshot_date
    assert as_of is not None
    model, outcomes = build_model(workspace, as_of)
    evidence = [o for outcome in outcomes for o in outcome.observations]
    claims = [o for o in workspace.observations if o.observed_on <= as_of]
    inventory = build_inventory([*evidence, *claims], model.context)
    roles = {r.id: r for r in workspace.roles}
    people = [p for p in workspace.people if p.active and p.role_id in roles]
    for view in View:
        s = summarise(workspace, organisation="Org", as_of=as_of, view=view)

        def loop(when: date | None, chosen: View = view) -> list[PersonGap]:
            return [
                person_gap(p, roles[p.role_id or ""], inventory, model.context, view=chosen,
                           horizon=when)
                for p in people
            ]  # fmt: skip

        now, later = loop(as_of), loop(s.horizon)
        assert list(s.now) == now and list(s.future) == later
        assert s.readiness_now == mean_readiness(now)
        assert s.readiness_at_horizon == mean_readiness(later)
        assert list(s.top_now) == priorities(now)[:5]
        assert list(s.top_future) == priorities(later)[:5]
        departments = group_by(now, lambda p: p.department)
        assert [(d.name, d.headcount, d.mean_readiness, list(d.priorities)) for d in
                s.departments] == [
            (g.name, g.headcount, g.mean_readiness, g.priorities) for g in departments
        ]  # fmt: skip
        assert list(s.furthest) == furthest(now, 3)
        if view is View.VERIFIED:
            best = loop(as_of, View.BEST_AVAILABLE)
            unbacked = [
                sum(1 for v, b in zip(vg.items, bg.items, strict=True)
                    if v.gap > 0 and b.gap == 0 and b.source is not None and not b.source.verified)
                for vg, bg in zip(now, best, strict=True)
            ]  # fmt: skip
            assert s.unbacked_claims == sum(unbacked)
            assert s.people_with_unbacked_claims == sum(1 for n in unbacked if n)


def test_no_counted_award_gives_empty_evidence_columns() -> None:
    columns = evidence_columns(award_evidence([], SkillContext.of([], [])))
    assert len(columns) == 0 and columns.person_ids == () and columns.ids.shape == (0,)
