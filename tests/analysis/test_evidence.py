from datetime import UTC, datetime

from skillgap.analysis.evidence import Exclusion, assess_awards
from skillgap.domain import (
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Check,
    CheckStatus,
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
