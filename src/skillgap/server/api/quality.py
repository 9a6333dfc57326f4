"""Credential quality: the rubric (anyone signed in may read why a credential counts), the
review queue of suggested alignments with reviewers' decisions, and the trusted-issuer
registry (``skillgap issuers``): administrators, HR and reviewers read it; administrators
and reviewers place an issuer at a tier (recorded in the history with their id)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile

from skillgap.domain.credentials import IssuerTier
from skillgap.domain.users import UserRole
from skillgap.errors import Forbidden
from skillgap.reports.quality import (
    change_data,
    history_data,
    issuers_data,
    review_data,
    rubric_view_data,
)
from skillgap.server.api.credentials import uploaded
from skillgap.server.api.models import (
    AlignmentDecisionIn,
    DecisionOut,
    IssuerOut,
    IssuerTierIn,
    LogEntryOut,
    Page,
    ReviewItemOut,
    RubricOut,
    RubricUpdateOut,
    page,
)
from skillgap.server.api.params import Limit, Offset
from skillgap.server.auth import Principal, allow, principal
from skillgap.server.context import AppContext, context
from skillgap.services import achievement_quality
from skillgap.services import quality as service
from skillgap.services.quality import Decision

router = APIRouter(tags=["quality"])
Ctx = Annotated[AppContext, Depends(context)]
Readers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR, UserRole.REVIEWER))]
Deciders = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.REVIEWER))]
Admin = Annotated[Principal, Depends(allow(UserRole.ADMIN))]


@router.get("/rubric", response_model=RubricOut, dependencies=[Depends(principal)])
def show_rubric(ctx: Ctx) -> dict[str, Any]:
    """The credential quality rubric in use: weights, scores, threshold, decay."""
    return rubric_view_data(service.show_rubric(ctx.store))


@router.put("/rubric", response_model=RubricUpdateOut)
def set_rubric(
    ctx: Ctx,
    who: Admin,
    file: Annotated[UploadFile, File(description="the rubric as YAML (skillgap rubric export)")],
) -> dict[str, Any]:
    """Use the rubric in a YAML file (``skillgap rubric set``): checked first, every error
    located, nothing changed if there is one; settings it leaves out take their defaults.
    Each setting changed is recorded in the history with the caller's id."""
    with uploaded(ctx, [file]) as (paths, shown):
        update = service.set_rubric(
            ctx.store, ctx.clock, paths[0], who.user_id, source=shown(str(paths[0]))
        )
    return {
        "changed": bool(update.changes),
        "changes": [change_data(c) for c in update.changes],
        "rubric": rubric_view_data(service.show_rubric(ctx.store)),
    }


@router.get("/rubric/history", response_model=Page[LogEntryOut])
def rubric_history(
    ctx: Ctx, who: Readers, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Every change to the rubric and every reviewer decision (alignments, issuer tiers):
    when, who, old -> new (``skillgap rubric history``)."""
    return page(history_data(service.history(ctx.store)), limit, offset)


@router.get("/review/alignments", response_model=Page[ReviewItemOut])
def review_queue(ctx: Ctx, who: Readers, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Suggested alignments waiting for a reviewer, achievements with most awards first, a
    page at a time."""
    return page(review_data(achievement_quality.review_queue(ctx.store)), limit, offset)


@router.post("/review/alignments/confirm", response_model=DecisionOut)
def confirm_alignment(body: AlignmentDecisionIn, ctx: Ctx, who: Deciders) -> dict[str, Any]:
    """Confirm an alignment (at ``level`` if given): it then counts as evidence."""
    decision = achievement_quality.confirm_alignment(
        ctx.store, ctx.clock, body.achievement_id, body.position, who.user_id, level=body.level
    )
    return decision_data(decision)


@router.post("/review/alignments/reject", response_model=DecisionOut)
def reject_alignment(body: AlignmentDecisionIn, ctx: Ctx, who: Deciders) -> dict[str, Any]:
    """Reject an alignment: it is kept as unmapped and never counts."""
    decision = achievement_quality.reject_alignment(
        ctx.store, ctx.clock, body.achievement_id, body.position, who.user_id
    )
    return decision_data(decision)


@router.get("/issuers", response_model=Page[IssuerOut])
def list_issuers(
    ctx: Ctx,
    who: Readers,
    tier: Annotated[IssuerTier | None, Query(description="only issuers of this tier")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The issuers with their tier, its score, and their achievements and awards
    (``tier=unknown``: those waiting for a decision; their credentials do not count)."""
    return page(issuers_data(service.list_issuers(ctx.store, tier)), limit, offset)


@router.post("/issuers/tier", response_model=DecisionOut)
def set_issuer_tier(body: IssuerTierIn, ctx: Ctx, who: Deciders) -> dict[str, Any]:
    """Place an issuer in the registry at a tier (``unknown``: no longer trusted). Only an
    administrator places one at ``internal-board``: the organisation signs that tier's
    achievements as its own."""
    check_tier(who, body.tier)
    decision = service.set_issuer_tier(ctx.store, ctx.clock, body.issuer_id, body.tier, who.user_id)
    return decision_data(decision)


def check_tier(who: Principal, tier: IssuerTier) -> None:
    if tier is IssuerTier.INTERNAL_BOARD and who.role is not UserRole.ADMIN:
        raise Forbidden(
            f"{who.role.someone} may not place an issuer at internal-board: the organisation "
            "issues that tier's achievements as its own (administrators only)"
        )


def decision_data(d: Decision) -> dict[str, Any]:
    entry = d.entry
    return {
        "subject": d.subject,
        "changed": entry is not None,
        "by": entry.by if entry else None,
        "at": entry.at if entry else None,
        "changes": [change_data(c) for c in entry.changes] if entry else [],
        "note": d.note,
    }
