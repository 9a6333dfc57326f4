"""One competency of one person, explained: every award aligned to it and every rating of
it, whether each counts (and, when not, why: stable codes), the levels they give, and the
role's requirement of it now and at each of the role's future horizons.

Pure functions over a ``PersonEvidence`` (``explain``), with the rules of ``evidence``
(which alignments count) and ``gaps`` (gap, status), so the chain shown is the one the
figures come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.analysis.evidence import CredentialOutcome, Exclusion, expires
from skillgap.analysis.explain import PersonEvidence
from skillgap.analysis.gaps import RequirementGap, person_gap
from skillgap.analysis.inventory import Holding, Reading, View
from skillgap.analysis.quality import QualityProfile
from skillgap.domain import (
    Alignment,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Observation,
    Person,
    ProficiencyScale,
    Role,
)


class AlignmentExclusion(StrEnum):
    """Why an award's alignment to one competency gives no evidence of it, beyond the
    award's own exclusions; the value is a stable code."""

    NOT_CONFIRMED = "alignment-not-confirmed"
    NO_LEVEL = "alignment-without-level"
    LEVEL_NOT_ON_SCALE = "level-not-on-scale"
    LEVEL_ZERO = "level-zero"

    @property
    def label(self) -> str:
        return _ALIGNMENT_LABELS[self]


_ALIGNMENT_LABELS = {
    AlignmentExclusion.NOT_CONFIRMED: "alignment only suggested (not exact or confirmed)",
    AlignmentExclusion.NO_LEVEL: "aligned without a level",
    AlignmentExclusion.LEVEL_NOT_ON_SCALE: "aligned at a level not on the framework's scale",
    AlignmentExclusion.LEVEL_ZERO: "aligned at level 0",
}

Reason = Exclusion | AlignmentExclusion


@dataclass(frozen=True)
class CredentialEvidence:
    """One award aligned to the competency, and whether it evidences it."""

    outcome: CredentialOutcome
    alignment: Alignment
    canonical: float | None  # the aligned level on 0-5, when it is a level of the scale
    alignment_exclusions: tuple[AlignmentExclusion, ...]
    observation: Observation | None  # the credential observation it gave, if it counts
    expires_on: datetime | None  # its own expiry, else its achievement's validity period

    @property
    def quality(self) -> QualityProfile:
        """The achievement's quality profile: its weight and the four checks."""
        return self.outcome.quality

    @property
    def lapses_on(self) -> datetime | None:
        """When the rubric's decay ends it as evidence (None: no decay)."""
        return self.outcome.lapses_on

    @property
    def counts(self) -> bool:
        return self.observation is not None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every reason it does not count (empty when it counts)."""
        if self.counts:
            return ()
        return (*self.outcome.exclusions, *self.alignment_exclusions)


@dataclass(frozen=True)
class RatingEvidence:
    """A self, manager, inferred or assessment observation of the competency."""

    observation: Observation
    scale: ProficiencyScale
    canonical: float
    after_as_of: bool  # made after the analysis date: not read

    @property
    def label(self) -> str:
        return self.scale.level(self.observation.level).label


@dataclass(frozen=True)
class RequirementCheck:
    """The role's requirement of the competency in force on ``on``, with the gap in each
    view (both None when the role does not require it then)."""

    on: date
    future: bool
    verified: RequirementGap | None
    best_available: RequirementGap | None


@dataclass(frozen=True)
class CompetencyExplanation:
    person: Person
    as_of: date
    competency: Competency
    capability: CapabilityGroup | None
    scale: ProficiencyScale  # the competency's framework scale
    context: SkillContext
    credentials: tuple[CredentialEvidence, ...]
    ratings: tuple[RatingEvidence, ...]
    holding: Holding | None
    role: Role | None
    requirements: tuple[RequirementCheck, ...]  # now, then each future horizon of the role

    @property
    def ref(self) -> CompetencyRef:
        return self.competency.ref

    def reading(self, view: View) -> Reading | None:
        return self.holding.reading(view) if self.holding else None

    def evidence_for(self, reading: Reading) -> CredentialEvidence | RatingEvidence | None:
        """The piece of evidence a level was read from."""
        for credential in self.credentials:
            if credential.observation == reading.observation:
                return credential
        for rating in self.ratings:
            if rating.observation == reading.observation:
                return rating
        return None


def explain_competency(
    evidence: PersonEvidence, ref: CompetencyRef, role: Role | None
) -> CompetencyExplanation:
    """Every piece of evidence of ``ref`` for the person, the levels it gives, and the
    role's requirement of it now and at each of the role's future horizons."""
    context = evidence.context
    framework = context.framework(ref)
    credentials = []
    for outcome in evidence.outcomes:
        for index, alignment in enumerate(outcome.achievement.alignments):
            if alignment.competency != ref:
                continue
            own_id = f"{outcome.award.id}#{index}"  # the id assess_awards gives it
            observation = next((o for o in outcome.observations if o.id == own_id), None)
            credentials.append(
                CredentialEvidence(
                    outcome=outcome,
                    alignment=alignment,
                    canonical=_canonical(framework.scale, alignment.level),
                    alignment_exclusions=_alignment_exclusions(alignment, framework.scale),
                    observation=observation,
                    expires_on=expires(outcome.award, outcome.achievement),
                )
            )
    credentials.sort(key=lambda c: (c.outcome.award.issued_on, c.outcome.award.id))
    ratings = tuple(
        RatingEvidence(
            observation=o,
            scale=context.scale(o.scale_id),
            canonical=context.scale(o.scale_id).to_canonical(o.level),
            after_as_of=o.observed_on > evidence.as_of,
        )
        for o in evidence.ratings
        if o.competency == ref
    )
    checks: list[RequirementCheck] = []
    if role is not None:
        dates = [evidence.as_of, *(h for h in role.horizons if h > evidence.as_of)]
        for index, on in enumerate(dates):
            found = []
            for view in View:
                gap = person_gap(
                    evidence.person, role, evidence.inventory, context, view=view, horizon=on
                )
                found.append(next((i for i in gap.items if i.requirement.competency == ref), None))
            checks.append(RequirementCheck(on, index > 0, found[0], found[1]))
    return CompetencyExplanation(
        person=evidence.person,
        as_of=evidence.as_of,
        competency=context.competency(ref),
        capability=context.capability(ref),
        scale=framework.scale,
        context=context,
        credentials=tuple(credentials),
        ratings=ratings,
        holding=evidence.holding(ref),
        role=role,
        requirements=tuple(checks),
    )


def _canonical(scale: ProficiencyScale, level: int | None) -> float | None:
    if level is None or level not in {lv.value for lv in scale.levels}:
        return None
    return scale.to_canonical(level)


def _alignment_exclusions(
    alignment: Alignment, scale: ProficiencyScale
) -> tuple[AlignmentExclusion, ...]:
    """The alignment-level rules of the evidence (evidence._counting_alignments)."""
    found = []
    if not alignment.status.counts:
        found.append(AlignmentExclusion.NOT_CONFIRMED)
    if alignment.level is None:
        found.append(AlignmentExclusion.NO_LEVEL)
    elif alignment.level not in {lv.value for lv in scale.levels}:
        found.append(AlignmentExclusion.LEVEL_NOT_ON_SCALE)
    elif scale.to_canonical(alignment.level) <= 0:
        found.append(AlignmentExclusion.LEVEL_ZERO)
    return tuple(found)
