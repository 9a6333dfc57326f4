"""Talent decisions from verified evidence only (issue 6): internal candidates for a role,
hiring needs (build or buy), pay and recognition rules, and the audit log.

Who: administrators and HR; the rules are replaced by administrators only, and only they
read the audit log. skillgap lists and explains, it never decides: each run about
individuals (candidates, hiring needs, a policy check) is written to the audit log with the
principal's id as who ran it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile

from skillgap.domain.users import UserRole
from skillgap.errors import ParameterError
from skillgap.reports.talent import audit_data, candidates_data, check_data, hiring_data, rules_data
from skillgap.server.api.credentials import uploaded
from skillgap.server.api.models import Page, page
from skillgap.server.api.models_plans import (
    AuditEntryOut,
    CandidatesOut,
    HiringOut,
    PolicyCheckOut,
    PolicyOut,
)
from skillgap.server.api.params import Offset
from skillgap.server.auth import Principal, allow
from skillgap.server.context import AppContext, context
from skillgap.services import talent as service

router = APIRouter(tags=["talent"])
Ctx = Annotated[AppContext, Depends(context)]
Organisation = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]
Admin = Annotated[Principal, Depends(allow(UserRole.ADMIN))]
AUDIT_WINDOW = 10_000  # the newest entries a page of the audit log is taken from


@router.get("/roles/{role_id}/candidates", response_model=CandidatesOut)
def candidates(
    role_id: str,
    ctx: Ctx,
    who: Organisation,
    department: Annotated[str | None, Query(description="only people of this department")] = None,
    team: Annotated[str | None, Query(description="only people of this team")] = None,
    where: Annotated[
        list[str] | None,
        Query(description="an HR attribute filter KEY=VALUE (repeatable), e.g. location=Leeds"),
    ] = None,
    include_holders: Annotated[bool, Query(description="also people holding the role")] = False,
    limit: Annotated[int, Query(ge=1, le=500, description="how many")] = 10,
    plans: Annotated[bool, Query(description="each candidate's plan (slower)")] = True,
) -> dict[str, Any]:
    """People ranked by verified readiness for the role, each with what they still lack and
    the cheapest plan that would close it. Listed, not decided; audited."""
    result = service.candidates(
        ctx.store,
        ctx.clock,
        role_id,
        department=department or None,
        team=team or None,
        attributes=attribute_filters(where or []) or None,
        exclude_holders=not include_holders,
        limit=limit,
        with_plans=plans,
        actor=who.user_id,
    )
    return candidates_data(result)


@router.get("/hiring-needs", response_model=HiringOut)
def hiring_needs(
    ctx: Ctx,
    who: Organisation,
    role: Annotated[str | None, Query(description="only this role's holders")] = None,
) -> dict[str, Any]:
    """Build or buy: each gap no catalog plan closes before the role needs it, as a hiring
    need of the role with the skills section of a job posting. Audited."""
    result = service.hiring_needs_report(ctx.store, ctx.clock, role_id=role, actor=who.user_id)
    return hiring_data(result)


@router.get("/policy", response_model=PolicyOut)
def show_policy(ctx: Ctx, who: Organisation) -> dict[str, Any]:
    """The pay and recognition rules, as the policy YAML file holds them."""
    return rules_data(service.list_policy(ctx.store))


@router.put("/policy", response_model=PolicyOut)
def replace_policy(
    ctx: Ctx,
    who: Admin,
    file: Annotated[UploadFile, File(description="the rules, as YAML (rules: [...])")],
    keep: Annotated[bool, Query(description="keep stored rules the file does not hold")] = False,
) -> dict[str, Any]:
    """Store the rules of a YAML file, replacing the stored rules (``keep``: adding to
    them). Every error of the file is listed; nothing is stored if there is one."""
    with uploaded(ctx, [file]) as (paths, _):
        rules = service.import_policy(ctx.store, paths[0], replace=not keep)
    return rules_data(list(rules))


@router.post("/policy/check", response_model=PolicyCheckOut)
def check_policy(
    ctx: Ctx,
    who: Organisation,
    rule: Annotated[str | None, Query(description="only this rule")] = None,
) -> dict[str, Any]:
    """Who qualifies under each rule and why (one reason per counted credential), and the
    near misses. Recorded in the audit log with the rules applied and who qualified."""
    return check_data(service.check_policy(ctx.store, ctx.clock, rule_id=rule, actor=who.user_id))


@router.get("/audit", response_model=Page[AuditEntryOut])
def audit(
    ctx: Ctx,
    who: Admin,
    action: Annotated[
        str | None, Query(description='only this action ("plan", "candidates", "policy check"...)')
    ] = None,
    days: Annotated[int | None, Query(ge=1, le=36_525, description="only the last N days")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="entries per page")] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The audit log, newest first: who ran what about whom, when, with which rules."""
    entries = service.audit_log(
        ctx.store, action=action, days=days, limit=AUDIT_WINDOW, clock=ctx.clock
    )
    return page(audit_data(entries), limit, offset)


def attribute_filters(values: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` filters as a mapping (a bad one is a validation error)."""
    found = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise ParameterError(
                f"the attribute filter {value!r} is not KEY=VALUE", parameter="where"
            )
        found[key.strip()] = text.strip()
    return found
