"""The app factory: ``create_app(settings)`` builds the whole server; nothing happens at
import. ``skillgap serve`` gives uvicorn ``from_environment`` (factory=True), which each
worker process calls with the settings the CLI put in its environment."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skillgap import __version__
from skillgap.clock import Clock, SystemClock
from skillgap.config import Settings, load_settings
from skillgap.errors import PayloadTooLarge
from skillgap.fetch import Fetcher
from skillgap.server import errors
from skillgap.server.api import PREFIX, api_router
from skillgap.server.cache import one_revision
from skillgap.server.context import MIB, AppContext, ServerOptions
from skillgap.server.warm import Warmer
from skillgap.server.web import (
    dashboard,
    docs,
    pages,
    people_pages,
    plan_pages,
    review,
    talent_pages,
    upload,
)
from skillgap.store import Store
from skillgap.store.intent import writes
from skillgap.store.schema import open_store
from skillgap.store.sql import use_write_ahead_log

DESCRIPTION = (
    "Skill gap analysis with verified micro-credentials. Authenticate with a session cookie "
    "(the /login form; send X-CSRF-Token on state-changing calls) or an API token "
    '(Authorization: Bearer sg_...). Errors: {"error": {"code", "message", "details"}}.'
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Cache-Control": "no-store",
}

#: The table imports (HR exports, ratings, role profiles) and frameworks (an ESCO export is
#: tens of MB), and organisation bundles (a zip): their own, larger body limit.
TABLE_ROUTES = tuple(
    f"{PREFIX}/{name}"
    for name in ("people", "ratings", "roles", "frameworks", "frameworks/diff", "bundle")
)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    fetcher: Fetcher | None = None,
    options: ServerOptions | None = None,
) -> FastAPI:
    """The server on the workspace at ``settings`` (or on ``store``, which the caller keeps
    and closes). ``fetcher`` replaces the HTTP fetcher of verification (tests: the
    in-memory twin); ``options`` the server's limits (default: ``ServerOptions()``)."""
    owned = store is None
    opened = store if store is not None else open_store(settings)
    if owned:  # served: a long read (the dashboard's model) must not block writes
        use_write_ahead_log(opened)
    ctx = AppContext(settings, opened, clock or SystemClock(), options or ServerOptions(), fetcher)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warmer = Warmer(ctx) if ctx.options.warm_cache and ctx.cache is not None else None
        if warmer is not None:
            warmer.start()
        app.state.warmer = warmer
        yield
        if warmer is not None:
            warmer.stop()
        if owned:
            opened.close()

    app = FastAPI(
        title="skillgap",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.skillgap = ctx
    errors.install(app)
    # A request is matched against the routes in this order (each one tried costs a few
    # microseconds, twice): the person pages, asked most, first; then the API.
    app.include_router(people_pages.router)
    app.include_router(api_router())
    app.include_router(docs.router)
    app.include_router(pages.router)
    for web in (dashboard, upload, review, plan_pages, talent_pages):
        app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    app.add_middleware(UnitsPerRequest)
    app.add_middleware(SecurityHeaders)
    tables = ctx.options.max_table_bytes + MIB  # a table and the multipart form around it
    app.add_middleware(
        BodyLimit, limit=ctx.options.max_request_bytes, larger=dict.fromkeys(TABLE_ROUTES, tables)
    )
    return app


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response that does not set them itself (a plain
    ASGI middleware: Starlette's ``BaseHTTPMiddleware`` costs a task and a stream per
    request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class UnitsPerRequest:
    """A GET or HEAD request reads the workspace's revision once (``cache.one_revision``:
    PostgreSQL); the units of work of any other request take the write lock as they begin
    (``store.intent.writes``: SQLite), so two requests that each read and then write take
    turns, where the later writer would fail ("database is locked"). OPTIONS reads and
    writes nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method is None or method == "OPTIONS":
            await self.app(scope, receive, send)
            return
        with one_revision() if method in ("GET", "HEAD") else writes():
            await self.app(scope, receive, send)


class BodyLimit:
    """Refuses a request body over ``limit`` bytes: at once when its Content-Length says
    so, else as soon as that many bytes have arrived (a chunked upload)."""

    def __init__(self, app: ASGIApp, limit: int, larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.larger = dict(larger or {})  # path -> its own limit (the table imports)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.limit)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(self._message(limit))
            return message

        await self.app(scope, counted, send)

    @staticmethod
    def _message(limit: int) -> str:
        return f"the request is larger than the {limit} bytes the server accepts"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        body = errors.error_body("too-large", self._message(limit))
        response = JSONResponse(body, 413)
        await response(scope, receive, send)


def from_environment() -> FastAPI:
    """The uvicorn factory (``skillgap serve``): the settings from this process's
    environment, read when uvicorn calls it (never at import)."""
    environ: Mapping[str, str] = dict(os.environ)
    return create_app(load_settings(environ), options=ServerOptions.from_environ(environ))
