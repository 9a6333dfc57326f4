"""Benchmarks: the organisation summary and storing the demo.

Each group has a ``baseline`` benchmark measured in the same run; `make bench` prints every
median and its ratio to the group's baseline (benchmarks/ratios.py), which is steadier on a
noisy machine than absolute times.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import scaled
from skillgap.analysis.progress import snapshot_rows
from skillgap.analysis.summary import WorkspaceData, summarise
from skillgap.config import load_settings
from skillgap.formats.bundle import Bundle, read_bundle
from skillgap.services.bundles import demo_folder, load_bundle
from skillgap.store import Store
from skillgap.store.memory import MemoryStore
from skillgap.store.schema import open_store


@pytest.fixture(scope="module")
def demo() -> Bundle:
    return read_bundle(demo_folder())


def _scan(data: WorkspaceData) -> int:
    """Baseline: touch every person, award and observation once (a lower bound)."""
    total = 0
    for group in (data.people, data.awards, data.observations):
        for item in group:
            total += hash(item.__class__)
    return total


@pytest.mark.parametrize("copies", [1, 100])
@pytest.mark.benchmark(group="summary")
def test_summary(benchmark: Any, demo: Bundle, copies: int) -> None:
    data = scaled(demo, copies)
    benchmark.extra_info["people"] = len(data.people)
    result = benchmark(summarise, data, organisation="bench", as_of=demo.snapshot_date)
    assert result.people_assessed == copies * 58


@pytest.mark.benchmark(group="summary")
def test_snapshot_rows(benchmark: Any, demo: Bundle) -> None:
    """What every import adds: the snapshot of the organisation (both views, every line)."""
    data = scaled(demo, 100)
    benchmark.extra_info["people"] = len(data.people)
    rows = benchmark(snapshot_rows, data, demo.snapshot_date)
    assert len(rows) == 100 * 58


@pytest.mark.benchmark(group="summary")
def test_summary_baseline(benchmark: Any, demo: Bundle) -> None:
    data = scaled(demo, 100)
    benchmark.extra_info["people"] = len(data.people)
    assert benchmark(_scan, data)


def _opener(store: Store) -> Any:
    @contextmanager
    def opener(create: bool) -> Iterator[Store]:
        yield store

    return opener


@pytest.mark.benchmark(group="store-demo")
def test_load_demo_sqlite(benchmark: Any, tmp_path: Path) -> None:
    counter = iter(range(10_000))

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        path = tmp_path / f"ws{next(counter)}.db"
        store = open_store(load_settings({}, workspace=path), create=True)
        return (demo_folder(), _opener(store), lambda location: True), {}

    benchmark.pedantic(load_bundle, setup=setup, rounds=15)


@pytest.mark.benchmark(group="store-demo")
def test_load_demo_memory_baseline(benchmark: Any) -> None:
    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (demo_folder(), _opener(MemoryStore()), lambda location: True), {}

    benchmark.pedantic(load_bundle, setup=setup, rounds=15)
