"""The storage contract, meta, clear and transactions: each test takes the ``store``
fixture, so it runs on MemoryStore, SQLite and on PostgreSQL (skipped without
SKILLGAP_TEST_POSTGRES_URL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from skillgap.errors import ConflictError
from skillgap.formats.bundle import Bundle
from skillgap.services.bundles import store_bundle
from skillgap.store import Store, Workspace
from tests.store.builders import (
    CASES,
    ISSUER,
    PERSON,
    PERSON_EMAIL,
    SCALE_REDEFINED,
    Boom,
    add_everything,
    add_person,
    counts,
    make_achievement,
    make_award,
    make_framework,
    make_issuer,
    make_person,
    with_achievement_and_person,
)

# --------------------------------------------------------------------------- meta


def test_meta_get_of_a_missing_key_is_none(store: Store) -> None:
    with store.transaction() as ws:
        assert ws.meta.get("organisation") is None


def test_meta_set_then_get(store: Store) -> None:
    with store.transaction() as ws:
        ws.meta.set("organisation", "Tidewell Logistics")
    with store.transaction() as ws:
        assert ws.meta.get("organisation") == "Tidewell Logistics"


def test_meta_set_overwrites(store: Store) -> None:
    with store.transaction() as ws:
        ws.meta.set("snapshot_date", "2026-01-01")
    with store.transaction() as ws:
        ws.meta.set("snapshot_date", "2026-10-01")
        assert ws.meta.get("snapshot_date") == "2026-10-01"
    with store.transaction() as ws:
        assert ws.meta.get("snapshot_date") == "2026-10-01"
        assert ws.meta.items() == {"snapshot_date": "2026-10-01"}


def test_meta_items(store: Store) -> None:
    with store.transaction() as ws:
        assert ws.meta.items() == {}
        ws.meta.set("snapshot_date", "2026-10-01")
        ws.meta.set("organisation", "Tidewell")
        ws.meta.set("n\u00f8te", "\u00e9t\u00e9 \u2603\nsecond line")
        ws.meta.set("empty", "")
    with store.transaction() as ws:
        assert ws.meta.items() == {
            "empty": "",
            "n\u00f8te": "\u00e9t\u00e9 \u2603\nsecond line",
            "organisation": "Tidewell",
            "snapshot_date": "2026-10-01",
        }


# --------------------------------------------------------------------------- clear


def test_clear_empties_everything(store: Store) -> None:
    with store.transaction() as ws:
        add_everything(ws)
        assert all(counts(ws).values())
    with store.transaction() as ws:
        ws.clear()
    with store.transaction() as ws:
        assert counts(ws) == dict.fromkeys(counts(ws), 0)
        assert ws.meta.items() == {}
        add_everything(ws)  # the schema stays: the same items can be stored again
    with store.transaction() as ws:
        assert all(counts(ws).values())


# --------------------------------------------------------------------------- transactions


def test_an_error_inside_a_transaction_leaves_nothing_written(store: Store) -> None:
    with pytest.raises(Boom), store.transaction() as ws:
        add_everything(ws)
        raise Boom
    with store.transaction() as ws:
        assert counts(ws) == dict.fromkeys(counts(ws), 0)
        assert ws.meta.items() == {}


def test_an_error_inside_a_transaction_keeps_what_was_there(store: Store) -> None:
    with store.transaction() as ws:
        add_person(ws)
        ws.meta.set("organisation", "Before")
    with pytest.raises(Boom), store.transaction() as ws:
        ws.clear()
        ws.people.add(make_person("E2"))
        ws.meta.set("organisation", "After")
        raise Boom
    with store.transaction() as ws:
        assert ws.people.list() == [make_person(PERSON, PERSON_EMAIL)]
        assert ws.meta.items() == {"organisation": "Before"}


def test_a_conflict_escaping_a_transaction_rolls_it_back(store: Store) -> None:
    with pytest.raises(ConflictError), store.transaction() as ws:
        ws.issuers.add(make_issuer("i-1"))
        ws.achievements.add(make_achievement("a-1", issuer_id="nobody"))
    with store.transaction() as ws:
        assert ws.issuers.count() == 0


REFUSALS: dict[str, Callable[[Workspace], None]] = {
    "existing-id": lambda ws: ws.people.add(make_person(PERSON)),
    "unknown-reference": lambda ws: ws.awards.add(make_award("aw-x", achievement_id="nope")),
    "email-of-another-person": lambda ws: ws.people.add(make_person("E9", PERSON_EMAIL)),
    "redefined-scale": lambda ws: ws.frameworks.add(make_framework("fw-2", SCALE_REDEFINED)),
    "batch": lambda ws: ws.issuers.add_all([make_issuer(ISSUER), make_issuer("i-9")]),
}


@pytest.mark.parametrize("refuse", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_transaction_still_writes_after_a_refused_add(
    store: Store, refuse: Callable[[Workspace], None]
) -> None:
    with store.transaction() as ws:
        with_achievement_and_person(ws)
    before = snapshot(store)
    with store.transaction() as ws:
        with pytest.raises(ConflictError):
            refuse(ws)
        ws.issuers.add(make_issuer("after"))
        ws.meta.set("written", "after the refusal")
    with store.transaction() as ws:
        assert ws.issuers.get("after") == make_issuer("after")
        assert ws.meta.get("written") == "after the refusal"
    after = snapshot(store)
    after["issuers"].remove(make_issuer("after"))
    assert after == before  # and nothing of the refused add


def snapshot(store: Store) -> dict[str, list[Any]]:
    with store.transaction() as ws:
        return {case.repo: case.repository(ws).list() for case in CASES}


# --------------------------------------------------------------------------- a whole organisation


def _sorted(items: Sequence[Any], key: str = "id") -> list[Any]:
    return sorted(items, key=lambda item: getattr(item, key))


def test_a_demo_organisation_reads_back_equal(store: Store, demo_bundle: Bundle) -> None:
    bundle = demo_bundle
    with store.transaction() as ws:
        store_bundle(ws, bundle)
    with store.transaction() as ws:
        assert ws.frameworks.list() == [bundle.framework]
        assert ws.roles.list() == _sorted(bundle.roles)
        assert ws.people.list() == _sorted(bundle.people, "employee_id")
        assert ws.issuers.list() == _sorted(bundle.issuers)
        assert ws.achievements.list() == _sorted(bundle.achievements)
        assert ws.awards.list() == _sorted(bundle.awards)
        assert ws.observations.list() == _sorted(bundle.claims)
        assert ws.meta.items() == {
            "organisation": bundle.organisation,
            "snapshot_date": str(bundle.snapshot_date),
        }
        person = bundle.people[0]
        assert ws.people.get(person.employee_id) == person
        assert ws.awards.for_person(person.employee_id) == _sorted(
            [a for a in bundle.awards if a.person_id == person.employee_id]
        )
