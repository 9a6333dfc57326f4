"""From awarded credentials to verified evidence: which awards count, and why not.

This is the provisional quality gate of the foundation: an award counts when it is not
expired, its verification (if any ran) is ``valid``, its issuer is recognised, its
assessment is at least an unproctored test, and it is aligned (exactly or by a confirmed
mapping) to a competency at a level. The weighted rubric of the inventory work replaces the
gate; the outcome shape (counted or not, with reasons) stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.domain import (
    Achievement,
    AssessmentType,
    Award,
    Issuer,
    IssuerTier,
    Observation,
    SourceKind,
    VerificationStatus,
)


class Exclusion(StrEnum):
    UNMATCHED = "recipient not matched to a person"
    EXPIRED = "expired"
    NOT_VALID = "verification did not pass"
    UNTRUSTED_ISSUER = "issuer not recognised"
    WEAK_ASSESSMENT = "assessment too weak (quiz or attendance)"
    UNALIGNED = "not aligned to a framework competency"


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
        exclusions = _exclusions(award, achievement, issuer, at, policy)
        observations: tuple[Observation, ...] = ()
        if not exclusions and award.person_id is not None:
            observations = _observations(award, achievement, issuer, context)
            if not observations:
                exclusions = (Exclusion.UNALIGNED,)
        outcomes.append(CredentialOutcome(award, achievement, issuer, exclusions, observations))
    return outcomes


def _exclusions(
    award: Award, achievement: Achievement, issuer: Issuer, at: datetime, policy: EvidencePolicy
) -> tuple[Exclusion, ...]:
    found = []
    if award.person_id is None:
        found.append(Exclusion.UNMATCHED)
    if award.expired_at(at):
        found.append(Exclusion.EXPIRED)
    if award.verification is not None and award.verification.status is not (
        VerificationStatus.VALID
    ):
        found.append(Exclusion.NOT_VALID)
    if issuer.tier not in policy.trusted_tiers:
        found.append(Exclusion.UNTRUSTED_ISSUER)
    if achievement.assessment.rank < policy.min_assessment_rank:
        found.append(Exclusion.WEAK_ASSESSMENT)
    if not any(a.status.counts and a.level is not None for a in achievement.alignments):
        found.append(Exclusion.UNALIGNED)
    return tuple(found)


def _observations(
    award: Award, achievement: Achievement, issuer: Issuer, context: SkillContext
) -> tuple[Observation, ...]:
    assert award.person_id is not None
    made = []
    for index, alignment in enumerate(achievement.alignments):
        if not alignment.status.counts or alignment.competency is None or alignment.level is None:
            continue
        if alignment.competency.framework not in context.frameworks:
            continue
        made.append(
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
        )
    return tuple(made)
