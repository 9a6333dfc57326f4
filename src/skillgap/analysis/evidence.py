"""From awarded credentials to verified evidence: which awards count, and why not.

This is the provisional quality gate of the foundation: at a moment, an award counts when it
has been issued and has not expired (its own expiry date, else the achievement's validity
period), its verification (if any ran) is ``valid``, its issuer is recognised, its assessment
is at least an unproctored test, and it is aligned (exactly or by a confirmed mapping) to a
competency the workspace holds, at a level above 0. The weighted rubric of the inventory work
replaces the gate; the outcome shape (counted or not, with every reason) stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.domain import (
    Achievement,
    Alignment,
    AssessmentType,
    Award,
    Issuer,
    IssuerTier,
    Observation,
    SourceKind,
    VerificationStatus,
)


class Exclusion(StrEnum):
    """Why an award does not count (several may apply); the value is a stable code."""

    NOT_YET_ISSUED = "not-yet-issued"
    UNMATCHED = "unmatched"
    EXPIRED = "expired"
    NOT_VALID = "not-valid"
    UNTRUSTED_ISSUER = "untrusted-issuer"
    WEAK_ASSESSMENT = "weak-assessment"
    UNALIGNED = "unaligned"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Exclusion.NOT_YET_ISSUED: "not yet issued",
    Exclusion.UNMATCHED: "recipient not matched to a person",
    Exclusion.EXPIRED: "expired",
    Exclusion.NOT_VALID: "verification did not pass",
    Exclusion.UNTRUSTED_ISSUER: "issuer not recognised",
    Exclusion.WEAK_ASSESSMENT: "assessment too weak (quiz, attendance or unknown)",
    Exclusion.UNALIGNED: "not aligned to a held competency at a level",
}


@dataclass(frozen=True)
class EvidencePolicy:
    min_assessment_rank: int = AssessmentType.UNPROCTORED_TEST.rank
    trusted_tiers: frozenset[IssuerTier] = field(
        default_factory=lambda: frozenset(IssuerTier) - {IssuerTier.UNKNOWN}
    )


@dataclass(frozen=True)
class CredentialOutcome:
    award: Award
    achievement: Achievement
    issuer: Issuer
    exclusions: tuple[Exclusion, ...]
    observations: tuple[Observation, ...]

    @property
    def counted(self) -> bool:
        return not self.exclusions


def assess_awards(
    awards: Iterable[Award],
    achievements: Mapping[str, Achievement],
    issuers: Mapping[str, Issuer],
    context: SkillContext,
    at: datetime,
    policy: EvidencePolicy | None = None,
) -> list[CredentialOutcome]:
    """Judge every award at moment ``at``; counted awards yield credential observations."""
    policy = policy or EvidencePolicy()
    outcomes = []
    for award in awards:
        achievement = achievements[award.achievement_id]
        issuer = issuers[achievement.issuer_id]
        counting = _counting_alignments(achievement, context)
        exclusions = _exclusions(award, achievement, issuer, bool(counting), at, policy)
        observations: tuple[Observation, ...] = ()
        if not exclusions:
            observations = _observations(award, achievement, issuer, counting, context)
        outcomes.append(CredentialOutcome(award, achievement, issuer, exclusions, observations))
    return outcomes


def expires(award: Award, achievement: Achievement) -> datetime | None:
    """The award's own expiry, else the one its achievement's validity period gives."""
    return award.expires_on or achievement.expiry.expires(award.issued_on)


def _counting_alignments(
    achievement: Achievement, context: SkillContext
) -> list[tuple[int, Alignment]]:
    """Alignments that can evidence a level: confirmed, to a held competency, above 0."""
    found = []
    for index, alignment in enumerate(achievement.alignments):
        ref, level = alignment.competency, alignment.level
        if not alignment.status.counts or ref is None or level is None:
            continue
        framework = context.frameworks.get(ref.framework)
        if framework is None or not framework.has(ref.code):
            continue
        if level not in {lv.value for lv in framework.scale.levels}:
            continue
        if framework.scale.to_canonical(level) > 0:
            found.append((index, alignment))
    return found


def _exclusions(
    award: Award,
    achievement: Achievement,
    issuer: Issuer,
    aligned: bool,
    at: datetime,
    policy: EvidencePolicy,
) -> tuple[Exclusion, ...]:
    found = []
    if award.issued_on > at:
        found.append(Exclusion.NOT_YET_ISSUED)
    if award.person_id is None:
        found.append(Exclusion.UNMATCHED)
    expiry = expires(award, achievement)
    if expiry is not None and expiry <= at:
        found.append(Exclusion.EXPIRED)
    if award.verification is not None and award.verification.status is not (
        VerificationStatus.VALID
    ):
        found.append(Exclusion.NOT_VALID)
    if issuer.tier not in policy.trusted_tiers:
        found.append(Exclusion.UNTRUSTED_ISSUER)
    if achievement.assessment.rank < policy.min_assessment_rank:
        found.append(Exclusion.WEAK_ASSESSMENT)
    if not aligned:
        found.append(Exclusion.UNALIGNED)
    return tuple(found)


def _observations(
    award: Award,
    achievement: Achievement,
    issuer: Issuer,
    counting: list[tuple[int, Alignment]],
    context: SkillContext,
) -> tuple[Observation, ...]:
    assert award.person_id is not None
    return tuple(
        Observation(
            id=f"{award.id}#{index}",
            person_id=award.person_id,
            competency=alignment.competency,
            level=alignment.level,
            scale_id=context.framework(alignment.competency).scale.id,
            source=SourceKind.CREDENTIAL,
            observed_on=award.issued_on.date(),
            confidence=round(achievement.assessment.rank / 5, 2),
            provenance=(
                f"award {award.id}: {achievement.name} from {issuer.name} "
                f"({achievement.assessment.value}, {alignment.status.value} alignment)"
            ),
            award_id=award.id,
        )
        for index, alignment in counting
        if alignment.competency is not None and alignment.level is not None
    )
