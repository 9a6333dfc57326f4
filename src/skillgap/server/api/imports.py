"""What an HR system pushes in: an HR export of people (``people import``), self and
manager ratings (``ratings import``), role profiles (``roles import``) and a snapshot of the
organisation's gaps (``snapshot``). Administrators and HR only.

An import is all or nothing, as on the command line: every error of the file comes back at
once, located (``details``: file, row, field, reason), and nothing is stored; with
``skip_invalid`` the valid rows are stored and the others come back in ``rejects_csv``,
each with its reason, to fix and send again. Like every import, one that changes anyone
records a snapshot; a snapshot reads everyone's evidence (minutes at 100,000 people), so
the request takes as long."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Form, UploadFile
from pydantic import BaseModel, Field

from skillgap.domain.governance import AuditEntry
from skillgap.domain.users import UserRole
from skillgap.errors import ConfigError, ValidationError
from skillgap.formats.sheets import parse_mapping
from skillgap.reports.snapshots import taken_data
from skillgap.server.api.credentials import uploaded
from skillgap.server.api.reports import SnapshotOut
from skillgap.server.auth import Principal, allow
from skillgap.server.context import AppContext, context
from skillgap.services import people as people_service
from skillgap.services import ratings as ratings_service
from skillgap.services import roles as roles_service
from skillgap.services import snapshots as snapshots_service
from skillgap.services.talent import audited
from skillgap.services.workspace import StoreOpener
from skillgap.store import Store

router = APIRouter()
Ctx = Annotated[AppContext, Depends(context)]
Importers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]


Mapping = Annotated[
    list[str] | None,
    Form(description='"Column=field" for a column named otherwise, e.g. "Emp No=employee_id"'),
]
Sheet = Annotated[str | None, Form(max_length=200, description="xlsx worksheet")]
SkipInvalid = Annotated[
    bool, Form(description="store the valid rows; the others come back in rejects_csv")
]
Framework = Annotated[
    str, Form(min_length=1, max_length=200, description="the framework the file's codes name")
]
Rejects = Field(description="what was left out, each with its reason: fix and send again")


class PeopleImportOut(BaseModel):
    added: int
    updated: int
    unchanged: int
    deactivated: list[str] = Field(description="missing from a full export: now inactive")
    rejected: int = Field(description="rows left out (skip_invalid only)")
    rejects_csv: str | None = Rejects
    warnings: list[str]


class RatingsImportOut(BaseModel):
    added: int
    already_held: int = Field(description="ratings the workspace held already")
    rejected: int = Field(description="rows left out (skip_invalid only)")
    rejects_csv: str | None = Rejects


class RolesImportOut(BaseModel):
    added: list[str]
    replaced: list[str]
    errors: int = Field(description="errors of the roles left out (skip_invalid only)")
    rejects_csv: str | None = Rejects


class SnapshotIn(BaseModel):
    as_of: date | None = Field(
        default=None,
        description="record the gaps as of this date [default: the snapshot date, or today]",
    )


class SnapshotTakenOut(SnapshotOut):
    previous: SnapshotOut | None
    change: dict[str, Any] | None = Field(description="readiness and gaps since the previous")


@router.post("/people", response_model=PeopleImportOut, tags=["people"])
def import_people(
    ctx: Ctx,
    who: Importers,
    file: Annotated[UploadFile, File(description="an HR export: CSV (UTF-8) or XLSX")],
    map: Mapping = None,
    sheet: Sheet = None,
    full: Annotated[
        bool, Form(description="the file lists everyone: people missing from it become inactive")
    ] = False,
    skip_invalid: SkipInvalid = False,
) -> dict[str, Any]:
    """Import people from an HR export, matched by employee id (``skillgap people import``):
    new ones added, known ones updated, nobody deleted."""
    mapping = _mapping(map)
    with uploaded(ctx, [file], ctx.options.max_table_bytes) as (paths, _):
        rejects = paths[0].parent / "rejects.csv"
        result = people_service.import_people(
            paths[0],
            opener(ctx.store),
            mapping=mapping,
            sheet=sheet or None,
            skip_invalid=skip_invalid,
            full=full,
            rejects_path=rejects,
            clock=ctx.clock,
        )
        rejected = _read(result.rejects_file)
    details = {
        "file": file.filename or "",
        "added": result.added,
        "updated": result.updated,
        "deactivated": list(result.deactivated),
        "rejected": result.rejected,
    }
    entry = AuditEntry(ctx.clock.now(), who.user_id, "people imported", "people", details)
    audited(ctx.store, entry)  # who changed the organisation's records, and how
    return {
        "added": result.added,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deactivated": list(result.deactivated),
        "rejected": result.rejected,
        "rejects_csv": rejected,
        "warnings": list(result.warnings),
    }


@router.post("/ratings", response_model=RatingsImportOut, tags=["people"])
def import_ratings(
    ctx: Ctx,
    who: Importers,
    file: Annotated[UploadFile, File(description="self and manager ratings: CSV or XLSX")],
    framework: Framework,
    map: Mapping = None,
    sheet: Sheet = None,
    skip_invalid: SkipInvalid = False,
) -> dict[str, Any]:
    """Import self and manager ratings (``skillgap ratings import``): claims, never
    evidence; a rating held already is stored once."""
    mapping = _mapping(map)
    with uploaded(ctx, [file], ctx.options.max_table_bytes) as (paths, _):
        result = ratings_service.import_ratings(
            paths[0],
            framework,
            opener(ctx.store),
            mapping=mapping,
            sheet=sheet or None,
            skip_invalid=skip_invalid,
            rejects_path=paths[0].parent / "rejects.csv",
            clock=ctx.clock,
        )
        rejected = _read(result.rejects_file)
    return {
        "added": result.added,
        "already_held": result.already_held,
        "rejected": result.rejected,
        "rejects_csv": rejected,
    }


@router.post("/roles", response_model=RolesImportOut, tags=["catalog"])
def import_roles(
    ctx: Ctx,
    who: Importers,
    file: Annotated[UploadFile, File(description="role profiles: YAML, CSV or XLSX")],
    framework: Framework,
    skip_invalid: SkipInvalid = False,
) -> dict[str, Any]:
    """Import role profiles (``skillgap roles import``); a role of the same id is replaced."""
    with uploaded(ctx, [file], ctx.options.max_table_bytes) as (paths, _):
        result = roles_service.import_roles(
            paths[0],
            framework,
            opener(ctx.store),
            skip_invalid=skip_invalid,
            rejects_path=paths[0].parent / "rejects.csv",
        )
        rejected = _read(result.rejects_file)
    return {
        "added": list(result.added),
        "replaced": list(result.replaced),
        "errors": result.errors,
        "rejects_csv": rejected,
    }


@router.post("/snapshots", response_model=SnapshotTakenOut, status_code=201, tags=["organisation"])
def take_snapshot(
    ctx: Ctx, who: Importers, body: Annotated[SnapshotIn | None, Body()] = None
) -> dict[str, Any]:
    """Record the organisation's gaps as of a date (``skillgap snapshot``), to compare with
    later ones: what changed since the previous snapshot comes back with it."""
    as_of = body.as_of if body else None
    taken = snapshots_service.take_snapshot(ctx.store, ctx.clock, as_of)
    return taken_data(taken)


def _mapping(options: list[str] | None) -> dict[str, str]:
    try:
        return parse_mapping(options or [])
    except ConfigError as exc:  # a bad mapping is the request's fault, not the server's
        raise ValidationError(str(exc).replace("--map", "map")) from None


def _read(rejects: Path | None) -> str | None:
    """The rejects file the import wrote (in the upload's private folder), as text."""
    return None if rejects is None else rejects.read_text(encoding="utf-8-sig")


def opener(store: Store) -> StoreOpener:
    """The server's store as the services' ``StoreOpener``: not closed after the import,
    the server keeps it."""
    return lambda create: nullcontext(store)
