"""The demo catalog and pathways: they load and validate against the demo organisation, name
only its competencies and achievements, show honest differences in quality, and the demo
people's awards already move them along the pathways."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from statistics import mean

import pytest

from skillgap.analysis.pathways import Holdings, newly_complete, progress_rows
from skillgap.domain import AssessmentType, IssuerTier
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.pathways import Pathway, StepRule, UnitKind
from skillgap.formats.bundle import Bundle
from skillgap.formats.catalog import catalog_yaml, read_catalog_file
from skillgap.formats.catalog_lookup import CompetencyLookup
from skillgap.formats.pathways import pathways_yaml, read_pathways_file
from skillgap.services.bundles import demo_folder

NEW_CREDENTIALS = {
    "https://skills.tidewell.example/achievements/security-operations-analyst",
    "https://skills.tidewell.example/achievements/cloud-platform-engineer",
    "https://skills.tidewell.example/achievements/certified-data-analyst",
}
WEAK = {AssessmentType.QUIZ, AssessmentType.ATTENDANCE, AssessmentType.UNKNOWN}
STRONG = {AssessmentType.PROCTORED_EXAM, AssessmentType.PRACTICAL_EXAM}


@pytest.fixture(scope="module")
def catalog(demo_bundle: Bundle) -> tuple[CatalogItem, ...]:
    read = read_catalog_file(
        demo_folder() / "catalog.yaml", CompetencyLookup.of([demo_bundle.framework])
    )
    assert read.warnings == ()  # every item gives its cost and hours
    return read.items


@pytest.fixture(scope="module")
def pathways(demo_bundle: Bundle, catalog: tuple[CatalogItem, ...]) -> tuple[Pathway, ...]:
    known = [a.id for a in demo_bundle.achievements]
    return read_pathways_file(
        demo_folder() / "pathways.yaml", catalog=catalog, achievement_ids=known
    )


def test_the_catalog_names_only_the_demo_competencies_and_achievements(
    demo_bundle: Bundle, catalog: tuple[CatalogItem, ...]
) -> None:
    assert 35 <= len(catalog) <= 50
    codes = {c.code for c in demo_bundle.framework.competencies}
    outcomes = [o for item in catalog for o in item.outcomes]
    assert all(o.competency.framework == "demo" and o.competency.code in codes for o in outcomes)
    assert all(1 <= o.level <= 5 for o in outcomes)
    assert all(item.outcomes for item in catalog)
    known = {a.id for a in demo_bundle.achievements}
    linked = [item.achievement_id for item in catalog if item.achievement_id]
    assert set(linked) <= known and len(linked) >= 20
    assert len(set(linked)) == len(linked)  # one item per credential
    assert all(item.name.endswith("(example)") for item in catalog)


def test_the_catalog_shows_honest_differences_in_quality(catalog: tuple[CatalogItem, ...]) -> None:
    internal = [i for i in catalog if i.internal]
    external = [i for i in catalog if not i.internal]
    assert len(internal) >= 10 and len(external) >= 20
    weak = [i for i in external if i.assessment in WEAK]
    strong = [
        i
        for i in external
        if i.assessment in STRONG
        and i.issuer_tier in (IssuerTier.INDUSTRY_VENDOR, IssuerTier.ACCREDITED)
    ]
    assert len(weak) >= 5 and len(strong) >= 10
    assert mean(i.cost for i in weak) * 3 < mean(i.cost for i in strong)
    assert sum(1 for i in weak if i.cost < 100) >= 4  # cheap quizzes, webinars and videos
    assert all(i.issuer_tier is not IssuerTier.UNKNOWN for i in strong)
    board = [i for i in internal if i.issuer_tier is IssuerTier.INTERNAL_BOARD]
    assert len(board) == len(internal)
    assert {AssessmentType.PERFORMANCE, AssessmentType.QUIZ} <= {i.assessment for i in board}
    assert sum(1 for i in catalog if i.prerequisites) >= 8
    assert sum(1 for i in catalog if i.valid_for_days) >= 10


def test_the_pathways_stack_the_catalog_and_third_party_credentials(
    demo_bundle: Bundle, catalog: tuple[CatalogItem, ...], pathways: tuple[Pathway, ...]
) -> None:
    assert [p.id for p in pathways] == ["security-operations", "cloud-platform", "data-analyst"]
    assert {p.awards for p in pathways} == NEW_CREDENTIALS
    assert not NEW_CREDENTIALS & {a.id for a in demo_bundle.achievements}
    assert {s.rule for p in pathways for s in p.steps} == set(StepRule)
    assert all([s.id for s in p.steps] == ["knowledge", "proficiency", "mastery"] for p in pathways)
    issuers = {a.id: a.issuer_id for a in demo_bundle.achievements}
    third_party = [
        u.id
        for p in pathways
        for u in p.units
        if u.kind is UnitKind.ACHIEVEMENT and "tidewell" not in issuers[u.id]
    ]
    assert len(third_party) >= 2
    item_ids = {i.id for i in catalog}
    assert all(u.id in item_ids for p in pathways for u in p.units if u.kind is UnitKind.ITEM)


def test_the_demo_files_are_what_the_export_writes_back(
    demo_bundle: Bundle,
    catalog: tuple[CatalogItem, ...],
    pathways: tuple[Pathway, ...],
    tmp_path: Path,
) -> None:
    (tmp_path / "catalog.yaml").write_text(catalog_yaml(catalog), encoding="utf-8")
    lookup = CompetencyLookup.of([demo_bundle.framework])
    assert read_catalog_file(tmp_path / "catalog.yaml", lookup).items == catalog
    (tmp_path / "pathways.yaml").write_text(pathways_yaml(pathways), encoding="utf-8")
    assert read_pathways_file(tmp_path / "pathways.yaml") == pathways


def test_the_demo_awards_move_people_along_the_pathways(
    demo_bundle: Bundle, catalog: tuple[CatalogItem, ...], pathways: tuple[Pathway, ...]
) -> None:
    held: dict[str, dict[str, list[tuple[str, datetime]]]] = defaultdict(lambda: defaultdict(list))
    for award in demo_bundle.awards:
        if award.person_id is not None:
            held[award.person_id][award.achievement_id].append((award.id, award.issued_on))
    people = {p.employee_id: Holdings(held[p.employee_id]) for p in demo_bundle.people}
    items = {i.id: i for i in catalog}
    rows = progress_rows(pathways, items, people)
    started = {r.pathway_id for r in rows if r.percent > 0}
    assert started == {p.id for p in pathways}
    assert sum(1 for r in rows if 0 < r.percent < 100) >= 15
    completions = newly_complete(pathways, items, people, [])
    assert [(c.person_id, c.pathway_id) for c in completions] == [("E1038", "security-operations")]
