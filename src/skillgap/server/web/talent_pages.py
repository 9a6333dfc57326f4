"""A team's or department's training plan (a budget form -> the allocation across people and
catalog items, with the reasoning and the training priorities) and a role's internal
candidates.

Who: a group's plan names people, so administrators and HR plan for any team or department
and a manager for one whose every member is in their tree (else "no team", 404, as for one
that does not exist). The candidates view is for administrators and HR; each view of it is
recorded in the audit log with the viewer's id, as ``skillgap candidates`` is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from skillgap.domain.plans import PlanScope
from skillgap.errors import NotFoundError, ValidationError
from skillgap.reports.plans import plan_data
from skillgap.reports.talent import candidates_data
from skillgap.server.api.plans import check_group_plan, group_plan_data
from skillgap.server.api.talent import attribute_filters
from skillgap.server.auth import Principal
from skillgap.server.context import AppContext
from skillgap.server.web.access import GROUPS, ORG, Ctx, check_form, page_allow, reach_for
from skillgap.server.web.pages import render
from skillgap.server.web.plan_pages import PlanForm, competency_names, day, hours_of, number
from skillgap.services import catalog as catalog_service
from skillgap.services import people as people_service
from skillgap.services import plans as plans_service
from skillgap.services import talent as talent_service

router = APIRouter(include_in_schema=False)
Planner = Annotated[Principal, Depends(page_allow(*GROUPS))]
Organisation = Annotated[Principal, Depends(page_allow(*ORG))]
Text = Annotated[str, Form(max_length=200)]
Token = Annotated[str, Form(max_length=100)]
Filter = Annotated[str, Query(max_length=200)]


# --- a group's plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupPlanPage:
    kind: str  # team or department
    name: str
    people: dict[str, str]  # the group's active members: employee id -> name
    plans: list[dict[str, Any]]  # plan_data of the group's saved plans, newest first
    form: PlanForm = field(default_factory=PlanForm)
    save: bool = True
    result: dict[str, Any] | None = None  # group_plan_data of the plan just made
    items: dict[str, str] = field(default_factory=dict)  # item id -> name
    competencies: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def group_plan_page(ctx: AppContext, who: Principal, scope: PlanScope, name: str) -> GroupPlanPage:
    """The group (one the caller may plan for, and that exists) and its saved plans."""
    check_group_plan(scope, name, reach_for(who, ctx), ctx)
    members = people_service.list_people(
        ctx.store,
        team=name if scope is PlanScope.TEAM else None,
        department=name if scope is PlanScope.DEPARTMENT else None,
    )
    if not members:
        raise NotFoundError(f"no {scope.value} {name.strip()!r}")
    saved = [
        plan_data(p)
        for p in talent_service.list_plans(ctx.store)
        if p.scope is scope and p.subject == name
    ]
    saved.sort(key=lambda p: str(p["created_at"]), reverse=True)
    return GroupPlanPage(scope.value, name, {p.employee_id: p.name for p in members}, saved)


def _group_form(
    request: Request, ctx: AppContext, who: Principal, scope: PlanScope, name: str
) -> Response:
    found = group_plan_page(ctx, who, scope, name)
    return render(request, "team_plan.html", {"who": who, "page": found})


def _group_plan(
    request: Request,
    ctx: AppContext,
    who: Principal,
    scope: PlanScope,
    name: str,
    form: PlanForm,
    save: bool,
) -> Response:
    """Allocate the budget (saved unless asked not to) and show the allocation."""
    found = group_plan_page(ctx, who, scope, name)
    try:
        budget = number(form.budget, "the budget", 0)
        if budget is None:
            raise ValidationError("a team's or department's plan needs a budget")
        made = plans_service.plan_for_group(
            ctx.store,
            ctx.clock,
            scope,
            name,
            budget=budget,
            deadline=day(form.deadline, "the deadline"),
            future=not form.now_only,
            hours_per_week=hours_of(form),
            actor=who.user_id,
            save=save,
        )
    except ValidationError as exc:
        refused = replace(found, form=form, save=save, error=str(exc))
        return render(request, "team_plan.html", {"who": who, "page": refused}, status_code=422)
    data = group_plan_data(made)
    saved = [data, *found.plans] if made.saved else found.plans
    refs = {c for r in data["reasoning"] for c in r["closes"]}
    refs |= {p["competency"] for p in data["priorities"]}
    refs |= {g["competency"] for g in data["open_gaps"]}
    shown = replace(
        found,
        form=form,
        save=save,
        result=data,
        plans=saved,
        items={key: j.item.name for key, j in made.items.items()},
        competencies=competency_names(made.context, sorted(refs)),
    )
    return render(request, "team_plan.html", {"who": who, "page": shown})


@router.get("/teams/{name}/plan", response_class=HTMLResponse)
def team_plan_form(request: Request, name: str, ctx: Ctx, who: Planner) -> Response:
    """The team's budget form and saved plans."""
    return _group_form(request, ctx, who, PlanScope.TEAM, name)


