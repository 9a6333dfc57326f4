"""What every request of one app shares: the settings, the workspace (read through the
app's read cache, ``server/cache.py``), the clock, the fetcher and the server's limits.
Built once by ``create_app``; routes get it through the ``context`` dependency, never from
globals.

Hot reads. FastAPI runs a plain (``def``) route or dependency on a pool of forty threads; an
``async def`` one on the event loop. The routes asked most often — a person's gaps
(``/api/v1/people/{id}/gaps``), their page (``/people/{id}``), ``/api/v1/me`` — and the
dependencies of every request (the principal, role checks, reach) are ``async``: each is a
few milliseconds of Python over the read cache and one or two indexed rows, and measured
at 50 connections they are answered about 1.7 times as fast on the loop as through the
pool, where the threads only take turns with the interpreter lock. Organisation-wide or
slow routes (the dashboard, imports, plans) stay on the pool, so the loop never waits
for them. ``skillgap serve`` runs uvicorn on the standard asyncio loop: with uvloop, such
routes were answered out of order under load (p99 ten times the median)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from skillgap.clock import Clock
from skillgap.config import (
    DEFAULT_MIN_GROUP_SIZE,
    NetworkSettings,
    Settings,
    load_min_group_size,
    load_network_settings,
    load_recount_wait,
    load_switch,
)
from skillgap.errors import ConfigError
from skillgap.fetch import Fetcher
from skillgap.server.cache import CachedStore, ReadCache
from skillgap.server.recount import Recounts
from skillgap.services.organisation_scope import Privacy
from skillgap.services.verification import FetchPlan
from skillgap.store import Store
from skillgap.store.one_unit import one_unit

MIB = 1024 * 1024


@dataclass(frozen=True)
class ServerOptions:
    """The server's limits and policies (from the environment: ``from_environ``)."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    network: NetworkSettings = field(default_factory=NetworkSettings)
    max_file_bytes: int = 2 * MIB  # one uploaded credential file or backpack
    max_request_bytes: int = 20 * MIB  # a whole request body
    max_table_bytes: int = 50 * MIB  # an imported table (HR export, ratings, role profiles)
    max_files: int = 50  # files in one upload
    read_cache: bool = True  # SKILLGAP_READ_CACHE: keep shared workspace data between requests
    documents: Path | None = None  # SKILLGAP_DOCUMENTS (serve --documents): verification's folder
    freeze_cached: bool = False  # served processes: keep the cache out of the cyclic GC
    warm_cache: bool = False  # SKILLGAP_WARM_CACHE (served: on): read the dashboard's data ahead
    #: SKILLGAP_RECOUNT_WAIT (served: 0.3 s): how long a page waits for figures being counted
    #: again before it shows the previous ones, labelled; None: until they are counted
    recount_wait: float | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ServerOptions:
        folder = environ.get("SKILLGAP_DOCUMENTS", "").strip()
        if folder and not Path(folder).is_dir():
            raise ConfigError(f"SKILLGAP_DOCUMENTS={folder!r} is not a folder")
        return cls(
            min_group_size=load_min_group_size(environ),
            network=load_network_settings(environ),
            read_cache=load_switch(environ, "SKILLGAP_READ_CACHE", True),
            documents=Path(folder) if folder else None,
            freeze_cached=True,
            warm_cache=load_switch(environ, "SKILLGAP_WARM_CACHE", True),
            recount_wait=load_recount_wait(environ),
        )


@dataclass(frozen=True)
class AppContext:
    """``store`` is given the workspace's store and becomes a ``CachedStore`` on it (unless
    ``options.read_cache`` is off): every service a route calls with ``ctx.store`` reads
    shared data through ``cache``, which this app owns."""

    settings: Settings
    store: Store
    clock: Clock
    options: ServerOptions
    fetcher: Fetcher | None = None  # replaces the HTTP fetcher (tests: the in-memory twin)
    cache: ReadCache | None = field(default=None, init=False)
    #: the pages' organisation figures while they are counted again (``server/recount.py``)
    recounts: Recounts = field(init=False)

    def __post_init__(self) -> None:
        if self.options.read_cache and not isinstance(self.store, CachedStore):
            cache = ReadCache(freeze=self.options.freeze_cached)
            object.__setattr__(self, "cache", cache)
            object.__setattr__(self, "store", CachedStore(self.store, cache))
        wait = self.options.recount_wait if self.cache is not None else None
        recounts = Recounts(self.clock, wait, freeze=self.options.freeze_cached)
        object.__setattr__(self, "recounts", recounts)

    @property
    def fetch_plan(self) -> FetchPlan:
        return FetchPlan(documents=self.options.documents, network=self.options.network)

    def privacy(self, admin: bool) -> Privacy:
        return Privacy(self.options.min_group_size, admin)

    @contextmanager
    def one_unit(self) -> Iterator[AppContext]:
        """This context with every service call made through it in one unit of work of
        the store (``store/one_unit.py``): for the reads of one hot page or answer."""
        with one_unit(self.store) as store:
            shared = copy.copy(self)  # a copy, not a new context: the same read cache
            object.__setattr__(shared, "store", store)
            yield shared


async def context(request: Request) -> AppContext:
    """The dependency: the app's context (async: no I/O, so no trip to the thread pool)."""
    found: AppContext = request.app.state.skillgap
    return found
