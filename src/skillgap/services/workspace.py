"""Creating a workspace and telling what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skillgap.config import Settings
from skillgap.errors import WorkspaceMissing
from skillgap.store import Store
from skillgap.store.schema import head_revision, open_store

META_ORGANISATION = "organisation"
META_SNAPSHOT = "snapshot_date"


@dataclass(frozen=True)
class InitResult:
    location: str
    created: bool
    schema: str


def init_workspace(settings: Settings) -> InitResult:
    """Create the workspace, or bring an existing one up to this version's schema."""
    try:
        open_store(settings).close()
        created = False
    except WorkspaceMissing:
        open_store(settings, create=True).close()
        created = True
    return InitResult(settings.display_location, created, head_revision())


@dataclass(frozen=True)
class FrameworkInfo:
    id: str
    name: str
    version: str
    competencies: int
    scale: str


@dataclass(frozen=True)
class WorkspaceStatus:
    location: str
    schema: str | None
    organisation: str | None
    snapshot_date: date | None
    counts: dict[str, int]
    frameworks: tuple[FrameworkInfo, ...]
    departments: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def workspace_status(store: Store) -> WorkspaceStatus:
    with store.transaction() as ws:
        counts = {
            "frameworks": ws.frameworks.count(),
            "roles": ws.roles.count(),
            "people": ws.people.count(),
            "issuers": ws.issuers.count(),
            "achievements": ws.achievements.count(),
            "awards": ws.awards.count(),
            "observations": ws.observations.count(),
        }
        frameworks = tuple(
            FrameworkInfo(f.id, f.name, f.version, len(f.competencies), f.scale.name)
            for f in ws.frameworks.list()
        )
        people = ws.people.list()
        organisation = ws.meta.get(META_ORGANISATION)
        snapshot = ws.meta.get(META_SNAPSHOT)
    return WorkspaceStatus(
        location=store.location,
        schema=store.schema,
        organisation=organisation,
        snapshot_date=date.fromisoformat(snapshot) if snapshot else None,
        counts=counts,
        frameworks=frameworks,
        departments=tuple(sorted({p.department for p in people if p.department})),
    )
