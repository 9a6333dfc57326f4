"""Benchmarks: importing the full ESCO v1.1.1 release (13,896 skills, 3,007 occupations,
123,855 occupation-skill relations), skipped when /work/shared/data/esco is absent.

The ``baseline`` of group ``esco`` only parses skills_en.csv with the csv module: a lower
bound for reading one of the six files the importer reads. A few rounds only: it is slow.
"""

from __future__ import annotations

import csv
from typing import Any

import pytest
from tests import shared_data

from skillgap.formats.esco import read_esco

ESCO = shared_data.DATA / "esco"

pytestmark = pytest.mark.skipif(not ESCO.is_dir(), reason=f"the ESCO release is not in {ESCO}")


@pytest.mark.benchmark(group="esco")
def test_read_esco(benchmark: Any) -> None:
    result = benchmark.pedantic(
        read_esco, args=(ESCO,), kwargs={"version": "1.1.1"}, rounds=3, iterations=1
    )
    relations = sum(len(o.skills) for o in result.occupations)
    benchmark.extra_info["skills"] = len(result.framework.competencies)
    benchmark.extra_info["relations"] = relations
    assert (len(result.framework.competencies), len(result.occupations)) == (13_896, 3_007)


@pytest.mark.benchmark(group="esco")
def test_read_esco_skills_only(benchmark: Any) -> None:
    result = benchmark.pedantic(
        read_esco,
        args=(ESCO,),
        kwargs={"version": "1.1.1", "occupations": False},
        rounds=3,
        iterations=1,
    )
    assert len(result.framework.competencies) == 13_896


def _scan_skills() -> int:
    with (ESCO / "skills_en.csv").open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f))


@pytest.mark.benchmark(group="esco")
def test_csv_skills_baseline(benchmark: Any) -> None:
    assert benchmark.pedantic(_scan_skills, rounds=3, iterations=1) == 13_897
