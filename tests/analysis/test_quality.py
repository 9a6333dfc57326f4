"""The quality rubric and profiles (pure): weights, vetoes, the order of scores, inference of
the assessment type from realistic Open Badges 2.0 / 3.0 achievements, and decay."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillgap.analysis.quality import infer_assessment, profile, profiles
from skillgap.analysis.rubric import (
    DEFAULT_RUBRIC,
    CheckName,
    Rubric,
    Stacking,
    changes,
    lapses_on,
    problems,
)
from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    CompetencyRef,
    Issuer,
    IssuerTier,
)
from skillgap.errors import ValidationError

SQL = CompetencyRef("fw", "sql")


def achievement(
    assessment: AssessmentType = AssessmentType.PRACTICAL_EXAM,
    status: AlignmentStatus = AlignmentStatus.EXACT,
    stackable_into: tuple[str, ...] = (),
) -> Achievement:
    return Achievement(
        "ach",
        "SQL Practitioner",
        "iss",
        criteria="Hands-on lab exam: fix a broken query set.",
        assessment=assessment,
        alignments=(Alignment("SQL", SQL, 3, status=status),),
        stackable_into=stackable_into,
    )


def issuer(tier: IssuerTier = IssuerTier.INDUSTRY_VENDOR) -> Issuer:
    return Issuer("iss", "Vendor", tier=tier)


# --- the rubric ------------------------------------------------------------------------------


def test_the_default_rubric_is_sound_and_documented_values_hold() -> None:
    r = DEFAULT_RUBRIC
    assert sum(r.weights.values()) == pytest.approx(1.0)
    assert r.threshold == 0.65 and r.decay_years is None
    assert r.assessment[AssessmentType.QUIZ] == r.assessment[AssessmentType.ATTENDANCE] == 0
    assert r.issuer[IssuerTier.UNKNOWN] == 0
    assert r.stackability[Stacking.STANDALONE] > 0  # standalone is no defect: no veto
    assert r.flat()["assessment.proctored-exam"] == 0.75


def test_a_vendor_practical_exam_counts_and_explains_each_check() -> None:
    p = profile(achievement(), issuer())
    assert [c.name for c in p.checks] == list(CheckName)
    # 0.3 x 1 + 0.4 x 0.9 + 0.2 x 1 + 0.1 x 0.5
    assert p.weight == 0.91 and p.passes and p.vetoed_by == ()
    text = {c.name: c.explanation for c in p.checks}
    assert text[CheckName.ALIGNMENT] == "aligned by URI or code to 1 competency"
    assert text[CheckName.ASSESSMENT] == "a practical exam (the criteria say 'Hands-on lab')"
    assert text[CheckName.ISSUER] == "Vendor: an industry vendor (industry-vendor)"
    assert text[CheckName.STACKABILITY].startswith("standalone")


def test_vetoes_stop_a_credential_whatever_its_weight() -> None:
    mill = profile(achievement(), issuer(IssuerTier.UNKNOWN))
    assert mill.vetoed_by == (CheckName.ISSUER,) and not mill.passes
    assert mill.weight == 0.71  # above the threshold, yet it does not count
    assert "not trusted" in mill.check(CheckName.ISSUER).explanation
    quiz = profile(achievement(AssessmentType.QUIZ), issuer())
    assert quiz.vetoed_by == (CheckName.ASSESSMENT,)
    suggested = profile(achievement(status=AlignmentStatus.SUGGESTED), issuer())
    assert suggested.vetoed_by == (CheckName.ALIGNMENT,)
    assert "alignments review" in suggested.check(CheckName.ALIGNMENT).explanation
    standalone = profile(achievement(), issuer(), replace_rubric(stackability={"standalone": 0}))
    assert standalone.vetoed_by == () and standalone.check(CheckName.STACKABILITY).score == 0


def test_the_threshold_turns_away_the_weakest_mix_the_gate_let_through() -> None:
    # an unproctored test from a merely known provider: exact alignment passes, a
    # reviewer-confirmed one alone does not (0.24 + 0.2 + 0.12 + 0.05 = 0.61)
    exact = profile(achievement(AssessmentType.UNPROCTORED_TEST), issuer(IssuerTier.KNOWN))
    assert exact.weight == 0.67 and exact.passes
    confirmed = achievement(AssessmentType.UNPROCTORED_TEST, AlignmentStatus.CONFIRMED)
    weak = profile(confirmed, issuer(IssuerTier.KNOWN))
    assert weak.weight == 0.61 and not weak.passes and weak.vetoed_by == ()


def test_stackability_counts_what_stacks_into_it_and_what_it_stacks_into() -> None:
    step = achievement(stackable_into=("next",))
    p = profile(step, issuer())
    assert p.check(CheckName.STACKABILITY).score == 1.0
    assert p.check(CheckName.STACKABILITY).explanation == "stacks into 1 credential"
    top = replace(achievement(), id="next")
    found = profiles({"ach": step, "next": top}, {"iss": issuer()})
    assert found["next"].check(CheckName.STACKABILITY).explanation == (
        "completes a pathway (1 credential stacks into it)"
    )
    assert found["next"].weight == found["ach"].weight == 0.96


def test_a_reviewer_note_and_a_disagreeing_text_are_explained() -> None:
    declared = achievement(AssessmentType.PROCTORED_EXAM)
    text = profile(declared, issuer()).check(CheckName.ASSESSMENT).explanation
    assert text == (
        "a proctored exam (as recorded for the achievement; its text suggests practical-exam "
        "(the criteria say 'Hands-on lab'))"
    )
    noted = profile(declared, issuer(), assessment_note="set by ana on 2026-11-01")
    assert noted.check(CheckName.ASSESSMENT).explanation == (
        "a proctored exam (set by ana on 2026-11-01)"
    )


def replace_rubric(**tables: dict[str, float]) -> Rubric:
    fields: dict[str, Any] = {}
    for name, values in tables.items():
        current = getattr(DEFAULT_RUBRIC, name)
        fields[name] = {k: values.get(str(k), v) for k, v in current.items()}
    return replace(DEFAULT_RUBRIC, **fields)


def test_a_rubric_breaking_its_rules_is_refused_with_every_reason() -> None:
    with pytest.raises(ValidationError, match="weights: must add up to 1, not 1.1"):
        replace_rubric(weights={"alignment": 0.4})
    with pytest.raises(ValidationError, match="more than the stronger proctored-exam"):
        replace_rubric(assessment={"quiz": 0.9})
    with pytest.raises(ValidationError, match="issuer.known: scores 1.*stronger internal-board"):
        replace_rubric(issuer={"known": 1.0})
    with pytest.raises(ValidationError, match="decay_years: must be from 1 to 100"):
        replace(DEFAULT_RUBRIC, decay_years=0)
    fields = {
        "weights": DEFAULT_RUBRIC.weights,
        "alignment": DEFAULT_RUBRIC.alignment,
        "assessment": {**DEFAULT_RUBRIC.assessment, AssessmentType.QUIZ: 1.5},
        "issuer": DEFAULT_RUBRIC.issuer,
        "stackability": {},
        "threshold": -0.1,
        "decay_years": None,
    }
    found = dict(problems(**fields))
    assert found["assessment.quiz"] == "1.5 is not a number from 0 to 1"
    assert found["stackability.stacks"] == "is missing"
    assert found["threshold"] == "-0.1 is not a number from 0 to 1"


def test_changes_name_each_setting_with_old_and_new() -> None:
    new = replace(replace_rubric(assessment={"quiz": 0.1}), threshold=0.7, decay_years=5)
    found = {c.field: (c.old, c.new) for c in changes(DEFAULT_RUBRIC, new)}
    assert found == {
        "assessment.quiz": (0.0, 0.1),
        "threshold": (0.65, 0.7),
        "decay_years": (None, 5),
    }
    assert changes(DEFAULT_RUBRIC, Rubric()) == []


# --- properties --------------------------------------------------------------------------------

ORDERED_ASSESSMENTS = sorted(AssessmentType, key=lambda a: a.rank)
TIERS = [IssuerTier.UNKNOWN, IssuerTier.KNOWN, IssuerTier.INTERNAL_BOARD]


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    """Any sound rubric: weights adding up to 1, scores in the order of the evidence."""
    raw = draw(st.lists(st.integers(0, 10), min_size=4, max_size=4).filter(any))
    weights = dict(zip(CheckName, [w / sum(raw) for w in raw], strict=True))
    by_rank = sorted(draw(st.lists(st.floats(0, 1), min_size=6, max_size=6)))
    assessment = {a: by_rank[min(a.rank, 5)] for a in AssessmentType}
    tiers = sorted(draw(st.lists(st.floats(0, 1), min_size=3, max_size=3)))
    issuer_scores = {
        IssuerTier.UNKNOWN: tiers[0],
        IssuerTier.KNOWN: tiers[1],
        **dict.fromkeys(
            (IssuerTier.INTERNAL_BOARD, IssuerTier.ACCREDITED, IssuerTier.INDUSTRY_VENDOR),
            tiers[2],
        ),
    }
    confirmed, exact = sorted(draw(st.lists(st.floats(0, 1), min_size=2, max_size=2)))
    standalone, stacks = sorted(draw(st.lists(st.floats(0, 1), min_size=2, max_size=2)))
    return Rubric(
        weights=weights,
        alignment={AlignmentStatus.EXACT: exact, AlignmentStatus.CONFIRMED: confirmed},
        assessment=assessment,
        issuer=issuer_scores,
        stackability={
            Stacking.STACKS: stacks,
            Stacking.PATHWAY: stacks,
            Stacking.STANDALONE: standalone,
        },
        threshold=draw(st.floats(0, 1)),
    )


@given(
    rubric=rubrics(),
    kinds=st.tuples(st.sampled_from(AssessmentType), st.sampled_from(AssessmentType)),
    tiers=st.tuples(st.sampled_from(TIERS), st.sampled_from(TIERS)),
    status=st.sampled_from([AlignmentStatus.EXACT, AlignmentStatus.CONFIRMED]),
)
def test_a_stronger_assessment_or_tier_never_lowers_the_weight(
    rubric: Rubric,
    kinds: tuple[AssessmentType, AssessmentType],
    tiers: tuple[IssuerTier, IssuerTier],
    status: AlignmentStatus,
) -> None:
    weak_kind, strong_kind = sorted(kinds, key=lambda a: a.rank)
    weak_tier, strong_tier = sorted(tiers, key=TIERS.index)
    weak = profile(achievement(weak_kind, status), issuer(weak_tier), rubric)
    stronger_kind = profile(achievement(strong_kind, status), issuer(weak_tier), rubric)
    stronger_tier = profile(achievement(weak_kind, status), issuer(strong_tier), rubric)
    for p in (weak, stronger_kind, stronger_tier):
        assert 0.0 <= p.weight <= 1.0
    assert stronger_kind.weight >= weak.weight and stronger_tier.weight >= weak.weight
    assert not (weak.passes and not stronger_kind.passes)
    assert not (weak.passes and not stronger_tier.passes)


# --- decay -------------------------------------------------------------------------------------


def test_decay_is_off_by_default_and_counts_whole_years() -> None:
    issued = datetime(2024, 2, 29, 12, tzinfo=UTC)
    assert lapses_on(issued, DEFAULT_RUBRIC) is None
    three = replace(DEFAULT_RUBRIC, decay_years=3)
    assert lapses_on(issued, three) == datetime(2027, 2, 28, 12, tzinfo=UTC)
    assert lapses_on(datetime(2020, 5, 1, tzinfo=UTC), three) == datetime(2023, 5, 1, tzinfo=UTC)


# --- reading the assessment type from a credential ----------------------------------------------

OB2_BADGECLASS = {
    "@context": "https://w3id.org/openbadges/v2",
    "type": "BadgeClass",
    "id": "https://badges.example.org/badges/cloud-practitioner",
    "name": "Cloud Practitioner",
    "description": "Entry-level certification covering cloud concepts and pricing.",
    "image": "https://badges.example.org/badges/cloud-practitioner.png",
    "criteria": {
        "id": "https://badges.example.org/badges/cloud-practitioner/criteria",
        "narrative": "Pass a 90-minute proctored multiple-choice exam at a test centre or "
        "with online remote proctoring.",
    },
    "issuer": "https://badges.example.org/issuer",
    "alignment": [{"targetName": "Cloud fundamentals", "targetCode": "cloud-fundamentals"}],
}
OB3_ACHIEVEMENT = {
    "id": "https://example.edu/achievements/data-analysis",
    "type": ["Achievement"],
    "achievementType": "Certificate",
    "name": "Data Analysis with Python",
    "description": "Eight-week online course on Python, notebooks and data frames.",
    "criteria": {"narrative": "Complete the weekly notebooks and an unsupervised final test."},
    "resultDescription": [
        {
            "id": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
            "type": ["ResultDescription"],
            "name": "Final test score",
            "resultType": "Percent",
        }
    ],
}


@pytest.mark.parametrize(
    ("doc", "kind", "why"),
    [
        (OB2_BADGECLASS, AssessmentType.PROCTORED_EXAM, "the criteria say 'proctored'"),
        (OB3_ACHIEVEMENT, AssessmentType.UNPROCTORED_TEST, "the criteria say 'unsupervised'"),
        (
            {
                "criteria": {
                    "narrative": "Attend the course and pass an online test, taken at home."
                }
            },
            AssessmentType.UNPROCTORED_TEST,
            "the criteria say 'taken at home'",
        ),
        (
            {"criteria": "Two observed presentations scored by two review-board members."},
            AssessmentType.PERFORMANCE,
            "the criteria say 'observed'",
        ),
        (
            {"criteria": {"narrative": "Submit a capstone project reviewed by an instructor."}},
            AssessmentType.PORTFOLIO,
            "the criteria say 'capstone'",
        ),
        (
            {"criteria": {"narrative": "Four-hour hands-on lab exam in a live cloud account."}},
            AssessmentType.PRACTICAL_EXAM,
            "the criteria say 'hands-on lab'",
        ),
        (
            {"criteria": {"narrative": "Pass a proctored exam; one year of hands-on experience."}},
            AssessmentType.PROCTORED_EXAM,
            "the criteria say 'proctored'",
        ),
        (
            {"criteria": {"narrative": "Answer 15 multiple-choice questions online."}},
            AssessmentType.QUIZ,
            "the criteria say 'Answer 15 multiple-choice questions'",
        ),
        (
            {"criteria": {"narrative": "Attend the full-day workshop."}},
            AssessmentType.ATTENDANCE,
            "the criteria say 'Attend'",
        ),
        (
            {"description": "Ten-week course on supervised learning.", "criteria": ""},
            AssessmentType.UNKNOWN,
            "nothing in the credential says how it was assessed",
        ),
        (
            {
                "criteria": {"id": "https://x.example/c"},
                "resultDescription": [
                    {"type": ["ResultDescription"], "resultType": "RubricCriterionLevel"}
                ],
            },
            AssessmentType.PRACTICAL_EXAM,
            "results are reported as RubricCriterionLevel",
        ),
        (
            {"achievementType": "ApprenticeshipCertificate"},
            AssessmentType.PERFORMANCE,
            "its achievementType is ApprenticeshipCertificate",
        ),
        (
            {"achievementType": "CertificateOfCompletion", "criteria": {"narrative": "-"}},
            AssessmentType.ATTENDANCE,
            "its achievementType is CertificateOfCompletion",
        ),
    ],
)
def test_the_assessment_is_read_from_the_credential(
    doc: dict[str, Any], kind: AssessmentType, why: str
) -> None:
    assert infer_assessment(doc) == (kind, why)


def test_evidence_is_the_last_resort_and_the_criteria_come_first() -> None:
    bare: dict[str, Any] = {"criteria": {"narrative": "Build a working tool."}}
    assert infer_assessment(bare)[0] is AssessmentType.UNKNOWN
    assert infer_assessment(bare, evidence=True) == (
        AssessmentType.PORTFOLIO,
        "the award carries evidence of the earner's work",
    )
    attended = {"criteria": "Attend a two-day virtual class.", "achievementType": "License"}
    assert infer_assessment(attended, evidence=True)[0] is AssessmentType.ATTENDANCE
    garbage: dict[str, Any] = {"criteria": 7, "resultDescription": "x", "achievementType": []}
    assert infer_assessment(garbage)[0] is AssessmentType.UNKNOWN
