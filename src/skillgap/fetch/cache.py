"""A time-limited memory of answers, so verifying a batch asks each issuer once.

Verifying a hundred badges from one issuer asks for the same DID document and status list a
hundred times; the cache answers the repeats. Error statuses (404, 410) are answers and are
kept; a FetchError is not (the next ask may get through). Expiry runs on the Clock port so
tests move time instead of sleeping.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from skillgap.clock import Clock
from skillgap.fetch import Document, Fetcher

__all__ = ["CachingFetcher"]


class CachingFetcher:
    """Answers from ``inner``, remembered per URL for ``ttl_seconds``, at most ``max_entries``.

    The least recently used answer goes first when full. Safe to share between threads: the
    lock guards the table only, never a fetch, so one slow server does not hold up the rest
    (two threads asking for the same new URL at once may both fetch it; that is harmless).
    """

    def __init__(
        self,
        inner: Fetcher,
        clock: Clock,
        ttl_seconds: float = 300,
        max_entries: int = 1024,
    ) -> None:
        if ttl_seconds < 0 or max_entries < 1:
            raise ValueError("ttl_seconds must be >= 0 and max_entries >= 1")
        self.inner = inner
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[datetime, Document]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, url: str) -> Document:
        with self._lock:
            cached = self._entries.get(url)
            if cached is not None:
                expires, document = cached
                if self.clock.now() < expires:
                    self._entries.move_to_end(url)
                    return document
                del self._entries[url]
        document = self.inner.fetch(url)  # a FetchError passes through, uncached
        with self._lock:
            self._entries[url] = (self.clock.now() + self.ttl, document)
            self._entries.move_to_end(url)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return document

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
