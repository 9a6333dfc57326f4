"""The storage contract for policy rules and the audit log: each test takes the ``store``
fixture, so it runs on MemoryStore, SQLite and PostgreSQL (skipped without
SKILLGAP_TEST_POSTGRES_URL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from skillgap.domain import Importance
from skillgap.domain.governance import AuditEntry, Effect, PolicyRule
from skillgap.errors import ConflictError, NotFoundError, ValidationError
from skillgap.store import Store
from tests.store.builders import MADE, Boom, make_audit, make_policy

# --------------------------------------------------------------------------- policy rules


def test_a_policy_rule_round_trips_every_field(store: Store) -> None:
    full = make_policy("p-1")
    bare = PolicyRule("p-2", "Recognition", Effect.RECOGNITION)  # every default
    with store.transaction() as ws:
        ws.policies.add_all([bare, full])
    with store.transaction() as ws:
        assert ws.policies.list() == [full, bare]
        found, plain = ws.policies.get("p-1"), ws.policies.get("p-2")
    assert found.importance == (Importance.CRITICAL, Importance.IMPORTANT)
    assert found.amount == 1500.25 and found.min_quality == 0.75
    assert plain.min_assessment is None and plain.amount is None and plain.min_quality is None
    assert plain.issuer_tiers == () and plain.competencies == ()


def test_put_replaces_a_policy_rule(store: Store) -> None:
    with store.transaction() as ws:
        ws.policies.add(make_policy("p-1"))
    changed = make_policy("p-1", effect=Effect.PROMOTION, competencies=(), min_assessment=None)
    with store.transaction() as ws:
        ws.policies.put(changed)
    with store.transaction() as ws:
        assert ws.policies.list() == [changed]


def test_remove_of_a_policy_rule(store: Store) -> None:
    with store.transaction() as ws:
        ws.policies.add_all([make_policy("p-1"), make_policy("p-2")])
    with store.transaction() as ws:
        ws.policies.remove("p-1")
        with pytest.raises(NotFoundError, match="no policy rule 'p-1'"):
            ws.policies.remove("p-1")
        ws.policies.add(make_policy("p-3"))  # the transaction goes on
    with store.transaction() as ws:
        assert [p.id for p in ws.policies.list()] == ["p-2", "p-3"]
        ws.policies.add(make_policy("p-1"))  # the id can be used again


def test_a_failed_transaction_removes_no_policy_rule(store: Store) -> None:
    with store.transaction() as ws:
        ws.policies.add(make_policy("p-1"))
    with pytest.raises(Boom), store.transaction() as ws:
        ws.policies.remove("p-1")
        raise Boom
    with store.transaction() as ws:
        assert ws.policies.get("p-1") == make_policy("p-1")


def test_add_of_an_existing_policy_id_is_a_conflict(store: Store) -> None:
    with store.transaction() as ws:
        ws.policies.add(make_policy("p-1"))
        with pytest.raises(ConflictError, match="policy rule 'p-1' already exists"):
            ws.policies.add(make_policy("p-1", name="Other"))


# --------------------------------------------------------------------------- audit log


def test_append_numbers_entries_in_recording_order(store: Store) -> None:
    with store.transaction() as ws:
        first = ws.audit.append(make_audit())
        second = ws.audit.append(make_audit(at=MADE - timedelta(days=1)))  # a late clock
    with store.transaction() as ws:
        third = ws.audit.append(make_audit())
        assert ws.audit.count() == 3
    assert first.id is not None and second.id is not None and third.id is not None
    assert first.id < second.id < third.id
    assert first == make_audit(id=first.id)  # the entry as given, with its id


def test_an_entry_round_trips_every_field(store: Store) -> None:
    details = {
        "rules": ("p-1", "p-2"),  # a tuple comes back a list, as JSON has it
        "qualified": {"E1": True, "E2": None},
        "weights": [0.1, 1234.5, 100 / 3],
        "count": 7,
        "note": "\u00e9t\u00e9 \u2603\nsecond line",
    }
    at = datetime(2027, 3, 1, 23, 30, 1, 999_999, tzinfo=timezone(timedelta(hours=-5)))
    with store.transaction() as ws:
        appended = ws.audit.append(
            AuditEntry(at, "hr@example.org", "candidates", "role:r", details)
        )
    with store.transaction() as ws:
        [found] = ws.audit.list()
    assert found == appended
    assert found.at == at and found.at.utcoffset() is not None
    assert found.details == {**details, "rules": ["p-1", "p-2"]}
    assert (found.actor, found.action, found.subject) == ("hr@example.org", "candidates", "role:r")


def test_an_entry_with_empty_details(store: Store) -> None:
    with store.transaction() as ws:
        ws.audit.append(AuditEntry(MADE, "cli", "export", ""))
    with store.transaction() as ws:
        assert ws.audit.list()[0].details == {}


def test_details_that_are_not_json_are_refused(store: Store) -> None:
    with store.transaction() as ws:
        with pytest.raises(ValidationError, match="JSON"):
            ws.audit.append(make_audit(details={"when": MADE}))
        with pytest.raises(ValidationError, match="JSON"):
            ws.audit.append(make_audit(details={"x": float("nan")}))
        ws.audit.append(make_audit())  # the transaction goes on
    with store.transaction() as ws:
        assert ws.audit.count() == 1


def test_list_is_newest_first_and_filters(store: Store) -> None:
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    actions = ["policy check", "candidates", "policy check", "export", "policy check"]
    with store.transaction() as ws:
        ids = [
            ws.audit.append(make_audit(action, start + timedelta(hours=n))).id
            for n, action in enumerate(actions)
        ]
    with store.transaction() as ws:
        everything = ws.audit.list()
        checks = ws.audit.list(action="policy check")
        since = ws.audit.list(since=start + timedelta(hours=2))
        since_there = ws.audit.list(since=(start + timedelta(hours=2)).astimezone(timezone.min))
        both = ws.audit.list(action="policy check", since=start + timedelta(minutes=1))
        limited = ws.audit.list(limit=2)
        all_three = ws.audit.list(action="policy check", since=start, limit=1)
    assert [e.id for e in everything] == ids[::-1]
    assert [e.id for e in checks] == [ids[4], ids[2], ids[0]]
    assert [e.id for e in since] == [ids[4], ids[3], ids[2]]  # at or after
    assert since_there == since  # whatever the time zone of ``since``
    assert [e.id for e in both] == [ids[4], ids[2]]
    assert [e.id for e in limited] == [ids[4], ids[3]]
    assert [e.id for e in all_three] == [ids[4]]


def test_list_of_nothing_matching_is_empty(store: Store) -> None:
    with store.transaction() as ws:
        ws.audit.append(make_audit())
    with store.transaction() as ws:
        assert ws.audit.list(action="nothing") == []
        assert ws.audit.list(since=datetime(2100, 1, 1, tzinfo=UTC)) == []
        assert ws.audit.list(limit=0) == []


def test_newest_first_is_recording_order_not_time(store: Store) -> None:
    with store.transaction() as ws:
        early = ws.audit.append(make_audit(at=MADE))
        late_clock = ws.audit.append(make_audit(at=MADE - timedelta(hours=1)))
    with store.transaction() as ws:
        assert [e.id for e in ws.audit.list()] == [late_clock.id, early.id]


def test_a_failed_transaction_records_nothing(store: Store) -> None:
    with pytest.raises(Boom), store.transaction() as ws:
        ws.audit.append(make_audit())
        raise Boom
    with store.transaction() as ws:
        assert ws.audit.count() == 0 and ws.audit.list() == []
        ws.audit.append(make_audit())
        assert ws.audit.count() == 1


def test_clear_empties_the_audit_log_and_the_rules(store: Store) -> None:
    with store.transaction() as ws:
        before = ws.audit.append(make_audit())
        ws.policies.add(make_policy("p-1"))
    with store.transaction() as ws:
        ws.clear()
    with store.transaction() as ws:
        assert ws.audit.count() == 0 and ws.policies.count() == 0
        after = ws.audit.append(make_audit())
    assert after.id is not None and before.id is not None
