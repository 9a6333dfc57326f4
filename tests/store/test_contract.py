"""The storage contract, every repository: each test takes the ``store`` fixture, so it runs
on MemoryStore, SQLite and on PostgreSQL (skipped without SKILLGAP_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import pytest

from skillgap.errors import ConflictError, NotFoundError
from skillgap.store import Store
from tests.store.builders import (
    Case,
    every_repository,
)

# --------------------------------------------------------------------------- every repository


#: Deliberately unsorted; mixed case, punctuation and a non-ASCII letter.
IDS = ("b", "a10", "B", "\u00e4", "a2", "_z", "a-1")


@every_repository
def test_add_then_get_returns_an_equal_object(store: Store, case: Case) -> None:
    item = case.make("x-1")
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(item)
    with store.transaction() as ws:
        assert case.repository(ws).get("x-1") == item
        assert case.repository(ws).find("x-1") == item


@every_repository
def test_find_of_a_missing_id_is_none(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-1"))
    with store.transaction() as ws:
        assert case.repository(ws).find("x-2") is None


@every_repository
def test_get_of_a_missing_id_raises_not_found(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-1"))
    with store.transaction() as ws, pytest.raises(NotFoundError, match="x-2"):
        case.repository(ws).get("x-2")


@every_repository
def test_list_is_ordered_by_id(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        for id in IDS:
            case.repository(ws).add(case.make(id))
    with store.transaction() as ws:
        listed = case.repository(ws).list()
    assert [case.key(item) for item in listed] == sorted(IDS)
    assert listed == [case.make(id) for id in sorted(IDS)]


@every_repository
def test_count(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        assert case.repository(ws).count() == 0
        case.prepare(ws)
        case.repository(ws).add_all([case.make(id) for id in ("x-1", "x-2", "x-3")])
        assert case.repository(ws).count() == 3
    with store.transaction() as ws:
        assert case.repository(ws).count() == 3


@every_repository
def test_add_of_an_existing_id_raises_conflict(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-1"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="x-1"):
            case.repository(ws).add(case.make("x-1"))
        assert case.repository(ws).count() == 1


@every_repository
def test_add_all_of_a_batch_with_a_duplicate_id_raises_conflict(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        with pytest.raises(ConflictError, match="x-1"):
            case.repository(ws).add_all([case.make(id) for id in ("x-1", "x-2", "x-1")])


@every_repository
def test_add_all_of_a_batch_with_a_stored_id_raises_conflict(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-2"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="x-2"):
            case.repository(ws).add_all([case.make("x-2"), case.make("x-1")])
        assert case.repository(ws).find("x-1") is None


@every_repository
def test_a_refused_batch_stores_none_of_its_items(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        with pytest.raises(ConflictError):
            case.repository(ws).add_all([case.make(id) for id in ("x-1", "x-2", "x-1")])
        assert case.repository(ws).count() == 0


@every_repository
def test_add_all_of_nothing_stores_nothing(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.repository(ws).add_all([])
        assert case.repository(ws).count() == 0
