"""The storage contract for snapshots: each test takes the ``store`` fixture, so it runs on
MemoryStore, SQLite and PostgreSQL (skipped without SKILLGAP_TEST_POSTGRES_URL)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from skillgap.config import load_settings
from skillgap.domain import CompetencyRef, Importance
from skillgap.domain.snapshots import (
    Cause,
    GapChange,
    PersonChange,
    RequirementLine,
    Snapshot,
    SnapshotRow,
    StoredPeriod,
)
from skillgap.errors import ConflictError, NotFoundError, ValidationError
from skillgap.store import Store
from skillgap.store.schema import open_store
from skillgap.store.sql import SqlStore

TAKEN = datetime(2026, 11, 2, 8, 30, 15, 250_000, tzinfo=UTC)
SQL = CompetencyRef("fw", "sql")
PY = CompetencyRef("esco", "http://data.europa.eu/esco/skill/ccd0a1d9")


def row(person: str, **changes: object) -> SnapshotRow:
    base = SnapshotRow(
        person_id=person,
        department="Data & Analytics",
        team="Ops \u00e4",
        role_id="analyst",
        readiness_verified=100 / 3,  # not exact in decimal: must come back bit for bit
        readiness_best=66.66666666666667,
        horizon=date(2027, 12, 31),
        horizon_readiness_verified=0.0,
        horizon_readiness_best=12.5,
        lines=(
            RequirementLine(SQL, Importance.CRITICAL, 3.0, None, 2.5),
            RequirementLine(PY, Importance.USEFUL, 1.6666666666666667, 4.0, 4.0),
        ),
    )
    fields = {**base.__dict__, **changes}
    return SnapshotRow(**fields)  # type: ignore[arg-type]


def make(sid: str, as_of: date = date(2026, 11, 1), taken: datetime = TAKEN) -> Snapshot:
    rows = [
        row("E2"),
        row("E10", department=None, team=None, lines=()),  # a role requiring nothing
        row("E1", horizon=None, horizon_readiness_verified=None, horizon_readiness_best=None),
        row("\u00e41"),
        row("B"),
    ]
    return Snapshot.of(sid, taken, as_of, "import: credentials", rows)


def test_add_then_get_returns_an_equal_snapshot(store: Store) -> None:
    snapshot = make("S000001")
    assert [r.person_id for r in snapshot.rows] == ["B", "E1", "E10", "E2", "\u00e41"]
    with store.transaction() as ws:
        ws.snapshots.add(snapshot)
    with store.transaction() as ws:
        found = ws.snapshots.get("S000001")
    assert found == snapshot
    assert found.rows == snapshot.rows and found.taken_at.tzinfo is not None


def test_get_of_a_missing_id_raises_not_found(store: Store) -> None:
    with store.transaction() as ws, pytest.raises(NotFoundError, match="S9"):
        ws.snapshots.get("S9")


def test_list_gives_headers_in_snapshot_order(store: Store) -> None:
    later = TAKEN + timedelta(hours=1)
    made = [
        make("S3", date(2026, 11, 1), TAKEN - timedelta(days=1)),  # a clock running late
        make("S1", date(2027, 1, 1), TAKEN),
        make("S2", date(2026, 11, 1), TAKEN),
        make("S4", date(2026, 11, 1), later),
    ]
    with store.transaction() as ws:
        for snapshot in made:
            ws.snapshots.add(snapshot)
    with store.transaction() as ws:
        listed = ws.snapshots.list()
        since = ws.snapshots.list(since=date(2026, 12, 1))
        assert ws.snapshots.count() == 4
        latest = ws.snapshots.latest()
    assert [s.id for s in listed] == ["S2", "S3", "S4", "S1"]  # by date, then id
    assert all(s.rows == () for s in listed)
    by_id = {s.id: s for s in made}
    assert listed == [by_id[s.id].header() for s in listed]
    assert [s.id for s in since] == ["S1"]
    assert latest == by_id["S1"]  # with its rows


def test_latest_of_no_snapshots_is_none(store: Store) -> None:
    with store.transaction() as ws:
        assert ws.snapshots.latest() is None
        assert ws.snapshots.list() == []
        assert ws.snapshots.count() == 0


def test_add_of_an_existing_id_raises_conflict_and_the_transaction_goes_on(store: Store) -> None:
    with store.transaction() as ws:
        ws.snapshots.add(make("S1"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="S1"):
            ws.snapshots.add(make("S1", date(2030, 1, 1)))
        ws.snapshots.add(make("S2"))
    with store.transaction() as ws:
        assert [s.id for s in ws.snapshots.list()] == ["S1", "S2"]
        assert ws.snapshots.get("S1").as_of == date(2026, 11, 1)


def test_a_failed_transaction_leaves_no_snapshot(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as ws:
        ws.snapshots.add(make("S1"))
        raise RuntimeError("boom")
    with store.transaction() as ws:
        assert ws.snapshots.count() == 0


def test_clear_removes_snapshots(store: Store) -> None:
    with store.transaction() as ws:
        ws.snapshots.add(make("S1"))
    with store.transaction() as ws:
        ws.clear()
    with store.transaction() as ws:
        assert ws.snapshots.list() == []


def test_a_snapshot_names_what_the_workspace_no_longer_holds(store: Store) -> None:
    """No references: history outlives the people, roles and competencies it names."""
    with store.transaction() as ws:
        assert ws.people.count() == ws.frameworks.count() == 0
        ws.snapshots.add(make("S1"))
    with store.transaction() as ws:
        assert ws.snapshots.get("S1").rows[0].lines[0].competency == SQL


def test_a_large_snapshot_round_trips(store: Store) -> None:
    """Rows are written in chunks (and with COPY on PostgreSQL): 3,000 people x 12 lines."""
    refs = [CompetencyRef("fw", f"c{n:02d}") for n in range(12)]
    lines = tuple(
        RequirementLine(ref, Importance.IMPORTANT, 3.0, None if n % 3 else n / 7, n / 4)
        for n, ref in enumerate(refs)
    )
    rows = [row(f"P{n:05d}", lines=lines, readiness_verified=n / 7) for n in range(3_000)]
    snapshot = Snapshot.of("S1", TAKEN, date(2026, 11, 1), "manual", rows)
    with store.transaction() as ws:
        ws.snapshots.add(snapshot)
    with store.transaction() as ws:
        assert ws.snapshots.get("S1") == snapshot
        [header] = ws.snapshots.list()
    assert header.totals == snapshot.totals and header.totals.people == 3_000


def test_for_person_gives_each_snapshot_with_that_persons_row_only(store: Store) -> None:
    first, second = make("S1"), make("S2", date(2026, 12, 1))
    third = Snapshot.of("S3", TAKEN, date(2027, 1, 1), "import: people", [row("E2")])
    with store.transaction() as ws:
        for snapshot in (third, first, second):
            ws.snapshots.add(snapshot)
    with store.transaction() as ws:
        mine = ws.snapshots.for_person("E1")
        since = ws.snapshots.for_person("\u00e41", since=date(2026, 11, 15))
        nobody = ws.snapshots.for_person("E404")
        given = ws.snapshots.for_person("E1", headers=ws.snapshots.list())  # not read again
    assert [s.id for s in mine] == ["S1", "S2", "S3"]
    assert [s.rows for s in mine] == [(first.rows[1],), (second.rows[1],), ()]
    assert [s.totals for s in mine] == [first.totals, second.totals, third.totals]
    assert [s.id for s in since] == ["S2", "S3"]
    assert since[0].rows == (second.rows[-1],)  # its lines in their order
    assert since[0].rows[0].lines == row("x").lines
    assert [s.rows for s in nobody] == [(), (), ()]
    assert given == mine


# --------------------------------------------------------------------------- periods


def gap(person: str, ref: CompetencyRef, cause: Cause, **levels: float | None) -> GapChange:
    values: dict[str, float | None] = {
        "required_before": 3.0,
        "required_after": 100 / 3,  # bit for bit
        "held_before": None,
        "held_after": 2.5,
        **levels,
    }
    return GapChange(
        person_id=person,
        department="Data & Analytics",
        role_id="analyst",
        competency=ref,
        importance=Importance.CRITICAL,
        cause=cause,
        **values,  # type: ignore[arg-type]
    )


def changes() -> list[PersonChange]:
    return [
        PersonChange("E1", True, 100 / 3, 50.0, (gap("E1", PY, Cause.LEVEL_ROSE),), ()),
        PersonChange(
            "E1",
            False,
            None,
            None,
            (),
            (
                gap("E1", SQL, Cause.NEWLY_REQUIRED, required_before=None, held_after=None),
                gap("E1", PY, Cause.LEVEL_FELL, held_before=4.0),
            ),
        ),
        PersonChange("\u00e41", True, 0.0, 12.5, (), ()),  # readiness only
    ]


def test_a_period_stored_comes_back_person_by_person_and_view_by_view(store: Store) -> None:
    with store.transaction() as ws:
        for sid, day in (("S1", 1), ("S2", 2)):
            ws.snapshots.add(make(sid, date(2026, 11, day)))
        assert ws.snapshots.periods() == {}
        assert ws.snapshots.person_periods("E1", True) == {}
        ws.snapshots.put_period("S1", "S2", changes())
    verified, best, other = changes()
    with store.transaction() as ws:
        assert ws.snapshots.periods() == {"S2": "S1"}
        assert ws.snapshots.person_periods("E1", True) == {"S2": StoredPeriod("S1", verified)}
        assert ws.snapshots.person_periods("E1", False) == {"S2": StoredPeriod("S1", best)}
        assert ws.snapshots.person_periods("\u00e41", True) == {"S2": StoredPeriod("S1", other)}
        assert ws.snapshots.person_periods("\u00e41", False) == {"S2": StoredPeriod("S1", None)}
        assert ws.snapshots.person_periods("E2", True) == {"S2": StoredPeriod("S1", None)}


def test_every_stored_period_read_at_once_answers_as_each_persons_read(store: Store) -> None:
    with store.transaction() as ws:
        none = ws.snapshots.stored_periods(0)
        assert none is not None and dict(none.periods) == {}
        for sid, day in (("S1", 1), ("S2", 2), ("S3", 3)):
            ws.snapshots.add(make(sid, date(2026, 11, day)))
        ws.snapshots.put_period("S1", "S2", changes())
        ws.snapshots.put_period("S2", "S3", changes()[1:])
    with store.transaction() as ws:
        kept = ws.snapshots.stored_periods(5)
        assert kept is not None
        for person in ("E1", "\u00e41", "E2"):
            for verified in (True, False):
                assert kept.person(person, verified) == ws.snapshots.person_periods(
                    person, verified
                )
        assert kept.person("E1", True) == {
            "S2": StoredPeriod("S1", changes()[0]),
            "S3": StoredPeriod("S2", None),
        }
        assert ws.snapshots.stored_periods(4) is None  # five changes: too many to keep


def test_a_period_stored_again_replaces_the_one_ending_at_that_snapshot(store: Store) -> None:
    with store.transaction() as ws:
        for sid, day in (("S1", 1), ("S2", 3), ("S3", 2)):
            ws.snapshots.add(make(sid, date(2026, 11, day)))
        ws.snapshots.put_period("S1", "S2", changes())
    with store.transaction() as ws:  # S3 comes between: S2's period now starts at S3
        ws.snapshots.put_period("S1", "S3", changes()[2:])
        ws.snapshots.put_period("S3", "S2", changes()[:1])
    with store.transaction() as ws:
        assert ws.snapshots.periods() == {"S3": "S1", "S2": "S3"}
        assert ws.snapshots.person_periods("E1", True) == {
            "S3": StoredPeriod("S1", None),
            "S2": StoredPeriod("S3", changes()[0]),
        }
        assert ws.snapshots.person_periods("E1", False) == {  # the old one is gone
            "S3": StoredPeriod("S1", None),
            "S2": StoredPeriod("S3", None),
        }
        assert ws.snapshots.person_periods("\u00e41", True)["S3"] == StoredPeriod(
            "S1", changes()[2]
        )


def test_a_period_needs_both_snapshots_and_each_change_once(store: Store) -> None:
    with store.transaction() as ws:
        ws.snapshots.add(make("S1"))
        ws.snapshots.add(make("S2", date(2026, 12, 1)))
    with store.transaction() as ws:
        with pytest.raises(NotFoundError, match="S9"):
            ws.snapshots.put_period("S1", "S9", changes())
        with pytest.raises(NotFoundError, match="S0"):
            ws.snapshots.put_period("S0", "S1", changes())
        with pytest.raises(ValidationError, match="'E1'.s changes in the verified view twice"):
            ws.snapshots.put_period("S1", "S2", [*changes(), changes()[0]])
        assert ws.snapshots.periods() == {}  # nothing of a refused period is kept
        ws.snapshots.put_period("S1", "S2", changes())  # the transaction is still usable
    with store.transaction() as ws:
        assert ws.snapshots.periods() == {"S2": "S1"}


def test_two_transactions_storing_one_period_take_turns_on_postgres(
    postgres_databases: Any,
) -> None:
    """The second waits on the period's row, then gives way: no error, one period."""
    store = open_store(load_settings({}, database_url=postgres_databases.create()), create=True)
    try:
        with store.transaction() as ws:
            ws.snapshots.add(make("S1"))
            ws.snapshots.add(make("S2", date(2026, 12, 1)))
            ws.snapshots.put_period("S1", "S2", changes())
        failed: list[BaseException] = []

        def second() -> None:
            try:
                with store.transaction() as ws:
                    ws.snapshots.put_period("S1", "S2", changes()[:1])  # E1 again
            except BaseException as exc:  # reported to the test's thread
                failed.append(exc)

        with store.transaction() as ws:
            ws.snapshots.put_period("S1", "S2", changes()[:2])  # holds the period's row
            other = threading.Thread(target=second)
            other.start()
            _wait_for_a_lock(store)
        other.join(timeout=60)
        assert not other.is_alive() and failed == []
        with store.transaction() as ws:
            assert ws.snapshots.periods() == {"S2": "S1"}
            assert ws.snapshots.person_periods("E1", False)["S2"].change == changes()[1]
    finally:
        store.close()


def _wait_for_a_lock(store: Store) -> None:
    """Until a session of this database waits on a lock (the second transaction)."""
    assert isinstance(store, SqlStore)
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    for _ in range(600):
        with store.engine.connect() as conn:
            if conn.execute(query).scalar_one():
                return
        time.sleep(0.05)
    raise AssertionError("the second transaction never waited on the period's row")
