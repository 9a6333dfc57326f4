"""Python's cyclic garbage collector around a served worker's long reads (the warmer's,
a recount's): paused while they build, then a collection and a freeze.

With most of the process frozen (``ReadCache(freeze=True)``), building a model set off a
full collection every few hundred thousand new objects (17 after one new credential at
100,000 people, up to 0.25 s each, every request of the worker waiting); and what such a
read builds after the cache's last load (which freezes what it loads) would otherwise be
walked by the first full collection after it, inside a request.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_readers = 0  # long reads in progress (the warmer's and a recount's may overlap)
_resume = False  # whether the first of them found the collector running


@contextmanager
def collector_paused(freeze: bool) -> Iterator[None]:
    """Within: no automatic collection (``freeze``: a served worker's choice; else
    nothing is done). When the last of overlapping readers leaves, the collector runs
    again if it ran before the first came (a pause someone else made is kept), then one
    collection, and what is left is frozen."""
    global _readers, _resume
    if not freeze:
        yield
        return
    with _lock:
        if _readers == 0:
            _resume = gc.isenabled()
            gc.disable()
        _readers += 1
    try:
        yield
    finally:
        with _lock:  # a reader coming meanwhile waits: none of its objects half-built frozen
            _readers -= 1
            if _readers == 0:
                if _resume:
                    gc.enable()
                gc.collect()
                gc.freeze()


def settle() -> None:
    """Collect, then freeze what is left (a served read cache, after each load), unless a
    long read is in progress: the collection would walk everything it has built so far
    (seconds, with every request of the worker waiting), and its end collects and freezes
    anyway."""
    with _lock:
        if _readers == 0:
            gc.collect()
            gc.freeze()
