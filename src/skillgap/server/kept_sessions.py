"""The live sessions a served worker has found, kept so that a page's login check reads
nothing but the workspace revision (``server/cache.py`` answers ``sessions.find`` with
``live_session``).

Never stale: a session that ends (logout, a password or role change, deactivation, an
expired one refused) raises the revision in the area ``sessions``
(``store.REVISED_ON_REMOVAL``), and what is kept goes with the stamp of that area it was
found at. A new session raises nothing: a worker that has not seen it reads it from the
store. Purging expired sessions raises nothing either (``store.EXPIRED_ONLY``): whether a
session has expired is judged on every request, kept or not.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING

from skillgap.domain.users import Session

if TYPE_CHECKING:
    from skillgap.server.cache import CachedWorkspace

#: The most live sessions a process keeps (beyond it, the store answers the others).
SEEN_SESSIONS = 10_000


class SeenSessions:
    """The live sessions one process has found since the stamp of the area ``sessions``
    last moved (``live_session``). Each is kept as a tuple of strings and datetimes,
    which the garbage collector stops tracking at its first pass, so the sessions found
    during requests add nothing to a full collection (``server/cache.py`` freezes what it
    keeps; these are made during requests, outside that)."""

    def __init__(self) -> None:
        self._seen: tuple[int, dict[str, tuple[str, str, datetime, datetime]]] = (-1, {})
        self._guard = threading.Lock()

    def get(self, stamp: int, id_hash: str) -> Session | None:
        """The session found under ``id_hash`` at ``stamp``, if one was."""
        kept_at, found = self._seen  # one read: a stamp never goes with another's sessions
        row = found.get(id_hash) if kept_at == stamp else None
        return None if row is None else Session(id_hash, *row)

    def keep(self, stamp: int, session: Session) -> None:
        """Keep ``session``, found live in the store after the revision of ``stamp`` was
        read; a later stamp (a session ended since) forgets all those kept before it."""
        with self._guard:
            kept_at, found = self._seen
            if stamp > kept_at:
                kept_at, found = stamp, {}
                self._seen = (kept_at, found)
            if stamp == kept_at and len(found) < SEEN_SESSIONS:
                s = session
                found[s.id_hash] = (s.user_id, s.csrf_token, s.created_at, s.expires_at)


def live_session(ws: CachedWorkspace, area: str, id_hash: str) -> Session | None:
    """A session as the store has it, kept once found while no session has ended since
    (``store.REVISED_ON_REMOVAL``: an ending raises the revision, a new session does not,
    so one this process has not seen yet is read from the store, and one not found is
    never kept). Whether it has expired is for the caller to judge, on every request."""
    stamp = ws.stamp(frozenset({area}))
    seen = ws.seen_sessions
    found = seen.get(stamp, id_hash)
    if found is None:
        found = ws.store_read(area, "find")(id_hash)
        if found is not None:
            seen.keep(stamp, found)
    return found
