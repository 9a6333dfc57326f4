"""People, one person's gaps and the explanation of a level. Each person route answers only
for a person in the caller's reach (``server/scope.py``): anyone else is "no person"."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from skillgap.domain import Person
from skillgap.domain.users import UserRole
from skillgap.reports.gaps import gaps_data
from skillgap.reports.person_progress import person_progress_data
from skillgap.reports.why import why_data
from skillgap.server.api.answers import json_answer
from skillgap.server.api.models import Page, PersonDetail, PersonOut, page
from skillgap.server.api.params import AsOfQuery, Limit, Offset, ViewQuery, horizon_of, view_of
from skillgap.server.api.reports import ExplanationOut, PersonGapsOut, PersonProgressOut
from skillgap.server.auth import allow
from skillgap.server.context import AppContext, context
from skillgap.server.scope import Reach, check_person, person_in_reach, reach
from skillgap.services import explain as explain_service
from skillgap.services import people as people_service
from skillgap.services import snapshots as snapshots_service
from skillgap.services.organisation_scope import When

PEOPLE_READERS = (UserRole.ADMIN, UserRole.HR, UserRole.MANAGER, UserRole.EMPLOYEE)
router = APIRouter(tags=["people"], dependencies=[Depends(allow(*PEOPLE_READERS))])
Ctx = Annotated[AppContext, Depends(context)]
InReach = Annotated[str, Depends(person_in_reach)]


@router.get("/people", response_model=Page[PersonOut])
def list_people(
    ctx: Ctx,
    reached: Annotated[Reach, Depends(reach)],
    department: Annotated[str | None, Query(description="only this department")] = None,
    team: Annotated[str | None, Query(description="only this team")] = None,
    role: Annotated[str | None, Query(description="only holders of this role id")] = None,
    inactive: Annotated[bool, Query(description="include inactive people")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The people the caller may see (HR: everyone; a manager: their tree; an employee:
    themselves), by employee id, filtered, a page at a time."""
    found = people_service.list_people(
        ctx.store, department=department, team=team, role=role, include_inactive=inactive
    )
    return page([person_data(p) for p in found if reached.sees(p.employee_id)], limit, offset)


@router.get("/people/{person_id}", response_model=PersonDetail)
def show_person(person_id: InReach, ctx: Ctx) -> dict[str, Any]:
    """One person: role, team, manager chain, direct reports, evidence held."""
    view = people_service.show_person(ctx.store, person_id)
    return {
        **person_data(view.person),
        "role_name": view.role_name,
        "hire_date": view.person.hire_date.isoformat() if view.person.hire_date else None,
        "managers": [_ref(p) for p in view.managers],
        "reports": [_ref(p) for p in view.reports],
        "awards": view.awards,
        "ratings": view.ratings,
    }


@router.get("/people/{person_id}/gaps", response_model=PersonGapsOut)
async def person_gaps(  # async: answered on the event loop ("hot reads", server/context.py)
    person_id: str,
    ctx: Ctx,
    reached: Annotated[Reach, Depends(reach)],
    view: ViewQuery = "verified",
    horizon: Annotated[
        str | None,
        Query(description="'next' (the role's next horizon) [default] or a date YYYY-MM-DD"),
    ] = None,
    role: Annotated[str | None, Query(description="compare with this role instead")] = None,
    as_of: AsOfQuery = None,
) -> Response:
    """The person's gaps against their role (or ``role``) now and at a horizon: each
    requirement with the level required, held and where it comes from."""
    with ctx.one_unit() as one:  # the reach check and the answer: one unit of work
        check_person(person_id, reached, one)
        when = horizon_of(horizon, When.NEXT)
        result = explain_service.person_gaps(
            one.store,
            one.clock,
            person_id,
            role_id=role,
            as_of=as_of,
            horizon=when if isinstance(when, date) else None,
            view=view_of(view),
        )
    return json_answer(gaps_data(result))  # PersonGapsOut's shape (server/api/answers.py)


@router.get("/people/{person_id}/explanation", response_model=ExplanationOut)
def explain_level(
    person_id: InReach,
    ctx: Ctx,
    competency: Annotated[
        str, Query(min_length=1, description="FRAMEWORK:CODE, a code, or an exact name")
    ],
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Why the person holds a competency at the levels they do: every credential and
    rating, whether each counts and why not, and what their role requires of it."""
    result = explain_service.explain_level(ctx.store, ctx.clock, person_id, competency, as_of=as_of)
    return why_data(result)


@router.get("/people/{person_id}/progress", response_model=PersonProgressOut)
def person_progress(
    person_id: InReach,
    ctx: Ctx,
    since: Annotated[date | None, Query(description="from the first snapshot on or after")] = None,
    view: ViewQuery = "verified",
) -> dict[str, Any]:
    """What changed for the person over each period between snapshots: their readiness,
    and each gap that closed or opened, with the levels before and after and why."""
    found = snapshots_service.person_progress(ctx.store, person_id, view=view_of(view), since=since)
    return person_progress_data(found)


def person_data(p: Person) -> dict[str, Any]:
    return {
        "employee_id": p.employee_id,
        "name": p.name,
        "emails": list(p.emails),
        "department": p.department,
        "team": p.team,
        "role": p.role_id,
        "manager_id": p.manager_id,
        "active": p.active,
    }


def _ref(p: Person) -> dict[str, str]:
    return {"employee_id": p.employee_id, "name": p.name}
