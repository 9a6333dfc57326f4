"""Keeping a served worker's read cache warm: the organisation dashboard's data (every
person's ratings and credentials, the gap engine's model: about half a minute at 100,000
people; then those ratings and credentials grouped by person, for the person views) is
read in the background when the worker starts and again after each change to the
workspace, so that the first person to open the dashboard after a start or an import
does not wait for it.

A thread of the worker reads the workspace's revision every few seconds (one indexed
read); when it has moved, the thread opens the dashboard as an HR user would (today's
profile, verified view: the page every other view of an organisation shares its model
with). The cache is never stale either way: a request that comes while the thread is
reading waits for that same read (``ReadCache`` loads each value once), and one that
comes first reads it itself. While the thread reads, requests share the worker's CPU with
it; ``SKILLGAP_WARM_CACHE=off`` turns it off.
"""

from __future__ import annotations

import logging
import threading

from skillgap.analysis.inventory import View
from skillgap.errors import SkillgapError
from skillgap.server.cache import keep_stored_periods
from skillgap.server.collector import collector_paused
from skillgap.server.context import AppContext
from skillgap.server.scope import Reach
from skillgap.server.web.orgdata import group_page, readiness_groups
from skillgap.services import roles as roles_service
from skillgap.services.organisation_scope import Scope, ScopeKind
from skillgap.store import Revision

log = logging.getLogger(__name__)
#: Seconds between two readings of the workspace's revision.
INTERVAL = 5.0


def warm(ctx: AppContext) -> None:
    """Read what the organisation dashboard reads (through the context's cache), and
    everyone's readiness by department, team and role; then group the credentials and
    ratings it read by person, and read everyone's stored periods: a person's gaps and
    page read theirs from there (``server/cache.py``).

    A served worker (``freeze_cached``) pauses the collector's automatic runs meanwhile,
    then collects and freezes what it built (``server/collector.py``)."""
    with collector_paused(ctx.options.freeze_cached), ctx.recounts.patient():
        _warm(ctx)


def _warm(ctx: AppContext) -> None:
    scope = Scope(ScopeKind.ORGANISATION)
    group_page(ctx, ctx.privacy(False), Reach(everyone=True), scope, View.VERIFIED, "coverage")
    readiness_groups(ctx, View.VERIFIED)  # department, team and role pages: who is furthest
    roles_service.role_names(ctx.store)  # the dashboard's choice of a role
    with ctx.store.transaction() as ws:  # any person's: the groupings are made for all
        ws.awards.for_person("")
        ws.observations.for_person("")
        keep_stored_periods(ws)  # everyone's changes between snapshots (their progress)


class Warmer:
    """The background thread of one worker (``start`` at startup, ``stop`` at shutdown)."""

    def __init__(self, ctx: AppContext, interval: float = INTERVAL) -> None:
        self.ctx = ctx
        self.interval = interval
        self.warmed = 0  # how many times it has read the dashboard's data
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="skillgap-warm", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=1.0)  # a read in progress ends with the process

    def _revision(self) -> Revision:
        with self.ctx.store.transaction() as ws:
            return ws.meta.revision()

    def _run(self) -> None:
        seen: Revision | None = None
        while not self._stopping.is_set():
            try:
                now = self._revision()
                if now != seen:
                    seen = now
                    warm(self.ctx)
                    self.warmed += 1
            except SkillgapError as exc:  # an empty workspace: nothing to read yet
                log.debug("nothing to warm: %s", exc)
            except Exception:  # the thread must live on; requests report their own errors
                log.exception("warming the read cache failed")
            self._stopping.wait(self.interval)
