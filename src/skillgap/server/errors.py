"""The one place the SkillgapError tree (and FastAPI's own errors) become HTTP answers.

Every error body has one shape, whatever raised it::

    {"error": {"code": "not-found", "message": "no person 'E9'", "details": null}}

``code`` is stable (clients branch on it), ``message`` is written for people, ``details``
is structured when there is more to say (every located error of an input, every invalid
request parameter), else ``null``. Pages (outside ``/api``) get the same message as a small
HTML page; an unauthenticated page request is sent to the login form instead.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from skillgap.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    CsrfRefused,
    FetchError,
    InputError,
    InputErrors,
    LoginThrottled,
    NotFoundError,
    ParameterError,
    PayloadTooLarge,
    SkillgapError,
    StillCounting,
    ValidationError,
    WorkspaceError,
)
from skillgap.errors import (
    Forbidden as Forbidden,  # re-exported: the pages import it from here
)
from skillgap.store.sql import db_error_summary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Translation:
    status: int
    code: str


#: Most specific first: the first class an error is an instance of decides.
TRANSLATIONS: tuple[tuple[type[SkillgapError], Translation], ...] = (
    (AuthenticationError, Translation(401, "unauthenticated")),
    (CsrfRefused, Translation(403, "csrf")),
    (Forbidden, Translation(403, "forbidden")),
    (NotFoundError, Translation(404, "not-found")),
    (ConflictError, Translation(409, "conflict")),
    (PayloadTooLarge, Translation(413, "too-large")),
    (ValidationError, Translation(422, "validation")),
    (LoginThrottled, Translation(429, "throttled")),
    (ConfigError, Translation(500, "configuration")),
    (FetchError, Translation(502, "fetch")),
    (WorkspaceError, Translation(503, "workspace")),
    (StillCounting, Translation(503, "counting")),
    (SkillgapError, Translation(400, "error")),
)
_HTTP_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "throttled",
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail


def translate(exc: SkillgapError) -> Translation:
    if _refused_value(exc) is not None:
        return Translation(422, "validation")
    return next(t for cls, t in TRANSLATIONS if isinstance(exc, cls))


def _refused_value(exc: SkillgapError) -> DataError | None:
    """The database's refusal of a value the request gave (PostgreSQL: a NUL character in
    a text, a number out of range): the request's fault, not the workspace's."""
    cause = exc.__cause__
    return cause if isinstance(exc, WorkspaceError) and isinstance(cause, DataError) else None


def _details(exc: SkillgapError) -> Any:
    if isinstance(exc, InputErrors):
        return [_located(e) for e in exc.errors]
    if isinstance(exc, InputError):
        return [_located(exc)]
    if isinstance(exc, ParameterError):  # as FastAPI locates a parameter it refuses
        return [{"location": ["query", exc.parameter], "message": str(exc), "type": "value"}]
    if isinstance(exc, FetchError):
        return {"url": exc.url}
    return None


def _located(e: InputError) -> dict[str, Any]:
    return {"file": e.file, "row": e.row, "field": e.field, "reason": e.reason}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": _text(message), "details": _text(details)}}


def _text(value: Any) -> Any:
    """Messages quote their input, which may hold lone surrogates (undecodable bytes): they
    cannot be encoded as UTF-8, so they are shown as "?" rather than failing the answer."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    return value


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(code, message, details), status, headers=headers)
    if status == 401:
        return RedirectResponse("/login", status_code=303)
    from skillgap.server.web.pages import render  # the pages import this module's errors

    context = {
        "who": getattr(request.state, "principal", None),  # the navigation, when known
        "status": status,
        "heading": _HEADINGS.get(code, _HEADINGS.get(status, f"Error {status}")),
        "message": _text(message),
        "refresh": (headers or {}).get("Retry-After") if code == "counting" else None,
    }
    try:
        page = render(request, "error.html", context, status_code=status)
    except Exception:  # an error page must not fail: the bare one
        bare = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{status} - skillgap</title></head><body><main><h1>{status}</h1>"
            f"<p>{html.escape(_text(message))}</p><p><a href='/'>Home</a></p></main></body></html>"
        )
        return HTMLResponse(bare, status, headers=headers)
    page.headers.update(headers or {})
    return page


