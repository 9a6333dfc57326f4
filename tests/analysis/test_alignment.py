"""Alignment targets → competencies: exact only when the credential names the competency."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from skillgap.analysis.alignment import AlignmentResolver
from skillgap.domain import AlignmentStatus, Competency, CompetencyRef, Framework

ESCO_PYTHON = "http://data.europa.eu/esco/skill/python"
ESCO = Framework(
    "esco-1.2",
    "ESCO",
    version="1.2",
    uri="http://data.europa.eu/esco/model",
    competencies=(
        Competency("esco-1.2", "S1.2", "Python (computer programming)", uri=ESCO_PYTHON),
        Competency("esco-1.2", "S4.8", "SQL", alt_labels=("Structured Query Language",)),
        Competency("esco-1.2", "T1", "work in teams", uri="http://data.europa.eu/esco/skill/t1"),
        Competency("esco-1.2", "OLD", "Cobol maintenance", retired=True),
    ),
)
ESCO_OLD = Framework(
    "esco-1.1",
    "ESCO 1.1",
    competencies=(
        Competency("esco-1.1", "S1.2", "Python", uri=ESCO_PYTHON),
        Competency("esco-1.1", "T1", "work in teams", uri="http://data.europa.eu/esco/skill/t1"),
    ),
)
SFIA = Framework(
    "sfia",
    "SFIA 9",
    competencies=(
        Competency("sfia", "PROG", "Programming/software development"),
        Competency("sfia", "DBAD", "Database administration", retired=True),
    ),
)


@dataclass(frozen=True)
class T:
    name: str
    url: str | None = None
    code: str | None = None
    framework: str | None = None


def resolve(
    *targets: T, frameworks: tuple[Framework, ...] = (ESCO, SFIA)
) -> list[tuple[str, str | None, str]]:
    resolution = AlignmentResolver(frameworks).resolve(targets)
    return [
        (a.target_name, str(a.competency) if a.competency else None, a.status.value)
        for a in resolution.alignments
    ]


def test_a_target_url_that_is_a_competency_uri_is_exact() -> None:
    assert resolve(T("Programming in Python", url=ESCO_PYTHON)) == [
        ("Programming in Python", "esco-1.2:S1.2", "exact")
    ]


@pytest.mark.parametrize("framework", ["sfia", "SFIA 9", " sfia 9 "])
def test_a_code_in_the_named_framework_is_exact(framework: str) -> None:
    assert resolve(T("Programming", code="PROG", framework=framework)) == [
        ("Programming", "sfia:PROG", "exact")
    ]


def test_the_framework_may_be_named_by_its_uri() -> None:
    target = T("SQL", code="S4.8", framework="http://data.europa.eu/esco/model")
    assert resolve(target) == [("SQL", "esco-1.2:S4.8", "exact")]


def test_a_code_without_its_framework_or_in_another_is_not_exact() -> None:
    assert resolve(T("x", code="PROG"), T("y", code="PROG", framework="ESCO")) == [
        ("x", None, "unmapped"),
        ("y", None, "unmapped"),
    ]


def test_a_similar_label_is_only_suggested_never_exact() -> None:
    resolution = AlignmentResolver([ESCO]).resolve(
        [T("structured query language"), T("Work in teams")]
    )
    assert [(a.competency, a.status) for a in resolution.alignments] == [
        (CompetencyRef("esco-1.2", "S4.8"), AlignmentStatus.SUGGESTED),
        (CompetencyRef("esco-1.2", "T1"), AlignmentStatus.SUGGESTED),
    ]
    first = resolution.suggestions[0]
    assert (first.label, first.score) == ("Structured Query Language", 100.0)
    assert resolution.count(AlignmentStatus.SUGGESTED) == 2
    assert not any(a.status.counts for a in resolution.alignments)


def test_a_label_below_the_threshold_is_unmapped() -> None:
    assert resolve(T("Python")) == [("Python", None, "unmapped")]  # 'Python (computer ...)'
    assert resolve(T("Teamwork")) == [("Teamwork", None, "unmapped")]
    loose = AlignmentResolver([ESCO], threshold=30).resolve([T("Python")])
    assert loose.alignments[0].status is AlignmentStatus.SUGGESTED


def test_retired_competencies_are_not_suggested() -> None:
    assert resolve(T("Cobol maintenance"), T("Database administration")) == [
        ("Cobol maintenance", None, "unmapped"),
        ("Database administration", None, "unmapped"),
    ]


def test_a_retired_competency_is_exact_when_named() -> None:
    assert resolve(T("DB", code="DBAD", framework="sfia")) == [("DB", "sfia:DBAD", "exact")]


def test_one_uri_in_two_framework_versions_aligns_to_both() -> None:
    target = T("Python", url=ESCO_PYTHON)
    assert resolve(target, frameworks=(ESCO, ESCO_OLD)) == [
        ("Python", "esco-1.1:S1.2", "exact"),
        ("Python", "esco-1.2:S1.2", "exact"),
    ]


def test_the_same_competency_twice_is_aligned_once() -> None:
    assert resolve(
        T("Python", url=ESCO_PYTHON), T("Python 3", code="S1.2", framework="esco-1.2")
    ) == [("Python", "esco-1.2:S1.2", "exact")]


def test_a_target_without_a_name_keeps_its_url_or_code() -> None:
    assert resolve(T("", url="https://example.org/x"), T("  ", code="Z9")) == [
        ("https://example.org/x", None, "unmapped"),
        ("Z9", None, "unmapped"),
    ]
    alignment = AlignmentResolver([]).resolve([T("", url="https://example.org/x")]).alignments[0]
    assert alignment.target_url == "https://example.org/x"


def test_an_empty_workspace_maps_nothing() -> None:
    assert resolve(T("SQL"), frameworks=()) == [("SQL", None, "unmapped")]
