"""Credential quality: how much an achievement proves, by a rubric the organisation edits.

Not every badge proves the same thing, so each achievement gets a *quality profile*: four
checks, each with a score from 0 to 1 and a one-line explanation, and a weight (the
weighted sum of the scores, 0 to 1):

- **alignment**: does the credential name a framework competency (by URI or code: exact),
  or has a reviewer confirmed a mapping? A suggestion or no alignment scores 0.
- **assessment**: how the achievement was assessed, from proof of performance down to
  attendance (``infer_assessment``, in ``analysis.assessment`` and re-exported here, reads
  it from a credential; reviewers override it).
- **issuer**: the issuer's tier in the organisation's trusted-issuer registry.
- **stackability**: whether the credential stacks into a larger one or completes a pathway.

A check scoring 0 on alignment, assessment or issuer *vetoes*: no weight makes up for a
badge mill, a quiz or an unconfirmed mapping (stackability is a bonus, it never vetoes).
Otherwise the weight must reach the rubric's threshold. A rubric keeps its scores in the
order of the evidence (a stronger assessment or tier never scores less than a weaker one),
so raising an achievement's assessment or its issuer's tier can never lower its weight.

Pure: no I/O; the rubric is ``analysis.rubric``, read and written by ``formats.rubric`` and
stored by a service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from skillgap.analysis.assessment import infer_assessment as infer_assessment
from skillgap.analysis.rubric import DEFAULT_RUBRIC, CheckName, Rubric, Stacking
from skillgap.domain import Achievement, AlignmentStatus, AssessmentType, Issuer, IssuerTier

# --- the profile ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityCheck:
    name: CheckName
    score: float  # 0-1, from the rubric
    explanation: str  # one line: what was found and why it scores so
    weight: float = 0.0  # the check's weight in the rubric
    vetoes: bool = False  # scoring 0 here keeps the credential from counting


@dataclass(frozen=True)
class QualityProfile:
    weight: float  # the weighted sum of the checks' scores, 0-1
    threshold: float
    checks: tuple[QualityCheck, ...]

    def check(self, name: CheckName) -> QualityCheck:
        return next(c for c in self.checks if c.name is name)

    @property
    def vetoed_by(self) -> tuple[CheckName, ...]:
        return tuple(c.name for c in self.checks if c.vetoes)

    @property
    def passes(self) -> bool:
        """No check vetoes and the weight reaches the threshold."""
        return not self.vetoed_by and self.weight >= self.threshold


def profile(
    achievement: Achievement,
    issuer: Issuer,
    rubric: Rubric = DEFAULT_RUBRIC,
    *,
    stacked_by: int = 0,
    assessment_note: str | None = None,
) -> QualityProfile:
    """The achievement's quality under ``rubric``; ``stacked_by``: how many achievements
    stack into it; ``assessment_note``: who set its assessment type, when a reviewer did."""
    checks = (
        _alignment(achievement, rubric),
        _assessment(achievement, rubric, assessment_note),
        _issuer(issuer, rubric),
        _stackability(achievement, stacked_by, rubric),
    )
    weight = round(sum(c.weight * c.score for c in checks), 4)
    return QualityProfile(weight, rubric.threshold, checks)


def stacked_by(achievements: Iterable[Achievement]) -> dict[str, int]:
    """For each achievement id, how many of ``achievements`` stack into it (its pathway)."""
    counts: dict[str, int] = {}
    for achievement in achievements:
        for target in achievement.stackable_into:
            counts[target] = counts.get(target, 0) + 1
    return counts


def profiles(
    achievements: Mapping[str, Achievement],
    issuers: Mapping[str, Issuer],
    rubric: Rubric = DEFAULT_RUBRIC,
    notes: Mapping[str, str] | None = None,
    *,
    only: Iterable[str] | None = None,
    stacked: Mapping[str, int] | None = None,
) -> dict[str, QualityProfile]:
    """Every achievement's profile (``only``: those of these ids that exist); pathways are
    read across all of ``achievements`` (``stacked``: ``stacked_by`` of them, when the
    caller keeps it)."""
    if stacked is None:
        stacked = stacked_by(achievements.values())
    chosen = (
        achievements.values()
        if only is None
        else [achievements[key] for key in only if key in achievements]
    )
    return {
        a.id: profile(
            a,
            issuers[a.issuer_id],
            rubric,
            stacked_by=stacked.get(a.id, 0),
            assessment_note=(notes or {}).get(a.id),
        )
        for a in chosen
    }


def _check(name: CheckName, score: float, text: str, rubric: Rubric, veto: bool) -> QualityCheck:
    return QualityCheck(name, score, text, rubric.weights[name], veto and score == 0)


def _alignment(achievement: Achievement, rubric: Rubric) -> QualityCheck:
    named = [a for a in achievement.alignments if a.competency is not None]
    count = {s: sum(1 for a in named if a.status is s) for s in AlignmentStatus}
    exact, confirmed = count[AlignmentStatus.EXACT], count[AlignmentStatus.CONFIRMED]
    suggested = count[AlignmentStatus.SUGGESTED]
    if exact:
        text = f"aligned by URI or code to {_n(exact, 'competency', 'competencies')}"
        if confirmed:
            text += f", and by a reviewer-confirmed mapping to {confirmed} more"
        score = rubric.alignment[AlignmentStatus.EXACT]
    elif confirmed:
        many = _n(confirmed, "competency", "competencies")
        text = f"aligned by a reviewer-confirmed mapping to {many}"
        score = rubric.alignment[AlignmentStatus.CONFIRMED]
    elif suggested:
        text = (
            f"only suggested alignments ({suggested}): they count once a reviewer confirms "
            "them (skillgap alignments review)"
        )
        score = 0.0
    else:
        unmapped = len(achievement.alignments)
        text = "not aligned to a framework competency"
        text += f" ({_n(unmapped, 'target', 'targets')} unmapped)" if unmapped else ""
        score = 0.0
    return _check(CheckName.ALIGNMENT, score, text, rubric, veto=True)


ASSESSMENT_LABELS = {
    AssessmentType.PERFORMANCE: "proof of performance (observed practice or real work)",
    AssessmentType.PORTFOLIO: "a portfolio or project of the earner's own work",
    AssessmentType.PRACTICAL_EXAM: "a practical exam",
    AssessmentType.PROCTORED_EXAM: "a proctored exam",
    AssessmentType.UNPROCTORED_TEST: "an unproctored test",
    AssessmentType.QUIZ: "a quiz",
    AssessmentType.ATTENDANCE: "attendance or completion only",
    AssessmentType.UNKNOWN: "not known: the credential does not say how it was assessed",
}


def _assessment(achievement: Achievement, rubric: Rubric, note: str | None) -> QualityCheck:
    kind = achievement.assessment
    if note:
        how = note
    else:
        inferred, reason = _inferred(
            achievement.criteria, achievement.description, achievement.achievement_type
        )
        if inferred is kind:
            how = reason if kind is not AssessmentType.UNKNOWN else ""
        elif inferred is AssessmentType.UNKNOWN:
            how = "as recorded for the achievement"
        else:
            how = f"as recorded for the achievement; its text suggests {inferred} ({reason})"
    score = rubric.assessment[kind]
    text = ASSESSMENT_LABELS[kind] + (f" ({how})" if how else "")
    if score == 0:
        text += ": not proof of the skill"
    return _check(CheckName.ASSESSMENT, score, text, rubric, veto=True)


TIER_LABELS = {
    IssuerTier.INDUSTRY_VENDOR: "an industry vendor",
    IssuerTier.ACCREDITED: "an accredited certification body",
    IssuerTier.INTERNAL_BOARD: "the organisation's internal review board",
    IssuerTier.KNOWN: "known, not vetted",
    IssuerTier.UNKNOWN: "not in the registry",
}


def _issuer(issuer: Issuer, rubric: Rubric) -> QualityCheck:
    score = rubric.issuer[issuer.tier]
    text = f"{issuer.name}: {TIER_LABELS[issuer.tier]} ({issuer.tier})"
    if score == 0:
        text += ", not trusted until the registry gives it a tier (skillgap issuers set-tier)"
    return _check(CheckName.ISSUER, score, text, rubric, veto=True)


def _stackability(achievement: Achievement, stacked_by: int, rubric: Rubric) -> QualityCheck:
    parts, kinds = [], [Stacking.STANDALONE]
    if achievement.stackable_into:
        kinds.append(Stacking.STACKS)
        parts.append(
            f"stacks into {_n(len(achievement.stackable_into), 'credential', 'credentials')}"
        )
    if stacked_by:
        kinds.append(Stacking.PATHWAY)
        many = _n(stacked_by, "credential stacks", "credentials stack")
        parts.append(f"completes a pathway ({many} into it)")
    text = "; ".join(parts) or "standalone: stacks into nothing and completes no pathway"
    score = max(rubric.stackability[k] for k in kinds)
    return _check(CheckName.STACKABILITY, score, text, rubric, veto=False)


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- what a stored achievement's text says about its assessment ----------------------------


@lru_cache(maxsize=4096)
def _inferred(criteria: str, description: str, kind: str) -> tuple[AssessmentType, str]:
    """``infer_assessment`` of a stored achievement's text, once per text (profiles are made
    per person and per achievement)."""
    fields = {"criteria": {"narrative": criteria}, "description": description}
    return infer_assessment({**fields, "achievementType": kind})


def achievement_fields(achievement: Achievement) -> dict[str, Any]:
    """A stored achievement as the fields ``infer_assessment`` reads."""
    return {
        "criteria": {"narrative": achievement.criteria},
        "description": achievement.description,
        "achievementType": achievement.achievement_type,
    }
