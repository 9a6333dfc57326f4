"""The organisation's own Open Badges 3.0 credentials (``skillgap issue``, ``revoke``,
``issuer list-issued``): administrators and HR issue and revoke; reviewers read too.

Issuing signs with the organisation's key, as the command line finds it (the server's
``SKILLGAP_ISSUER_KEY``, else the key file the issuer profile names), verifies the
credential, records it and gives the person a verified award; the answer carries the
signed credential to hand out. A revocation sets the credential's status-list bit;
verifiers see it once the status list is published again (``skillgap issuer publish``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from skillgap.domain.users import UserRole
from skillgap.issuing import IssuedCredential, issuance, revocation
from skillgap.server.api.models import Page, page
from skillgap.server.api.params import Limit, Offset
from skillgap.server.auth import Principal, allow
from skillgap.server.context import AppContext, context
from skillgap.server.issuer import issuer_keys

router = APIRouter(tags=["issuing"])
Ctx = Annotated[AppContext, Depends(context)]
Readers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR, UserRole.REVIEWER))]
Issuers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]


class IssuedOut(BaseModel):
    id: str = Field(description="the credential's id (urn:uuid:...), also its award's")
    person_id: str
    person: str = Field(description="the person's name")
    achievement_id: str
    achievement: str
    format: str
    issued_on: datetime
    expires_on: datetime | None
    status_index: int = Field(description="its bit in the organisation's status list")
    state: str = Field(description="active, expired or revoked")
    revocation_reason: str | None


class IssuedDetail(IssuedOut):
    document: str = Field(description="the signed credential as handed out: JSON or a JWT")


class IssueIn(BaseModel):
    achievement_id: str = Field(min_length=1, max_length=2000)
    person: str = Field(min_length=1, max_length=320, description="employee id or e-mail")
    evidence: list[str] = Field(default=[], max_length=20, description="URLs of evidence")
    format: Literal["di", "jwt"] = Field(
        default="di", description="di: JSON with an eddsa-rdfc-2022 proof; jwt: a VC-JWT"
    )


class RevokeIn(BaseModel):
    reason: str | None = Field(default=None, max_length=1000, description="kept, not published")


@router.get("/issued", response_model=Page[IssuedOut])
def list_issued(ctx: Ctx, who: Readers, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """The credentials the organisation issued, oldest first: active, expired or revoked."""
    rows = revocation.list_issued(ctx.store, at=ctx.clock.now())
    found = [_data(r.issued, r.person, r.achievement, r.state) for r in rows]
    return page(found, limit, offset)


@router.get("/issued/{credential_id}", response_model=IssuedDetail)
def show_issued(credential_id: str, ctx: Ctx, who: Readers) -> dict[str, Any]:
    """One issued credential, with the signed document."""
    row = revocation.find_issued(ctx.store, credential_id, at=ctx.clock.now())
    return _detail(row.issued, row.person, row.achievement, row.state)


@router.post("/issued", response_model=IssuedDetail, status_code=201)
def issue(body: IssueIn, ctx: Ctx, who: Issuers) -> dict[str, Any]:
    """Issue one of the organisation's achievements to a person (``skillgap issue``)."""
    done = issuance.issue(
        ctx.store,
        issuer_keys,
        achievement_id=body.achievement_id,
        person=body.person,
        clock=ctx.clock,
        evidence=body.evidence,
        format=body.format,
        write=False,
        actor=who.user_id,
    )
    state = done.issued.state(ctx.clock.now())
    return _detail(done.issued, done.person.name, done.achievement.name, state)


@router.post("/issued/{credential_id}/revoke", response_model=IssuedDetail)
def revoke(credential_id: str, body: RevokeIn, ctx: Ctx, who: Issuers) -> dict[str, Any]:
    """Revoke an issued credential (``skillgap revoke``): its status-list bit is set, seen
    by verifiers once the status list is published again. Revoking twice changes nothing."""
    revocation.revoke(
        ctx.store, credential_id, clock=ctx.clock, reason=body.reason, actor=who.user_id
    )
    return show_issued(credential_id, ctx, who)


def _data(c: IssuedCredential, person: str, achievement: str, state: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "person_id": c.person_id,
        "person": person,
        "achievement_id": c.achievement_id,
        "achievement": achievement,
        "format": c.format,
        "issued_on": c.issued_on,
        "expires_on": c.expires_on,
        "status_index": c.status_index,
        "state": state,
        "revocation_reason": c.revocation_reason,
    }


def _detail(c: IssuedCredential, person: str, achievement: str, state: str) -> dict[str, Any]:
    return {**_data(c, person, achievement, state), "document": c.document}
