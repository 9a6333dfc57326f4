"""The quality use cases on every backend (memory, SQLite, PostgreSQL): the rubric and its
history, the issuer registry, reviewers' assessment types and alignment decisions, and the
analyses (summary, why) reading what was decided."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillgap.analysis.evidence import Exclusion
from skillgap.analysis.rubric import DEFAULT_RUBRIC, CheckName
from skillgap.clock import FixedClock
from skillgap.domain import Alignment, AlignmentStatus, AssessmentType, IssuerTier
from skillgap.errors import InputErrors, NotFoundError, ValidationError
from skillgap.services import achievement_quality, quality
from skillgap.services.credentials import import_credentials
from skillgap.services.explain import explain_level
from skillgap.services.summary import organisation_summary
from skillgap.services.verification import FetchPlan
from skillgap.store import Store
from tests.analysis.builders import (
    ANA,
    BEN,
    FRAMEWORK,
    ISSUERS,
    ROLE,
    SQL,
    VIZ,
    achievement,
    award,
)
from tests.services.badges import AT, plain, prepare, python_academy
from tests.services.badges import write as write_badge

NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
CLOCK = FixedClock(NOW)
AS_OF = NOW.date()
CERT = achievement(
    "sql-cert",
    alignments=(
        Alignment("SQL", SQL, 3),
        Alignment("Visualisation", VIZ, None, status=AlignmentStatus.SUGGESTED),
        Alignment("Storytelling", status=AlignmentStatus.UNMAPPED),
    ),
)
MILL = achievement("sql-mill", issuer="mill")
QUIZ = achievement("sql-quiz", assessment=AssessmentType.QUIZ)


@pytest.fixture
def ws_store(store: Store) -> Store:
    with store.transaction() as ws:
        ws.frameworks.add(FRAMEWORK)
        ws.roles.add(ROLE)
        ws.people.add_all([ANA, BEN])
        ws.issuers.add_all(ISSUERS.values())
        ws.achievements.add_all([CERT, MILL, QUIZ])
        ws.awards.add_all(
            [
                award("a1", "sql-cert", "E1"),
                award("a2", "sql-mill", "E2"),
                award("a3", "sql-quiz", "E2"),
            ]
        )
    return store


def counted(store: Store) -> int:
    return organisation_summary(store, CLOCK, as_of=AS_OF).credentials.counted


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rubric_file_is_stored_recorded_and_used(ws_store: Store, tmp_path: Path) -> None:
    assert counted(ws_store) == 1  # the vendor's exam; the mill and the quiz are vetoed
    strict = write(tmp_path / "strict.yaml", "threshold: 0.95\ndecay_years: 10\n")

    update = quality.set_rubric(ws_store, CLOCK, strict, "ana")

    assert [(c.field, c.old, c.new) for c in update.changes] == [
        ("threshold", 0.65, 0.95),
        ("decay_years", None, 10),
    ]
    view = quality.show_rubric(ws_store)
    assert view.custom and view.rubric.threshold == 0.95 and len(view.from_defaults) == 2
    summary = organisation_summary(ws_store, CLOCK, as_of=AS_OF)
    assert summary.credentials.counted == 0
    assert summary.credentials.excluded[Exclusion.BELOW_THRESHOLD] == 1
    [entry] = quality.history(ws_store)
    assert (entry.at, entry.by, entry.action, entry.source) == (NOW, "ana", "rubric", str(strict))
    # the same file again changes nothing and records nothing
    assert quality.set_rubric(ws_store, CLOCK, strict, "ben").changes == ()
    assert len(quality.history(ws_store)) == 1
    # an exported rubric set again is the same rubric
    exported = write(tmp_path / "out.yaml", quality.export_rubric(ws_store))
    assert quality.set_rubric(ws_store, CLOCK, exported, "ana").changes == ()
    assert "threshold: 0.95" in exported.read_text(encoding="utf-8")
    assert "default 0.65" in exported.read_text(encoding="utf-8")


def test_a_rubric_can_stop_counting_award_records(ws_store: Store, tmp_path: Path) -> None:
    """The fixture's awards are records (no verification report): counted by default."""
    assert counted(ws_store) == 1
    update = quality.set_rubric(
        ws_store, CLOCK, write(tmp_path / "r.yaml", "count_records: false\n"), "ana"
    )
    assert [(c.field, c.old, c.new) for c in update.changes] == [("count_records", True, False)]
    summary = organisation_summary(ws_store, CLOCK, as_of=AS_OF)
    assert (
        summary.credentials.counted == 0 and summary.credentials.excluded[Exclusion.RECORD] == 3
    )  # every award here
    [entry] = quality.history(ws_store)
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("count_records", True, False)]
    assert "count_records: false" in quality.export_rubric(ws_store)
    bad = write(tmp_path / "bad.yaml", "count_records: sometimes\n")
    with pytest.raises(InputErrors, match=r"bad.yaml, row 1, field 'count_records': 'sometimes'"):
        quality.set_rubric(ws_store, CLOCK, bad, "ana")


