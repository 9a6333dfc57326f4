"""ChainFetcher, CachingFetcher and build_fetcher, with the in-memory twins."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skillgap.clock import FixedClock
from skillgap.errors import FetchError
from skillgap.fetch import Document, MemoryFetcher
from skillgap.fetch.cache import CachingFetcher
from skillgap.fetch.chain import ChainFetcher, UnavailableFetcher, build_fetcher
from skillgap.fetch.documents import DirectoryFetcher
from skillgap.fetch.http import HttpPolicy

URL = "https://issuer.example/status/1"


def clock() -> FixedClock:
    return FixedClock(datetime(2025, 1, 1, tzinfo=UTC))


class Failing:
    """A fetcher that never has anything; counts how often it was asked."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.asked = 0

    def fetch(self, url: str) -> Document:
        self.asked += 1
        raise FetchError(url, self.reason)


# -- ChainFetcher ----------------------------------------------------------------------------


def test_chain_first_answer_wins_and_later_fetchers_are_not_asked() -> None:
    first = MemoryFetcher.of({URL: "first"})
    second = MemoryFetcher.of({URL: "second"})
    assert ChainFetcher(first, second).fetch(URL).body == b"first"
    assert second.requests == []


def test_chain_moves_on_after_a_fetch_error() -> None:
    failing = Failing("not in the folder")
    assert ChainFetcher(failing, MemoryFetcher.of({URL: "net"})).fetch(URL).body == b"net"
    assert failing.asked == 1


def test_chain_error_status_is_an_answer() -> None:
    gone = MemoryFetcher()
    gone.add(URL, b"", status=410)
    assert ChainFetcher(gone, MemoryFetcher.of({URL: "later"})).fetch(URL).status == 410


def test_chain_all_failing_joins_every_reason() -> None:
    with pytest.raises(FetchError) as caught:
        ChainFetcher(Failing("not in the folder"), Failing("offline")).fetch(URL)
    assert caught.value.url == URL
    assert caught.value.reason == "not in the folder; offline"


def test_chain_needs_a_fetcher() -> None:
    with pytest.raises(ValueError):
        ChainFetcher()


# -- CachingFetcher --------------------------------------------------------------------------


def test_cache_answers_repeats_until_the_ttl_runs_out() -> None:
    inner, time = MemoryFetcher.of({URL: "v1"}), clock()
    cache = CachingFetcher(inner, time, ttl_seconds=60)
    assert cache.fetch(URL).body == b"v1"
    inner.add(URL, "v2")
    time.moment += timedelta(seconds=59)
    assert cache.fetch(URL).body == b"v1"
    assert inner.requests == [URL]
    time.moment += timedelta(seconds=1)
    assert cache.fetch(URL).body == b"v2"
    assert inner.requests == [URL, URL]


def test_cache_keeps_error_statuses_but_not_fetch_errors() -> None:
    inner = MemoryFetcher()
    inner.add(URL, b"", status=410)
    cache = CachingFetcher(inner, clock())
    assert cache.fetch(URL).status == 410
    assert cache.fetch(URL).status == 410
    assert inner.requests == [URL]

    missing = "https://issuer.example/none"
    for _ in range(2):
        with pytest.raises(FetchError):
            cache.fetch(missing)
    assert inner.requests == [URL, missing, missing]


def test_cache_evicts_the_least_recently_used() -> None:
    urls = [f"https://a.example/{i}" for i in range(3)]
    inner = MemoryFetcher.of(dict.fromkeys(urls, "x"))
    cache = CachingFetcher(inner, clock(), max_entries=2)
    cache.fetch(urls[0])
    cache.fetch(urls[1])
    cache.fetch(urls[0])  # 0 is now the most recent; 1 goes next
    cache.fetch(urls[2])
    assert len(cache) == 2
    inner.requests.clear()
    cache.fetch(urls[0])
    cache.fetch(urls[2])
    assert inner.requests == []
    cache.fetch(urls[1])
    assert inner.requests == [urls[1]]


def test_cache_with_zero_ttl_always_asks_and_clear_forgets() -> None:
    inner = MemoryFetcher.of({URL: "x"})
    cache = CachingFetcher(inner, clock(), ttl_seconds=0)
    cache.fetch(URL)
    cache.fetch(URL)
    assert len(inner.requests) == 2
    cached = CachingFetcher(inner, clock())
    cached.fetch(URL)
    cached.clear()
    assert len(cached) == 0
    with pytest.raises(ValueError):
        CachingFetcher(inner, clock(), max_entries=0)


def test_cache_is_safe_to_share_between_threads() -> None:
    urls = [f"https://a.example/{i}" for i in range(50)]
    cache = CachingFetcher(MemoryFetcher.of(dict.fromkeys(urls, "x")), clock(), max_entries=20)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                for url in urls:
                    assert cache.fetch(url).body == b"x"
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == 20


# -- build_fetcher ---------------------------------------------------------------------------


def documents(path: Path) -> Path:
    (path / "index.json").write_text(json.dumps({URL: {"status": 410}}))
    return path


def test_build_offline_without_documents_always_refuses() -> None:
    fetcher = build_fetcher(documents=None, offline=True)
    assert isinstance(fetcher, UnavailableFetcher)
    with pytest.raises(FetchError, match="offline"):
        fetcher.fetch(URL)


def test_build_offline_with_documents_is_the_folder_alone(tmp_path: Path) -> None:
    fetcher = build_fetcher(documents=documents(tmp_path), offline=True)
    assert isinstance(fetcher, DirectoryFetcher)
    assert fetcher.fetch(URL).status == 410


def test_build_online_puts_the_folder_before_the_cached_network(tmp_path: Path) -> None:
    fetcher = build_fetcher(documents=documents(tmp_path), offline=False, clock=clock())
    assert isinstance(fetcher, ChainFetcher)
    assert fetcher.fetch(URL).status == 410
    # Not in the folder, and the network refuses a loopback address before connecting.
    with pytest.raises(FetchError) as caught:
        fetcher.fetch("https://127.0.0.1/x")
    assert "not in the documents folder" in caught.value.reason
    assert "loopback" in caught.value.reason


def test_build_online_without_documents_uses_the_given_policy() -> None:
    fetcher = build_fetcher(documents=None, offline=False, policy=HttpPolicy(allow_http=False))
    assert isinstance(fetcher, CachingFetcher)
    with pytest.raises(FetchError, match="plain http is refused"):
        fetcher.fetch("http://example.com/")
