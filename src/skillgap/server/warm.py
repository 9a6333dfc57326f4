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

Only the organisation dashboard page does not wait: while the thread reads a state it has
not finished, the page shows the figures it last showed, dated and marked as being updated
(``web/dashboard.py``, ``ready`` here); every other page and the API wait.
"""

from __future__ import annotations

import logging
import threading

from skillgap.analysis.inventory import View
from skillgap.errors import SkillgapError
from skillgap.server.context import AppContext
from skillgap.server.web.orgdata import organisation_page, readiness_groups
from skillgap.services.summary import EVERYTHING
from skillgap.store import Revision

log = logging.getLogger(__name__)
#: Seconds between two readings of the workspace's revision.
INTERVAL = 5.0


def warm(ctx: AppContext, stamp: int | None = None) -> None:
    """Read what the organisation dashboard reads (through the context's cache), and
    everyone's readiness by department, team and role; then group the credentials and
    ratings it read by person: a person's gaps and page read theirs from there
    (``server/cache.py``). The dashboard's default page, for HR and for administrators, is
    kept as the last shown, of the state ``stamp`` describes (None: not kept)."""
    for admin in (False, True):
        found = organisation_page(ctx, admin, View.VERIFIED, "coverage")
        if stamp is not None:
            ctx.last_shown.put(
                (admin, View.VERIFIED.value, "coverage"), found, stamp, ctx.clock.now()
            )
    readiness_groups(ctx, View.VERIFIED)  # department, team and role pages: who is furthest
    with ctx.store.transaction() as ws:  # any person's: the groupings are made for all
        ws.awards.for_person("")
        ws.observations.for_person("")


class Warmer:
    """The background thread of one worker (``start`` at startup, ``stop`` at shutdown)."""

    def __init__(self, ctx: AppContext, interval: float = INTERVAL) -> None:
        self.ctx = ctx
        self.interval = interval
        self.warmed = 0  # how many times it has read the dashboard's data
        # the stamp of what the dashboard reads (``EVERYTHING``) it last read whole, or
        # failed to read (a page then reads it itself rather than wait for the thread)
        self.ready: int | None = None
        self.failed: int | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="skillgap-warm", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=1.0)  # a read in progress ends with the process

    def reading(self, stamp: int) -> bool:
        """Whether the thread has yet to read, or is reading, the state ``stamp`` (of
        ``EVERYTHING``) describes: neither read it whole nor failed to."""
        return stamp not in (self.ready, self.failed)

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
                    warm(self.ctx, now.stamp(EVERYTHING))
                    self.warmed += 1
                    self.ready = now.stamp(EVERYTHING)
            except SkillgapError as exc:  # an empty workspace: nothing to read yet
                log.debug("nothing to warm: %s", exc)
                self.failed = seen.stamp(EVERYTHING) if seen is not None else None
            except Exception:  # the thread must live on; requests report their own errors
                log.exception("warming the read cache failed")
                self.failed = seen.stamp(EVERYTHING) if seen is not None else None
            self._stopping.wait(self.interval)
