"""The organisation summary, read from a workspace."""

from __future__ import annotations

from datetime import date

from skillgap.analysis.inventory import View
from skillgap.analysis.summary import OrganisationSummary, WorkspaceData, summarise
from skillgap.clock import Clock
from skillgap.errors import NotFoundError
from skillgap.services.workspace import META_ORGANISATION, META_SNAPSHOT
from skillgap.store import Store


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
        data = WorkspaceData(
            frameworks=ws.frameworks.list(),
            roles=ws.roles.list(),
            people=ws.people.list(),
            issuers=ws.issuers.list(),
            achievements=ws.achievements.list(),
            awards=ws.awards.list(),
            observations=ws.observations.list(),
        )
        organisation = ws.meta.get(META_ORGANISATION) or "Organisation"
        snapshot = ws.meta.get(META_SNAPSHOT)
    if not data.people or not data.roles:
        raise NotFoundError(
            f"the workspace at {store.location} holds no people with roles yet: "
            "load some (skillgap demo, or skillgap load FOLDER)"
        )
    if as_of is None:
        as_of = date.fromisoformat(snapshot) if snapshot else clock.now().date()
    return summarise(data, organisation=organisation, as_of=as_of, view=view, top=top)
