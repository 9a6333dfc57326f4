"""What every request of one app shares: the settings, the workspace, the clock, the
fetcher and the server's limits. Built once by ``create_app``; routes get it through the
``context`` dependency, never from globals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import Request

from skillgap.clock import Clock
from skillgap.config import (
    DEFAULT_MIN_GROUP_SIZE,
    NetworkSettings,
    Settings,
    load_min_group_size,
    load_network_settings,
)
from skillgap.fetch import Fetcher
from skillgap.services.organisation import Privacy
from skillgap.services.verification import FetchPlan
from skillgap.store import Store

MIB = 1024 * 1024


@dataclass(frozen=True)
class ServerOptions:
    """The server's limits and policies (from the environment: ``from_environ``)."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    network: NetworkSettings = field(default_factory=NetworkSettings)
    max_file_bytes: int = 2 * MIB  # one uploaded credential file or backpack
    max_request_bytes: int = 20 * MIB  # a whole request body
    max_files: int = 50  # files in one upload

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ServerOptions:
        return cls(
            min_group_size=load_min_group_size(environ),
            network=load_network_settings(environ),
        )


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    store: Store
    clock: Clock
    options: ServerOptions
    fetcher: Fetcher | None = None  # replaces the HTTP fetcher (tests: the in-memory twin)

    @property
    def fetch_plan(self) -> FetchPlan:
        return FetchPlan(network=self.options.network)

    def privacy(self, admin: bool) -> Privacy:
        return Privacy(self.options.min_group_size, admin)


def context(request: Request) -> AppContext:
    """The dependency: the app's context."""
    found: AppContext = request.app.state.skillgap
    return found