@router.post("/teams/{name}/plan", response_class=HTMLResponse)
def team_plan(
    request: Request,
    name: str,
    ctx: Ctx,
    who: Planner,
    csrf_token: Token = "",
    budget: Text = "",
    deadline: Text = "",
    hours_per_week: Text = "4",
    now_only: Text = "",
    save: Text = "",
) -> Response:
    """The allocation of the budget across the team, with the reasoning and priorities."""
    check_form(who, csrf_token)
    form = PlanForm("", budget, deadline, "cost", hours_per_week, bool(now_only))
    return _group_plan(request, ctx, who, PlanScope.TEAM, name, form, bool(save))


@router.get("/departments/{name}/plan", response_class=HTMLResponse)
def department_plan_form(request: Request, name: str, ctx: Ctx, who: Planner) -> Response:
    """The department's budget form and saved plans."""
    return _group_form(request, ctx, who, PlanScope.DEPARTMENT, name)


@router.post("/departments/{name}/plan", response_class=HTMLResponse)
def department_plan(
    request: Request,
    name: str,
    ctx: Ctx,
    who: Planner,
    csrf_token: Token = "",
    budget: Text = "",
    deadline: Text = "",
    hours_per_week: Text = "4",
    now_only: Text = "",
    save: Text = "",
) -> Response:
    """The allocation of the budget across the department."""
    check_form(who, csrf_token)
    form = PlanForm("", budget, deadline, "cost", hours_per_week, bool(now_only))
    return _group_plan(request, ctx, who, PlanScope.DEPARTMENT, name, form, bool(save))


# --- a role's internal candidates ------------------------------------------------------------


@dataclass(frozen=True)
class CandidatesPage:
    data: dict[str, Any]  # candidates_data
    role_name: str
    competencies: dict[str, str]
    items: dict[str, str]
    departments: list[str]  # the choices of the filter form
    teams: list[str]
    filters: dict[str, Any]  # the form's values


def candidates_page(
    ctx: AppContext, who: Principal, role_id: str, filters: dict[str, Any]
) -> CandidatesPage:
    """Everyone ranked by verified readiness for the role (audited with the viewer's id)."""
    found = talent_service.candidates(
        ctx.store,
        ctx.clock,
        role_id,
        department=filters["department"] or None,
        team=filters["team"] or None,
        attributes=attribute_filters([w for w in filters["where"] if w.strip()]) or None,
        exclude_holders=not filters["include_holders"],
        limit=filters["limit"],
        actor=who.user_id,
    )
    data = candidates_data(found)
    refs = sorted({lack["competency"] for c in data["candidates"] for lack in c["lacks"]})
    everyone = people_service.list_people(ctx.store)
    listing = catalog_service.list_catalog(ctx.store)
    return CandidatesPage(
        data,
        found.role.name,
        competency_names(found.context, refs),
        {j.item.id: j.item.name for j in listing.items},
        sorted({p.department for p in everyone if p.department}),
        sorted({p.team for p in everyone if p.team}),
        filters,
    )


@router.get("/roles/{role_id}/candidates", response_class=HTMLResponse)
def candidates(
    request: Request,
    role_id: str,
    ctx: Ctx,
    who: Organisation,
    department: Filter = "",
    team: Filter = "",
    where: Annotated[list[str] | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 10,
    include_holders: Filter = "",
) -> Response:
    """People ranked by verified readiness for the role, what each lacks, their plan's cost."""
    filters = {
        "department": department.strip(),
        "team": team.strip(),
        "where": where or [],
        "limit": limit,
        "include_holders": bool(include_holders),
    }
    found = candidates_page(ctx, who, role_id, filters)
    return render(request, "candidates.html", {"who": who, "page": found})
