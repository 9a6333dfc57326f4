"""API tokens for integrations: made by an administrator, scoped to a role (and a person,
for a manager's or an employee's view), shown once ("sg_<id>_<secret>") and kept as the
SHA-256 digest of the secret; revoked, never deleted."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, replace

from skillgap.clock import Clock
from skillgap.domain.users import ApiToken, UserRole
from skillgap.errors import AuthenticationError, NotFoundError, ValidationError
from skillgap.services.users import check_link, digest
from skillgap.store import Store

TOKEN_PREFIX = "sg"
_TOKEN = re.compile(r"sg_([0-9a-f]{16})_([A-Za-z0-9_-]{40,64})")


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, "sg_<id>_<secret>": shown once, never stored


def create_token(
    store: Store,
    clock: Clock,
    name: str,
    *,
    role: UserRole,
    created_by: str,
    person_id: str | None = None,
) -> NewToken:
    """A token for an integration, scoped to ``role`` (and a person, for a manager's or an
    employee's view)."""
    label = name.strip()
    if not label:
        raise ValidationError("name the token (what it is for): --name TEXT")
    with store.transaction() as ws:
        check_link(ws, role, person_id)
        token_id = secrets.token_hex(8)
        while ws.tokens.find(token_id) is not None:  # pragma: no cover - 64 random bits
            token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        token = ApiToken(
            id=token_id,
            name=label,
            role=role,
            secret_hash=digest(secret),
            created_at=clock.now(),
            created_by=created_by,
            person_id=person_id,
        )
        ws.tokens.add(token)
    return NewToken(token, f"{TOKEN_PREFIX}_{token_id}_{secret}")


def list_tokens(store: Store) -> list[ApiToken]:
    with store.transaction() as ws:
        return ws.tokens.list()


def revoke_token(store: Store, clock: Clock, token_id: str) -> ApiToken:
    with store.transaction() as ws:
        token = ws.tokens.find(token_id.strip())
        if token is None:
            raise NotFoundError(f"no API token {token_id!r} (see `skillgap token list`)")
        if token.revoked_at is not None:
            return token
        revoked = replace(token, revoked_at=clock.now())
        ws.tokens.put(revoked)
    return revoked


def token_of(store: Store, presented: str) -> ApiToken:
    """The active token ``presented`` ("sg_<id>_<secret>") is, else ``AuthenticationError``."""
    match = _TOKEN.fullmatch(presented.strip())
    if match is None:
        raise AuthenticationError("the API token is malformed, unknown or revoked")
    token_id, secret = match.groups()
    with store.transaction() as ws:
        token = ws.tokens.find(token_id)
    expected = token.secret_hash if token is not None else digest("")
    if not hmac.compare_digest(digest(secret), expected) or token is None or not token.active:
        raise AuthenticationError("the API token is malformed, unknown or revoked")
    return token
