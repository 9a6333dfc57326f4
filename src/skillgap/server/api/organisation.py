"""Gaps of groups (a team, a department, a role's holders, the organisation), priorities,
bench strength, snapshots and progress. Aggregates never name people, and figures from
fewer people than the privacy group size are suppressed for everyone but administrators.

Who: administrators and HR everything; a manager the teams and departments of their tree
(and those departments' priorities); nobody else."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from skillgap.domain.users import UserRole
from skillgap.errors import Forbidden
from skillgap.reports.organisation import bench_data, priorities_data, scope_data
from skillgap.reports.snapshots import progress_data, snapshots_data
from skillgap.server.api.models import Page, page
from skillgap.server.api.params import AsOfQuery, Limit, Offset, ViewQuery, horizon_of, view_of
from skillgap.server.api.reports import (
    BenchOut,
    PrioritiesOut,
    ProgressOut,
    ScopeGapsOut,
    SnapshotOut,
)
from skillgap.server.auth import Principal, allow
from skillgap.server.context import AppContext, context
from skillgap.server.scope import Reach, check_group, privacy_admin, reach
from skillgap.services import organisation as service
from skillgap.services import snapshots as snapshots_service
from skillgap.services.organisation_scope import Scope, ScopeKind, When

router = APIRouter(tags=["organisation"])
Ctx = Annotated[AppContext, Depends(context)]
Organisation = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]
Groups = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER))]
GroupHorizon = Annotated[
    str | None,
    Query(
        description="now [default], next (the next horizon), future (now and every later "
        "horizon's gaps) or a date YYYY-MM-DD"
    ),
]


def _gaps(
    ctx: AppContext,
    who: Principal,
    scope: Scope,
    view: str,
    horizon: str | None,
    as_of: date | None,
) -> dict[str, Any]:
    result = service.scope_gaps(
        ctx.store,
        ctx.clock,
        scope,
        as_of=as_of,
        horizon=horizon_of(horizon, When.NOW, When.NEXT, When.FUTURE) or When.NOW,
        view=view_of(view),
        privacy=ctx.privacy(privacy_admin(who)),
    )
    return scope_data(result)


@router.get("/gaps/organisation", response_model=ScopeGapsOut)
def organisation_gaps(
    ctx: Ctx,
    who: Organisation,
    view: ViewQuery = "verified",
    horizon: GroupHorizon = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """The organisation's gaps per competency and capability group, per department, its
    future gaps and single points of failure (never who they are)."""
    return _gaps(ctx, who, Scope(ScopeKind.ORGANISATION), view, horizon, as_of)


@router.get("/gaps/departments/{name}", response_model=ScopeGapsOut)
def department_gaps(
    name: Annotated[str, Path(description="the department, as the people file names it")],
    ctx: Ctx,
    who: Groups,
    reached: Annotated[Reach, Depends(reach)],
    view: ViewQuery = "verified",
    horizon: GroupHorizon = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """A department's gaps, per competency, capability group and team."""
    check_group("department", name, reached)
    return _gaps(ctx, who, Scope(ScopeKind.DEPARTMENT, name), view, horizon, as_of)


@router.get("/gaps/teams/{name}", response_model=ScopeGapsOut)
def team_gaps(
    name: Annotated[str, Path(description="the team, as the people file names it")],
    ctx: Ctx,
    who: Groups,
    reached: Annotated[Reach, Depends(reach)],
    view: ViewQuery = "verified",
    horizon: GroupHorizon = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """A team's gaps, per competency and capability group."""
    check_group("team", name, reached)
    return _gaps(ctx, who, Scope(ScopeKind.TEAM, name), view, horizon, as_of)


@router.get("/gaps/roles/{role_id}", response_model=ScopeGapsOut)
def role_gaps(
    role_id: str,
    ctx: Ctx,
    who: Organisation,
    view: ViewQuery = "verified",
    horizon: GroupHorizon = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """The gaps of everyone holding a role."""
    return _gaps(ctx, who, Scope(ScopeKind.ROLE, role_id), view, horizon, as_of)


@router.get("/priorities", response_model=PrioritiesOut)
def priorities(
    ctx: Ctx,
    who: Groups,
    reached: Annotated[Reach, Depends(reach)],
    department: Annotated[
        str | None, Query(description="only this department (a manager names one, or a team)")
    ] = None,
    team: Annotated[str | None, Query(description="only this team")] = None,
    horizon: Annotated[
        str | None, Query(description="all [default], now, next, future or a date YYYY-MM-DD")
    ] = None,
    view: ViewQuery = "verified",
    top: Annotated[int, Query(ge=1, le=1000)] = 10,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Training needs ranked by importance x people short x gap x urgency, each with its
    components and the sentence explaining its score."""
    if department is None and team is None and not reached.everyone:
        raise Forbidden(
            "a manager sees the priorities of a department or team of theirs: "
            "?department= or ?team="
        )
    if department is not None:
        check_group("department", department, reached)
    if team is not None:
        check_group("team", team, reached)
    when = horizon_of(horizon, When.ALL, When.NOW, When.NEXT, When.FUTURE) or When.ALL
    result = service.priorities(
        ctx.store,
        ctx.clock,
        department=department,
        team=team,
        as_of=as_of,
        horizon=when,
        view=view_of(view),
        top=top,
        privacy=ctx.privacy(privacy_admin(who)),
    )
    return priorities_data(result)


@router.get("/bench-strength", response_model=BenchOut)
def bench_strength(
    ctx: Ctx,
    who: Organisation,
    level: Annotated[float | None, Query(gt=0, le=5, description="canonical 0-5 [3]")] = None,
    competency: Annotated[
        str | None, Query(description="only this competency (FRAMEWORK:CODE, code or name)")
    ] = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Per competency, how many people hold a level on verified evidence, next to how many
    roles need it; thinnest bench first. Never names anyone."""
    result = service.bench_strength(
        ctx.store,
        ctx.clock,
        level=level,
        competency=competency,
        as_of=as_of,
        privacy=ctx.privacy(privacy_admin(who)),
    )
    return bench_data(result)


@router.get("/snapshots", response_model=Page[SnapshotOut])
def list_snapshots(
    ctx: Ctx,
    who: Organisation,
    since: Annotated[
        date | None, Query(description="only snapshots as of this date or later")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The organisation's recorded snapshots, oldest first, a page at a time."""
    return page(snapshots_data(snapshots_service.list_snapshots(ctx.store, since)), limit, offset)


@router.get("/progress", response_model=ProgressOut)
def progress(
    ctx: Ctx,
    who: Organisation,
    since: Annotated[date | None, Query(description="from the first snapshot on or after")] = None,
    department: Annotated[str | None, Query(description="only this department")] = None,
    view: ViewQuery = "verified",
) -> dict[str, Any]:
    """Gaps closed and opened (each naming the person), and readiness over time."""
    report = snapshots_service.progress(ctx.store, since, department, view=view_of(view))
    return progress_data(report)
