"""Users of the web application and API: accounts, passwords, logins and sessions (API
tokens: ``services.tokens``).

Secrets never rest in the clear. A password is kept as an scrypt hash with its own random
salt and parameters (``scrypt$n$r$p$salt$hash``); a session id (the cookie) and an API
token's secret as their SHA-256 digests, so a copy of the database opens no account. There
is no default password: the first administrator is made with ``skillgap user add --admin``.

Logins are throttled through the workspace (``ws.login_failures``), so every worker process
sees the same counts: ``ACCOUNT_LIMIT`` failures per account and ``CLIENT_LIMIT`` per client
address within ``THROTTLE_WINDOW`` lock further attempts, a success clears the account's.
A wrong e-mail, a wrong password and a deactivated account get the same answer, after the
same work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from skillgap.clock import Clock
from skillgap.domain.people import Person, normalise_email
from skillgap.domain.users import Session, User, UserRole
from skillgap.errors import (
    AuthenticationError,
    ConflictError,
    LoginThrottled,
    NotFoundError,
    ValidationError,
)
from skillgap.store import Store, Workspace
from skillgap.store.intent import writes

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # scrypt reads it all: a megabyte "password" is an attack
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_MAX_MEMORY = 64 * 1024 * 1024  # what checking a stored hash may use: 128 * n * r bytes
SESSION_LIFETIME = timedelta(hours=8)
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# --- passwords -----------------------------------------------------------------------------


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"the password is too short: use at least {MIN_PASSWORD} characters "
            "(a few unrelated words make a good one)"
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"the password is too long: at most {MAX_PASSWORD} characters")


def hash_password(password: str) -> str:
    """An scrypt hash of ``password`` with a random 16-byte salt, its parameters included."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the hash (compared in constant time); False for a hash
    this version cannot read."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        cost, block, parallel = int(n), int(r), int(p)
        expected = base64.b64decode(digest, validate=True)
        salt_bytes = base64.b64decode(salt, validate=True)
    except ValueError:
        return False
    if scheme != "scrypt" or not (cost >= 2 and block >= 1 and 1 <= parallel <= 16):
        return False
    if 128 * cost * block > _MAX_MEMORY:  # a stored hash may not ask for more than that
        return False
    if len(password) > MAX_PASSWORD:
        return False
    try:
        found = _scrypt(password, salt_bytes, cost, block, parallel, len(expected))
    except (ValueError, MemoryError):  # n not a power of 2, an empty digest ...
        return False
    return hmac.compare_digest(found, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = 32) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * n + 1024 * 1024,
        dklen=length,
    )


