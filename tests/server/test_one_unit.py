"""Several service calls as one unit of work (store/one_unit.py), and what the hot requests
cost the database: a person's gaps and their page are each one unit of work beside the
one that authenticates; on PostgreSQL neither begins a transaction, and a request reads
the revision once (server/cache.py, ``one_revision``)."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from skillgap.config import load_settings
from skillgap.domain import Person
from skillgap.domain.snapshots import Snapshot
from skillgap.domain.users import UserRole
from skillgap.errors import ValidationError
from skillgap.server.cache import CachedStore, ReadCache, one_revision
from skillgap.services import people as people_service
from skillgap.services.snapshots import person_progress, store_periods
from skillgap.store import Store, Workspace
from skillgap.store.one_unit import one_unit
from skillgap.store.schema import open_store
from skillgap.store.sql import use_write_ahead_log
from tests.store.test_contract_snapshots import make

from .conftest import EMPLOYEE, Org, login, watched


class Counting:
    """``store``, counting the units of work opened on it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.units = 0

    @property
    def location(self) -> str:
        return self.store.location

    @property
    def schema(self) -> str | None:
        return self.store.schema

    def transaction(self) -> AbstractContextManager[Workspace]:
        self.units += 1
        return self.store.transaction()

    def close(self) -> None:
        self.store.close()


def add(store: Store, person: Person) -> None:
    """A service that writes: a unit of work of its own."""
    with store.transaction() as ws:
        ws.people.add(person)


def test_service_calls_in_one_unit_open_one(store: Store) -> None:
    counting = Counting(store)
    with one_unit(counting) as shared:
        add(shared, Person("E1", "One"))
        with shared.transaction() as ws:
            assert ws.people.find("E1") == Person("E1", "One")  # its own write, seen
        assert [p.employee_id for p in people_service.list_people(shared)] == ["E1"]
        assert shared.location == store.location and shared.schema == store.schema
    assert counting.units == 1
    with store.transaction() as ws:
        assert ws.people.find("E1") is not None  # committed when the whole ended


def test_an_error_anywhere_in_one_unit_rolls_all_of_it_back(store: Store) -> None:
    with pytest.raises(ValidationError), one_unit(store) as shared:
        add(shared, Person("E1", "One"))  # its own "unit" ended well
        raise ValidationError("later, something fails")
    with store.transaction() as ws:
        assert ws.people.find("E1") is None


def test_one_unit_reads_one_snapshot_on_sqlite(tmp_path: Path) -> None:
    """SQLite: what another connection commits between two service calls is not seen by
    the second (separate units would see it)."""
    settings = load_settings({}, workspace=tmp_path / "ws.db")
    store = open_store(settings, create=True)
    assert use_write_ahead_log(store)  # as served: a reader does not block the writer
    other = open_store(settings)
    try:
        add(store, Person("E1", "One"))
        with one_unit(store) as shared:
            assert len(people_service.list_people(shared)) == 1
            add(other, Person("E2", "Two"))
            assert len(people_service.list_people(shared)) == 1
        assert len(people_service.list_people(store)) == 2
    finally:
        other.close()
        store.close()


# --- what a hot request costs the database ------------------------------------------------


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_persons_gaps_and_page_are_one_unit_of_work_beside_authentication(
    backend: str, request: pytest.FixtureRequest
) -> None:
    org: Org = request.getfixturevalue("sqlite_org" if backend == "sqlite" else "postgres_org")
    with org.app_client() as client:
        assert login(client, "hr@tidewell.example").status_code == 303
        gaps = f"/api/v1/people/{EMPLOYEE}/gaps"
        for path, headers in ((gaps, org.bearer(UserRole.HR)), (f"/people/{EMPLOYEE}", {})):
            assert client.get(path, headers=headers).status_code == 200  # the cache filled
            with watched(org.store) as said:
                assert client.get(path, headers=headers).status_code == 200
            if backend == "sqlite":  # authentication, then the answer: a transaction each
                assert said.count("BEGIN") == 2 and said.count("COMMIT") == 2, said
            else:  # single statements, no transaction, the revision read once
                assert "BEGIN" not in said and "COMMIT" not in said, said
                assert sum("workspace_meta" in sql for sql in said) == 1, said