def test_a_bad_rubric_file_changes_nothing_and_names_each_line(
    ws_store: Store, tmp_path: Path
) -> None:
    bad = write(
        tmp_path / "bad.yaml",
        "threshold: 0.7\nweights:\n  alignment: 0.5\nassessment:\n  quizz: 0.1\n  quiz: yes\n",
    )
    with pytest.raises(InputErrors) as caught:
        quality.set_rubric(ws_store, CLOCK, bad, "ana")
    found = [(e.row, e.field) for e in caught.value.errors]
    assert found == [(5, "assessment.quizz"), (6, "assessment.quiz")]
    assert "unknown key 'quizz'" in str(caught.value)
    unsound = write(tmp_path / "unsound.yaml", "weights:\n  alignment: 0.5\n")
    with pytest.raises(InputErrors, match=r"unsound.yaml, row 1, field 'weights': must add up"):
        quality.set_rubric(ws_store, CLOCK, unsound, "ana")
    assert not quality.show_rubric(ws_store).custom and quality.history(ws_store) == []


def test_an_issuer_tier_is_set_and_recorded(ws_store: Store) -> None:
    rows = {r.issuer.id: r for r in quality.list_issuers(ws_store)}
    assert (rows["mill"].score, rows["mill"].achievements, rows["mill"].awards) == (0.0, 1, 1)
    assert [r.issuer.id for r in quality.list_issuers(ws_store, IssuerTier.UNKNOWN)] == ["mill"]

    decision = quality.set_issuer_tier(ws_store, CLOCK, "mill", IssuerTier.KNOWN, "ana")

    assert decision.entry is not None
    assert [(c.field, c.old, c.new) for c in decision.entry.changes] == [
        ("tier", "unknown", "known")
    ]
    with ws_store.transaction() as ws:
        assert ws.issuers.get("mill").tier is IssuerTier.KNOWN
    assert counted(ws_store) == 2  # the mill's practical exam now counts (weight 0.79)
    again = quality.set_issuer_tier(ws_store, CLOCK, "mill", IssuerTier.KNOWN, "ana")
    assert again.entry is None
    [entry] = quality.history(ws_store)
    assert (entry.action, entry.subject, entry.by) == ("issuer-tier", "mill", "ana")
    with pytest.raises(NotFoundError, match="no issuer 'nobody'"):
        quality.set_issuer_tier(ws_store, CLOCK, "nobody", IssuerTier.KNOWN, "ana")


def test_a_reviewer_sets_an_assessment_type_and_why_says_who(ws_store: Store) -> None:
    achievement_quality.set_assessment(
        ws_store, CLOCK, "sql-quiz", AssessmentType.PROCTORED_EXAM, "ben"
    )

    with ws_store.transaction() as ws:
        assert ws.achievements.get("sql-quiz").assessment is AssessmentType.PROCTORED_EXAM
    rows = {r.achievement.id: r for r in achievement_quality.list_achievements(ws_store)}
    check = rows["sql-quiz"].quality.check(CheckName.ASSESSMENT)
    assert check.explanation == "a proctored exam (set by ben on 2026-11-01)"
    assert rows["sql-quiz"].awards == 1 and rows["sql-quiz"].quality.passes
    detail = achievement_quality.show_achievement(ws_store, "sql-quiz")
    assert [(e.action, e.by) for e in detail.history] == [("assessment", "ben")]
    # Ana's own SQL credential, explained: the four checks and the weight
    why = explain_level(ws_store, CLOCK, "E1", "fw:sql", as_of=AS_OF)
    [credential] = why.credentials
    assert credential.counts and credential.quality.weight == 0.91
    assert [c.name for c in credential.quality.checks] == list(CheckName)
    with pytest.raises(NotFoundError, match="no achievement 'nope'"):
        achievement_quality.set_assessment(ws_store, CLOCK, "nope", AssessmentType.QUIZ, "ben")


