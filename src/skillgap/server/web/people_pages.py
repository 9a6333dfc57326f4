"""People and roles: the list of the people the caller may see, one person's page (404 for
a person outside the caller's reach, exactly as for one who does not exist) and a role's
page. Parse -> one call of ``persondata`` / ``orgdata`` -> render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from skillgap.analysis.inventory import View
from skillgap.server.auth import Principal
from skillgap.server.scope import WHOLE_ORGANISATION, check_person, privacy_admin
from skillgap.server.web.access import GROUPS, PEOPLE, Ctx, page_allow, reach_for
from skillgap.server.web.orgdata import role_page
from skillgap.server.web.pages import render
from skillgap.server.web.persondata import person_page
from skillgap.services import people as people_service
from skillgap.services import roles as roles_service

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(page_allow(*PEOPLE))]
ViewParam = Annotated[str, Query(pattern="^(verified|best-available)$")]


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, ctx: Ctx, who: Reader) -> Response:
    """The people the caller may see, with their department, team and role."""
    reached = reach_for(who, ctx)
    found = [p for p in people_service.list_people(ctx.store) if reached.sees(p.employee_id)]
    context = {
        "who": who,
        "people": found,
        "role_names": dict(roles_service.role_names(ctx.store)),
        "groups": who.role in GROUPS,  # who may open department and team pages
    }
    return render(request, "people.html", context)


@router.get("/people/{person_id}", response_class=HTMLResponse)
async def person(  # async: answered on the event loop ("hot reads", server/context.py)
    request: Request,
    person_id: str,
    ctx: Ctx,
    who: Reader,
    view: ViewParam = "verified",
    role: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Verified skills and the credentials behind them, claimed skills, gaps against the
    person's role and a target role, progress between snapshots."""
    with ctx.one_unit() as one:  # one snapshot, one revision read, for all it reads
        check_person(person_id, reach_for(who, one), one)
        found = person_page(one, person_id, View(view), role or None)
    context = {"who": who, "page": found, "chosen": role or ""}
    return render(request, "person.html", context)


@router.get("/roles/{role_id}", response_class=HTMLResponse)
def role(
    request: Request, role_id: str, ctx: Ctx, who: Reader, view: ViewParam = "verified"
) -> Response:
    """A role: requirements now and at each horizon, the holders the caller may see and how
    ready they are, and (administrators, HR) the bench behind each requirement."""
    privacy = ctx.privacy(privacy_admin(who)) if who.role in WHOLE_ORGANISATION else None
    found = role_page(ctx, privacy, reach_for(who, ctx), role_id, View(view))
    return render(request, "role.html", {"who": who, "page": found, "view": view})
