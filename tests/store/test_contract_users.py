"""The storage contract for users, API tokens, sessions and failed logins: each test takes
the ``store`` fixture, so it runs on MemoryStore, SQLite and PostgreSQL (skipped without
SKILLGAP_TEST_POSTGRES_URL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from skillgap.domain.users import User, UserRole
from skillgap.errors import ConflictError, NotFoundError
from skillgap.store import Store, Workspace
from tests.store.builders import (
    MADE,
    PERSON,
    USER,
    Boom,
    add_person,
    make_person,
    make_session,
    make_token,
    make_user,
)


def with_user(ws: Workspace) -> None:
    add_person(ws)
    ws.users.add(make_user())


# --------------------------------------------------------------------------- users


def test_a_user_round_trips_every_field(store: Store) -> None:
    linked = make_user()
    admin = User("root@example.org", "Root", UserRole.ADMIN, "hash", MADE)  # no person, active
    with store.transaction() as ws:
        add_person(ws)
        ws.users.add_all([linked, admin])
    with store.transaction() as ws:
        assert ws.users.list() == [linked, admin]
        found = ws.users.get(USER)
        plain = ws.users.get("root@example.org")
    assert found.role is UserRole.EMPLOYEE and found.active is False and found.person_id == PERSON
    assert found.created_at == MADE and found.created_at.utcoffset() is not None
    assert plain.person_id is None and plain.active is True


def test_users_are_listed_by_id(store: Store) -> None:
    ids = ["b@x.org", "a10@x.org", "\u00e4@x.org", "a2@x.org", "_z@x.org", "a-1@x.org"]
    with store.transaction() as ws:
        ws.users.add_all([make_user(i, role=UserRole.HR, person_id=None) for i in ids])
    with store.transaction() as ws:
        assert [u.id for u in ws.users.list()] == sorted(ids)
        assert ws.users.count() == len(ids)


def test_put_replaces_a_user(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
    changed = make_user(password_hash="new", active=True, role=UserRole.MANAGER, name="Ann B.")
    with store.transaction() as ws:
        ws.users.put(changed)
    with store.transaction() as ws:
        assert ws.users.list() == [changed]


def test_a_user_of_an_unknown_person_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        add_person(ws)
        with pytest.raises(
            ConflictError, match="user 'ann@example.org' refers to person 'E9', which the"
        ):
            ws.users.add(make_user(person_id="E9"))
        ws.users.add(make_user())
        with pytest.raises(ConflictError, match="person 'E9'"):
            ws.users.put(make_user(person_id="E9"))
    with store.transaction() as ws:
        assert ws.users.list() == [make_user()]


def test_get_of_a_missing_user_raises_not_found(store: Store) -> None:
    with store.transaction() as ws, pytest.raises(NotFoundError, match="no user 'x@y.z'"):
        ws.users.get("x@y.z")


# --------------------------------------------------------------------------- API tokens


def test_a_token_round_trips_every_field(store: Store) -> None:
    revoked = make_token("t-1")
    live = make_token("t-2", person_id=None, revoked_at=None, role=UserRole.REVIEWER)
    with store.transaction() as ws:
        add_person(ws)
        ws.tokens.add_all([live, revoked])
    with store.transaction() as ws:
        assert ws.tokens.list() == [revoked, live]
        assert not ws.tokens.get("t-1").active
        assert ws.tokens.get("t-2").active and ws.tokens.get("t-2").person_id is None


def test_put_revokes_a_token(store: Store) -> None:
    with store.transaction() as ws:
        add_person(ws)
        ws.tokens.add(make_token("t-1", revoked_at=None))
    at = datetime(2027, 1, 1, 12, tzinfo=timezone(timedelta(hours=9)))
    with store.transaction() as ws:
        ws.tokens.put(make_token("t-1", revoked_at=at))
    with store.transaction() as ws:
        found = ws.tokens.get("t-1")
    assert found.revoked_at == at and not found.active


def test_a_token_of_an_unknown_person_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="API token 't-1' refers to person 'E1', which"):
            ws.tokens.add(make_token("t-1"))
        ws.tokens.add(make_token("t-2", person_id=None))
    with store.transaction() as ws:
        assert [t.id for t in ws.tokens.list()] == ["t-2"]


# --------------------------------------------------------------------------- sessions


def test_a_session_round_trips(store: Store) -> None:
    session = make_session("h-1")
    with store.transaction() as ws:
        with_user(ws)
        ws.sessions.add(session)
    with store.transaction() as ws:
        found = ws.sessions.find("h-1")
        assert ws.sessions.find("h-2") is None
    assert found == session
    assert found.expires_at.utcoffset() is not None and found.created_at == MADE


def test_add_of_an_existing_session_is_a_conflict(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
        ws.sessions.add(make_session("h-1"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="already exists"):
            ws.sessions.add(make_session("h-1", csrf_token="other"))
        ws.sessions.add(make_session("h-2"))  # the transaction goes on
    with store.transaction() as ws:
        assert ws.sessions.find("h-1") == make_session("h-1")
        assert ws.sessions.find("h-2") == make_session("h-2")


def test_a_session_of_an_unknown_user_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
        with pytest.raises(ConflictError, match="refers to user 'x@y.z', which the workspace"):
            ws.sessions.add(make_session("h-1", user_id="x@y.z"))
        ws.sessions.add(make_session("h-2"))
    with store.transaction() as ws:
        assert ws.sessions.find("h-1") is None
        assert ws.sessions.find("h-2") is not None


def test_remove_forgets_a_session(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
        ws.sessions.add(make_session("h-1"))
        ws.sessions.add(make_session("h-2"))
    with store.transaction() as ws:
        ws.sessions.remove("h-1")
        ws.sessions.remove("h-1")  # nothing happens
        ws.sessions.remove("never")
    with store.transaction() as ws:
        assert ws.sessions.find("h-1") is None
        assert ws.sessions.find("h-2") == make_session("h-2")


def test_remove_for_user(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
        ws.users.add(make_user("bob@example.org", role=UserRole.HR, person_id=None))
        for key in ("h-1", "h-2", "h-3"):
            ws.sessions.add(make_session(key))
        ws.sessions.add(make_session("h-bob", user_id="bob@example.org"))
    with store.transaction() as ws:
        assert ws.sessions.remove_for_user(USER) == 3
        assert ws.sessions.remove_for_user(USER) == 0
        assert ws.sessions.remove_for_user("nobody@example.org") == 0
    with store.transaction() as ws:
        assert ws.sessions.find("h-2") is None
        assert ws.sessions.find("h-bob") is not None


def test_remove_expired(store: Store) -> None:
    now = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    with store.transaction() as ws:
        with_user(ws)
        ws.sessions.add(make_session("past", expires_at=now - timedelta(microseconds=1)))
        ws.sessions.add(make_session("now", expires_at=now))
        ws.sessions.add(make_session("later", expires_at=now + timedelta(microseconds=1)))
        ws.sessions.add(make_session("elsewhere", expires_at=now.astimezone(timezone.max)))
    with store.transaction() as ws:
        assert ws.sessions.remove_expired(now.astimezone(timezone(timedelta(hours=-3)))) == 3
        assert ws.sessions.remove_expired(now) == 0
    with store.transaction() as ws:
        assert ws.sessions.find("later") is not None
        assert [ws.sessions.find(k) for k in ("past", "now", "elsewhere")] == [None] * 3


def test_a_failed_transaction_keeps_the_sessions(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
        ws.sessions.add(make_session("h-1"))
    with pytest.raises(Boom), store.transaction() as ws:
        ws.sessions.remove_for_user(USER)
        ws.sessions.add(make_session("h-2"))
        raise Boom
    with store.transaction() as ws:
        assert ws.sessions.find("h-1") == make_session("h-1")
        assert ws.sessions.find("h-2") is None


# --------------------------------------------------------------------------- login failures


def test_login_failures_are_counted_per_key_since_a_time(store: Store) -> None:
    start = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    with store.transaction() as ws:
        for minutes in (0, 1, 2, 5):
            ws.login_failures.record(USER, start + timedelta(minutes=minutes))
        ws.login_failures.record("203.0.113.7", start + timedelta(minutes=3))
    with store.transaction() as ws:
        failures = ws.login_failures
        assert failures.count_since(USER, start) == 4
        assert failures.count_since(USER, start + timedelta(minutes=2)) == 2  # at or after
        assert failures.count_since(USER, start + timedelta(minutes=2, microseconds=1)) == 1
        there = (start + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=5)))
        assert failures.count_since(USER, there) == 3
        assert failures.count_since("203.0.113.7", start) == 1
        assert failures.count_since("nobody", start) == 0
        assert failures.count_since(USER, start + timedelta(hours=1)) == 0


def test_clear_forgets_one_keys_failures(store: Store) -> None:
    start = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    with store.transaction() as ws:
        ws.login_failures.record(USER, start)
        ws.login_failures.record(USER, start)  # the same instant twice counts twice
        ws.login_failures.record("203.0.113.7", start)
    with store.transaction() as ws:
        assert ws.login_failures.count_since(USER, start) == 2
        ws.login_failures.clear(USER)
        ws.login_failures.clear("nobody")
    with store.transaction() as ws:
        assert ws.login_failures.count_since(USER, start) == 0
        assert ws.login_failures.count_since("203.0.113.7", start) == 1


def test_a_failed_transaction_records_no_failure(store: Store) -> None:
    with pytest.raises(Boom), store.transaction() as ws:
        ws.login_failures.record(USER, MADE)
        raise Boom
    with store.transaction() as ws:
        assert ws.login_failures.count_since(USER, MADE - timedelta(days=1)) == 0


# --------------------------------------------------------------------------- clear


def test_clear_empties_users_tokens_sessions_and_failures(store: Store) -> None:
    with store.transaction() as ws:
        with_user(ws)
        ws.tokens.add(make_token("t-1"))
        ws.sessions.add(make_session("h-1"))
        ws.login_failures.record(USER, MADE)
    with store.transaction() as ws:
        ws.clear()
    with store.transaction() as ws:
        assert ws.users.count() == ws.tokens.count() == ws.people.count() == 0
        assert ws.sessions.find("h-1") is None
        assert ws.login_failures.count_since(USER, MADE) == 0
        ws.people.add(make_person(PERSON))  # the same ids can be stored again
        ws.users.add(make_user())
        ws.sessions.add(make_session("h-1"))


def test_purge_forgets_failures_before_a_time(store: Store) -> None:
    start = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    with store.transaction() as ws:
        for minutes in (0, 10, 20):
            ws.login_failures.record(USER, start + timedelta(minutes=minutes))
        ws.login_failures.record("203.0.113.7", start)
    with store.transaction() as ws:
        assert ws.login_failures.purge_before(start + timedelta(minutes=10)) == 2
        assert ws.login_failures.count_since(USER, start) == 2  # the one at 10 stays
        assert ws.login_failures.count_since("203.0.113.7", start) == 0
        assert ws.login_failures.purge_before(start) == 0
