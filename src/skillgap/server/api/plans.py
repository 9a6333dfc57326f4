"""From gaps to action: the learning catalog, stackable pathways and learning plans (issue 6),
over the services ``skillgap catalog``, ``pathways``, ``plan`` and ``plans`` use.

Who: the catalog and the pathways are open to every signed-in user; imports are for
administrators and HR. Pathway progress and plans follow the reach of ``server/scope.py``
(a person out of reach is "no person"). A group's plan names people, so a manager plans for
(and sees the plans of) a team or department only when every member is in their tree; the
organisation's plans are for administrators and HR. The pathway credential queue is decided
by administrators and reviewers (HR reads it). Plans are audited with the principal's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from skillgap.domain import Person
from skillgap.domain.plans import Objective, Plan, PlanScope
from skillgap.domain.users import UserRole
from skillgap.errors import Forbidden, NotFoundError, ValidationError
from skillgap.reports.catalog import award_data, catalog_data, pathway_data, progress_data
from skillgap.reports.plans import plan_data, priority_data, status_data
from skillgap.server.api.credentials import uploaded
from skillgap.server.api.models import Page, page
from skillgap.server.api.models_plans import (
    AwardDecisionIn,
    AwardRunOut,
    CatalogImportOut,
    CatalogItemOut,
    GroupPlanIn,
    GroupPlanOut,
    PathwayAwardOut,
    PathwayOut,
    PathwayProgressOut,
    PathwaysImportOut,
    PathwaySummaryOut,
    PersonPlanIn,
    PersonPlanOut,
    PlanOut,
    PlanStatusOut,
)
from skillgap.server.api.params import Limit, Offset
from skillgap.server.auth import Principal, allow, principal
from skillgap.server.context import AppContext, context
from skillgap.server.issuer import issuer_keys
from skillgap.server.scope import Reach, check_person, reach
from skillgap.services import catalog as catalog_service
from skillgap.services import pathways as pathways_service
from skillgap.services import people as people_service
from skillgap.services import plans as plans_service
from skillgap.services import talent as talent_service
from skillgap.services.plans import GroupPlan, PersonPlan

A, H, M, R, E = (
    UserRole.ADMIN,
    UserRole.HR,
    UserRole.MANAGER,
    UserRole.REVIEWER,
    UserRole.EMPLOYEE,
)
router = APIRouter()
Ctx = Annotated[AppContext, Depends(context)]
Reached = Annotated[Reach, Depends(reach)]
Anyone = Annotated[Principal, Depends(principal)]
Importers = Annotated[Principal, Depends(allow(A, H))]
People = Annotated[Principal, Depends(allow(A, H, M, E))]
Groups = Annotated[Principal, Depends(allow(A, H, M))]
QueueReaders = Annotated[Principal, Depends(allow(A, H, R))]
Deciders = Annotated[Principal, Depends(allow(A, R))]
Files = Annotated[list[UploadFile], File(description="catalog files: CSV, XLSX, YAML, JSON")]
OneFile = Annotated[UploadFile, File(description="a YAML file")]


# --- the catalog ---------------------------------------------------------------------------


@router.get("/catalog", response_model=Page[CatalogItemOut], tags=["catalog"])
def list_catalog(
    ctx: Ctx,
    who: Anyone,
    competency: Annotated[str | None, Query(description="only items evidencing FW:CODE")] = None,
    provider: Annotated[str | None, Query(description="only this provider's items")] = None,
    credible: Annotated[bool, Query(description="only items that count as proof")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The learning catalog by id, each item with its quality as proof (``catalog list``)."""
    listing = catalog_service.list_catalog(
        ctx.store, competency=competency, provider=provider, credible_only=credible
    )
    return page(catalog_data(listing), limit, offset)


@router.post("/catalog", response_model=CatalogImportOut, tags=["catalog"])
def import_catalog(
    ctx: Ctx,
    who: Importers,
    files: Files,
    replace: Annotated[bool, Form(description="remove the items the files do not hold")] = False,
    default_level: Annotated[int, Form(ge=1, le=10, description="badge alignments")] = 3,
    sheet: Annotated[str | None, Form(max_length=200, description="xlsx worksheet")] = None,
) -> dict[str, Any]:
    """Import catalog items (all or nothing: any error and nothing is stored; every error
    names its file, row and field)."""
    with uploaded(ctx, files) as (paths, _):
        result = catalog_service.import_catalog(
            ctx.store, paths, replace=replace, default_level=default_level, sheet=sheet or None
        )
    return {
        "added": list(result.added),
        "updated": list(result.updated),
        "removed": list(result.removed),
        "warnings": list(result.warnings),
        "credible": result.credible,
    }


# --- pathways ------------------------------------------------------------------------------


@router.get("/pathways", response_model=list[PathwaySummaryOut], tags=["pathways"])
def list_pathways(ctx: Ctx, who: Anyone) -> list[dict[str, Any]]:
    """Every pathway: its mode, the credential it awards, its number of steps."""
    return [
        {
            "id": p.id,
            "name": p.name,
            "mode": p.mode.value,
            "awards": p.awards,
            "steps": len(p.steps),
        }
        for p in pathways_service.list_pathways(ctx.store)
    ]


