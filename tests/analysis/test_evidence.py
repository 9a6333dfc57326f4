from dataclasses import replace
from datetime import UTC, datetime, timedelta

from skillgap.analysis.evidence import CredentialOutcome, Exclusion, assess_awards, expires
from skillgap.analysis.rubric import DEFAULT_RUBRIC, CheckName, Rubric
from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    Check,
    CheckStatus,
    CompetencyRef,
    Issuer,
    IssuerTier,
    SourceKind,
    VerificationReport,
    VerificationStatus,
)
from tests.analysis.builders import CONTEXT, ISSUERS, NOW, SQL, VIZ, achievement, award


def judge(ach: Achievement, awd: Award, rubric: Rubric | None = None) -> CredentialOutcome:
    [outcome] = assess_awards([awd], {ach.id: ach}, ISSUERS, CONTEXT, NOW, rubric)
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
    assert "quality weight 0.91" in first.provenance
    assert first.confidence == outcome.quality.weight == 0.91  # the profile's weight


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
    assert judge(suggested, award()).exclusions == (Exclusion.SUGGESTED_ONLY,)
    unmapped = achievement(
        alignments=(Alignment("Ethical hacking", status=AlignmentStatus.UNMAPPED),)
    )
    assert judge(unmapped, award()).exclusions == (Exclusion.UNALIGNED,)
    assert judge(achievement(), award(person=None)).exclusions == (Exclusion.UNMATCHED,)


def test_a_failed_verification_never_counts() -> None:
    report = VerificationReport(
        VerificationStatus.REVOKED, NOW, "ob3", (Check("status", CheckStatus.FAIL, "revoked"),)
    )
    revoked = award()
    revoked = type(revoked)(**{**vars(revoked), "verification": report})
    outcome = judge(achievement(), revoked)
    assert outcome.exclusions == (Exclusion.NOT_VALID,) and not outcome.observations


def test_records_count_unless_the_rubric_says_otherwise() -> None:
    """An award loaded as a record has no verification report: the organisation vouches
    for it, unless its rubric turns ``count_records`` off; verified awards are unaffected."""
    record = award()
    assert record.verification is None and judge(achievement(), record).counted
    strict = replace(DEFAULT_RUBRIC, count_records=False)
    outcome = judge(achievement(), record, strict)
    assert outcome.exclusions == (Exclusion.RECORD,) and not outcome.observations
    report = VerificationReport(VerificationStatus.VALID, NOW, "ob3", ())
    verified = type(record)(**{**vars(record), "verification": report})
    assert judge(achievement(), verified, strict).counted


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


def test_a_credential_below_the_threshold_does_not_count_and_says_so() -> None:
    strict = replace(DEFAULT_RUBRIC, threshold=0.95)
    outcome = judge(achievement(), award(), strict)
    assert outcome.exclusions == (Exclusion.BELOW_THRESHOLD,) and not outcome.observations
    assert outcome.quality.weight == 0.91 and outcome.quality.threshold == 0.95
    assert judge(achievement(), award(), replace(DEFAULT_RUBRIC, threshold=0.91)).counted


def test_a_veto_is_reported_by_itself_never_also_as_below_the_threshold() -> None:
    quiz = achievement(assessment=AssessmentType.QUIZ)
    outcome = judge(quiz, award())
    assert outcome.quality.weight < outcome.quality.threshold  # 0.55
    assert outcome.exclusions == (Exclusion.WEAK_ASSESSMENT,)
    assert outcome.quality.vetoed_by == (CheckName.ASSESSMENT,)


def test_the_organisation_rubric_decides_what_a_quiz_or_a_tier_is_worth() -> None:
    scores = {**DEFAULT_RUBRIC.assessment, AssessmentType.QUIZ: 0.4, AssessmentType.ATTENDANCE: 0.4}
    lenient = replace(DEFAULT_RUBRIC, assessment=scores, threshold=0.6)
    quiz = achievement(assessment=AssessmentType.QUIZ)
    assert judge(quiz, award(), lenient).counted  # 0.3 + 0.16 + 0.2 + 0.05 = 0.71
    tiers = {t: 0.5 for t in IssuerTier}
    trusting = replace(DEFAULT_RUBRIC, issuer=tiers)
    assert judge(achievement(issuer="mill"), award(), trusting).counted


def test_evidence_older_than_the_decay_period_lapses() -> None:
    yearly = replace(DEFAULT_RUBRIC, decay_years=1)
    old = award(issued=datetime(2025, 1, 1, tzinfo=UTC))
    outcome = judge(achievement(), old, yearly)
    assert outcome.exclusions == (Exclusion.LAPSED,)
    assert outcome.lapses_on == datetime(2026, 1, 1, tzinfo=UTC)
    assert judge(achievement(), award(issued=datetime(2026, 6, 1, tzinfo=UTC)), yearly).counted
    assert judge(achievement(), old).lapses_on is None  # no decay by default


def test_pathways_are_read_across_every_achievement_given() -> None:
    step = replace(achievement("step"), stackable_into=("top",))
    top = achievement("top")
    found = assess_awards([award("a1", "top")], {"step": step, "top": top}, ISSUERS, CONTEXT, NOW)
    assert found[0].quality.weight == 0.96  # completes a pathway: stackability 1.0
    issuers: dict[str, Issuer] = dict(ISSUERS)
    alone = assess_awards([award("a1", "top")], {"top": top}, issuers, CONTEXT, NOW)
    assert alone[0].quality.weight == 0.91
