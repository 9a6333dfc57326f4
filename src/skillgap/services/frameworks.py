"""Frameworks: import (a new one, or a new version), list, show, search, export."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from skillgap.analysis.search import CompetencyIndex, SearchHit
from skillgap.analysis.versions import FrameworkDiff, diff, next_version
from skillgap.clock import Clock, SystemClock
from skillgap.domain import BUILTIN_SCALES, DEFAULT_SCALE, CompetencyRef, Framework
from skillgap.domain.governance import AuditEntry
from skillgap.errors import NotFoundError, WorkspaceMissing
from skillgap.formats.archive import unpack_zip
from skillgap.formats.registry import FrameworkOptions, framework_format
from skillgap.services.scales import find_scale
from skillgap.services.workspace import StoreOpener
from skillgap.store import Store, Workspace


@dataclass(frozen=True)
class ImportResult:
    framework: str
    name: str
    version: str
    diff: FrameworkDiff
    competencies: int
    occupations: int
    warnings: tuple[str, ...]
    #: competencies the new version no longer lists, with what still refers to each (kept,
    #: marked retired)
    still_used: dict[str, tuple[str, ...]] = field(default_factory=dict)
    written: bool = True
    scale_change: tuple[str, str] | None = None  # (stored scale, new scale) when they differ


def import_framework(
    path: Path,
    fmt: str,
    open_workspace: StoreOpener,
    options: FrameworkOptions,
    *,
    dry_run: bool = False,
    actor: str | None = None,
    clock: Clock | None = None,
    source: str = "",
) -> ImportResult:
    """Read the framework at ``path`` (validated before anything is opened), then store it:
    a new framework, or a new version of a stored one (see analysis/versions.py).

    With ``actor`` (the server's writes), what was written is recorded in the audit log in
    the same unit of work, as ``actor``'s, at ``clock``'s now, naming the file ``source``."""
    imported = framework_format(fmt).read(path, options)
    new = imported.framework
    scale_change: tuple[str, str] | None = None
    try:
        with open_workspace(not dry_run) as store, store.transaction() as ws:
            if options.scale is not None:
                new = dataclass_replace(new, scale=find_scale(ws, options.scale))
            old = ws.frameworks.find(new.id)
            if options.scale is None and old is not None and new.scale == DEFAULT_SCALE:
                new = dataclass_replace(new, scale=old.scale)  # a new version keeps its scale
            if old is not None and old.scale.id != new.scale.id:
                scale_change = (old.scale.id, new.scale.id)
            changes = diff(old, new)
            still_used = _still_used(ws, new.id, changes.removed)
            if not dry_run:
                ws.frameworks.put(next_version(old, new))
                ws.occupations.remove_for_framework(new.id)
                ws.occupations.add_all(imported.occupations)
                if actor is not None:
                    details = _audit_details(fmt, source, changes, still_used, scale_change)
                    at = (clock or SystemClock()).now()
                    ws.audit.append(AuditEntry(at, actor, "framework imported", new.id, details))
    except WorkspaceMissing:
        if not dry_run:
            raise
        if options.scale is not None and options.scale not in BUILTIN_SCALES:
            raise NotFoundError(
                f"no proficiency scale {options.scale!r} (no workspace yet)"
            ) from None
        changes, still_used = diff(None, new), {}  # no workspace yet: all of it is new
    return ImportResult(
        framework=new.id,
        name=new.name,
        version=new.version,
        diff=changes,
        competencies=len(new.competencies),
        occupations=len(imported.occupations),
        warnings=imported.warnings,
        still_used=still_used,
        written=not dry_run,
        scale_change=scale_change,
    )


#: The formats read from a folder: uploaded to the server as a ZIP of that folder.
FOLDER_FORMATS = frozenset({"esco", "onet"})


def import_uploaded_framework(
    path: Path,
    fmt: str,
    open_workspace: StoreOpener,
    options: FrameworkOptions,
    *,
    dry_run: bool = False,
    actor: str | None = None,
    clock: Clock | None = None,
    source: str = "",
) -> ImportResult:
    """``import_framework`` for one uploaded file: for the folder formats (esco, onet) a ZIP
    of the folder, unpacked as hostile input (``unpack_zip``) into a temporary folder
    beside it, removed afterwards."""
    framework_format(fmt)  # an unknown format is refused before anything is unpacked
    with ExitStack() as stack:
        if fmt in FOLDER_FORMATS:
            tmp = Path(stack.enter_context(TemporaryDirectory(prefix="unzip-", dir=path.parent)))
            path = unpack_zip(path, tmp, name=source or path.name, what=f"an {fmt} folder")
        return import_framework(
            path,
            fmt,
            open_workspace,
            options,
            dry_run=dry_run,
            actor=actor,
            clock=clock,
            source=source,
        )


def _audit_details(
    fmt: str,
    source: str,
    changes: FrameworkDiff,
    still_used: dict[str, tuple[str, ...]],
    scale_change: tuple[str, str] | None,
) -> dict[str, Any]:
    return {
        "file": source,
        "format": fmt,
        "version": changes.new_version,
        "previous_version": changes.old_version,
        "added": len(changes.added),
        "removed": len(changes.removed),
        "relabelled": len(changes.relabelled),
        "moved": len(changes.moved),
        "returned": len(changes.returned),
        "retired_in_use": sorted(still_used),
        "scale_change": list(scale_change) if scale_change else None,
    }


def _still_used(
    ws: Workspace, framework: str, codes: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    if not codes:
        return {}
    wanted = {CompetencyRef(framework, code) for code in codes}
    users: dict[CompetencyRef, list[str]] = {ref: [] for ref in wanted}
    for role in ws.roles.list():
        for req in role.requirements:
            if req.competency in wanted:
                users[req.competency].append(f"role {role.id}")
    for achievement in ws.achievements.list():
        for alignment in achievement.alignments:
            if alignment.competency in wanted:
                users[alignment.competency].append(f"achievement {achievement.id}")
    observed: dict[CompetencyRef, int] = {}
    for obs in ws.observations.list():
        if obs.competency in wanted:
            observed[obs.competency] = observed.get(obs.competency, 0) + 1
    for ref, n in observed.items():
        users[ref].append(f"{n} rating{'s' if n != 1 else ''}")
    return {ref.code: tuple(names) for ref, names in sorted(users.items()) if names}


@dataclass(frozen=True)
class FrameworkSummary:
    id: str
    name: str
    version: str
    source: str
    scale: str
    competencies: int
    retired: int
    groups: int
    occupations: int


def list_frameworks(store: Store) -> list[FrameworkSummary]:
    with store.transaction() as ws:
        return [_summary(ws, f) for f in ws.frameworks.list()]


def show_framework(store: Store, framework_id: str) -> tuple[FrameworkSummary, Framework]:
    with store.transaction() as ws:
        framework = ws.frameworks.get(framework_id)
        return _summary(ws, framework), framework


def _summary(ws: Workspace, f: Framework) -> FrameworkSummary:
    retired = sum(1 for c in f.competencies if c.retired)
    return FrameworkSummary(
        id=f.id,
        name=f.name,
        version=f.version,
        source=f.source,
        scale=f.scale.name,
        competencies=len(f.competencies) - retired,
        retired=retired,
        groups=len(f.groups),
        occupations=len(ws.occupations.for_framework(f.id)),
    )


def search_competencies(
    store: Store, query: str, *, framework_id: str | None = None, limit: int = 10
) -> list[SearchHit]:
    with store.transaction() as ws:
        if framework_id is not None:
            frameworks = [ws.frameworks.get(framework_id)]
        else:
            frameworks = ws.frameworks.list()
    if not frameworks:
        raise NotFoundError(f"the workspace at {store.location} holds no framework yet")
    index = CompetencyIndex(c for f in frameworks for c in f.competencies)
    return index.search(query, limit=limit)


def export_framework(store: Store, framework_id: str, fmt: str) -> dict[str, Any]:
    with store.transaction() as ws:
        framework = ws.frameworks.get(framework_id)
    return framework_format(fmt).write(framework)
