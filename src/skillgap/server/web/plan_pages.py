"""A person's learning plan page (a form making and saving a plan, their saved plans, their
progress along each pathway) and a saved plan against what was done, with its timeline.

Who: administrators and HR for anyone; a manager for their tree; an employee for
themselves (anyone else is "no person", 404). A saved plan is shown to whoever may see its
subject (a group's plan: administrators, HR, or a manager of the whole group; see
``api/plans.py``); any other plan is "no plan", as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from skillgap.analysis.context import SkillContext
from skillgap.domain import CompetencyRef
from skillgap.domain.plans import Objective
from skillgap.errors import NotFoundError, SkillgapError, ValidationError
from skillgap.reports.plans import plan_data, status_data
from skillgap.server.api.plans import members_for, no_plan, plan_visible
from skillgap.server.auth import Principal
from skillgap.server.context import AppContext
from skillgap.server.scope import Reach, check_person
from skillgap.server.web import charts
from skillgap.server.web.access import PEOPLE, Ctx, check_form, page_allow, reach_for
from skillgap.server.web.pages import render
from skillgap.services import catalog as catalog_service
from skillgap.services import pathways as pathways_service
from skillgap.services import plans as plans_service
from skillgap.services import roles as roles_service
from skillgap.services import talent as talent_service
from skillgap.services import users as users_service
from skillgap.services.pathways import PathwayView

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(page_allow(*PEOPLE))]
Text = Annotated[str, Form(max_length=200)]
Token = Annotated[str, Form(max_length=100)]


# --- form values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanForm:
    """What a plan form holds, as typed (shown again when it is refused)."""

    target_role: str = ""
    budget: str = ""
    deadline: str = ""
    optimise: str = "cost"
    hours_per_week: str = "4"
    now_only: bool = False


def number(text: str, what: str, low: float, high: float | None = None) -> float | None:
    """A form's number (empty: None), within ``low`` and ``high``."""
    if not text.strip():
        return None
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        raise ValidationError(f"{what}: {text!r} is not a number") from None
    if value != value or value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ValidationError(f"{what} must be {bounds}")
    return value


def day(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what}: {text!r} is not a date YYYY-MM-DD") from None


def hours_of(form: PlanForm) -> float:
    return number(form.hours_per_week, "hours per week", 0.5, 60) or 4.0


# --- a person's plan page --------------------------------------------------------------------


@dataclass(frozen=True)
class StepLine:
    name: str
    state: str
    done: int
    needed: int
    units: list[tuple[str, bool]]  # (name, done)


@dataclass(frozen=True)
class PathwayLine:
    id: str
    name: str
    percent: int
    steps_complete: int
    steps_total: int
    complete: bool
    next_step: str | None
    next_units: list[str]  # names
    steps: list[StepLine]


@dataclass(frozen=True)
class PersonPlanPage:
    person_id: str
    name: str
    roles: tuple[tuple[str, str], ...]  # (id, name): the target role's choices
    plans: list[dict[str, Any]]  # plan_data of the person's saved plans, newest first
    pathways: list[PathwayLine]
    form: PlanForm = field(default_factory=PlanForm)
    error: str | None = None


def unit_name(view: PathwayView, unit: str) -> str:
    kind, _, key = unit.partition(":")
    if kind == "item":
        item = view.items.get(key)
        return item.name if item else key
    achievement = view.achievements.get(key)
    return achievement.name if achievement else key


def pathway_lines(ctx: AppContext, person_id: str) -> list[PathwayLine]:
    """The person on every pathway, step by step, from their valid credentials."""
    out = []
    for pathway in pathways_service.list_pathways(ctx.store):
        view = pathways_service.show_pathway(ctx.store, pathway.id)
        report = pathways_service.progress(
            ctx.store, ctx.clock, pathway_id=pathway.id, person_id=person_id
        )
        row, detail = report.rows[0], report.detail
        steps = [
            StepLine(
                s.step.name or s.step.id,
                s.state.value,
                s.done,
                s.needed,
                [(unit_name(view, str(u.unit)), u.done) for u in s.units],
            )
            for s in (detail.steps if detail else ())
        ]
        names = {s.id: s.name or s.id for s in pathway.steps}
        out.append(
            PathwayLine(
                pathway.id,
                pathway.name,
                row.percent,
                row.steps_complete,
                row.steps_total,
                row.complete,
                names.get(row.next_step or "", row.next_step),
                [unit_name(view, u) for u in row.next_units],
                steps,
            )
        )
    return out


