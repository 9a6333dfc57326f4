"""Users, passwords, logins, sessions and API tokens (services/users.py), on every backend."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from skillgap.clock import FixedClock
from skillgap.domain import Person
from skillgap.domain.users import UserRole
from skillgap.errors import ConflictError, NotFoundError, ValidationError
from skillgap.services import tokens
from skillgap.services import users as service
from skillgap.services.users import (
    ACCOUNT_LIMIT,
    CLIENT_LIMIT,
    SESSION_LIFETIME,
    THROTTLE_WINDOW,
    AuthenticationError,
    LoginThrottled,
)
from skillgap.store import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def ws(store: Store, clock: FixedClock) -> Store:
    """A workspace with two people and an administrator."""
    with store.transaction() as w:
        w.people.add_all([Person("E1", "Ann Lee"), Person("E2", "Bo Chen", manager_id="E1")])
    service.add_user(store, clock, "Admin@Example.org ", role=UserRole.ADMIN, password=PASSWORD)
    return store


# --- passwords ---------------------------------------------------------------------------------


def test_password_hash_is_scrypt_with_salt_and_parameters() -> None:
    encoded = service.hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    expected = hashlib.scrypt(
        PASSWORD.encode(), salt=base64.b64decode(salt), n=2**14, r=8, p=1, dklen=32
    )
    assert base64.b64decode(digest) == expected
    assert service.hash_password(PASSWORD) != encoded  # a new salt each time
    assert service.verify_password(PASSWORD, encoded)
    assert not service.verify_password(PASSWORD + "x", encoded)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain",
        "md5$1$2$3$AAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$2$8$1$!!$AAAA",
        f"scrypt${2**30}$8$1$AAAA$AAAA",
        "scrypt$3$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$AAAA$",
    ],
)
def test_unreadable_hashes_never_match(encoded: str) -> None:
    assert not service.verify_password(PASSWORD, encoded)


def test_password_length_rules() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        service.check_password("eleven char")
    service.check_password("twelve chars")
    with pytest.raises(ValidationError, match="too long"):
        service.check_password("x" * (service.MAX_PASSWORD + 1))


# --- accounts ----------------------------------------------------------------------------------


def test_add_user_normalises_and_never_keeps_the_password(ws: Store) -> None:
    [admin] = service.list_users(ws)
    assert admin.id == "admin@example.org" and admin.role is UserRole.ADMIN
    assert admin.name == "admin@example.org" and admin.active and admin.created_at == NOW
    assert PASSWORD not in repr(admin) and admin.password_hash.startswith("scrypt$")


def test_add_user_rules(ws: Store, clock: FixedClock) -> None:
    with pytest.raises(ConflictError, match="exists already"):
        service.add_user(ws, clock, "admin@example.org", role=UserRole.HR, password=PASSWORD)
    with pytest.raises(ValidationError, match="not an e-mail address"):
        service.add_user(ws, clock, "admin", role=UserRole.HR, password=PASSWORD)
    with pytest.raises(ValidationError, match=r"must be linked to a person \(--person ID\)"):
        service.add_user(ws, clock, "m@example.org", role=UserRole.MANAGER, password=PASSWORD)
    with pytest.raises(NotFoundError, match="no person with employee id 'E9'"):
        service.add_user(
            ws, clock, "m@example.org", role=UserRole.MANAGER, password=PASSWORD, person_id="E9"
        )
    with pytest.raises(ValidationError, match="at least 12"):
        service.add_user(ws, clock, "m@example.org", role=UserRole.HR, password="short")
    made = service.add_user(
        ws, clock, "ann@example.org", role=UserRole.MANAGER, password=PASSWORD, person_id="E1"
    )
    assert made.name == "Ann Lee" and made.person_id == "E1"


def test_last_administrator_is_kept(ws: Store, clock: FixedClock) -> None:
    with pytest.raises(ConflictError, match="last active administrator"):
        service.set_role(ws, "admin@example.org", UserRole.HR)
    with pytest.raises(ConflictError, match="last active administrator"):
        service.deactivate_user(ws, "admin@example.org")
    service.add_user(ws, clock, "two@example.org", role=UserRole.ADMIN, password=PASSWORD)
    assert service.set_role(ws, "admin@example.org", UserRole.HR).role is UserRole.HR


def test_role_change_deactivation_and_new_password_end_sessions(
    ws: Store, clock: FixedClock
) -> None:
    service.add_user(
        ws, clock, "bo@example.org", role=UserRole.EMPLOYEE, password=PASSWORD, person_id="E2"
    )
    first = service.login(ws, clock, "bo@example.org", PASSWORD, "1.2.3.4")
    changed = service.set_role(ws, "bo@example.org", UserRole.MANAGER)
    assert changed.role is UserRole.MANAGER and changed.person_id == "E2"
    with pytest.raises(AuthenticationError):
        service.session_user(ws, clock, first.cookie)
    second = service.login(ws, clock, "bo@example.org", PASSWORD, "1.2.3.4")
    service.set_password(ws, "bo@example.org", PASSWORD + " again")
    with pytest.raises(AuthenticationError):
        service.session_user(ws, clock, second.cookie)
    with pytest.raises(AuthenticationError):
        service.login(ws, clock, "bo@example.org", PASSWORD, "1.2.3.4")
    third = service.login(ws, clock, "bo@example.org", PASSWORD + " again", "1.2.3.4")
    user, ended = service.deactivate_user(ws, "bo@example.org")
    assert not user.active and ended == 1
    with pytest.raises(AuthenticationError):
        service.session_user(ws, clock, third.cookie)
    with pytest.raises(AuthenticationError, match="wrong e-mail or password"):
        service.login(ws, clock, "bo@example.org", PASSWORD + " again", "1.2.3.4")
    with pytest.raises(NotFoundError, match="no user 'nobody@example.org'"):
        service.set_password(ws, "nobody@example.org", PASSWORD)


# --- logins and sessions -----------------------------------------------------------------------


def test_login_opens_a_session_stored_as_a_digest(ws: Store, clock: FixedClock) -> None:
    made = service.login(ws, clock, " ADMIN@example.org", PASSWORD, "10.0.0.1")
    assert made.user.id == "admin@example.org"
    assert made.session.id_hash == hashlib.sha256(made.cookie.encode()).hexdigest()
    assert len(base64.urlsafe_b64decode(made.cookie + "=")) == 32
    assert made.session.expires_at == NOW + SESSION_LIFETIME and made.session.csrf_token
    user, session = service.session_user(ws, clock, made.cookie)
    assert user.id == "admin@example.org" and session == made.session
    service.logout(ws, made.cookie)
    with pytest.raises(AuthenticationError):
        service.session_user(ws, clock, made.cookie)


def test_session_expiry(ws: Store, clock: FixedClock) -> None:
    made = service.login(ws, clock, "admin@example.org", PASSWORD, "10.0.0.1")
    clock.moment = NOW + SESSION_LIFETIME
    with pytest.raises(AuthenticationError, match="expired"):
        service.session_user(ws, clock, made.cookie)
    with ws.transaction() as w:
        assert w.sessions.find(made.session.id_hash) is None  # forgotten


def test_account_throttling(ws: Store, clock: FixedClock) -> None:
    for n in range(ACCOUNT_LIMIT):
        with pytest.raises(AuthenticationError):
            service.login(ws, clock, "admin@example.org", "wrong", f"10.0.0.{n}")
    with pytest.raises(LoginThrottled, match="for this account") as locked:
        service.login(ws, clock, "admin@example.org", PASSWORD, "10.9.9.9")
    assert locked.value.retry_after == int(THROTTLE_WINDOW.total_seconds())
    clock.moment = NOW + THROTTLE_WINDOW + timedelta(seconds=1)
    service.login(ws, clock, "admin@example.org", PASSWORD, "10.9.9.9")


def test_success_clears_the_account_but_not_the_address(ws: Store, clock: FixedClock) -> None:
    for _ in range(ACCOUNT_LIMIT - 1):
        with pytest.raises(AuthenticationError):
            service.login(ws, clock, "admin@example.org", "wrong", "10.0.0.1")
    service.login(ws, clock, "admin@example.org", PASSWORD, "10.0.0.1")
    with ws.transaction() as w:
        since = NOW - THROTTLE_WINDOW
        assert w.login_failures.count_since("account:admin@example.org", since) == 0
        assert w.login_failures.count_since("client:10.0.0.1", since) == ACCOUNT_LIMIT - 1


def test_address_throttling_across_accounts(ws: Store, clock: FixedClock) -> None:
    for n in range(CLIENT_LIMIT):
        with pytest.raises(AuthenticationError):
            service.login(ws, clock, f"guess{n}@example.org", "wrong", "10.6.6.6")
    with pytest.raises(LoginThrottled, match="from this address"):
        service.login(ws, clock, "admin@example.org", PASSWORD, "10.6.6.6")
    service.login(ws, clock, "admin@example.org", PASSWORD, "10.0.0.2")  # elsewhere: fine


def test_malformed_login_is_a_wrong_login(ws: Store, clock: FixedClock) -> None:
    with pytest.raises(AuthenticationError, match="wrong e-mail or password"):
        service.login(ws, clock, "not an address", PASSWORD, "10.0.0.1")


# --- API tokens --------------------------------------------------------------------------------


def test_token_lifecycle(ws: Store, clock: FixedClock) -> None:
    made = tokens.create_token(ws, clock, " HR system ", role=UserRole.HR, created_by="ann")
    prefix, token_id, secret = made.secret.split("_", 2)
    assert prefix == "sg" and token_id == made.token.id and len(token_id) == 16
    assert made.token.name == "HR system" and made.token.created_by == "ann"
    assert made.token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert tokens.token_of(ws, made.secret).id == token_id
    assert [t.id for t in tokens.list_tokens(ws)] == [token_id]
    revoked = tokens.revoke_token(ws, clock, token_id)
    assert revoked.revoked_at == NOW and not revoked.active
    assert tokens.revoke_token(ws, clock, token_id) == revoked  # again: nothing changes
    with pytest.raises(AuthenticationError, match="revoked"):
        tokens.token_of(ws, made.secret)
    with pytest.raises(NotFoundError, match="no API token 'nope'"):
        tokens.revoke_token(ws, clock, "nope")


@pytest.mark.parametrize("presented", ["", "sg_", "sg_abc_def", "Bearer sg_x_y", "x" * 500])
def test_malformed_tokens_are_refused(ws: Store, presented: str) -> None:
    with pytest.raises(AuthenticationError):
        tokens.token_of(ws, presented)


def test_wrong_secret_for_a_real_token_is_refused(ws: Store, clock: FixedClock) -> None:
    made = tokens.create_token(ws, clock, "x", role=UserRole.HR, created_by="ann")
    other = tokens.create_token(ws, clock, "y", role=UserRole.HR, created_by="ann")
    forged = f"sg_{made.token.id}_{other.secret.split('_', 2)[2]}"
    with pytest.raises(AuthenticationError):
        tokens.token_of(ws, forged)


def test_token_scope_rules(ws: Store, clock: FixedClock) -> None:
    with pytest.raises(ValidationError, match="linked to a person"):
        tokens.create_token(ws, clock, "x", role=UserRole.EMPLOYEE, created_by="ann")
    with pytest.raises(NotFoundError):
        tokens.create_token(
            ws, clock, "x", role=UserRole.EMPLOYEE, created_by="ann", person_id="E9"
        )
    with pytest.raises(ValidationError, match="name the token"):
        tokens.create_token(ws, clock, "  ", role=UserRole.HR, created_by="ann")
    made = tokens.create_token(
        ws, clock, "x", role=UserRole.EMPLOYEE, created_by="ann", person_id="E2"
    )
    assert tokens.token_of(ws, made.secret).person_id == "E2"
