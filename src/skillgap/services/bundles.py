"""Loading an organisation bundle (and the demo, which is one) into a workspace."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from skillgap.domain import BUILTIN_SCALES
from skillgap.errors import ConflictError
from skillgap.formats.bundle import Bundle, read_bundle
from skillgap.services.workspace import META_ORGANISATION, META_SNAPSHOT
from skillgap.store import Store, Workspace


@dataclass(frozen=True)
class LoadResult:
    organisation: str
    replaced: bool
    counts: dict[str, int]


def load_bundle(store: Store, folder: Path, *, replace: bool = False) -> LoadResult:
    """Read the bundle at ``folder`` and store it, all or nothing.

    A workspace that already holds data is refused unless ``replace``: then its contents
    are removed and the bundle's stored, in the same transaction.
    """
    bundle = read_bundle(folder)
    with store.transaction() as ws:
        held = any(r.count() for r in (ws.frameworks, ws.people, ws.observations))
        if held and not replace:
            raise ConflictError(
                f"the workspace at {store.location} already holds data; "
                "replace it (--yes) or use another workspace (--workspace PATH)"
            )
        if held:
            ws.clear()
        _store(ws, bundle)
    return LoadResult(bundle.organisation, held, _counts(bundle))


def demo_folder() -> Path:
    folder = resources.files("skillgap.demo") / "data"
    return Path(str(folder))


def load_demo(store: Store, *, replace: bool = False) -> LoadResult:
    return load_bundle(store, demo_folder(), replace=replace)


def _store(ws: Workspace, bundle: Bundle) -> None:
    ws.frameworks.add(bundle.framework)
    for scale_id in sorted({c.scale_id for c in bundle.claims}):
        if ws.scales.find(scale_id) is None:
            ws.scales.add(BUILTIN_SCALES[scale_id])
    ws.roles.add_all(bundle.roles)
    ws.people.add_all(bundle.people)
    ws.issuers.add_all(bundle.issuers)
    ws.achievements.add_all(bundle.achievements)
    ws.awards.add_all(bundle.awards)
    ws.observations.add_all(bundle.claims)
    ws.meta.set(META_ORGANISATION, bundle.organisation)
    if bundle.snapshot_date is not None:
        ws.meta.set(META_SNAPSHOT, bundle.snapshot_date.isoformat())


def _counts(bundle: Bundle) -> dict[str, int]:
    return {
        "competencies": len(bundle.framework.competencies),
        "roles": len(bundle.roles),
        "people": len(bundle.people),
        "issuers": len(bundle.issuers),
        "achievements": len(bundle.achievements),
        "awards": len(bundle.awards),
        "claims": len(bundle.claims),
    }
