"""From awarded credentials to verified evidence: which awards count, and why not.

At a moment, an award counts when it has been issued and has neither expired (its own
expiry date, else the achievement's validity period) nor lapsed (the rubric's optional decay
after N years), its verification (if any ran) is ``valid`` (an award with none is a record,
counted unless the rubric's ``count_records`` is off), its recipient is a person, and its
achievement's quality profile (``quality.profile``, under the organisation's rubric) passes:
no check vetoes (an untrusted issuer, an assessment scoring 0, only suggested or no
alignments) and the weight reaches the threshold. Each alignment that can evidence a level
(exact or confirmed, to a competency the workspace holds, at a level above 0) then gives one
credential observation, whose confidence is the profile's weight.

Every reason an award does not count is kept, with a stable code: the summary tallies them,
``skillgap why`` lists them. A vetoed award is reported by its vetoes, not also as below the
threshold: the veto is what to act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.analysis.quality import QualityProfile, stacked_by
from skillgap.analysis.quality import profile as quality_profile
from skillgap.analysis.rubric import DEFAULT_RUBRIC, CheckName, Rubric, lapses_on
from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    Award,
    CompetencyRef,
    Issuer,
    Observation,
    SourceKind,
    VerificationStatus,
)

#: Verification outcomes that say only *when* a genuine credential holds: its dates (the
#: award's issue and expiry) decide at each analysis date, so a credential verified as
#: expired today still counts for an analysis dated before it expired.
DATED_STATUSES = frozenset(
    {VerificationStatus.VALID, VerificationStatus.EXPIRED, VerificationStatus.NOT_YET_VALID}
)


class Exclusion(StrEnum):
    """Why an award does not count (several may apply); the value is a stable code."""

    NOT_YET_ISSUED = "not-yet-issued"
    UNMATCHED = "unmatched"
    EXPIRED = "expired"
    LAPSED = "lapsed"
    NOT_VALID = "not-valid"
    RECORD = "record"
    UNTRUSTED_ISSUER = "untrusted-issuer"
    WEAK_ASSESSMENT = "weak-assessment"
    SUGGESTED_ONLY = "suggested-only"
    UNALIGNED = "unaligned"
    BELOW_THRESHOLD = "below-threshold"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Exclusion.NOT_YET_ISSUED: "not yet issued",
    Exclusion.UNMATCHED: "recipient not matched to a person",
    Exclusion.EXPIRED: "expired",
    Exclusion.LAPSED: "lapsed (older than the rubric's decay period)",
    Exclusion.NOT_VALID: "verification did not pass",
    Exclusion.RECORD: "a record with no credential to verify (the rubric does not count records)",
    Exclusion.UNTRUSTED_ISSUER: "issuer not recognised",
    Exclusion.WEAK_ASSESSMENT: "assessment too weak (quiz, attendance or unknown)",
    Exclusion.SUGGESTED_ONLY: "alignments only suggested (a reviewer has not confirmed them)",
    Exclusion.UNALIGNED: "not aligned to a held competency at a level",
    Exclusion.BELOW_THRESHOLD: "quality weight below the rubric's threshold",
}


@dataclass(frozen=True)
class CredentialOutcome:
    award: Award
    achievement: Achievement
    issuer: Issuer
    exclusions: tuple[Exclusion, ...]
    observations: tuple[Observation, ...]
    quality: QualityProfile  # the achievement's profile under the rubric applied
    lapses_on: datetime | None = None  # when the rubric's decay ends it (None: no decay)

    @property
    def counted(self) -> bool:
        return not self.exclusions


def assess_awards(
    awards: Iterable[Award],
    achievements: Mapping[str, Achievement],
    issuers: Mapping[str, Issuer],
    context: SkillContext,
    at: datetime,
    rubric: Rubric | None = None,
    *,
    notes: Mapping[str, str] | None = None,
    stacked: Mapping[str, int] | None = None,
    observe: bool = True,
) -> list[CredentialOutcome]:
    """Judge every award at moment ``at`` under ``rubric`` (default: the documented one);
    counted awards yield credential observations. ``achievements`` should hold every
    achievement of the workspace, so that pathways (what stacks into what) are seen whole;
    ``notes`` say who set an achievement's assessment type, for the explanation;
    ``stacked`` is ``quality.stacked_by(achievements)`` when the caller keeps it.
    ``observe=False`` leaves counted outcomes without their observations (``award_evidence``
    gives them as rows: a whole organisation's are hundreds of thousands of objects)."""
    rubric = rubric or DEFAULT_RUBRIC
    if stacked is None:
        stacked = stacked_by(achievements.values())
    judged: dict[str, QualityProfile] = {}  # each achievement's profile, once
    aligned: dict[str, list[tuple[int, Alignment]]] = {}  # and its counting alignments
    outcomes = []
    for award in awards:
        achievement = achievements[award.achievement_id]
        issuer = issuers[achievement.issuer_id]
        profile = judged.get(achievement.id)
        if profile is None:
            profile = judged[achievement.id] = quality_profile(
                achievement,
                issuer,
                rubric,
                stacked_by=stacked.get(achievement.id, 0),
                assessment_note=(notes or {}).get(achievement.id),
            )
        counting = aligned.get(achievement.id)
        if counting is None:
            counting = aligned[achievement.id] = _counting_alignments(achievement, context)
        lapse = lapses_on(award.issued_on, rubric)
        exclusions = _exclusions(award, achievement, profile, bool(counting), lapse, at)
        if award.verification is None and not rubric.count_records:
            exclusions = (*exclusions, Exclusion.RECORD)
        observations: tuple[Observation, ...] = ()
        if not exclusions and observe:
            observations = _observations(award, achievement, issuer, counting, context, profile)
        outcomes.append(
            CredentialOutcome(award, achievement, issuer, exclusions, observations, profile, lapse)
        )
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
    profile: QualityProfile,
    aligned: bool,
    lapse: datetime | None,
    at: datetime,
) -> tuple[Exclusion, ...]:
    found = []
    if award.issued_on > at:
        found.append(Exclusion.NOT_YET_ISSUED)
    if award.person_id is None:
        found.append(Exclusion.UNMATCHED)
    expiry = expires(award, achievement)
    if expiry is not None and expiry <= at:
        found.append(Exclusion.EXPIRED)
    if lapse is not None and lapse <= at:
        found.append(Exclusion.LAPSED)
    if award.verification is not None and award.verification.status not in DATED_STATUSES:
        found.append(Exclusion.NOT_VALID)
    vetoes = profile.vetoed_by
    if CheckName.ISSUER in vetoes:
        found.append(Exclusion.UNTRUSTED_ISSUER)
    if CheckName.ASSESSMENT in vetoes:
        found.append(Exclusion.WEAK_ASSESSMENT)
    suggested = any(a.status is AlignmentStatus.SUGGESTED for a in achievement.alignments)
    if CheckName.ALIGNMENT in vetoes and suggested:
        found.append(Exclusion.SUGGESTED_ONLY)
    elif not aligned:
        found.append(Exclusion.UNALIGNED)
    if not vetoes and profile.weight < profile.threshold:
        found.append(Exclusion.BELOW_THRESHOLD)
    return tuple(found)


