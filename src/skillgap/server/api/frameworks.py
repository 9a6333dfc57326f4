"""Frameworks and proficiency scales as the command line manages them (``skillgap framework
import``, ``diff``, ``export``; ``skillgap scales list``, ``import``). Reading a framework
(listing, showing, searching it) is in catalog.py.

Administrators and HR import: one uploaded file (the folder formats, esco and onet, as a ZIP
of the folder, unpacked with limits on its members, their names and sizes). An import is all
or nothing: every located error of the source comes back at once (``details``: file, row,
field, reason) and nothing is stored. What an import writes is recorded in the audit log
with the caller's id; a dry run and a diff write nothing. Everyone signed in may export a
framework and read the scales."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, Field

from skillgap.domain import ProficiencyScale
from skillgap.domain.users import UserRole
from skillgap.errors import NotFoundError, ValidationError
from skillgap.formats.registry import FRAMEWORK_FORMATS, FrameworkOptions
from skillgap.server.api.credentials import uploaded
from skillgap.server.api.imports import opener
from skillgap.server.auth import Principal, allow, principal
from skillgap.server.context import AppContext, context
from skillgap.services import frameworks as service
from skillgap.services import scales as scales_service
from skillgap.services.frameworks import FOLDER_FORMATS, ImportResult

router = APIRouter(tags=["frameworks"])
Ctx = Annotated[AppContext, Depends(context)]
Importers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]
Anyone = Depends(principal)

_FORMATS = sorted(FRAMEWORK_FORMATS)
Upload = Annotated[
    UploadFile,
    File(
        description="the source: CASE or NICE JSON, a CSV or XLSX template, a YAML framework; "
        f"for {' and '.join(sorted(FOLDER_FORMATS))}, a ZIP of the export's folder"
    ),
]
Format = Annotated[
    str,
    Form(pattern=f"^({'|'.join(_FORMATS)})$", description=f"one of {', '.join(_FORMATS)}"),
]
FrameworkId = Annotated[
    str | None,
    Form(alias="id", max_length=200, description="framework id [default: the format's]"),
]
Name = Annotated[str | None, Form(max_length=500, description="framework name (csv, xlsx)")]
Version = Annotated[
    str | None, Form(max_length=100, description="version label, when the source has none")
]
Scale = Annotated[
    str | None,
    Form(
        max_length=200,
        description="its proficiency scale, built in or stored [default: "
        "the source's, else 0-5; a new version keeps the stored one]",
    ),
]
Occupations = Annotated[bool, Form(description="import occupations / work roles too")]


class LevelOut(BaseModel):
    value: int
    label: str
    canonical: float = Field(description="where the level sits on skillgap's 0-5")
    descriptor: str


class ScaleOut(BaseModel):
    id: str
    name: str
    description: str
    builtin: bool
    levels: list[LevelOut]


class ScaleImportOut(ScaleOut):
    added: bool = Field(description="false: the same scale was stored already")


class RelabelOut(BaseModel):
    code: str
    old: str
    new: str


class MoveOut(BaseModel):
    code: str
    old: str | None = Field(description="the group it was in")
    new: str | None = Field(description="the group it is in now")


class ChangeCounts(BaseModel):
    added: int
    removed: int
    relabelled: int
    moved: int
    returned: int


class ChangesOut(BaseModel):
    previous_version: str = Field(description="the stored version compared with")
    counts: ChangeCounts
    added: list[str] = Field(description="codes of the competencies new in this version")
    removed: list[str] = Field(description="codes no longer listed: kept, marked retired")
    relabelled: list[RelabelOut]
    moved: list[MoveOut]
    returned: list[str] = Field(description="retired before, listed again")


class StillUsedOut(BaseModel):
    code: str = Field(description="a competency the new version retires")
    used_by: list[str] = Field(description='e.g. "role data-analyst", "3 ratings"')


class ScaleChangeOut(BaseModel):
    old: str
    new: str


class FrameworkImportOut(BaseModel):
    framework: str
    name: str
    version: str
    written: bool = Field(description="false: a dry run or a diff, nothing stored")
    competencies: int
    occupations: int
    changes: ChangesOut | None = Field(description="against the stored version; null if new")
    scale_change: ScaleChangeOut | None = Field(description="stored levels are read anew")
    still_used: list[StillUsedOut]
    warnings: list[str] = Field(description="about the source data, nothing refused")


_DRY_RUN: dict[int | str, dict[str, Any]] = {
    200: {"model": FrameworkImportOut, "description": "dry_run: nothing written"}
}


@dataclass(frozen=True)
class FrameworkSource:
    """An uploaded framework source and how to read it: the form both import and diff take."""

    file: UploadFile
    format: str
    options: FrameworkOptions


def framework_source(
    ctx: Ctx,
    file: Upload,
    format: Format,
    framework_id: FrameworkId = None,
    name: Name = None,
    version: Version = None,
    scale: Scale = None,
    occupations: Occupations = True,
) -> FrameworkSource:
    options = FrameworkOptions(
        framework_id or None, name or None, version or None, occupations, scale or None
    )
    if format in ("csv", "xlsx") and not (options.framework_id and options.name):
        raise ValidationError(f"a {format} framework needs the fields id and name")
    if options.scale is not None:  # a field of the request naming no scale: 422, not 404
        try:
            with ctx.store.transaction() as ws:
                scales_service.find_scale(ws, options.scale)
        except NotFoundError as exc:
            raise ValidationError(f"the field scale: {exc}") from None
    return FrameworkSource(file, format, options)


Source = Annotated[FrameworkSource, Depends(framework_source)]


@router.post("/frameworks", response_model=FrameworkImportOut, status_code=201, responses=_DRY_RUN)
def import_framework(
    ctx: Ctx,
    who: Importers,
    response: Response,
    source: Source,
    dry_run: Annotated[
        bool, Form(description="check and answer the changes; write nothing")
    ] = False,
) -> dict[str, Any]:
    """Import a framework, or a new version of a stored one (``skillgap framework import``):
    the changes (added, removed, relabelled, moved), competencies it no longer lists (kept,
    marked retired) with what still uses them. ``201`` when written; ``200`` for a dry run."""
    result = _import(ctx, who, source, dry_run=dry_run)
    if dry_run:
        response.status_code = 200
    return import_data(result)


@router.post("/frameworks/diff", response_model=FrameworkImportOut)
def diff_framework(ctx: Ctx, who: Importers, source: Source) -> dict[str, Any]:
    """What importing the file would change (``skillgap framework diff``); writes nothing."""
    return import_data(_import(ctx, who, source, dry_run=True))


@router.get(
    "/frameworks/{framework_id}/export", response_model=dict[str, Any], dependencies=[Anyone]
)
def export_framework(
    framework_id: str,
    ctx: Ctx,
    format: Annotated[
        Literal["case"], Query(description="case: a CASE 1.1 CFPackage (the only one)")
    ] = "case",
) -> dict[str, Any]:
    """A framework as a CASE 1.1 CFPackage JSON (``skillgap framework export``)."""
    return service.export_framework(ctx.store, framework_id, format)


@router.get("/scales", response_model=list[ScaleOut], dependencies=[Anyone])
def list_scales(ctx: Ctx) -> list[dict[str, Any]]:
    """Every proficiency scale, built in or the organisation's own, with its levels
    (``skillgap scales list``)."""
    return [scale_data(s, builtin) for s, builtin in scales_service.list_scales(ctx.store)]


_STORED_ALREADY: dict[int | str, dict[str, Any]] = {
    200: {"model": ScaleImportOut, "description": "the same scale was stored already"}
}


@router.post("/scales", response_model=ScaleImportOut, status_code=201, responses=_STORED_ALREADY)
def import_scale(
    ctx: Ctx,
    who: Importers,
    response: Response,
    file: Annotated[UploadFile, File(description="the scale as YAML: id, name, levels")],
) -> dict[str, Any]:
    """Store the organisation's own scale (``skillgap scales import``); every error of the
    file at once. A built-in id, or an id stored with other levels, is a conflict (``409``);
    the same scale again changes nothing (``200``, ``added`` false)."""
    with uploaded(ctx, [file]) as (paths, _):
        scale, added = scales_service.store_scale(
            paths[0],
            opener(ctx.store),
            actor=who.user_id,
            clock=ctx.clock,
            source=file.filename or "",
        )
    if not added:
        response.status_code = 200
    return {**scale_data(scale, builtin=False), "added": added}


def _import(
    ctx: AppContext, who: Principal, source: FrameworkSource, *, dry_run: bool
) -> ImportResult:
    with uploaded(ctx, [source.file], ctx.options.max_table_bytes) as (paths, _):
        return service.import_uploaded_framework(
            paths[0],
            source.format,
            opener(ctx.store),
            source.options,
            dry_run=dry_run,
            actor=who.user_id,
            clock=ctx.clock,
            source=source.file.filename or paths[0].name,
        )


def import_data(result: ImportResult) -> dict[str, Any]:
    d = result.diff
    changes = None
    if d.old_version is not None:
        changes = {
            "previous_version": d.old_version,
            "counts": {
                "added": len(d.added),
                "removed": len(d.removed),
                "relabelled": len(d.relabelled),
                "moved": len(d.moved),
                "returned": len(d.returned),
            },
            "added": list(d.added),
            "removed": list(d.removed),
            "relabelled": [vars(r) for r in d.relabelled],
            "moved": [vars(m) for m in d.moved],
            "returned": list(d.returned),
        }
    scale_change = result.scale_change
    return {
        "framework": result.framework,
        "name": result.name,
        "version": result.version,
        "written": result.written,
        "competencies": result.competencies,
        "occupations": result.occupations,
        "changes": changes,
        "scale_change": {"old": scale_change[0], "new": scale_change[1]} if scale_change else None,
        "still_used": [{"code": c, "used_by": list(u)} for c, u in result.still_used.items()],
        "warnings": list(result.warnings),
    }


def scale_data(scale: ProficiencyScale, builtin: bool) -> dict[str, Any]:
    return {
        "id": scale.id,
        "name": scale.name,
        "description": scale.description,
        "builtin": builtin,
        "levels": [
            {
                "value": lv.value,
                "label": lv.label,
                "canonical": lv.canonical,
                "descriptor": lv.descriptor,
            }
            for lv in scale.levels
        ],
    }
