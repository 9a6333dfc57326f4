"""Snapshots and progress on small hand-made data (no store, no CLI): what a snapshot
records, and the gaps closed and opened between snapshots, with their causes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from skillgap.analysis.inventory import View
from skillgap.analysis.progress import compare, progress, snapshot_rows
from skillgap.analysis.summary import WorkspaceData, summarise
from skillgap.domain import Importance, Person, Requirement, Role, SourceKind
from skillgap.domain.snapshots import Cause, RequirementLine, Snapshot, SnapshotRow, SnapshotTotals
from skillgap.errors import NotFoundError, ValidationError
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

JUNE = date(2026, 6, 30)
TAKEN = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
CAROL = Person("E3", "Carol", department="Ops", role_id="analyst")


def data(**changes: object) -> WorkspaceData:
    base = WorkspaceData(
        frameworks=[FRAMEWORK],
        roles=[ROLE],
        people=[ANA, BEN],
        issuers=list(ISSUERS.values()),
        achievements=[achievement("sql-cert")],
        awards=[],
        observations=[
            obs("E1", VIZ, 2, SourceKind.MANAGER, on=date(2026, 1, 5)),
            obs("E2", SQL, 4, SourceKind.SELF, on=date(2026, 1, 5)),
        ],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def snap(
    sid: str, workspace: WorkspaceData, as_of: date = JUNE, *, taken: datetime = TAKEN
) -> Snapshot:
    return Snapshot.of(sid, taken, as_of, "manual", snapshot_rows(workspace, as_of))


SQL_CERT = award("a1", "sql-cert", "E1", issued=datetime(2026, 8, 3, tzinfo=UTC))

# --------------------------------------------------------------------------- what is recorded


def test_a_row_holds_the_summary_figures_and_every_requirement() -> None:
    workspace = data()
    rows = {r.person_id: r for r in snapshot_rows(workspace, JUNE)}
    summary = summarise(workspace, organisation="Org", as_of=JUNE)
    verified = {g.person.employee_id: g.readiness for g in summary.now}
    best = summarise(workspace, organisation="Org", as_of=JUNE, view=View.BEST_AVAILABLE)
    assert {p: r.readiness_verified for p, r in rows.items()} == verified
    assert {p: r.readiness_best for p, r in rows.items()} == {
        g.person.employee_id: g.readiness for g in best.now
    }
    ana = rows["E1"]
    assert (ana.department, ana.team, ana.role_id) == ("Data", None, "analyst")
    assert ana.lines == (
        RequirementLine(SQL, Importance.CRITICAL, 3.0, None, None),
        RequirementLine(TALK, Importance.USEFUL, 4.0, None, None),
        RequirementLine(VIZ, Importance.IMPORTANT, 2.0, None, 2.0),  # a manager rating
    )
    assert [line.competency for line in ana.open_lines(verified=False)] == [SQL, TALK]


def test_readiness_at_the_role_s_next_horizon() -> None:
    ana = snapshot_rows(data(), JUNE)[0]
    assert ana.horizon == date(2027, 12, 31)
    future = summarise(data(), organisation="Org", as_of=JUNE)  # its horizon: the same date
    assert ana.horizon_readiness_verified == future.future[0].readiness
    after = snapshot_rows(data(), date(2028, 1, 1))[0]  # the profile no longer changes
    assert (after.horizon, after.horizon_readiness_best) == (None, None)
    assert after.readiness_ahead(verified=True) == after.readiness_verified


def test_only_active_people_with_a_known_role_are_recorded() -> None:
    gone = replace(BEN, active=False)
    nobody = Person("E4", "Dan", role_id="no-such-role")
    rows = snapshot_rows(data(people=[ANA, gone, nobody]), JUNE)
    assert [r.person_id for r in rows] == ["E1"]


def test_totals_are_means_over_the_people_assessed() -> None:
    s = snap("S1", data())
    rows = s.rows
    assert s.totals.people == s.totals.assessed == 2
    assert s.totals.readiness_verified == pytest.approx(sum(r.readiness_verified for r in rows) / 2)
    assert s.totals.open_verified == 6  # nothing verified: every requirement is open
    assert s.totals.open_best == 4  # Ana's VIZ (manager) and Ben's SQL (self) are met
    assert s.header().rows == () and s.header().totals == s.totals


def test_a_snapshot_refuses_unordered_rows_and_naive_times() -> None:
    row = SnapshotRow("E1", None, None, "analyst", 0.0, 0.0)
    unordered = (replace(row, person_id="E2"), row)
    with pytest.raises(ValidationError, match="ordered"):
        Snapshot("S1", TAKEN, JUNE, "manual", SnapshotTotals.of(unordered), unordered)
    with pytest.raises(ValidationError, match="ordered"):  # each person once
        Snapshot("S1", TAKEN, JUNE, "manual", SnapshotTotals.of([row, row]), (row, row))
    with pytest.raises(ValidationError, match="timezone"):
        Snapshot.of("S1", datetime(2026, 7, 1), JUNE, "manual", [row])
    with pytest.raises(ValidationError, match="horizon"):
        replace(row, horizon=JUNE)


# --------------------------------------------------------------------------- between two


def test_a_credential_that_counts_closes_the_gap_with_levels_before_and_after() -> None:
    before = snap("S1", data(), date(2026, 8, 1))
    after = snap("S2", data(awards=[SQL_CERT]), date(2026, 8, 31))
    period = compare(before, after)
    assert period.opened == ()
    [closed] = period.closed
    assert (closed.person_id, closed.department, closed.competency) == ("E1", "Data", SQL)
    assert (closed.required_before, closed.required_after) == (3.0, 3.0)
    assert (closed.held_before, closed.held_after) == (None, 3.0)
    assert closed.cause is Cause.LEVEL_ROSE
    assert period.closed_by(Cause.LEVEL_ROSE) == 1
    ana = {p.name: p for p in period.people}["E1"]
    assert ana.before is not None and ana.after is not None and ana.after > ana.before
    data_dept = {d.name: d for d in period.departments}["Data"]
    assert data_dept.delta == pytest.approx(ana.after - ana.before)
    assert period.organisation.delta == pytest.approx((ana.after - ana.before) / 2)


def test_an_expired_credential_reopens_the_gap() -> None:
    expiring = replace(SQL_CERT, expires_on=datetime(2027, 3, 1, tzinfo=UTC))
    workspace = data(awards=[expiring])
    period = compare(
        snap("S1", workspace, date(2026, 12, 1)), snap("S2", workspace, date(2027, 6, 1))
    )
    assert period.closed == ()
    [opened] = period.opened
    assert (opened.person_id, opened.competency, opened.cause) == ("E1", SQL, Cause.LEVEL_FELL)
    assert (opened.held_before, opened.held_after) == (3.0, None)


def test_a_horizon_reached_raises_the_requirement() -> None:
    workspace = data()
    june, later = snap("S1", workspace), snap("S2", workspace, date(2028, 1, 1))
    period = compare(june, later, View.BEST_AVAILABLE)
    [raised] = [c for c in period.opened if c.person_id == "E1"]  # met on a manager rating
    assert (raised.competency, raised.cause) == (VIZ, Cause.REQUIREMENT_RAISED)
    assert (raised.required_before, raised.required_after) == (2.0, 4.0)
    assert (raised.held_before, raised.held_after) == (2.0, 2.0)
    verified = compare(june, later)  # nothing verified: the gap was open, it only widens
    assert verified.opened == verified.closed == ()


def test_another_role_makes_requirements_come_and_go() -> None:
    talker = Role("talker", "Talker", requirements=(Requirement(TALK, 2),))
    lead = Role("lead", "Lead", requirements=(Requirement(SQL, 1), Requirement(VIZ, 5)))
    before = data(roles=[ROLE, talker, lead], people=[replace(ANA, role_id="talker")])
    after = replace(before, people=[replace(ANA, role_id="lead")])
    period = compare(snap("S1", before), snap("S2", after))
    assert [(c.competency, c.cause) for c in period.closed] == [(TALK, Cause.NO_LONGER_REQUIRED)]
    assert [(c.competency, c.cause) for c in period.opened] == [
        (SQL, Cause.NEWLY_REQUIRED),
        (VIZ, Cause.NEWLY_REQUIRED),
    ]
    assert period.opened[0].role_id == "lead" and period.opened[0].required_before is None


def test_people_who_join_or_leave_neither_close_nor_open_gaps() -> None:
    period = compare(snap("S1", data()), snap("S2", data(people=[ANA, CAROL])))
    assert (period.joined, period.left) == (("E3",), ("E2",))
    assert period.closed == period.opened == ()
    assert {d.name for d in period.departments} == {"Data", "Ops"}


# --------------------------------------------------------------------------- over time


def test_progress_series_periods_and_overall() -> None:
    one = snap("S1", data(), date(2026, 8, 1))
    two = snap("S2", data(awards=[SQL_CERT]), date(2026, 8, 31))
    three = snap("S3", data(awards=[SQL_CERT]), date(2028, 1, 1))
    result = progress([one, two, three], view=View.BEST_AVAILABLE)
    assert [p.snapshot.id for p in result.series] == ["S1", "S2", "S3"]
    assert [p.snapshot.as_of for p in result.series] == sorted(
        p.snapshot.as_of for p in result.series
    )
    assert all(p.snapshot.rows == () for p in result.series)  # headers only
    assert [(len(p.closed), len(p.opened)) for p in result.periods] == [(1, 0), (0, 1)]
    assert result.overall is not None
    assert (result.overall.before.id, result.overall.after.id) == ("S1", "S3")
    assert [c.competency for c in result.overall.closed] == [SQL]
    assert [c.competency for c in result.overall.opened] == [VIZ]
    delta = [p.organisation.delta for p in result.periods]  # a credential, then a horizon reached
    assert delta[0] is not None and delta[0] > 0 and delta[1] is not None and delta[1] < 0
    assert result.series[0].departments["Data"].assessed == 1


def test_since_starts_at_the_first_snapshot_on_or_after_the_date() -> None:
    one = snap("S1", data(), date(2026, 8, 1))
    two = snap("S2", data(awards=[SQL_CERT]), date(2026, 8, 31))
    result = progress([one, two], since=date(2026, 8, 2))
    assert [p.snapshot.id for p in result.series] == ["S2"]
    assert (result.periods, result.overall) == ((), None)
    assert progress([], since=JUNE).series == ()


def test_snapshots_of_one_date_are_ordered_by_id_whatever_the_clock() -> None:
    one = snap("S1", data(), taken=TAKEN + timedelta(hours=1))
    two = snap("S2", data(awards=[SQL_CERT]), taken=TAKEN)
    assert [p.snapshot.id for p in progress([one, two]).series] == ["S1", "S2"]
    with pytest.raises(ValueError, match="out of order"):
        progress([two, one])


def test_the_department_filter() -> None:
    one = snap("S1", data(people=[ANA, BEN, CAROL]), date(2026, 8, 1))
    two = snap("S2", data(people=[ANA, BEN, CAROL], awards=[SQL_CERT]), date(2026, 8, 31))
    ops = progress([one, two], department="Ops")
    assert [p.snapshot.totals.people for p in ops.series] == [2, 2]
    assert ops.overall is not None and ops.overall.closed == ()
    assert [d.name for d in ops.overall.departments] == ["Ops"]
    data_dept = progress([one, two], department="Data")
    assert data_dept.overall is not None
    assert [c.person_id for c in data_dept.overall.closed] == ["E1"]
    with pytest.raises(NotFoundError, match="Data, Ops"):
        progress([one, two], department="Sales")
