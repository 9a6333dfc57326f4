"""Self and manager ratings: imported as claims, kept apart from verified evidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skillgap.clock import Clock
from skillgap.domain import BUILTIN_SCALES
from skillgap.domain.snapshots import IMPORT_RATINGS
from skillgap.errors import NotFoundError
from skillgap.formats.people import write_rejects
from skillgap.formats.ratings import read_ratings_table
from skillgap.services.snapshots import record_snapshot
from skillgap.services.workspace import StoreOpener


@dataclass(frozen=True)
class RatingsResult:
    added: int
    already_held: int
    rejected: int
    rejects_file: Path | None


def import_ratings(
    path: Path,
    framework_id: str,
    open_workspace: StoreOpener,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    clock: Clock | None = None,
) -> RatingsResult:
    """Read self and manager ratings and store the new ones, all or nothing (unless
    ``skip_invalid``: then the valid rows are stored and the others written to a reject
    file, ``rejects_path`` or ``<file>.rejects.csv``)."""
    with open_workspace(False) as store, store.transaction() as ws:
        frameworks = {f.id: f for f in ws.frameworks.list()}
        if framework_id not in frameworks:
            raise NotFoundError(f"no framework {framework_id!r} in the workspace")
        scales = {**BUILTIN_SCALES, **{s.id: s for s in ws.scales.list()}}
        imported = read_ratings_table(
            path,
            frameworks=frameworks,
            default_framework=framework_id,
            scales=scales,
            people={p.employee_id for p in ws.people.list()},
            mapping=mapping,
            sheet=sheet,
            skip_invalid=skip_invalid,
        )
        unique = {r.id: r for r in imported.ratings}  # a row repeated in the file is one rating
        new = [r for r in unique.values() if ws.observations.find(r.id) is None]
        for scale_id in sorted({r.scale_id for r in new}):
            if ws.scales.find(scale_id) is None:
                ws.scales.add(scales[scale_id])
        ws.observations.add_all(new)
        if new:  # the import's result, as of today (clock)
            record_snapshot(ws, clock, reason=IMPORT_RATINGS)
    rejects_file = None
    if imported.rejects:
        rejects_file = rejects_path or path.with_name(path.stem + ".rejects.csv")
        write_rejects(imported.rejects, rejects_file)
    return RatingsResult(len(new), len(unique) - len(new), len(imported.rejects), rejects_file)