@cache
def _decoy_hash() -> str:
    """A hash nobody's password matches, checked when the account does not exist, so an
    unknown e-mail costs as much time as a wrong password."""
    return hash_password(secrets.token_urlsafe(24))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def digest(secret: str) -> str:
    """The SHA-256 of a session id or token secret, as stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- accounts ------------------------------------------------------------------------------


def normalise_login(email: str) -> str:
    found = normalise_email(email)
    if not _EMAIL.fullmatch(found):
        raise ValidationError(f"{email.strip()!r} is not an e-mail address")
    return found


def add_user(
    store: Store,
    clock: Clock,
    email: str,
    *,
    role: UserRole,
    password: str,
    name: str | None = None,
    person_id: str | None = None,
) -> User:
    """A new account; managers and employees are linked to a person the workspace holds."""
    login = normalise_login(email)
    check_password(password)
    with store.transaction() as ws:
        if ws.users.find(login) is not None:
            raise ConflictError(f"user {login!r} exists already")
        person_name = check_link(ws, role, person_id)
        user = User(
            id=login,
            name=(name or "").strip() or person_name or login,
            role=role,
            password_hash=hash_password(password),
            created_at=clock.now(),
            person_id=person_id,
        )
        ws.users.add(user)
    return user


def find_person(store: Store, person_id: str) -> Person | None:
    """The person with this employee id, if the workspace holds one (the record a user or
    token is linked to; the server's check that a person it is asked about exists)."""
    with store.transaction() as ws:
        return ws.people.find(person_id)


def check_link(ws: Workspace, role: UserRole, person_id: str | None) -> str | None:
    """The linked person's name; a manager or employee must be linked to one that exists."""
    if person_id is None:
        if role.needs_person:
            raise ValidationError(f"a {role} must be linked to a person (--person ID)")
        return None
    person = ws.people.find(person_id)
    if person is None:
        raise NotFoundError(f"no person with employee id {person_id!r}")
    return person.name


def list_users(store: Store) -> list[User]:
    with store.transaction() as ws:
        return ws.users.list()


def set_role(store: Store, email: str, role: UserRole, *, person_id: str | None = None) -> User:
    """Give the user ``role`` (and link them to ``person_id`` when given). The last active
    administrator keeps the role."""
    login = normalise_login(email)
    with store.transaction() as ws:
        user = _user(ws, login)
        person = person_id if person_id is not None else user.person_id
        check_link(ws, role, person)
        if user.role is UserRole.ADMIN and role is not UserRole.ADMIN:
            _keep_an_admin(ws, user)
        changed = replace(user, role=role, person_id=person)
        if changed != user:
            ws.users.put(changed)
            ws.sessions.remove_for_user(login)  # what the user may see changed: log in again
    return changed


def deactivate_user(store: Store, email: str) -> tuple[User, int]:
    """Deactivate the account and end its sessions; returns it and how many ended."""
    login = normalise_login(email)
    with store.transaction() as ws:
        user = _user(ws, login)
        if user.role is UserRole.ADMIN and user.active:
            _keep_an_admin(ws, user)
        changed = replace(user, active=False)
        if changed != user:
            ws.users.put(changed)
        ended = ws.sessions.remove_for_user(login)
    return changed, ended


def set_password(store: Store, email: str, password: str) -> User:
    """A new password; every session of the user ends (log in again with it)."""
    login = normalise_login(email)
    check_password(password)
    with store.transaction() as ws:
        user = replace(_user(ws, login), password_hash=hash_password(password))
        ws.users.put(user)
        ws.sessions.remove_for_user(login)
        ws.login_failures.clear(_account_key(login))
    return user


def _user(ws: Workspace, login: str) -> User:
    user = ws.users.find(login)
    if user is None:
        raise NotFoundError(f"no user {login!r} (see `skillgap user list`)")
    return user


def _keep_an_admin(ws: Workspace, user: User) -> None:
    others = [
        u for u in ws.users.list() if u.role is UserRole.ADMIN and u.active and u.id != user.id
    ]
    if not others:
        raise ConflictError(f"{user.id!r} is the last active administrator: make another one first")


# --- logins and sessions ---------------------------------------------------------------------


@dataclass(frozen=True)
class NewSession:
    user: User
    session: Session
    cookie: str  # the session id for the cookie: shown once, stored only as its digest


def login(store: Store, clock: Clock, email: str, password: str, client: str) -> NewSession:
    """Check the password and open a session; ``client`` is the caller's address (for
    throttling). Raises ``LoginThrottled`` while the account or address is locked (even for
    the right password), else ``AuthenticationError`` for any wrong detail."""
    now = clock.now()
    try:
        login_id = normalise_login(email)
    except ValidationError:
        login_id = normalise_email(email)[:320]
    account, address = _account_key(login_id), f"client:{client}"
    since = now - THROTTLE_WINDOW
    with store.transaction() as ws:
        _check_throttle(ws, account, address, since)
        user = ws.users.find(login_id)
    valid = verify_password(password, user.password_hash if user else _decoy_hash())
    if user is None or not user.active or not valid:
        with store.transaction() as ws:  # committed: the error is raised after it
            ws.login_failures.purge_before(since)  # older ones throttle nothing
            ws.login_failures.record(account, now)
            ws.login_failures.record(address, now)
        raise AuthenticationError("wrong e-mail or password")
    with store.transaction() as ws:
        ws.login_failures.clear(account)
        ws.sessions.remove_expired(now)
        cookie = secrets.token_urlsafe(32)
        session = Session(
            id_hash=digest(cookie),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
        ws.sessions.add(session)
    return NewSession(user, session, cookie)


def _account_key(login_id: str) -> str:
    return f"account:{login_id}"


def _check_throttle(ws: Workspace, account: str, address: str, since: datetime) -> None:
    minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
    retry = int(THROTTLE_WINDOW.total_seconds())
    if ws.login_failures.count_since(account, since) >= ACCOUNT_LIMIT:
        raise LoginThrottled(
            f"too many failed logins for this account ({ACCOUNT_LIMIT} in {minutes} minutes): "
            f"it is locked for up to {minutes} minutes; try again later",
            retry,
        )
    if ws.login_failures.count_since(address, since) >= CLIENT_LIMIT:
        raise LoginThrottled(
            f"too many failed logins from this address ({CLIENT_LIMIT} in {minutes} minutes): "
            f"try again in up to {minutes} minutes",
            retry,
        )


def session_user(store: Store, clock: Clock, cookie: str) -> tuple[User, Session]:
    """The active user of an unexpired session, else ``AuthenticationError`` (an expired
    session, or one of a user no longer active, is forgotten)."""
    now = clock.now()
    refused = None
    with store.transaction() as ws:
        session = ws.sessions.find(digest(cookie))
        if session is None:
            raise AuthenticationError("not logged in, or the session has ended")
        user = ws.users.find(session.user_id)
        if session.expires_at <= now:
            refused = "the session has expired: log in again"
        elif user is None or not user.active:
            refused = "not logged in, or the session has ended"
    if refused is not None or user is None:
        # a unit of its own that means to write (the caller's request may only read)
        with writes(), store.transaction() as ws:
            ws.sessions.remove(session.id_hash)
        raise AuthenticationError(refused or "not logged in")  # committed first: forgotten
    return user, session


def logout(store: Store, cookie: str) -> None:
    with store.transaction() as ws:
        ws.sessions.remove(digest(cookie))
