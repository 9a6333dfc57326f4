"""The organisation summary, read from a workspace."""

from __future__ import annotations

from datetime import date

from skillgap.analysis.inventory import View
from skillgap.analysis.summary import OrganisationSummary, WorkspaceData, summarise
from skillgap.clock import Clock
from skillgap.services.quality import current_rubric
from skillgap.services.workspace import META_ORGANISATION, snapshot_date
from skillgap.store import Store, Workspace


def organisation_summary(
    store: Store,
    clock: Clock,
    *,
    as_of: date | None = None,
    view: View = View.VERIFIED,
    top: int = 5,
) -> OrganisationSummary:
    """Gaps across the organisation as of ``as_of`` (default: the workspace's snapshot
    date if it has one, else today)."""
    with store.transaction() as ws:
        data = workspace_data(ws)
        organisation = ws.meta.get(META_ORGANISATION) or "Organisation"
        snapshot = snapshot_date(ws)
    if as_of is None:
        as_of = snapshot or clock.now().date()
    return summarise(data, organisation=organisation, as_of=as_of, view=view, top=top)


def workspace_data(ws: Workspace) -> WorkspaceData:
    """Everything the organisation-wide analyses read (the summary, snapshots)."""
    return WorkspaceData(
        frameworks=ws.frameworks.list(),
        roles=ws.roles.list(),
        people=ws.people.list(),
        issuers=ws.issuers.list(),
        achievements=ws.achievements.list(),
        awards=ws.awards.list(),
        observations=ws.observations.list(),
        scales=ws.scales.list(),
        rubric=current_rubric(ws),
    )
