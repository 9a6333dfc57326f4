"""The cookies the server sets: the session (HttpOnly, SameSite=Lax, Secure behind HTTPS)
and the login form's double-submit CSRF cookie."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from skillgap.errors import CsrfRefused
from skillgap.server.auth import SESSION_COOKIE
from skillgap.server.context import AppContext
from skillgap.services.users import SESSION_LIFETIME

LOGIN_CSRF_COOKIE = "skillgap_login_csrf"


def set_session(response: Response, ctx: AppContext, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
    )


def clear_session(response: Response, ctx: AppContext) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=ctx.settings.secure_cookies
    )


def login_token(request: Request) -> str | None:
    """The login form's CSRF token its cookie holds, if it holds a plausible one."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    return token if token and len(token) <= 100 else None


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def set_login_csrf(response: Response, ctx: AppContext, token: str) -> None:
    """Put the login form's CSRF token in its cookie."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
    )


def check_login_csrf(request: Request, presented: str) -> None:
    """The form's token must be the one its cookie holds (double submit): a page on another
    site can post the form but cannot read or set the cookie."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise CsrfRefused("the login form has expired or did not come from this site: reload it")
