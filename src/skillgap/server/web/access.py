"""Who may open a page: the signed-in principal of a page request, role checks that answer
403 (a page), the principal's reach, and the CSRF check of a page form (its token travels in
a hidden field, not in a header)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from skillgap.domain.users import UserRole
from skillgap.errors import Forbidden
from skillgap.server.auth import Principal, check_csrf
from skillgap.server.context import AppContext, context
from skillgap.server.scope import Reach, manager_reach, reach_of
from skillgap.server.web.pages import page_principal

Ctx = Annotated[AppContext, Depends(context)]
A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)
ORG = (A, H)
GROUPS = (A, H, M)
PEOPLE = (A, H, M, E)
REVIEW_READERS = (A, H, R)
REVIEW_DECIDERS = (A, R)


def page_allow(*roles: UserRole) -> Callable[..., Awaitable[Principal]]:
    """A page dependency admitting only ``roles``: anyone else signed in gets 403, nobody
    signed in is sent to the login form."""
    allowed = frozenset(roles)
    names = ", ".join(r.value for r in UserRole if r in allowed)

    async def check(who: Annotated[Principal, Depends(page_principal)]) -> Principal:
        if who.role not in allowed:
            raise Forbidden(f"{who.role.someone} may not open this page (it is for: {names})")
        return who

    check.__name__ = f"page_{'_'.join(r.value for r in UserRole if r in allowed)}"
    return check


def reach_for(who: Principal, ctx: AppContext) -> Reach:
    """The people (and groups) ``who`` may read; a manager's tree is read from the workspace
    (through the server's read cache, as the API's ``scope.reach`` does)."""
    if who.role is UserRole.MANAGER and who.person_id is not None:
        return manager_reach(who.person_id, ctx.store)
    return reach_of(who, None)


def check_form(who: Principal, token: str) -> None:
    """A form posted with the session cookie must carry the session's CSRF token (an API
    token needs none: a browser never sends one by itself)."""
    if who.via == "session":
        check_csrf(who, token)
