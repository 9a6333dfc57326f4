"""Loading an organisation bundle (and the demo, which is one) into a workspace."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from skillgap.analysis.inventory import View
from skillgap.analysis.summary import OrganisationSummary
from skillgap.clock import Clock
from skillgap.domain import BUILTIN_SCALES
from skillgap.domain.snapshots import DEMO
from skillgap.errors import ConflictError
from skillgap.formats.bundle import Bundle, read_bundle
from skillgap.services.snapshots import take_snapshot
from skillgap.services.summary import organisation_summary
from skillgap.services.workspace import (
    META_ORGANISATION,
    META_SNAPSHOT,
    Confirm,
    StoreOpener,
    holds_data,
)
from skillgap.store import Store, Workspace


@dataclass(frozen=True)
class LoadResult:
    organisation: str
    replaced: bool
    counts: dict[str, int]


def load_bundle(folder: Path, open_workspace: StoreOpener, confirm: Confirm) -> LoadResult:
    """Read and validate the bundle at ``folder``, then store it, all or nothing.

    Nothing is created or written when the bundle is invalid. A workspace that already
    holds data is replaced only if ``confirm`` agrees, in the same transaction.
    """
    bundle = read_bundle(folder)
    with open_workspace(True) as store:
        return _store_replacing(store, bundle, confirm)


@dataclass(frozen=True)
class DemoResult:
    loaded: LoadResult
    summary: OrganisationSummary


def run_demo(
    open_workspace: StoreOpener, clock: Clock, confirm: Confirm, *, view: View
) -> DemoResult:
    """Load the demo organisation, replacing the workspace's data, and summarise its gaps;
    a first snapshot gives `skillgap progress` its starting point."""
    bundle = read_bundle(demo_folder())
    with open_workspace(True) as store:
        loaded = _store_replacing(store, bundle, confirm)
        take_snapshot(store, clock, reason=DEMO)
        return DemoResult(loaded, organisation_summary(store, clock, view=view))


def demo_folder() -> Path:
    return Path(str(resources.files("skillgap.demo") / "data"))


def _store_replacing(store: Store, bundle: Bundle, confirm: Confirm) -> LoadResult:
    with store.transaction() as ws:
        held = holds_data(ws)
        if held and not confirm(store.location):
            raise ConflictError(f"the workspace at {store.location} already holds data")
        if held:
            ws.clear()
        store_bundle(ws, bundle)
    return LoadResult(bundle.organisation, held, _counts(bundle))


def store_bundle(ws: Workspace, bundle: Bundle) -> None:
    """Add everything the bundle holds to an (empty) workspace."""
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
