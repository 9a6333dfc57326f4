"""Benchmarks: importing the full ESCO release into a workspace, and searching it.

Skipped when the ESCO release is not at ../shared/data/esco (the product never needs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz, process
from tests import shared_data

from skillgap.analysis.search import CompetencyIndex
from skillgap.config import load_settings
from skillgap.domain import Framework
from skillgap.formats.esco import read_esco
from skillgap.formats.registry import FrameworkOptions
from skillgap.services.frameworks import import_framework
from skillgap.store import Store
from skillgap.store.schema import open_store

ESCO = shared_data.DATA / "esco"
QUERIES = ["data viz", "pyhton", "manage a team", "machine lerning", "cyber security"]

pytestmark = pytest.mark.skipif(not ESCO.is_dir(), reason=f"no ESCO release at {ESCO}")


@pytest.fixture(scope="module")
def esco() -> Framework:
    return read_esco(ESCO, version="1.1.1", occupations=False).framework


@pytest.mark.benchmark(group="esco-import")
def test_esco_parse_baseline(benchmark: Any) -> None:
    result = benchmark.pedantic(read_esco, args=(ESCO,), kwargs={"version": "1.1.1"}, rounds=3)
    assert len(result.framework.competencies) > 13_000


@pytest.mark.benchmark(group="esco-import")
def test_esco_import_into_sqlite(benchmark: Any, tmp_path: Path) -> None:
    counter = iter(range(100))

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        settings = load_settings({}, workspace=tmp_path / f"esco{next(counter)}.db")

        @contextmanager
        def opener(create: bool) -> Iterator[Store]:
            store = open_store(settings, create=create)
            try:
                yield store
            finally:
                store.close()

        typed: Any = opener  # a StoreOpener
        return (ESCO, "esco", typed, FrameworkOptions(version="1.1.1")), {}

    result = benchmark.pedantic(import_framework, setup=setup, rounds=3)
    assert result.occupations > 3_000


@pytest.mark.benchmark(group="search")
def test_search_baseline_one_rapidfuzz_pass_over_names(benchmark: Any, esco: Framework) -> None:
    names = [c.name for c in esco.competencies]

    def naive() -> None:
        for query in QUERIES:
            process.extract(query, names, scorer=fuzz.WRatio, limit=10)

    benchmark(naive)


@pytest.mark.benchmark(group="search")
def test_search_esco(benchmark: Any, esco: Framework) -> None:
    index = CompetencyIndex(esco.competencies)
    benchmark.extra_info["queries"] = len(QUERIES)

    def search_all() -> list[str]:
        return [index.search(query)[0].competency.name for query in QUERIES]

    top = benchmark(search_all)
    assert top[0] == "deliver visual presentation of data"
    assert top[1] == "Python (computer programming)"
    assert top[2] == "manage a team"


@pytest.mark.benchmark(group="search")
def test_search_index_build(benchmark: Any, esco: Framework) -> None:
    benchmark.pedantic(CompetencyIndex, args=(esco.competencies,), rounds=5)