@pytest.mark.postgres
def test_a_request_reads_the_revision_once_until_it_writes(postgres_org: Org) -> None:
    cached = CachedStore(postgres_org.store, ReadCache())
    with cached.transaction() as ws:  # the people read once (a load reads the revision again)
        assert ws.people.find(EMPLOYEE) is not None
    with watched(postgres_org.store) as said, one_revision():
        for _ in range(3):
            with cached.transaction() as ws:
                assert ws.people.find(EMPLOYEE) is not None
        assert sum("workspace_meta" in sql for sql in said) == 1, said
        with cached.transaction() as ws:
            ws.people.add(Person("E-NEW", "New"))
        said.clear()
        with cached.transaction() as ws:  # the revision read again: the write is seen
            assert ws.people.find("E-NEW") == Person("E-NEW", "New")
        assert "workspace_meta" in said[0], said
    said.clear()
    with watched(postgres_org.store) as said:  # outside a request: once per unit
        for _ in range(2):
            with cached.transaction() as ws:
                assert ws.people.find(EMPLOYEE) is not None
    assert sum("workspace_meta" in sql for sql in said) == 2, said


def test_snapshots_through_the_cache_are_the_stores(store: Store) -> None:
    """The headers are kept (a person's page reads them on every view); a person's rows
    come from the store, and none is read while there is no snapshot."""
    cached = CachedStore(store, ReadCache())
    with cached.transaction() as ws:
        assert ws.snapshots.list() == [] and ws.snapshots.for_person("E1") == ()
    first, second = make("S1"), make("S2", date(2026, 12, 1))
    with cached.transaction() as ws:
        ws.snapshots.add(first)
    with store.transaction() as ws:  # not through the cache: as the command line would
        ws.snapshots.add(second)
    for since in (None, date(2026, 11, 15), date(2027, 1, 1)):
        with store.transaction() as ws:
            expected = (ws.snapshots.list(since), ws.snapshots.for_person("E1", since))
        with cached.transaction() as ws:
            assert (ws.snapshots.list(since), ws.snapshots.for_person("E1", since)) == expected
    with cached.transaction() as ws:
        assert [s.id for s in ws.snapshots.for_person("E1")] == ["S1", "S2"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_persons_rows_of_many_snapshots_are_three_queries_two_with_kept_headers(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    store = _new_store(backend, request, tmp_path)
    try:
        with store.transaction() as ws:
            for n in range(6):
                ws.snapshots.add(make(f"S{n}", date(2026, 1 + n, 1)))
        with watched(store) as said, store.transaction() as ws:
            found = ws.snapshots.for_person("E1")
        assert [s.rows[0].person_id for s in found] == ["E1"] * 6
        selects = [sql for sql in said if sql.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 3, said  # the headers, then lines and people of all six
        cached = CachedStore(store, ReadCache())
        with cached.transaction() as ws:
            assert len(ws.snapshots.list()) == 6  # the headers, kept
        with watched(store) as said, cached.transaction() as ws:
            assert ws.snapshots.for_person("E1") == found
        read = [sql for sql in said if re.search(r"FROM snapshot(s|_lines|_people)\b", sql)]
        assert len(read) == 2 and all("FROM snapshots" not in sql for sql in read), read
    finally:
        store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_persons_progress_is_one_read_of_the_stored_periods(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """With the periods stored (and the headers kept), a person's progress reads the
    snapshot tables once, however many snapshots: the periods with their changes."""
    store = _new_store(backend, request, tmp_path)
    try:
        with store.transaction() as ws:
            ws.people.add(Person("E1", "Ann"))
            for n in range(6):
                ws.snapshots.add(_moving(make(f"S{n}", date(2026, 1 + n, 1)), n))
            assert store_periods(ws) == 5
        cached = CachedStore(store, ReadCache())
        found = person_progress(cached, "E1")  # keeps the headers
        assert [p.after.id for p in found.periods] == ["S1", "S2", "S3", "S4", "S5"]
        with watched(store) as said:
            assert person_progress(cached, "E1") == found
        read = [sql for sql in said if re.search(r"FROM snapshot", sql)]
        assert len(read) == 1 and "FROM snapshot_periods" in read[0], read
        assert "JOIN snapshot_changes" in read[0]  # the periods with their changes
    finally:
        store.close()


def _moving(snapshot: Snapshot, n: int) -> Snapshot:
    """``snapshot`` with E1's readiness at ``n`` times 10 (so it moves every period)."""
    rows = [
        replace(r, readiness_verified=10.0 * n) if r.person_id == "E1" else r for r in snapshot.rows
    ]
    return Snapshot.of(snapshot.id, snapshot.taken_at, snapshot.as_of, snapshot.reason, rows)


def _new_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A new workspace on SQLite or on a new PostgreSQL database."""
    if backend == "sqlite":
        return open_store(load_settings({}, workspace=tmp_path / "ws.db"), create=True)
    url = request.getfixturevalue("postgres_databases").create()
    return open_store(load_settings({}, database_url=url), create=True)
