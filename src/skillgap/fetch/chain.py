"""Putting fetchers together: a documents folder first, the network (cached) after.

``build_fetcher`` is what the CLI calls for ``--documents DIR`` and ``--offline``; offline is
simply a chain without the network, so there is no separate offline fetcher to keep in step.
"""

from __future__ import annotations

from pathlib import Path

from skillgap.clock import Clock, SystemClock
from skillgap.errors import FetchError
from skillgap.fetch import Document, Fetcher
from skillgap.fetch.cache import CachingFetcher
from skillgap.fetch.documents import DirectoryFetcher
from skillgap.fetch.http import HttpFetcher, HttpPolicy

__all__ = ["ChainFetcher", "UnavailableFetcher", "build_fetcher"]


class ChainFetcher:
    """Asks each fetcher in turn; the first answer wins (an error status is an answer).

    A FetchError moves on to the next fetcher; if every one fails, the FetchError raised
    gives all their reasons, so the user sees both "not in the documents folder" and why the
    network could not help.
    """

    def __init__(self, *fetchers: Fetcher) -> None:
        if not fetchers:
            raise ValueError("a ChainFetcher needs at least one fetcher")
        self.fetchers = fetchers

    def fetch(self, url: str) -> Document:
        reasons: list[str] = []
        for fetcher in self.fetchers:
            try:
                return fetcher.fetch(url)
            except FetchError as error:
                reasons.append(error.reason)
        raise FetchError(url, "; ".join(reasons))


class UnavailableFetcher:
    """Offline with no documents folder: nothing can be had, and the reason says so."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def fetch(self, url: str) -> Document:
        raise FetchError(url, self.reason)


def build_fetcher(
    *,
    documents: Path | None,
    offline: bool,
    policy: HttpPolicy | None = None,
    clock: Clock | None = None,
) -> Fetcher:
    """The fetcher for a verify run: ``documents`` first (if given), then, unless ``offline``,
    the network through a cache.

    Building reads and validates ``documents/index.json``, so a bad folder is an InputError
    now rather than a FetchError per credential later.
    """
    fetchers: list[Fetcher] = []
    if documents is not None:
        fetchers.append(DirectoryFetcher(documents))
    if not offline:
        fetchers.append(CachingFetcher(HttpFetcher(policy), clock or SystemClock()))
    if not fetchers:
        return UnavailableFetcher(
            "offline: the network is off and no documents folder was given (--documents DIR)"
        )
    return fetchers[0] if len(fetchers) == 1 else ChainFetcher(*fetchers)
