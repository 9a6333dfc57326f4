"""Frameworks, competencies and roles: the catalog every signed-in user may read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from skillgap.analysis.search import SearchHit
from skillgap.domain import Competency, Requirement
from skillgap.server.api.models import (
    CompetencyOut,
    FrameworkDetail,
    FrameworkSummary,
    Page,
    RoleDetail,
    RoleSummaryOut,
    SearchHitOut,
    page,
)
from skillgap.server.api.params import Limit, Offset
from skillgap.server.auth import principal
from skillgap.server.context import AppContext, context
from skillgap.services import frameworks as frameworks_service
from skillgap.services import roles as roles_service
from skillgap.services.roles import RoleProfile

router = APIRouter(dependencies=[Depends(principal)])
Ctx = Annotated[AppContext, Depends(context)]


@router.get("/frameworks", response_model=list[FrameworkSummary], tags=["catalog"])
def list_frameworks(ctx: Ctx) -> list[dict[str, Any]]:
    """Every framework the workspace holds, with its counts."""
    return [vars(s) for s in frameworks_service.list_frameworks(ctx.store)]


@router.get("/frameworks/{framework_id}", response_model=FrameworkDetail, tags=["catalog"])
def show_framework(framework_id: str, ctx: Ctx) -> dict[str, Any]:
    """One framework: its scale and capability groups (its competencies are paged at
    ``/frameworks/{id}/competencies``)."""
    summary, framework = frameworks_service.show_framework(ctx.store, framework_id)
    return {
        **vars(summary),
        "description": framework.description,
        "uri": framework.uri,
        "scale_levels": [
            {"value": lv.value, "label": lv.label, "canonical": lv.canonical}
            for lv in framework.scale.levels
        ],
        "capability_groups": [
            {"code": g.code, "name": g.name, "description": g.description, "parent": g.parent}
            for g in framework.groups
        ],
    }


@router.get(
    "/frameworks/{framework_id}/competencies",
    response_model=Page[CompetencyOut],
    tags=["catalog"],
)
def framework_competencies(
    framework_id: str,
    ctx: Ctx,
    limit: Limit = 100,
    offset: Offset = 0,
    retired: Annotated[bool, Query(description="include retired competencies")] = False,
) -> dict[str, Any]:
    """A framework's competencies, in the framework's order, a page at a time."""
    _, framework = frameworks_service.show_framework(ctx.store, framework_id)
    found = [competency_data(c) for c in framework.competencies if retired or not c.retired]
    return page(found, limit, offset)


@router.get("/competencies/search", response_model=list[SearchHitOut], tags=["catalog"])
def search_competencies(
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=200, description="words to look for")],
    framework: Annotated[str | None, Query(description="only this framework")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[dict[str, Any]]:
    """Competencies by name, alternative label or description; typo-tolerant."""
    hits = frameworks_service.search_competencies(ctx.store, q, framework_id=framework, limit=limit)
    return [hit_data(h) for h in hits]


@router.get("/roles", response_model=Page[RoleSummaryOut], tags=["catalog"])
def list_roles(ctx: Ctx, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Every role with its requirement count now, its horizons and how many hold it, a page
    at a time."""
    found = [
        {**vars(r), "horizons": [h.isoformat() for h in r.horizons]}
        for r in roles_service.list_roles(ctx.store)
    ]
    return page(found, limit, offset)


@router.get("/roles/{role_id}", response_model=RoleDetail, tags=["catalog"])
def show_role(role_id: str, ctx: Ctx) -> dict[str, Any]:
    """A role's requirements now and at each of its horizons, side by side."""
    return role_data(roles_service.show_role(ctx.store, role_id))


def competency_data(c: Competency) -> dict[str, Any]:
    return {
        "ref": str(c.ref),
        "framework": c.framework,
        "code": c.code,
        "name": c.name,
        "description": c.description,
        "group": c.group,
        "kind": c.kind.value,
        "uri": c.uri,
        "alt_labels": list(c.alt_labels),
        "retired": c.retired,
    }


def hit_data(hit: SearchHit) -> dict[str, Any]:
    return {
        "competency": competency_data(hit.competency),
        "score": hit.score,
        "matched": hit.matched,
    }


def role_data(profile: RoleProfile) -> dict[str, Any]:
    role, context = profile.role, profile.context

    def requirement(req: Requirement | None) -> dict[str, Any] | None:
        if req is None:
            return None
        scale = context.framework(req.competency).scale
        return {
            "level": req.level,
            "label": scale.level(req.level).label,
            "canonical": scale.to_canonical(req.level),
            "importance": req.importance.value,
            "since": req.horizon.isoformat() if req.horizon else None,
        }

    rows = []
    for row in profile.rows:
        ref = next(r.competency for r in row if r is not None)
        framework = context.frameworks.get(ref.framework)
        name = framework.competency(ref.code).name if framework and framework.has(ref.code) else ""
        rows.append(
            {
                "competency": str(ref),
                "name": name or str(ref),
                "now": requirement(row[0]),
                "at_horizons": [requirement(r) for r in row[1:]],
            }
        )
    return {
        "id": role.id,
        "name": role.name,
        "family": role.family,
        "description": role.description,
        "holders": profile.holders,
        "horizons": [h.isoformat() for h in profile.horizons],
        "requirements": rows,
    }
