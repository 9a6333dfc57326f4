"""Answers of the hot read routes, given as JSON as they are built.

FastAPI validates what a route returns against its ``response_model`` and then serialises
it: for a person's gaps that is about a sixth of the answer's time. The data the hot
routes return is built to their model's shape (``reports.gaps.gaps_data``, JSON types only),
tests check every such answer validates against the model, and the model still documents
the route in the OpenAPI document; so those routes answer with ``json_answer``, which
FastAPI passes on untouched."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic_core import to_json


def json_answer(data: dict[str, Any]) -> Response:
    """``data`` as a JSON answer (UTF-8, compact, as FastAPI's own), by pydantic's
    serialiser (about 2.5 times as quick as the standard library's on a 24 KB answer)."""
    return Response(to_json(data), media_type="application/json")