def test_suggested_alignments_are_queued_confirmed_and_rejected(ws_store: Store) -> None:
    [item] = achievement_quality.review_queue(ws_store)
    assert (item.achievement.id, item.position, item.alignment.target_name) == (
        "sql-cert",
        2,
        "Visualisation",
    )
    assert item.competency is not None and item.competency.ref == VIZ
    assert (item.score, item.awards) == (100.0, 1)
    viz = explain_level(ws_store, CLOCK, "E1", "fw:viz", as_of=AS_OF)
    assert not viz.credentials[0].counts

    decision = achievement_quality.confirm_alignment(ws_store, CLOCK, "sql-cert", 2, "ana", level=2)

    assert decision.entry is not None and decision.note == ""
    with ws_store.transaction() as ws:
        alignments = ws.achievements.get("sql-cert").alignments
    assert (alignments[1].status, alignments[1].level) == (AlignmentStatus.CONFIRMED, 2)
    assert alignments[0] == CERT.alignments[0] and alignments[2] == CERT.alignments[2]
    assert achievement_quality.review_queue(ws_store) == []
    viz = explain_level(ws_store, CLOCK, "E1", "fw:viz", as_of=AS_OF)
    assert viz.credentials[0].counts and viz.holding is not None

    achievement_quality.reject_alignment(ws_store, CLOCK, "sql-cert", 2, "ben")

    with ws_store.transaction() as ws:
        rejected = ws.achievements.get("sql-cert").alignments[1]
    assert rejected == replace(CERT.alignments[1], competency=None, status=AlignmentStatus.UNMAPPED)
    entries = quality.history(ws_store)
    assert [(e.action, e.subject, e.by) for e in entries] == [
        ("alignment-confirmed", "sql-cert#2", "ana"),
        ("alignment-rejected", "sql-cert#2", "ben"),
    ]
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [
        ("level", None, 2),
        ("status", "suggested", "confirmed"),
    ]
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [
        ("competency", "fw:viz", None),
        ("level", 2, None),
        ("status", "confirmed", "unmapped"),
    ]


def test_alignment_decisions_refuse_what_cannot_be(ws_store: Store) -> None:
    with pytest.raises(NotFoundError, match="has 3 alignments: no position 4"):
        achievement_quality.confirm_alignment(ws_store, CLOCK, "sql-cert", 4, "ana")
    with pytest.raises(ValidationError, match="names no competency of the workspace"):
        achievement_quality.confirm_alignment(ws_store, CLOCK, "sql-cert", 3, "ana")
    with pytest.raises(ValidationError, match="level 9 is not on the"):
        achievement_quality.confirm_alignment(ws_store, CLOCK, "sql-cert", 2, "ana", level=9)
    plain = achievement_quality.confirm_alignment(ws_store, CLOCK, "sql-cert", 2, "ana")
    assert "no level" in plain.note  # confirmed, but it counts once it has a level
    assert (
        achievement_quality.confirm_alignment(ws_store, CLOCK, "sql-cert", 2, "ana").entry is None
    )
    assert achievement_quality.reject_alignment(ws_store, CLOCK, "sql-cert", 3, "ana").entry is None
    assert len(quality.history(ws_store)) == 1


def test_an_unreadable_stored_rubric_is_a_workspace_error(ws_store: Store) -> None:
    with ws_store.transaction() as ws:
        ws.meta.set(quality.META_RUBRIC, '{"threshold": "high"}')
    with pytest.raises(Exception, match="stored rubric is unreadable"):
        quality.show_rubric(ws_store)
    with ws_store.transaction() as ws:
        ws.meta.set(quality.META_RUBRIC, "{}")  # everything left out: the defaults
    assert quality.show_rubric(ws_store).rubric == DEFAULT_RUBRIC


def test_an_imported_achievement_gets_the_assessment_its_text_gives(
    store: Store, tmp_path: Path
) -> None:
    prepare(store)
    academy, badge = python_academy()  # "Python Practitioner, assessed by a project."
    path = write_badge(tmp_path, "ann.json", academy.award(1, badge, plain("ann@example.org")))
    import_credentials(
        store,
        [path],
        fetch_plan=FetchPlan(),
        clock=FixedClock(AT),
        at=AT,
        network=academy.fetcher,
        workers=1,
    )
    with store.transaction() as ws:
        assert ws.achievements.get(badge).assessment is AssessmentType.PORTFOLIO
    detail = achievement_quality.show_achievement(store, badge)
    assert detail.inferred == (AssessmentType.PORTFOLIO, "the description says 'project'")
    check = detail.row.quality.check(CheckName.ASSESSMENT)
    assert check.explanation == (
        "a portfolio or project of the earner's own work (the description says 'project')"
    )
    assert detail.row.quality.vetoed_by == (CheckName.ISSUER,)  # a new issuer: unknown


def test_quality_of_some_achievements_equals_the_full_listing(ws_store: Store) -> None:
    full = {r.achievement.id: r.quality for r in achievement_quality.list_achievements(ws_store)}
    some = set(sorted(full)[:3]) | {"no such achievement"}
    assert achievement_quality.quality_of(ws_store, some) == {k: full[k] for k in sorted(full)[:3]}
