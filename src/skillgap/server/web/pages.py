"""The pages of the frame: log in, log out, the landing page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from skillgap.errors import AuthenticationError, LoginThrottled
from skillgap.server.auth import SESSION_COOKIE, Principal, authenticate, check_csrf
from skillgap.server.context import AppContext, context
from skillgap.server.web.cookies import (
    check_login_csrf,
    clear_session,
    login_token,
    new_login_token,
    set_login_csrf,
    set_session,
)
from skillgap.server.web.fragments import gap_table
from skillgap.services import users as service

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.auto_reload = False  # installed templates do not change: no stat per page


@lru_cache(maxsize=8)
def _options(choices: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<option value="{escape(k)}">{escape(v)}</option>' for k, v in choices)


def role_options(choices: tuple[tuple[str, str], ...], chosen: str | None) -> Markup:
    """``<option>`` elements of a role select (hundreds of roles: drawn once per list of
    roles, not escaped anew on every page), ``chosen`` selected."""
    drawn = _options(choices)
    if chosen:
        mark = f'<option value="{escape(chosen)}">'
        drawn = drawn.replace(mark, mark[:-1] + " selected>", 1)
    return Markup(drawn)  # every value in it is escaped


templates.env.globals["role_options"] = role_options
templates.env.globals["gap_table"] = gap_table
router = APIRouter(include_in_schema=False)
Ctx = Annotated[AppContext, Depends(context)]


async def page_principal(request: Request, ctx: Ctx) -> Principal:
    """The signed-in user of a page (a page without one sends the browser to /login)."""
    found = authenticate(request, ctx)
    if found is None:
        raise AuthenticationError("log in first")
    return found


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, ctx: Ctx) -> Response:
    """The login form (its CSRF token in a hidden field and in a cookie)."""
    token = login_token(request)
    fresh = token is None
    token = token or new_login_token()
    page = render(request, "login.html", {"csrf_token": token, "error": None, "email": ""})
    if fresh:
        set_login_csrf(page, ctx, token)
    return page


@router.post("/login")
def login(
    request: Request,
    ctx: Ctx,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=service.MAX_PASSWORD)],
    csrf_token: Annotated[str, Form(max_length=100)],
) -> Response:
    check_login_csrf(request, csrf_token)
    try:
        made = service.login(ctx.store, ctx.clock, email, password, client_key(request))
    except (AuthenticationError, LoginThrottled) as exc:
        status = 429 if isinstance(exc, LoginThrottled) else 401
        page = render(
            request,
            "login.html",
            {"csrf_token": csrf_token, "error": str(exc), "email": email},
            status_code=status,
        )
        if isinstance(exc, LoginThrottled):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse("/", status_code=303)
    set_session(response, ctx, made.cookie)
    return response


@router.post("/logout")
def logout(
    request: Request, ctx: Ctx, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is not None:
        try:
            who = authenticate(request, ctx)
        except AuthenticationError:
            who = None  # an ended session: forget the cookie all the same
        if who is not None:
            check_csrf(who, csrf_token)
        service.logout(ctx.store, cookie)
    response = RedirectResponse("/login", status_code=303)
    clear_session(response, ctx)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Annotated[Principal, Depends(page_principal)]) -> Response:
    """The landing page of a signed-in user: who they are and what they may open."""
    return render(request, "home.html", {"who": who})
