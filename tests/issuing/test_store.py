"""The issued-credentials repository keeps one contract on memory, SQLite and PostgreSQL:
round trips, status list indexes that are never shared, references, revocation by ``put``."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from skillgap.domain import Award
from skillgap.errors import ConflictError, NotFoundError
from skillgap.issuing import IssuedCredential
from skillgap.store import Store
from tests.issuing.builders import ANN, AT, PYTHON, seed


def record(n: int, index: int | None = None) -> IssuedCredential:
    return IssuedCredential(
        id=f"urn:uuid:{n}",
        award_id=f"urn:uuid:{n}",
        person_id=ANN.employee_id,
        achievement_id=PYTHON.id,
        status_index=n if index is None else index,
        format="di",
        issued_on=AT,
        document=f'{{"id": "urn:uuid:{n}"}}',
        expires_on=AT + timedelta(days=365),
    )


@pytest.fixture
def ready(store: Store) -> Store:
    seed(store)
    with store.transaction() as ws:
        ws.awards.add_all(
            Award(f"urn:uuid:{n}", PYTHON.id, "did:example:ann", AT, ANN.employee_id)
            for n in range(4)
        )
    return store


def test_issued_credentials_round_trip(ready: Store) -> None:
    with ready.transaction() as ws:
        assert ws.issued.next_index() == 0
        ws.issued.add_all([record(1), record(0)])
    with ready.transaction() as ws:
        assert ws.issued.list() == [record(0), record(1)]
        assert ws.issued.get("urn:uuid:1").expires_on == AT + timedelta(days=365)
        assert ws.issued.next_index() == 2
        assert ws.issued.count() == 2


def test_a_revocation_is_stored_by_put(ready: Store) -> None:
    with ready.transaction() as ws:
        ws.issued.add(record(0))
    revoked = replace(
        record(0), revoked=True, revoked_on=AT + timedelta(days=1), revocation_reason="oops"
    )
    with ready.transaction() as ws:
        ws.issued.put(revoked)
    with ready.transaction() as ws:
        assert ws.issued.get("urn:uuid:0") == revoked


def test_a_status_index_is_never_shared(ready: Store) -> None:
    with ready.transaction() as ws:
        ws.issued.add(record(0))
        with pytest.raises(ConflictError, match="index 0 is already used by 'urn:uuid:0'"):
            ws.issued.add(record(1, index=0))
        ws.issued.add(record(1))  # the transaction is still usable
    with ready.transaction() as ws:
        assert ws.issued.count() == 2


def test_an_issued_credential_refers_to_its_award(ready: Store) -> None:
    orphan = replace(record(2), award_id="urn:uuid:none")
    with ready.transaction() as ws, pytest.raises(ConflictError, match="award 'urn:uuid:none'"):
        ws.issued.add(orphan)
    with ready.transaction() as ws:
        assert ws.issued.count() == 0
        with pytest.raises(NotFoundError):
            ws.issued.get("urn:uuid:2")


def test_an_id_is_issued_once(ready: Store) -> None:
    with ready.transaction() as ws:
        ws.issued.add(record(3))
        with pytest.raises(ConflictError, match="already exists"):
            ws.issued.add(replace(record(3), status_index=9))


def test_clear_forgets_issued_credentials(ready: Store) -> None:
    with ready.transaction() as ws:
        ws.issued.add(record(0))
        ws.clear()
    with ready.transaction() as ws:
        assert ws.issued.count() == 0 and ws.issued.next_index() == 0
