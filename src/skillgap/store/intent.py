"""What the units of work begun now are expected to do: ``writes()`` says they write.

The storage port's one piece of context beside the units themselves, set by the edges
(the server for every POST, PUT and DELETE; the command line for a command that writes)
and by a service for a unit that writes where its caller only reads. On SQLite each unit
begun within it takes the write lock as it begins (``BEGIN IMMEDIATE``: it waits its turn,
up to the busy timeout), not at its first write. A unit that read first and then writes
would fail ("database is locked") if another connection committed in between: its reads
are of an older snapshot, which SQLite cannot turn into a writer. Other stores ignore it
(PostgreSQL reads each statement's latest commits; its writes wait on row locks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_WRITES: ContextVar[bool] = ContextVar("skillgap_writes", default=False)


@contextmanager
def writes() -> Iterator[None]:
    """Within: the units of work begun are expected to write (see the module)."""
    token = _WRITES.set(True)
    try:
        yield
    finally:
        _WRITES.reset(token)


def writing() -> bool:
    """Whether a unit begun now is expected to write."""
    return _WRITES.get()
