"""Benchmarks: importing the full O*NET 29.2 release (Excel edition).

The baseline streams the rows of Skills.xlsx with openpyxl alone (read-only, values only),
the floor for any reader of these workbooks: the import reads Skills.xlsx and
Knowledge.xlsx (about 3 MB, 60,000 rows each), Technology Skills.xlsx and three small
workbooks, so it cannot be much below three times the baseline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tests import shared_data

from skillgap.formats.onet import read_onet

RELEASE = shared_data.DATA / "onet"


@pytest.fixture(scope="module")
def release() -> Path:
    if not (RELEASE / "Skills.xlsx").exists():
        pytest.skip(f"the O*NET 29.2 release is not at {RELEASE}")
    return RELEASE


def _skills_rows(folder: Path) -> int:
    """Baseline: every row of Skills.xlsx, as openpyxl streams it."""
    book = openpyxl.load_workbook(folder / "Skills.xlsx", read_only=True, data_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


@pytest.mark.benchmark(group="onet")
def test_import_onet(benchmark: Any, release: Path) -> None:
    result = benchmark.pedantic(read_onet, args=(release,), rounds=3, iterations=1)
    benchmark.extra_info["occupations"] = len(result.occupations)
    benchmark.extra_info["competencies"] = len(result.framework.competencies)
    assert len(result.occupations) == 1016


@pytest.mark.benchmark(group="onet")
def test_import_onet_baseline(benchmark: Any, release: Path) -> None:
    rows = benchmark.pedantic(_skills_rows, args=(release,), rounds=3, iterations=1)
    benchmark.extra_info["rows"] = rows
    assert rows == 61531