_HEADINGS: dict[int | str, str] = {
    400: "That cannot be done",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    413: "Too large",
    422: "That request cannot be answered",
    429: "Too many attempts",
    500: "Something went wrong",
    502: "A document could not be fetched",
    503: "The workspace cannot be used",
    "counting": "The figures are being counted",
}


async def _skillgap_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SkillgapError)
    found = translate(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, LoginThrottled | StillCounting):
        headers["Retry-After"] = str(exc.retry_after)
    if found.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="skillgap"'
    message = _CLI_HINT.sub("", str(exc))
    if (refused := _refused_value(exc)) is not None:
        message = f"the database refuses a value of the request: {db_error_summary(refused)}"
    elif found.status >= 500 and isinstance(exc, ConfigError | WorkspaceError):
        message = _logged(exc)
    return _answer(request, found.status, found.code, message, _details(exc), headers)


#: A message's pointer to a command of the command line, "(see `skillgap people list`)":
#: the services speak to both edges, and a web or API caller has no terminal.
_CLI_HINT = re.compile(r" \(see `skillgap [^`]*`[^)]*\)")


#: What a server-side failure's message may not show a caller: addresses with a scheme
#: (a database URL may hold a password) and absolute file paths (key files, workspaces).
_SERVER_DETAILS = re.compile(
    r"\b[a-z][a-z0-9+.-]*://[^\s'\"()]+|(?<![\w.~/])/[\w.@~-]+(?:/[\w.@~-]+)*"
)


def _logged(exc: SkillgapError) -> str:
    """A server-side failure: logged whole under a reference; the caller gets the message
    with the server's addresses and paths taken out, and the reference to find it by."""
    reference = secrets.token_hex(4)
    log.error("request failed (reference %s): %s", reference, exc)
    what = "its configuration" if isinstance(exc, ConfigError) else "its workspace"
    shown = _SERVER_DETAILS.sub("<hidden>", str(exc))
    return f"the server cannot use {what}: {shown} (reference {reference} in the server's log)"


async def _request_invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "location": [str(part) for part in e.get("loc", ())],
            "message": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    first = details[0] if details else None
    message = "the request is invalid"
    if first is not None:
        message += f": {'.'.join(first['location'])}: {first['message']}"
    return _answer(request, 422, "validation", message, details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http-{exc.status_code}")
    message = str(exc.detail) if exc.detail else "error"
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such resource: {request.url.path}"
    headers = dict(exc.headers) if exc.headers else None
    return _answer(request, exc.status_code, code, message, None, headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    return _answer(request, 500, "internal", "internal error: the server could not answer")


def install(app: FastAPI) -> None:
    """Register the translations on ``app``, and list in its OpenAPI document the errors a
    write may answer besides ``ERROR_RESPONSES`` (``document_write_errors``)."""
    app.add_exception_handler(SkillgapError, _skillgap_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    generate = app.openapi  # FastAPI's, which keeps what it made in app.openapi_schema

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_write_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _documented(*answers: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": text} for status, text in answers}


#: The error answers to list in the OpenAPI document for every route.
ERROR_RESPONSES = _documented(
    (400, "Refused: what was asked cannot be done (the message says why)"),
    (401, "Not authenticated (no or bad session, token)"),
    (403, "The role may not do this"),
    (404, "Not found (or outside what the caller may see)"),
    (422, "Invalid request or input"),
    (503, "The workspace's database failed or cannot be reached"),
)
#: And for every operation that changes something.
WRITE_ERRORS = (
    (409, "Conflicts with what the workspace holds (the message says what)"),
    (413, "The request, or a file in it, is larger than the server accepts"),
)
WRITES = frozenset({"post", "put", "patch", "delete"})


def document_write_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Lists ``WRITE_ERRORS`` among the answers of every write of an OpenAPI document."""
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in WRITES:
                for status, text in WRITE_ERRORS:
                    answer = {"description": text, "content": body}
                    operation.setdefault("responses", {}).setdefault(str(status), answer)
    return document
