"""Roles from occupations (ESCO, O*NET, NICE work roles imported with their frameworks) and
loading a whole organisation bundle.

Everyone signed in may look occupations up, as they read the catalog; administrators and
HR make a role from one (``skillgap roles from-occupation``), as they import roles; only
administrators load a bundle (``skillgap load``): it replaces the organisation's data.
Unlike the command line, a load keeps the workspace's user accounts, API tokens and audit
log (``services.bundles.load_bundle_archive``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from pydantic import BaseModel, Field, StringConstraints

from skillgap.domain.users import UserRole
from skillgap.server.api.catalog import role_data
from skillgap.server.api.credentials import uploaded
from skillgap.server.api.models import RoleDetail
from skillgap.server.auth import Principal, allow, principal
from skillgap.server.context import AppContext, context
from skillgap.services import bundles as bundles_service
from skillgap.services import roles as roles_service

router = APIRouter()
Ctx = Annotated[AppContext, Depends(context)]
Makers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]
Admin = Annotated[Principal, Depends(allow(UserRole.ADMIN))]

#: Text without control characters, trimmed.
_TEXT = r"^[^\x00-\x1f\x7f-\x9f]+$"
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=_TEXT)
]
RoleId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f-\x9f/]+$"
    ),
]


class OccupationOut(BaseModel):
    framework: str
    code: str = Field(description="ESCO URI, O*NET-SOC code or NICE work role id")
    title: str
    skills: int = Field(description="how many skills the occupation lists")


class FromOccupationIn(BaseModel):
    occupation: Text = Field(description="the occupation's code (see GET /occupations)")
    framework: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_TEXT)]
    id: RoleId = Field(description="id of the new role")
    name: Text | None = Field(default=None, description="[default: the occupation's title]")
    replace: bool = Field(default=False, description="remake the role if it exists")


class KeptOut(BaseModel):
    users: int
    tokens: int
    audit_entries: int
    removed: list[str] = Field(
        description="deactivated accounts and revoked tokens of people the bundle does not hold"
    )


class BundleLoadOut(BaseModel):
    organisation: str
    replaced: bool = Field(description="the workspace held data, now replaced")
    counts: dict[str, int]
    kept: KeptOut = Field(description="what the load kept of the workspace (sessions end)")


@router.get(
    "/occupations",
    response_model=list[OccupationOut],
    tags=["catalog"],
    dependencies=[Depends(principal)],
)
def find_occupations(
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=200, description="words of a code or title")],
    framework: Annotated[
        str | None, Query(max_length=200, description="one framework only")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    """Occupations whose code, title or an alternative title contains ``q``
    (``skillgap roles occupations``), titles holding it first."""
    found = roles_service.find_occupations(ctx.store, q, framework_id=framework, limit=limit)
    return [vars(o) for o in found]


@router.post("/roles/from-occupation", response_model=RoleDetail, status_code=201, tags=["catalog"])
def role_from_occupation(body: FromOccupationIn, ctx: Ctx, who: Makers) -> dict[str, Any]:
    """Make a role from an occupation's skills, ready to be edited (``skillgap roles
    from-occupation``): importance and level from the occupation's ratings (O*NET) or its
    essential / optional relations (ESCO, NICE). An existing role is remade only with
    ``replace``."""
    profile = roles_service.make_role_from_occupation(
        ctx.store,
        body.framework,
        body.occupation,
        role_id=body.id,
        name=body.name,
        replace=body.replace,
    )
    return role_data(profile)


@router.post("/bundle", response_model=BundleLoadOut, tags=["organisation"])
def load_bundle(
    ctx: Ctx,
    who: Admin,
    file: Annotated[UploadFile, File(description="a ZIP of an organisation bundle folder")],
    replace: Annotated[
        bool, Form(description="replace the data a workspace holds already")
    ] = False,
) -> dict[str, Any]:
    """Load an organisation bundle (``skillgap load``), all or nothing: checked first, every
    error located, nothing written if there is one. A workspace holding data is replaced
    only with ``replace``; never one holding credentials the organisation issued. User
    accounts, API tokens and the audit log are kept; every session ends."""
    with uploaded(ctx, [file], ctx.options.max_table_bytes) as (paths, _):
        done = bundles_service.load_bundle_archive(
            paths[0], ctx.store, ctx.clock, replace_held=replace, actor=who.user_id
        )
    loaded, kept = done.loaded, done.kept
    return {
        "organisation": loaded.organisation,
        "replaced": loaded.replaced,
        "counts": loaded.counts,
        "kept": {**vars(kept), "removed": list(kept.removed)},
    }
