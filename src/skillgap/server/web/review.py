"""The review queue: suggested alignments waiting for a decision, completed pathways, and
issuers nobody has placed in the registry yet. Administrators, HR and reviewers read it;
administrators and reviewers decide (forms with the session's CSRF token; the decision is
recorded with the decider's id, as ``POST /api/v1/review/alignments/confirm`` and
``POST /api/v1/issuers/tier``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from skillgap.domain.credentials import IssuerTier
from skillgap.domain.users import UserRole
from skillgap.errors import ValidationError
from skillgap.reports.catalog import award_data
from skillgap.reports.quality import issuers_data, review_data
from skillgap.server.api.quality import check_tier
from skillgap.server.auth import Principal
from skillgap.server.issuer import issuer_keys
from skillgap.server.web.access import (
    REVIEW_DECIDERS,
    REVIEW_READERS,
    Ctx,
    check_form,
    page_allow,
)
from skillgap.server.web.pages import render
from skillgap.services import achievement_quality, pathways
from skillgap.services import quality as service

router = APIRouter(include_in_schema=False)
Readers = Annotated[Principal, Depends(page_allow(*REVIEW_READERS))]
Deciders = Annotated[Principal, Depends(page_allow(*REVIEW_DECIDERS))]
Achievement = Annotated[str, Form(min_length=1, max_length=2000)]
Position = Annotated[int, Form(ge=1, le=1000)]
Token = Annotated[str, Form(max_length=100)]
AwardId = Annotated[str, Form(min_length=1, max_length=500)]
Note = Annotated[str, Form(max_length=1000)]
Issuer = Annotated[str, Form(min_length=1, max_length=2000)]
#: The tiers an unknown issuer may be placed at, most recognised first.
PLACES = tuple(t for t in IssuerTier if t is not IssuerTier.UNKNOWN)
DONE = {
    "placed": "Issuer placed in the registry.",
    "confirmed": "Alignment confirmed.",
    "rejected": "Alignment rejected.",
    "issued": "Pathway credential issued.",
    "declined": "Pathway credential rejected.",
}


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, ctx: Ctx, who: Readers, done: str = "") -> Response:
    """Suggested alignments (most-awarded achievements first) and unknown issuers."""
    items = review_data(achievement_quality.review_queue(ctx.store))
    rubric = service.show_rubric(ctx.store).rubric
    unknown = issuers_data(service.list_issuers(ctx.store, IssuerTier.UNKNOWN))
    context = {
        "who": who,
        "items": items,
        "unknown": unknown,
        "pathway_awards": [award_data(a) for a in pathways.pending_awards(ctx.store)],
        "decides": who.role in REVIEW_DECIDERS,
        "tiers": [(t.value, rubric.issuer[t]) for t in _places(who)],
        "done": DONE.get(done),
    }
    return render(request, "review.html", context)


@router.post("/review/confirm")
def confirm(
    ctx: Ctx,
    who: Deciders,
    achievement_id: Achievement,
    position: Position,
    csrf_token: Token = "",
) -> Response:
    """Confirm a suggested alignment: it then counts as evidence."""
    check_form(who, csrf_token)
    achievement_quality.confirm_alignment(
        ctx.store, ctx.clock, achievement_id, position, who.user_id
    )
    return RedirectResponse("/review?done=confirmed", status_code=303)


@router.post("/review/reject")
def reject(
    ctx: Ctx,
    who: Deciders,
    achievement_id: Achievement,
    position: Position,
    csrf_token: Token = "",
) -> Response:
    """Reject a suggested alignment: kept as unmapped, it never counts."""
    check_form(who, csrf_token)
    achievement_quality.reject_alignment(
        ctx.store, ctx.clock, achievement_id, position, who.user_id
    )
    return RedirectResponse("/review?done=rejected", status_code=303)


@router.post("/review/pathway/approve")
def approve_pathway(ctx: Ctx, who: Deciders, award_id: AwardId, csrf_token: Token = "") -> Response:
    """Approve a completed pathway: the organisation issues its credential."""
    check_form(who, csrf_token)
    pathways.decide(ctx.store, issuer_keys, ctx.clock, award_id, approve=True, actor=who.user_id)
    return RedirectResponse("/review?done=issued", status_code=303)


@router.post("/review/pathway/reject")
def reject_pathway(
    ctx: Ctx, who: Deciders, award_id: AwardId, note: Note = "", csrf_token: Token = ""
) -> Response:
    """Reject a completed pathway's credential (recorded; not proposed again)."""
    check_form(who, csrf_token)
    pathways.decide(
        ctx.store, None, ctx.clock, award_id, approve=False, actor=who.user_id, note=note
    )
    return RedirectResponse("/review?done=declined", status_code=303)


@router.post("/review/issuer")
def place_issuer(
    ctx: Ctx, who: Deciders, issuer_id: Issuer, tier: Annotated[str, Form()], csrf_token: Token = ""
) -> Response:
    """Place an unknown issuer in the registry at a tier: its credentials can then count."""
    check_form(who, csrf_token)
    if tier not in {t.value for t in PLACES}:
        raise ValidationError(f"tier {tier!r} is not one of: {', '.join(t.value for t in PLACES)}")
    check_tier(who, IssuerTier(tier))
    service.set_issuer_tier(
        ctx.store, ctx.clock, issuer_id, IssuerTier(tier), who.user_id, only_unknown=True
    )
    return RedirectResponse("/review?done=placed", status_code=303)


def _places(who: Principal) -> tuple[IssuerTier, ...]:
    """The tiers ``who`` may choose (internal-board: administrators, ``check_tier``)."""
    admin = who.role is UserRole.ADMIN
    return tuple(t for t in PLACES if admin or t is not IssuerTier.INTERNAL_BOARD)
