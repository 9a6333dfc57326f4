"""The API's documentation page, ``/api/v1/docs``: the OpenAPI document rendered on the
server (no Swagger UI from a CDN: nothing third-party reaches the browser)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from skillgap.server.web.pages import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The document's operations grouped by their first tag, in the document's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            groups.setdefault((op.get("tags") or ["other"])[0], []).append(
                {
                    "method": method,
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {**p, "description": p.get("description", "")}
                        for p in op.get("parameters", [])
                    ],
                    "body": ", ".join(body),
                    "responses": [
                        (status, answer.get("description", ""))
                        for status, answer in op.get("responses", {}).items()
                    ],
                }
            )
    return list(groups.items())


@router.get("/api/v1/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    context = {"spec": spec, "groups": operations(spec), "openapi_url": request.app.openapi_url}
    return render(request, "docs.html", context)
