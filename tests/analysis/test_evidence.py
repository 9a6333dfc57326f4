from dataclasses import replace
from datetime import UTC, datetime, timedelta

from skillgap.analysis.evidence import Exclusion, assess_awards, expires
from skillgap.domain import (
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Check,
    CheckStatus,
    CompetencyRef,
    SourceKind,
    VerificationReport,
    VerificationStatus,
)
from tests.analysis.builders import CONTEXT, ISSUERS, NOW, SQL, VIZ, achievement, award


def judge(ach, awd):  # type: ignore[no-untyped-def]
    [outcome] = assess_awards([awd], {ach.id: ach}, ISSUERS, CONTEXT, NOW)
    return outcome


def test_a_good_credential_becomes_verified_evidence_per_alignment() -> None:
    ach = achievement(alignments=(Alignment("SQL", SQL, 3), Alignment("Viz", VIZ, 2)))
    outcome = judge(ach, award())
    assert outcome.counted
    assert [(o.competency, o.level, o.source) for o in outcome.observations] == [
        (SQL, 3, SourceKind.CREDENTIAL),
        (VIZ, 2, SourceKind.CREDENTIAL),
    ]
    first = outcome.observations[0]
    assert first.award_id == "a1" and "Achievement ach from Vendor" in first.provenance
    assert first.confidence == 0.8  # practical exam: rank 4 of 5


def test_each_reason_not_to_count_is_reported() -> None:
    expired = award(expires=datetime(2026, 1, 1, tzinfo=UTC))
    assert judge(achievement(), expired).exclusions == (Exclusion.EXPIRED,)
    quiz = achievement(assessment=AssessmentType.QUIZ)
    assert judge(quiz, award()).exclusions == (Exclusion.WEAK_ASSESSMENT,)
    mill = achievement(issuer="mill", assessment=AssessmentType.ATTENDANCE)
    assert judge(mill, award()).exclusions == (
        Exclusion.UNTRUSTED_ISSUER,
        Exclusion.WEAK_ASSESSMENT,
    )
    suggested = achievement(
        alignments=(Alignment("SQL", SQL, 3, status=AlignmentStatus.SUGGESTED),)
    )
    assert judge(suggested, award()).exclusions == (Exclusion.UNALIGNED,)
    assert judge(achievement(), award(person=None)).exclusions == (Exclusion.UNMATCHED,)


def test_a_failed_verification_never_counts() -> None:
    report = VerificationReport(
        VerificationStatus.REVOKED, NOW, "ob3", (Check("status", CheckStatus.FAIL, "revoked"),)
    )
    revoked = award()
    revoked = type(revoked)(**{**vars(revoked), "verification": report})
    outcome = judge(achievement(), revoked)
    assert outcome.exclusions == (Exclusion.NOT_VALID,) and not outcome.observations


def test_nothing_counts_before_or_after_its_time() -> None:
    expires = datetime(2026, 6, 1, tzinfo=UTC)
    ach, awd = achievement(), award(expires=expires)
    [before] = assess_awards([awd], {ach.id: ach}, ISSUERS, CONTEXT, expires.replace(month=5))
    [after] = assess_awards([awd], {ach.id: ach}, ISSUERS, CONTEXT, expires)
    assert before.counted and not after.counted


def test_an_award_issued_after_the_moment_does_not_count_yet() -> None:
    issued = datetime(2026, 6, 1, tzinfo=UTC)
    ach, awd = achievement(), award(issued=issued)
    [before] = assess_awards([awd], {ach.id: ach}, ISSUERS, CONTEXT, issued - timedelta(seconds=1))
    [on] = assess_awards([awd], {ach.id: ach}, ISSUERS, CONTEXT, issued)
    assert before.exclusions == (Exclusion.NOT_YET_ISSUED,) and not before.observations
    assert on.counted


def test_the_achievement_validity_period_applies_without_an_expiry_date() -> None:
    from skillgap.domain import ExpiryPolicy

    ach = replace(achievement(), expiry=ExpiryPolicy(365))
    awd = award(issued=datetime(2025, 1, 1, tzinfo=UTC))  # no expires_on of its own
    assert expires(awd, ach) == datetime(2026, 1, 1, tzinfo=UTC)
    assert judge(ach, awd).exclusions == (Exclusion.EXPIRED,)
    own = award(issued=datetime(2025, 1, 1, tzinfo=UTC), expires=datetime(2027, 1, 1, tzinfo=UTC))
    assert judge(ach, own).counted  # the award's own date wins


def test_every_reason_is_reported_including_unheld_competencies() -> None:
    elsewhere = Alignment("Other", CompetencyRef("other-fw", "x"), 3)
    ach = achievement(assessment=AssessmentType.QUIZ, alignments=(elsewhere,))
    outcome = judge(ach, award(person=None))
    assert outcome.exclusions == (
        Exclusion.UNMATCHED,
        Exclusion.WEAK_ASSESSMENT,
        Exclusion.UNALIGNED,
    )


def test_a_level_zero_alignment_evidences_nothing() -> None:
    zero = achievement(alignments=(Alignment("SQL", SQL, 0),))
    assert judge(zero, award()).exclusions == (Exclusion.UNALIGNED,)
    mixed = achievement(alignments=(Alignment("SQL", SQL, 0), Alignment("Viz", VIZ, 2)))
    assert [o.competency for o in judge(mixed, award()).observations] == [VIZ]


def test_exclusions_have_stable_codes_and_labels() -> None:
    assert Exclusion.WEAK_ASSESSMENT.value == "weak-assessment"
    assert "unknown" in Exclusion.WEAK_ASSESSMENT.label
    assert all(reason.label for reason in Exclusion)
