"""The REST API, ``/api/v1``: one router per area, assembled here."""

from __future__ import annotations

from fastapi import APIRouter

from skillgap.server.api import (
    achievements,
    admin,
    catalog,
    credentials,
    frameworks,
    imports,
    issuer_admin,
    issuing,
    organisation,
    people,
    plans,
    quality,
    role_templates,
    talent,
)
from skillgap.server.errors import ERROR_RESPONSES

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, responses=ERROR_RESPONSES)
    # people first: a person's gaps are asked most, and routes are matched in this order
    areas = (
        people,
        admin,
        catalog,
        credentials,
        organisation,
        quality,
        plans,
        talent,
        imports,
        issuing,
        frameworks,
        achievements,
        role_templates,
        issuer_admin,
    )
    for area in areas:
        router.include_router(area.router)
    return router
