"""Who is asking: the principal of a request, from an ``Authorization: Bearer`` API token or
a session cookie, and the role checks routes declare.

    @router.get("/users", dependencies=[Depends(allow(UserRole.ADMIN))])

A request with a session cookie that changes anything (any method but GET, HEAD, OPTIONS)
must carry the session's CSRF token in the ``X-CSRF-Token`` header (the pages put it in a
form field instead); a bearer token needs none: browsers never send it by themselves.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from skillgap.domain.users import UserRole
from skillgap.errors import AuthenticationError, CsrfRefused, Forbidden
from skillgap.server.context import AppContext, context
from skillgap.services import tokens
from skillgap.services import users as service

SESSION_COOKIE = "skillgap_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EVERYONE = tuple(UserRole)


@dataclass(frozen=True)
class Principal:
    """A logged-in user or an API token: its role, who it is, and the person it is (a
    manager's or an employee's view starts from their own employee record)."""

    role: UserRole
    user_id: str  # the user's e-mail, or "token:<id>"
    person_id: str | None
    via: Literal["session", "token"]
    name: str = ""
    csrf_token: str | None = None  # sessions only


def authenticate(request: Request, ctx: AppContext) -> Principal | None:
    """The request's principal; None when it presents nothing; ``AuthenticationError``
    when what it presents is wrong (a bad token, an ended session)."""
    found: Principal | None = getattr(request.state, "principal", None)
    if found is not None:
        return found
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthenticationError("use an API token: Authorization: Bearer sg_...")
        token = tokens.token_of(ctx.store, value)
        found = Principal(token.role, f"token:{token.id}", token.person_id, "token", token.name)
    elif (cookie := request.cookies.get(SESSION_COOKIE)) is not None:
        user, session = service.session_user(ctx.store, ctx.clock, cookie)
        found = Principal(
            user.role, user.id, user.person_id, "session", user.name, session.csrf_token
        )
    if found is not None:
        request.state.principal = found
    return found


async def principal(request: Request, ctx: Annotated[AppContext, Depends(context)]) -> Principal:
    """The dependency every protected route has: the principal, CSRF-checked. Async, like
    the other dependencies of every request: what they read is one indexed row or the read
    cache, quicker than the trip to the thread pool a plain function takes in FastAPI."""
    found = authenticate(request, ctx)
    if found is None:
        raise AuthenticationError(
            "not authenticated: log in, or send an API token (Authorization: Bearer sg_...)"
        )
    if found.via == "session" and request.method not in SAFE_METHODS:
        check_csrf(found, request.headers.get(CSRF_HEADER))
    return found


def check_csrf(who: Principal, presented: str | None) -> None:
    expected = who.csrf_token or ""
    if not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise CsrfRefused(
            f"the request has no valid CSRF token: send the session's token (GET /api/v1/me) "
            f"in the {CSRF_HEADER} header"
        )


def allow(*roles: UserRole) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only ``roles`` (403 for the others, saying nothing of data)."""
    allowed = frozenset(roles)
    names = ", ".join(r.value for r in UserRole if r in allowed)

    async def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role not in allowed:
            raise Forbidden(f"{who.role.someone} may not do this (it is for: {names})")
        return who

    check.__name__ = f"allow_{'_'.join(r.value for r in UserRole if r in allowed)}"
    return check
