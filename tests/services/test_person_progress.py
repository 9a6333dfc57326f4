"""A person's progress from the periods stored with each snapshot, on every store backend.

The oracle is the organisation's comparison (``progress``, which compares whole snapshots):
person by person and in both views, the stored periods must tell the same story. Also: a
snapshot dated between two others re-stores the periods around it, and periods that are not
stored (a workspace made before they were) are computed from the rows, then stored by the
next snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from skillgap.analysis.inventory import View
from skillgap.clock import FixedClock
from skillgap.domain import CompetencyRef, Importance, Observation, Person, SourceKind
from skillgap.domain.snapshots import RequirementLine, Snapshot, SnapshotRow
from skillgap.errors import NotFoundError
from skillgap.formats.bundle import Bundle
from skillgap.services.bundles import store_bundle
from skillgap.services.snapshots import person_progress, progress, store_periods, take_snapshot
from skillgap.store import Store, tables
from skillgap.store.memory import MemoryStore
from skillgap.store.sql import SqlStore
from tests.services.badges import AT

CLOCK = FixedClock(AT)


def _observed(store: Store, person_id: str, view: View) -> list[tuple[Any, ...]]:
    report = person_progress(store, person_id, view=view)
    return [
        (
            p.before.id,
            p.after.id,
            p.change.readiness_before,
            p.change.readiness_after,
            p.change.closed,
            p.change.opened,
        )
        for p in report.periods
    ]


def _expected(store: Store, view: View) -> dict[str, list[tuple[Any, ...]]]:
    """Each person's periods as the whole snapshots' comparison finds them."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for period in progress(store, view=view).progress.periods:
        moved = {p.name: p for p in period.people}
        names = moved.keys() | {c.person_id for c in (*period.closed, *period.opened)}
        for pid in sorted(names):
            readiness = moved.get(pid)
            found.setdefault(pid, []).append(
                (
                    period.before.id,
                    period.after.id,
                    readiness.before if readiness else None,
                    readiness.after if readiness else None,
                    tuple(c for c in period.closed if c.person_id == pid),
                    tuple(c for c in period.opened if c.person_id == pid),
                )
            )
    return found


def _three_snapshots(store: Store, bundle: Bundle) -> list[str]:
    """The demo, snapshotted on its date; then manager ratings of 5 for the first
    requirement of the first ten people's roles (gaps close in the best-available view),
    snapshotted at the end of 2027 (horizons and expiries open gaps); then a snapshot
    dated between the two, taken last."""
    with store.transaction() as ws:
        store_bundle(ws, bundle)
    ids = [take_snapshot(store, CLOCK).snapshot.id]
    with store.transaction() as ws:
        roles = {r.id: r for r in ws.roles.list()}
        people = [p for p in ws.people.list() if p.role_id in roles][:10]
        for n, person in enumerate(people):
            role = roles[person.role_id or ""]
            ref = role.requirements[0].competency
            scale = ws.frameworks.get(ref.framework).scale
            ws.observations.add(
                Observation(
                    f"rating-{n}",
                    person.employee_id,
                    ref,
                    max(level.value for level in scale.levels),
                    scale.id,
                    SourceKind.MANAGER,
                    date(2026, 12, 1),
                )
            )
    ids.append(take_snapshot(store, CLOCK, as_of=date(2027, 12, 31)).snapshot.id)
    ids.append(take_snapshot(store, CLOCK, as_of=date(2027, 3, 1)).snapshot.id)
    return ids


def _people(store: Store) -> list[str]:
    with store.transaction() as ws:
        return [p.employee_id for p in ws.people.list()]


def _check_every_person(store: Store) -> None:
    told: list[tuple[Any, ...]] = []
    for view in View:
        expected = _expected(store, view)
        for pid in _people(store):
            assert _observed(store, pid, view) == expected.get(pid, [])
            told.extend(expected.get(pid, []))
    # not a vacuous story: gaps closed, gaps opened, readiness moved
    assert any(p[4] for p in told) and any(p[5] for p in told)
    assert sum(1 for p in told if p[2] is not None) > 20


