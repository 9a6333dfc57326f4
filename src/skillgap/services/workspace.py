"""Creating a workspace and telling what it holds."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from skillgap.config import Settings
from skillgap.errors import WorkspaceError, WorkspaceMissing
from skillgap.store import Store, Workspace
from skillgap.store.schema import head_revision, open_store

META_ORGANISATION = "organisation"
META_SNAPSHOT = "snapshot_date"

#: Opens the workspace (creating it when asked) for the length of a ``with`` block.
StoreOpener = Callable[[bool], AbstractContextManager[Store]]
#: Asked, with the workspace's location, before data it holds is replaced; False refuses.
Confirm = Callable[[str], bool]


def holds_data(ws: Workspace) -> bool:
    """Whether the workspace holds anything an import would replace."""
    return any(
        repo.count()
        for repo in (
            ws.frameworks,
            ws.roles,
            ws.people,
            ws.issuers,
            ws.achievements,
            ws.awards,
            ws.observations,
        )
    )


def snapshot_date(ws: Workspace) -> date | None:
    """The organisation's snapshot date, as stored by a bundle load."""
    text = ws.meta.get(META_SNAPSHOT)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WorkspaceError(
            f"the workspace's snapshot date {text!r} is unreadable: load the organisation again"
        ) from None


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
        snapshot = snapshot_date(ws)
    return WorkspaceStatus(
        location=store.location,
        schema=store.schema,
        organisation=organisation,
        snapshot_date=snapshot,
        counts=counts,
        frameworks=frameworks,
        departments=tuple(sorted({p.department for p in people if p.department})),
    )


@dataclass(frozen=True)
class Where:
    backend: str  # sqlite, postgresql ... or memory
    location: str  # the SQLite file, or the database URL without password nor query


def where_of(location: str) -> Where:
    """A store's ``location`` as it may be shown to the workspace's administrators: the
    SQLite file, or the database URL with its password masked and its query (which may hold
    a password or a key file's path) left out."""
    if location == "memory":
        return Where("memory", location)
    try:
        url = make_url(location)
    except ArgumentError:  # not a URL: a SQLite file
        return Where("sqlite", location)
    if url.get_backend_name() == "sqlite":
        return Where("sqlite", url.database or "")
    shown = url.set(query={}).render_as_string(hide_password=True)
    return Where(url.get_backend_name(), shown)
