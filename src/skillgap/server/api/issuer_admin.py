"""The organisation as an issuer (``skillgap issuer init``, ``issuer publish``, ``issue
--bake``): administrators set it up; administrators and HR publish what it hosts; whoever
reads the issued credentials (administrators, HR, reviewers) reads its profile and bakes a
credential into a badge image.

The key is found as the command line finds it (``services/issuer_admin.py``): the server's
``SKILLGAP_ISSUER_KEY``, else the key file the profile names, else (set up on a SQLite
workspace) a key file beside it. No answer carries key material; only administrators are
told where the key file is.

``publish`` answers a ZIP rather than JSON: the files are the exact bytes to host (the
status list's proof is over them; ``index.json`` maps each URL or DID to its file and
content type, as ``issuer publish --out`` writes them), so a script unpacks it and uploads
each file as it is, or keeps the folder for ``skillgap verify --offline --documents``."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, File, Response, UploadFile
from pydantic import BaseModel, Field

from skillgap.domain.users import UserRole
from skillgap.issuing.hosted import STATUS_LIST_DAYS
from skillgap.server.api.credentials import uploaded
from skillgap.server.auth import Principal, allow
from skillgap.server.context import AppContext, context
from skillgap.server.issuer import issuer_keys
from skillgap.services import issuer_admin as service

router = APIRouter(tags=["issuing"])
Ctx = Annotated[AppContext, Depends(context)]
Readers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR, UserRole.REVIEWER))]
Publishers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]
Admins = Annotated[Principal, Depends(allow(UserRole.ADMIN))]
DID_WEB = r"^(did:web:)?[A-Za-z0-9._~%-]+(:[A-Za-z0-9._~%-]+)*$"


class IssuerOut(BaseModel):
    id: str = Field(description="the issuer's DID: did:key (from its key) or did:web")
    name: str
    url: str
    verification_method: str = Field(description="the key credentials name in their proof")
    public_key: str = Field(description="publicKeyMultibase (public)")
    status_list_url: str = Field(description="where the revocation list is to be hosted")
    created: datetime
    key: Literal["environment", "file", "none"] = Field(
        description="where the server finds the private key: SKILLGAP_ISSUER_KEY, a key "
        "file, or nowhere (it cannot issue)"
    )
    key_found: bool = Field(description="the variable is set, or the key file exists")
    key_file: str | None = Field(description="the key file's path: administrators only")
    issued: int = Field(description="credentials issued: then only name and url may change")


class IssuerSetUpOut(IssuerOut):
    key_created: bool = Field(description="a new key was made (else one was reused)")
    replaced: bool = Field(description="an existing profile was replaced (force)")


class IssuerIn(BaseModel):
    name: str = Field(
        min_length=1, max_length=200, pattern=r"\S", description="as credentials show it"
    )
    url: str = Field(min_length=1, max_length=2000, description="the organisation's web site")
    did_web: str | None = Field(
        default=None,
        max_length=500,
        pattern=DID_WEB,
        description="DOMAIN[:path]: identify as did:web (you host did.json) [default: did:key]",
    )
    status_list_url: str | None = Field(
        default=None,
        max_length=2000,
        description="https:// URL of the revocation list [default: SITE/credentials/status/1]",
    )
    force: bool = Field(
        default=False, description="replace the profile (once issued: name and url only)"
    )


class PublishIn(BaseModel):
    valid_days: int = Field(
        default=STATUS_LIST_DAYS,
        ge=1,
        le=366,
        description="how long the signed status list stays valid: publish again before then",
    )


ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}
IMAGES = {
    kind: {"schema": {"type": "string", "format": "binary"}}
    for kind in ("image/png", "image/svg+xml")
}


@router.get("/issuer", response_model=IssuerOut)
def show_issuer(ctx: Ctx, who: Readers) -> dict[str, Any]:
    """The organisation's issuer profile, and where the server finds its key (never the
    key); ``404`` until ``skillgap issuer init`` (or ``POST /api/v1/issuer``)."""
    view = service.show_issuer(ctx.store, os.environ)
    return _issuer_data(view, who)


@router.post(
    "/issuer",
    response_model=IssuerSetUpOut,
    status_code=201,
    responses={200: {"model": IssuerSetUpOut, "description": "the profile was replaced"}},
)
def set_up_issuer(body: IssuerIn, response: Response, ctx: Ctx, who: Admins) -> dict[str, Any]:
    """Create the issuer (``skillgap issuer init``): an Ed25519 key, unless the server has
    one (never overwritten, never answered), and the public profile; ``201``, or ``200``
    when ``force`` replaced it. Audited with the caller's id."""
    done = service.set_up_issuer(
        ctx.store,
        ctx.settings.sqlite_path,
        os.environ,
        name=body.name,
        url=body.url,
        clock=ctx.clock,
        did_web=body.did_web,
        status_list_url=body.status_list_url,
        force=body.force,
        actor=who.user_id,
    )
    if done.result.replaced:
        response.status_code = 200
    data = _issuer_data(done.view, who)
    return {**data, "key_created": done.result.key_created, "replaced": done.result.replaced}


@router.post(
    "/issuer/publish",
    response_class=Response,
    responses={200: {"content": ZIP, "description": "a ZIP of the files to host"}},
)
def publish(
    ctx: Ctx, who: Publishers, body: Annotated[PublishIn | None, Body()] = None
) -> Response:
    """What the organisation must host, signed now (``skillgap issuer publish``), as a ZIP:
    ``status-list.json``, ``did.json`` (did:web only), ``issuer.json`` and ``index.json``.
    Audited ("issuer documents signed")."""
    valid_days = body.valid_days if body else STATUS_LIST_DAYS
    made = service.publish_archive(
        ctx.store, issuer_keys, clock=ctx.clock, actor=who.user_id, valid_days=valid_days
    )
    return _download(made.data, "application/zip", made.filename)


@router.post(
    "/issued/{credential_id}/baked",
    response_class=Response,
    responses={200: {"content": IMAGES, "description": "the image, the credential baked in"}},
)
def bake(
    credential_id: str,
    ctx: Ctx,
    who: Readers,
    image: Annotated[UploadFile, File(description="the badge image: PNG or SVG (UTF-8)")],
) -> Response:
    """An issued credential baked into a PNG or SVG badge image (``skillgap issue --bake``):
    the signed credential as handed out, in an ``iTXt`` chunk or an
    ``<openbadges:credential>`` element."""
    with uploaded(ctx, [image]) as (paths, _):
        data = paths[0].read_bytes()
        baked = service.bake_issued(
            ctx.store, credential_id, data, name=paths[0].name, at=ctx.clock.now()
        )
    return _download(baked.data, baked.media_type, baked.filename)


def _issuer_data(view: service.IssuerView, who: Principal) -> dict[str, Any]:
    p = view.profile
    return {
        "id": p.id,
        "name": p.name,
        "url": p.url,
        "verification_method": p.verification_method,
        "public_key": p.public_key,
        "status_list_url": p.status_list_url,
        "created": p.created,
        "key": view.key,
        "key_found": view.key_found,
        "key_file": p.key_file if who.role is UserRole.ADMIN else None,
        "issued": view.issued,
    }


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