def test_a_persons_stored_periods_tell_what_comparing_the_snapshots_tells(
    store: Store, demo_bundle: Bundle
) -> None:
    first, last, between = _three_snapshots(store, demo_bundle)
    with store.transaction() as ws:
        # the snapshot dated between the two came last: both periods around it are stored
        assert ws.snapshots.periods() == {between: first, last: between}
        assert store_periods(ws) == 0  # nothing missing
    _check_every_person(store)


def test_an_unknown_person_is_not_found(store: Store, demo_bundle: Bundle) -> None:
    _three_snapshots(store, demo_bundle)
    with pytest.raises(NotFoundError, match="nobody-here"):
        person_progress(store, "nobody-here")


def test_periods_not_stored_are_computed_then_stored_by_the_next_snapshot(
    store: Store, demo_bundle: Bundle
) -> None:
    first, last, between = _three_snapshots(store, demo_bundle)
    _forget_periods(store)  # as a workspace made before periods were stored
    with store.transaction() as ws:
        assert ws.snapshots.periods() == {}
    _check_every_person(store)  # from the rows
    newest = take_snapshot(store, CLOCK, as_of=date(2028, 1, 1)).snapshot.id
    with store.transaction() as ws:
        assert ws.snapshots.periods() == {between: first, last: between, newest: last}
    _check_every_person(store)


def _forget_periods(store: Store) -> None:
    if isinstance(store, MemoryStore):
        with store.transaction() as ws:
            ws.snapshots._periods.clear()  # type: ignore[attr-defined]
        return
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:
        conn.execute(sa.delete(tables.snapshot_changes))
        conn.execute(sa.delete(tables.snapshot_periods))


@pytest.mark.parametrize("view", list(View))
def test_the_person_page_names_each_competency(
    store: Store, demo_bundle: Bundle, view: View
) -> None:
    _three_snapshots(store, demo_bundle)
    for pid in _people(store):
        report = person_progress(store, pid, view=view)
        refs = {c.competency for p in report.periods for c in (*p.change.closed, *p.change.opened)}
        assert set(report.competencies) == refs
        assert all(name != str(ref) for ref, name in report.competencies.items())  # named


class StaleHeaders:
    """``store`` whose snapshot list is the one read before another process took a snapshot
    dated between two (on PostgreSQL a request reads the kept headers of its revision, then
    the stored periods as they are now)."""

    def __init__(self, store: Store, headers: list[Snapshot]) -> None:
        self.store, self.headers = store, headers
        self.location, self.schema = store.location, store.schema

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.store.transaction() as ws:
            snapshots = ws.snapshots
            stale = SimpleNamespace(
                list=lambda since=None: [h for h in self.headers if not since or h.as_of >= since],
                person_periods=snapshots.person_periods,
                for_person=snapshots.for_person,
            )
            yield SimpleNamespace(people=ws.people, snapshots=stale, frameworks=ws.frameworks)

    def close(self) -> None:
        self.store.close()


def test_a_period_stored_again_meanwhile_is_not_mixed_with_the_headers_read(
    store: Store,
) -> None:
    line = RequirementLine(CompetencyRef("fw", "sql"), Importance.CRITICAL, 3.0, None, None)
    rows = {
        n: SnapshotRow("E1", "Data", None, "analyst", 10.0 * n, 10.0 * n, lines=(line,))
        for n in (1, 2, 3)
    }
    with store.transaction() as ws:
        ws.people.add(Person("E1", "Ann"))
        for n, day in ((1, 1), (3, 3)):
            ws.snapshots.add(Snapshot.of(f"S{n}", AT, date(2026, 1, day), "manual", [rows[n]]))
        store_periods(ws)
        before = ws.snapshots.list()
    with store.transaction() as ws:  # another process: a snapshot dated between the two
        ws.snapshots.add(Snapshot.of("S2", AT, date(2026, 1, 2), "manual", [rows[2]]))
        assert store_periods(ws) == 2
    [period] = person_progress(StaleHeaders(store, before), "E1").periods  # type: ignore[arg-type]
    assert (period.before.id, period.after.id) == ("S1", "S3")
    assert (period.change.readiness_before, period.change.readiness_after) == (10.0, 30.0)
    now = person_progress(store, "E1").periods
    assert [(p.change.readiness_before, p.change.readiness_after) for p in now] == [
        (10.0, 20.0),
        (20.0, 30.0),
    ]
