"""Proficiency scales: the built-in ones and an organisation's own."""

from __future__ import annotations

from pathlib import Path

from skillgap.clock import Clock, SystemClock
from skillgap.domain import BUILTIN_SCALES, ProficiencyScale
from skillgap.domain.governance import AuditEntry
from skillgap.errors import ConflictError, NotFoundError
from skillgap.formats.scales import read_scale
from skillgap.services.workspace import StoreOpener
from skillgap.store import Store, Workspace


def list_scales(store: Store) -> list[tuple[ProficiencyScale, bool]]:
    """Every scale the workspace can use, with whether it is built in."""
    with store.transaction() as ws:
        stored = {s.id: s for s in ws.scales.list()}
    merged = {**stored, **BUILTIN_SCALES}
    return [(merged[key], key in BUILTIN_SCALES) for key in sorted(merged)]


def import_scale(path: Path, open_workspace: StoreOpener) -> ProficiencyScale:
    """Store an organisation's own scale (read and checked before anything is opened)."""
    return store_scale(path, open_workspace)[0]


def store_scale(
    path: Path,
    open_workspace: StoreOpener,
    *,
    actor: str | None = None,
    clock: Clock | None = None,
    source: str = "",
) -> tuple[ProficiencyScale, bool]:
    """``import_scale``, and whether the scale was added (False: the same scale is stored
    already). With ``actor`` (the server's writes), an added scale is recorded in the audit
    log in the same unit of work, as ``actor``'s, naming the file ``source``."""
    scale = read_scale(path)
    if scale.id in BUILTIN_SCALES:
        raise ConflictError(f"{scale.id!r} is a built-in scale: give yours another id")
    with open_workspace(True) as store, store.transaction() as ws:
        stored = ws.scales.find(scale.id)
        if stored is not None and stored != scale:
            raise ConflictError(
                f"a different scale {scale.id!r} is stored already (frameworks or ratings may "
                "use it): give the new one another id"
            )
        if stored is None:
            ws.scales.add(scale)
            if actor is not None:
                details = {"file": source, "name": scale.name, "levels": len(scale.levels)}
                at = (clock or SystemClock()).now()
                ws.audit.append(AuditEntry(at, actor, "scale imported", scale.id, details))
    return scale, stored is None


def find_scale(ws: Workspace, scale_id: str) -> ProficiencyScale:
    scale = BUILTIN_SCALES.get(scale_id) or ws.scales.find(scale_id)
    if scale is None:
        known = ", ".join(sorted({*BUILTIN_SCALES, *(s.id for s in ws.scales.list())}))
        raise NotFoundError(f"no proficiency scale {scale_id!r} (known: {known})")
    return scale