#: A credential observation as a row: id, person, competency, level (on the scale named
#: next), scale id; then the alignment it comes from.
EvidenceRow = tuple[str, str, CompetencyRef, int, str, Alignment]


def _rows(
    award: Award, counting: list[tuple[int, Alignment]], context: SkillContext
) -> Iterator[EvidenceRow]:
    """The observations a counted award gives: one per counting alignment."""
    assert award.person_id is not None
    for index, alignment in counting:
        ref, level = alignment.competency, alignment.level
        if ref is not None and level is not None:
            scale = context.framework(ref).scale.id
            yield f"{award.id}#{index}", award.person_id, ref, level, scale, alignment


def _observations(
    award: Award,
    achievement: Achievement,
    issuer: Issuer,
    counting: list[tuple[int, Alignment]],
    context: SkillContext,
    profile: QualityProfile,
) -> tuple[Observation, ...]:
    return tuple(
        Observation(
            id=id_,
            person_id=person,
            competency=ref,
            level=level,
            scale_id=scale,
            source=SourceKind.CREDENTIAL,
            observed_on=award.issued_on.date(),
            confidence=profile.weight,
            provenance=(
                f"award {award.id}: {achievement.name} from {issuer.name} "
                f"({achievement.assessment.value}, {alignment.status.value} alignment, "
                f"quality weight {profile.weight:.2f})"
            ),
            award_id=award.id,
        )
        for id_, person, ref, level, scale, alignment in _rows(award, counting, context)
    )


@dataclass(frozen=True)
class AwardEvidence:
    """The credential observations of counted outcomes without an object each: a row per
    award (id, person, day issued, quality weight, achievement id) and, per achievement,
    what each of its observations says (id suffix, competency, level, scale id). An
    award's observations are its achievement's, in order, with ids ``award id + suffix``
    (``rows``); the gap engine turns them into columns (``engine_evidence``)."""

    awards: list[tuple[str, str, date, float, str]]
    templates: dict[str, tuple[tuple[str, CompetencyRef, int, str], ...]]

    def rows(self) -> Iterator[tuple[str, str, CompetencyRef, int, str, date, float]]:
        """Each observation (id, person, competency, level, scale id, day, confidence),
        as the outcomes' ``observations`` hold it."""
        for award_id, person, day, weight, achievement in self.awards:
            for suffix, ref, level, scale in self.templates[achievement]:
                yield award_id + suffix, person, ref, level, scale, day, weight


def award_evidence(outcomes: Iterable[CredentialOutcome], context: SkillContext) -> AwardEvidence:
    """The credential observations of the counted ``outcomes`` (``assess_awards(observe=
    False)``): what their ``observations`` would hold (``_rows``), an award at a time."""
    templates: dict[str, tuple[tuple[str, CompetencyRef, int, str], ...]] = {}
    awards: list[tuple[str, str, date, float, str]] = []
    for outcome in outcomes:
        if outcome.exclusions:
            continue
        achievement, award = outcome.achievement, outcome.award
        if achievement.id not in templates:
            counting = _counting_alignments(achievement, context)
            templates[achievement.id] = tuple(
                (id_[len(award.id) :], ref, level, scale)
                for id_, _, ref, level, scale, _ in _rows(award, counting, context)
            )
        assert award.person_id is not None  # counted: matched to a person
        awards.append(
            (award.id, award.person_id, award.issued_on.date(), outcome.quality.weight,
             achievement.id)
        )  # fmt: skip
    return AwardEvidence(awards, templates)