def person_plan_page(
    ctx: AppContext, person_id: str, form: PlanForm | None = None, error: str | None = None
) -> PersonPlanPage:
    """A person (already checked to be in reach): the plan form, their saved plans and their
    progress along each pathway."""
    person = users_service.find_person(ctx.store, person_id)
    plans = talent_service.list_plans(ctx.store, person_id=person_id)
    return PersonPlanPage(
        person_id,
        person.name if person else person_id,
        roles_service.role_names(ctx.store),
        [plan_data(p) for p in sorted(plans, key=lambda p: p.created_at, reverse=True)],
        pathway_lines(ctx, person_id),
        form or PlanForm(),
        error,
    )


@router.get("/people/{person_id}/plan", response_class=HTMLResponse)
def person_plan(request: Request, person_id: str, ctx: Ctx, who: Reader) -> Response:
    """The plan form, the person's saved plans and their pathway progress."""
    check_person(person_id, reach_for(who, ctx), ctx)
    found = person_plan_page(ctx, person_id)
    return render(request, "plan.html", {"who": who, "page": found})


@router.post("/people/{person_id}/plan")
def make_person_plan(
    request: Request,
    person_id: str,
    ctx: Ctx,
    who: Reader,
    csrf_token: Token = "",
    target_role: Text = "",
    budget: Text = "",
    deadline: Text = "",
    optimise: Text = "cost",
    hours_per_week: Text = "4",
    now_only: Text = "",
) -> Response:
    """Make and save the plan, then show it (a refused value: the form again, saying why)."""
    check_form(who, csrf_token)
    check_person(person_id, reach_for(who, ctx), ctx)
    form = PlanForm(target_role, budget, deadline, optimise, hours_per_week, bool(now_only))
    try:
        if optimise not in ("cost", "time"):
            raise ValidationError("optimise for cost or time")
        made = plans_service.plan_for_person(
            ctx.store,
            ctx.clock,
            person_id,
            target_role=target_role.strip() or None,
            budget=number(budget, "the budget", 0),
            deadline=day(deadline, "the deadline"),
            objective=Objective(optimise),
            future=not form.now_only,
            hours_per_week=hours_of(form),
            actor=who.user_id,
        )
    except ValidationError as exc:
        found = person_plan_page(ctx, person_id, form, str(exc))
        return render(request, "plan.html", {"who": who, "page": found}, status_code=422)
    return RedirectResponse(f"/plans/{made.plan.id}", status_code=303)


# --- a saved plan against what was done ------------------------------------------------------


@dataclass(frozen=True)
class StatusPage:
    data: dict[str, Any]  # status_data: the plan, its tracking, the date each gap closes
    items: dict[str, str]  # item id -> name
    competencies: dict[str, str]  # FRAMEWORK:CODE -> name
    subject_link: str | None
    chart: Any  # the timeline's SVG (None: no line)


def competency_names(context: SkillContext, refs: list[str]) -> dict[str, str]:
    out = {}
    for ref in refs:
        try:
            out[ref] = context.competency(CompetencyRef.parse(ref)).name
        except SkillgapError:
            out[ref] = ref
    return out


def status_page(ctx: AppContext, plan_id: str, reached: Reach) -> StatusPage:
    """A saved plan the caller may see, tracked against the credentials earned since."""
    try:
        status = talent_service.plan_status(ctx.store, ctx.clock, plan_id)
    except NotFoundError:
        raise no_plan(plan_id) from None
    if not plan_visible(status.plan, reached, members_for(reached, ctx)):
        raise no_plan(plan_id)
    data = status_data(status)
    listing = catalog_service.list_catalog(ctx.store)
    items = {j.item.id: j.item.name for j in listing.items}
    refs = sorted({c for t in data["tracking"] for c in t["closes"]} | set(data["gaps_close"]))
    refs += [g["competency"] for g in data["open_gaps"]]
    group = status.plan.scope.value
    link = {"person": "/people/", "team": "/teams/", "department": "/departments/"}.get(group)
    bars = [
        charts.Bar(
            items.get(t["item"], t["item"]) + ("" if group == "person" else f" ({t['person']})"),
            date.fromisoformat(t["start"]),
            date.fromisoformat(t["due"]),
            t["state"],
        )
        for t in data["tracking"]
    ]
    title = f"Plan {status.plan.id}"
    chart = charts.timeline_svg(bars, status.today, title) if bars else None
    return StatusPage(
        data,
        items,
        competency_names(listing.context, refs),
        f"{link}{quote(status.plan.subject)}" if link else None,
        chart,
    )


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_status(request: Request, plan_id: str, ctx: Ctx, who: Reader) -> Response:
    """Plan vs done: each item done, planned or overdue, the money spent, the date each gap
    closes, and the timeline of the items."""
    found = status_page(ctx, plan_id, reach_for(who, ctx))
    return render(request, "plan_status.html", {"who": who, "page": found})