@router.get("/pathways/progress", response_model=PathwayProgressOut, tags=["pathways"])
def pathway_progress(
    ctx: Ctx,
    who: People,
    reached: Reached,
    pathway: Annotated[str | None, Query(description="only this pathway")] = None,
    person: Annotated[str | None, Query(description="only this person")] = None,
    everyone: Annotated[bool, Query(alias="all", description="people not started too")] = False,
) -> dict[str, Any]:
    """Who is how far along each pathway, from valid credentials only, and the cheapest
    units completing each one's next step (one person on one pathway: step by step). Only
    the people the caller may see."""
    if person is not None:
        check_person(person, reached, ctx)
    elif who.role is E and who.person_id is not None:
        person = who.person_id
    report = pathways_service.progress(
        ctx.store, ctx.clock, pathway_id=pathway, person_id=person, started_only=not everyone
    )
    data = progress_data(report)
    data["rows"] = [r for r in data["rows"] if reached.sees(r["person"])]
    return data


@router.get("/pathways/queue", response_model=Page[PathwayAwardOut], tags=["pathways"])
def pathway_queue(
    ctx: Ctx, who: QueueReaders, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Pathway credentials waiting for a reviewer's decision, a page at a time."""
    return page([award_data(a) for a in pathways_service.pending_awards(ctx.store)], limit, offset)


@router.post("/pathways/award", response_model=AwardRunOut, tags=["pathways"])
def award_pathways(ctx: Ctx, who: Importers) -> dict[str, Any]:
    """Award the credential of every pathway completed and not yet awarded: automatic
    pathways issued (with the server's issuer key), the others queued for review."""
    run = pathways_service.award_completed(ctx.store, issuer_keys, ctx.clock, actor=who.user_id)
    return {
        "issued": [award_data(a) for a in run.issued],
        "queued": [award_data(a) for a in run.queued],
    }


@router.post(
    "/pathways/queue/{award_id:path}/approve", response_model=PathwayAwardOut, tags=["pathways"]
)
def approve_award(award_id: str, ctx: Ctx, who: Deciders) -> dict[str, Any]:
    """Approve a queued pathway credential: the organisation issues it (the server needs
    the issuer key: $SKILLGAP_ISSUER_KEY, or the key file of ``skillgap issuer init``)."""
    done = pathways_service.decide(
        ctx.store, issuer_keys, ctx.clock, award_id, approve=True, actor=who.user_id
    )
    return award_data(done)


@router.post(
    "/pathways/queue/{award_id:path}/reject", response_model=PathwayAwardOut, tags=["pathways"]
)
def reject_award(
    award_id: str, ctx: Ctx, who: Deciders, body: AwardDecisionIn | None = None
) -> dict[str, Any]:
    """Reject a queued pathway credential; the person is not proposed again for it."""
    note = body.note if body is not None else ""
    done = pathways_service.decide(
        ctx.store, None, ctx.clock, award_id, approve=False, actor=who.user_id, note=note
    )
    return award_data(done)


@router.get("/pathways/{pathway_id}", response_model=PathwayOut, tags=["pathways"])
def show_pathway(pathway_id: str, ctx: Ctx, who: Anyone) -> dict[str, Any]:
    """A pathway's steps (all, any or n of their units, after which steps) and units."""
    return pathway_data(pathways_service.show_pathway(ctx.store, pathway_id))


@router.post("/pathways", response_model=PathwaysImportOut, tags=["pathways"])
def import_pathways(ctx: Ctx, who: Importers, file: OneFile) -> dict[str, Any]:
    """Import pathways from YAML (checked: units exist, no loops, every step can be
    completed); defines the credential each awards if the workspace lacks it."""
    with uploaded(ctx, [file]) as (paths, _):
        result = pathways_service.import_pathways(ctx.store, paths[0])
    return {
        "pathways": [p.id for p in result.pathways],
        "replaced": list(result.replaced),
        "defined": [{"id": a.id, "name": a.name} for a in result.defined],
    }


# --- plans ---------------------------------------------------------------------------------


@router.post("/people/{person_id}/plan", response_model=PersonPlanOut, tags=["plans"])
def person_plan(
    who: People, person_id: str, body: PersonPlanIn, ctx: Ctx, reached: Reached
) -> dict[str, Any]:
    """The cheapest (or fastest) catalog items closing the person's verified gaps for their
    role or ``target_role``, within a budget and by a deadline; saved and audited."""
    check_person(person_id, reached, ctx)
    result = plans_service.plan_for_person(
        ctx.store,
        ctx.clock,
        person_id,
        target_role=body.target_role or None,
        budget=body.budget,
        deadline=body.deadline,
        objective=Objective(body.optimise),
        future=not body.now_only,
        hours_per_week=body.hours_per_week,
        actor=who.user_id,
        save=body.save,
    )
    return person_plan_data(result)


@router.post("/plans", response_model=GroupPlanOut, tags=["plans"])
def group_plan(who: Groups, body: GroupPlanIn, ctx: Ctx, reached: Reached) -> dict[str, Any]:
    """The allocation of ``budget`` across a team's, department's or the organisation's
    people and catalog items that closes the most importance-weighted gap, with the
    reasoning and the training priorities."""
    scope = PlanScope(body.scope)
    check_group_plan(scope, body.subject, reached, ctx)
    result = plans_service.plan_for_group(
        ctx.store,
        ctx.clock,
        scope,
        "" if scope is PlanScope.ORGANISATION else body.subject,
        budget=body.budget,
        deadline=body.deadline,
        future=not body.now_only,
        hours_per_week=body.hours_per_week,
        actor=who.user_id,
        save=body.save,
    )
    return group_plan_data(result)


@router.get("/plans", response_model=Page[PlanOut], tags=["plans"])
def list_plans(
    ctx: Ctx,
    who: People,
    reached: Reached,
    person: Annotated[str | None, Query(description="only this person's plans")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The saved plans the caller may see (a person's: in reach; a group's: see above), a
    page at a time."""
    if person is not None:
        check_person(person, reached, ctx)
    found = talent_service.list_plans(ctx.store, person_id=person)
    people = members_for(reached, ctx)
    return page([plan_data(p) for p in found if plan_visible(p, reached, people)], limit, offset)


@router.get("/plans/{plan_id}", response_model=PlanStatusOut, tags=["plans"])
def show_plan(plan_id: str, ctx: Ctx, who: People, reached: Reached) -> dict[str, Any]:
    """Plan vs done: each item done (with the date), planned, overdue or not trackable, the
    money spent, and the date each gap closes (actual, or projected from the due dates)."""
    try:
        status = talent_service.plan_status(ctx.store, ctx.clock, plan_id)
    except NotFoundError:
        raise no_plan(plan_id) from None
    if not plan_visible(status.plan, reached, members_for(reached, ctx)):
        raise no_plan(plan_id)
    return status_data(status)


# --- who may see a plan --------------------------------------------------------------------


def no_plan(plan_id: str) -> NotFoundError:
    """The one answer for a plan that does not exist or is out of reach."""
    return NotFoundError(f"no plan {plan_id!r}")


def members_for(reached: Reach, ctx: AppContext) -> Sequence[Person]:
    """The active people, when group membership decides what the caller sees."""
    return () if reached.everyone else people_service.list_people(ctx.store)


def manages(reached: Reach, kind: str, name: str, people: Sequence[Person]) -> bool:
    """Whether every active member of the team or department is in the caller's reach."""
    if reached.everyone:
        return True
    if kind not in ("team", "department") or not reached.sees_group(kind, name):
        return False
    members = [p for p in people if p.active and getattr(p, kind) == name]
    return bool(members) and all(reached.sees(p.employee_id) for p in members)


def plan_visible(plan: Plan, reached: Reach, people: Sequence[Person]) -> bool:
    if plan.scope is PlanScope.PERSON:
        return reached.sees(plan.subject)
    if plan.scope is PlanScope.ORGANISATION:
        return reached.everyone
    return manages(reached, plan.scope.value, plan.subject, people)


def check_group_plan(scope: PlanScope, subject: str, reached: Reach, ctx: AppContext) -> None:
    """A group plan the caller may make: administrators and HR any; a manager a team or
    department they manage (else "no team" / "no department", as for one that does not
    exist); the organisation's, administrators and HR only."""
    if scope is PlanScope.PERSON:
        raise ValidationError("a group plan is for a team, a department or the organisation")
    if reached.everyone:
        return
    if scope is PlanScope.ORGANISATION:
        raise Forbidden("a manager plans for a team or department of theirs")
    if not manages(reached, scope.value, subject, members_for(reached, ctx)):
        raise NotFoundError(f"no {scope.value} {subject.strip()!r}")


# --- bodies --------------------------------------------------------------------------------


def person_plan_data(result: PersonPlan) -> dict[str, Any]:
    return {
        **plan_data(result.plan),
        "readiness": round(result.readiness, 1),
        "saved": result.saved,
        "person_name": result.person.name,
        "role_name": result.role.name,
    }


def group_plan_data(result: GroupPlan) -> dict[str, Any]:
    alloc = result.result
    return {
        **plan_data(result.plan),
        "people": result.people,
        "weighted_gap_closed": alloc.weighted_gap_closed,
        "weighted_gap_open": alloc.weighted_gap_open,
        "reasoning": [
            {
                "person": r.person_id,
                "item": r.item_id,
                "closes": [str(c) for c in r.closes],
                "weighted_gap": r.weighted_gap,
                "cost": r.cost,
                "gap_per_cost": r.gap_per_cost,
                "reason": r.reason,
            }
            for r in alloc.reasoning
        ],
        "priorities": [priority_data(p) for p in result.priorities],
        "saved": result.saved,
    }
