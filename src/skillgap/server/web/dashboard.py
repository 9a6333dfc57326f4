"""The organisation dashboard (administrators, HR) and the department and team pages
(administrators, HR; a manager for the groups of their tree): parse -> one call of
``orgdata.group_page`` -> render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from skillgap.analysis.inventory import View
from skillgap.server.auth import Principal
from skillgap.server.scope import Reach, check_group, privacy_admin
from skillgap.server.web import charts
from skillgap.server.web.access import GROUPS, ORG, Ctx, page_allow, reach_for
from skillgap.server.web.orgdata import METRICS, group_page
from skillgap.server.web.pages import render
from skillgap.services import roles as roles_service
from skillgap.services.organisation_scope import Scope, ScopeKind

router = APIRouter(include_in_schema=False)
ViewParam = Annotated[str, Query(pattern="^(verified|best-available)$")]
MetricParam = Annotated[str, Query(pattern="^(coverage|gap)$")]


def _page(
    request: Request,
    ctx: Ctx,
    who: Principal,
    reached: Reach,
    scope: Scope,
    view: str,
    metric: str,
) -> Response:
    found = group_page(ctx, ctx.privacy(privacy_admin(who)), reached, scope, View(view), metric)
    title = found.gaps["scope"]["name"]
    chart = charts.heatmap_svg(found.heatmap, title) if found.heatmap else None
    context = {
        "who": who,
        "page": found,
        "kind": scope.kind.value,
        "title": title,
        "chart": chart,
        "cell_text": charts.cell_text,
        "metrics": METRICS,
        "reached": reached,
        "role_names": dict(roles_service.role_names(ctx.store)),
    }
    return render(request, "group.html", context)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    ctx: Ctx,
    who: Annotated[Principal, Depends(page_allow(*ORG))],
    view: ViewParam = "verified",
    metric: MetricParam = "coverage",
) -> Response:
    """The organisation: heatmap of departments x capability groups, priorities, future
    gaps, single points of failure."""
    scope = Scope(ScopeKind.ORGANISATION)
    return _page(request, ctx, who, reach_for(who, ctx), scope, view, metric)


@router.get("/departments/{name}", response_class=HTMLResponse)
def department(
    request: Request,
    name: str,
    ctx: Ctx,
    who: Annotated[Principal, Depends(page_allow(*GROUPS))],
    view: ViewParam = "verified",
    metric: MetricParam = "coverage",
) -> Response:
    """A department: the same, per team, and the people furthest from their role."""
    reached = reach_for(who, ctx)
    check_group("department", name, reached)
    scope = Scope(ScopeKind.DEPARTMENT, name)
    return _page(request, ctx, who, reached, scope, view, metric)


@router.get("/teams/{name}", response_class=HTMLResponse)
def team(
    request: Request,
    name: str,
    ctx: Ctx,
    who: Annotated[Principal, Depends(page_allow(*GROUPS))],
    view: ViewParam = "verified",
    metric: MetricParam = "coverage",
) -> Response:
    """A team: its gaps per competency and capability group, and its people's readiness."""
    reached = reach_for(who, ctx)
    check_group("team", name, reached)
    return _page(request, ctx, who, reached, Scope(ScopeKind.TEAM, name), view, metric)
