"""Several service calls as one unit of work.

Each service opens its own unit (``with store.transaction() as ws``). A page that calls five
of them pays for five: on SQL, a connection taken from the pool, BEGIN, the read cache's
revision read again, COMMIT (about 0.1 ms each on SQLite, 0.2 ms on PostgreSQL), and the
five may see five states of a workspace another process is writing to. ``one_unit`` opens
one and hands the services a store whose every unit of work is that one:

    with one_unit(ctx.store) as store:
        person = people_service.show_person(store, person_id)
        gaps = explain_service.person_gaps(store, clock, person_id)

They read one snapshot, and the revision once. Meant for reads that belong together: a
write made inside is committed only when the whole ends, and an error anywhere rolls all
of it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from skillgap.store import Store, Workspace


class SharedUnit:
    """A ``Store`` whose every unit of work is ``ws``, one already open on ``store``."""

    def __init__(self, store: Store, ws: Workspace) -> None:
        self._store = store
        self._ws = ws

    @property
    def location(self) -> str:
        return self._store.location

    @property
    def schema(self) -> str | None:
        return self._store.schema

    @contextmanager
    def transaction(self) -> Iterator[Workspace]:
        yield self._ws  # committed (or rolled back) by ``one_unit``, when the whole ends

    def close(self) -> None:
        """Nothing: the store is its opener's to close."""


@contextmanager
def one_unit(store: Store) -> Iterator[Store]:
    """``store`` with every unit of work opened in the block being one (see the module)."""
    with store.transaction() as ws:
        yield SharedUnit(store, ws)
