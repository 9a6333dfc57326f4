"""Each achievement's quality, as use cases: its profile under the workspace's rubric
(``list_achievements``, ``show_achievement``, ``quality_of``), and reviewers' decisions on
it: how it is assessed (``set_assessment``; ``assess`` answers the quality it then has) and
its suggested alignments (``review_queue``, ``confirm_alignment``, ``reject_alignment``).

A decision is stored on the achievement it changes and recorded in the change log of
``quality``, which also holds the rubric.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, utils

from skillgap.analysis.assessment import infer_assessment
from skillgap.analysis.quality import QualityProfile, achievement_fields, profiles
from skillgap.analysis.rubric import Change, CheckName, Rubric
from skillgap.clock import Clock
from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Competency,
    Issuer,
    IssuerTier,
)
from skillgap.errors import NotFoundError, ValidationError
from skillgap.services import summary
from skillgap.services.quality import (
    Decision,
    LogEntry,
    assessment_notes,
    current_rubric,
    log_entries,
    record_entry,
)
from skillgap.store import Store, Workspace

# --- achievements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AchievementRow:
    achievement: Achievement
    issuer: Issuer
    quality: QualityProfile
    awards: int


def _rows(ws: Workspace) -> list[AchievementRow]:
    achievements = {a.id: a for a in ws.achievements.list()}
    issuers = {i.id: i for i in ws.issuers.list()}
    judged = profiles(achievements, issuers, current_rubric(ws), assessment_notes(ws))
    awarded = Counter(a.achievement_id for a in ws.awards.list())
    return [
        AchievementRow(a, issuers[a.issuer_id], judged[a.id], awarded[a.id])
        for a in achievements.values()
    ]


def quality_of(store: Store, achievement_ids: set[str]) -> dict[str, QualityProfile]:
    """The quality profiles of some achievements (as ``list_achievements`` gives them),
    without judging every achievement nor counting every award: a person's credentials."""
    with store.transaction() as ws:
        return summary.quality_of(ws, achievement_ids)


def quality_and_rubric(
    store: Store, achievement_ids: set[str]
) -> tuple[dict[str, QualityProfile], Rubric]:
    """``quality_of``, and the rubric they were judged under, in one unit of work."""
    with store.transaction() as ws:
        return summary.quality_of(ws, achievement_ids), summary.rubric(ws)


def list_achievements(
    store: Store,
    *,
    issuer: str | None = None,
    tier: IssuerTier | None = None,
    assessment: AssessmentType | None = None,
    passes: bool | None = None,
    vetoed_by: CheckName | None = None,
) -> list[AchievementRow]:
    """Every achievement with its quality profile under the workspace's rubric; or only
    those of ``issuer`` (an id), of an issuer at ``tier``, assessed as ``assessment``, that
    pass the rubric (``passes``: or do not), that the check ``vetoed_by`` vetoes."""
    with store.transaction() as ws:
        rows = _rows(ws)
    return [
        r
        for r in rows
        if (issuer is None or r.issuer.id == issuer)
        and (tier is None or r.issuer.tier is tier)
        and (assessment is None or r.achievement.assessment is assessment)
        and (passes is None or r.quality.passes is passes)
        and (vetoed_by is None or vetoed_by in r.quality.vetoed_by)
    ]


@dataclass(frozen=True)
class AchievementDetail:
    row: AchievementRow
    inferred: tuple[AssessmentType, str]  # what its own text says, and why
    competencies: dict[int, Competency]  # by alignment position (1-based)
    history: tuple[LogEntry, ...]  # reviewer decisions about it


def show_achievement(store: Store, achievement_id: str) -> AchievementDetail:
    with store.transaction() as ws:
        _achievement(ws, achievement_id)
        row = next(r for r in _rows(ws) if r.achievement.id == achievement_id)
        competencies = {}
        for position, alignment in enumerate(row.achievement.alignments, start=1):
            found = _competency(ws, alignment)
            if found is not None:
                competencies[position] = found
        decisions = tuple(e for e in log_entries(ws) if e.subject.split("#")[0] == achievement_id)
    inferred = infer_assessment(achievement_fields(row.achievement))
    return AchievementDetail(row, inferred, competencies, decisions)


def set_assessment(
    store: Store, clock: Clock, achievement_id: str, kind: AssessmentType, by: str
) -> Decision:
    """A reviewer's reading of how the achievement is assessed (overrides the inferred)."""
    with store.transaction() as ws:
        return _set_assessment(ws, clock, achievement_id, kind, by)


@dataclass(frozen=True)
class Assessed:
    decision: Decision
    row: AchievementRow  # the achievement with its quality once the decision is taken


def assess(
    store: Store, clock: Clock, achievement_id: str, kind: AssessmentType, by: str
) -> Assessed:
    """``set_assessment``, and the achievement's quality as it then is (one unit of work:
    what is answered is what was decided)."""
    with store.transaction() as ws:
        decision = _set_assessment(ws, clock, achievement_id, kind, by)
        row = next(r for r in _rows(ws) if r.achievement.id == achievement_id)
    return Assessed(decision, row)


def _set_assessment(
    ws: Workspace, clock: Clock, achievement_id: str, kind: AssessmentType, by: str
) -> Decision:
    achievement = _achievement(ws, achievement_id)
    if achievement.assessment is kind:
        return Decision(achievement.name, None)
    ws.achievements.put(replace(achievement, assessment=kind))
    change = Change("assessment", achievement.assessment, kind)
    entry = LogEntry(clock.now(), by, "assessment", achievement.id, (change,))
    record_entry(ws, entry)
    return Decision(achievement.name, entry)


def _achievement(ws: Workspace, achievement_id: str) -> Achievement:
    found = ws.achievements.find(achievement_id)
    if found is None:
        raise NotFoundError(f"no achievement {achievement_id!r} (see `skillgap achievements list`)")
    return found


def _competency(ws: Workspace, alignment: Alignment) -> Competency | None:
    ref = alignment.competency
    framework = ws.frameworks.find(ref.framework) if ref else None
    if ref is None or framework is None or not framework.has(ref.code):
        return None
    return framework.competency(ref.code)


# --- alignments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    achievement: Achievement
    position: int  # 1-based, as `achievements show` numbers alignments
    alignment: Alignment
    competency: Competency | None
    score: float | None  # how alike the target and the competency's best label are (0-100)
    awards: int  # awards of the achievement: what confirming it can make count


def review_queue(store: Store) -> list[ReviewItem]:
    """Every suggested alignment, the achievements with most awards first."""
    with store.transaction() as ws:
        achievements = ws.achievements.list()
        awarded = Counter(a.achievement_id for a in ws.awards.list())
        items = [
            ReviewItem(a, i, al, comp, _score(al, comp), awarded[a.id])
            for a in achievements
            for i, al in enumerate(a.alignments, start=1)
            if al.status is AlignmentStatus.SUGGESTED
            for comp in [_competency(ws, al)]
        ]
    return sorted(items, key=lambda r: (-r.awards, r.achievement.id, r.position))


def _score(alignment: Alignment, competency: Competency | None) -> float | None:
    """The label similarity the import used to suggest it (rapidfuzz token_sort_ratio)."""
    if competency is None:
        return None
    labels = (competency.name, *competency.alt_labels)
    return round(
        max(
            fuzz.token_sort_ratio(alignment.target_name, label, processor=utils.default_process)
            for label in labels
        ),
        1,
    )


def confirm_alignment(
    store: Store,
    clock: Clock,
    achievement_id: str,
    position: int,
    by: str,
    *,
    level: int | None = None,
) -> Decision:
    """A reviewer confirms the alignment at ``position`` (1-based), at ``level`` if given:
    it then counts like one the credential names itself."""
    with store.transaction() as ws:
        achievement, alignment = _alignment(ws, achievement_id, position)
        competency = _competency(ws, alignment)
        if alignment.status is AlignmentStatus.UNMAPPED or competency is None:
            raise ValidationError(
                f"alignment {position} of {achievement_id!r} ({alignment.target_name!r}) names "
                "no competency of the workspace: there is nothing to confirm"
            )
        if level is not None:
            scale = ws.frameworks.get(competency.framework).scale
            if level not in {lv.value for lv in scale.levels}:
                values = ", ".join(str(lv.value) for lv in scale.levels)
                raise ValidationError(
                    f"level {level} is not on the {scale.name} scale of {competency.framework} "
                    f"(levels: {values})"
                )
        status = AlignmentStatus.CONFIRMED
        if alignment.status is AlignmentStatus.EXACT:
            status = AlignmentStatus.EXACT  # the credential names it: stronger than confirmed
        new = replace(alignment, status=status, level=alignment.level if level is None else level)
        if new == alignment:
            return Decision(f"{achievement.name} #{position}", None)
        entry = _decide(ws, clock, by, "alignment-confirmed", achievement, position, new)
    note = "" if new.level is not None else "it has no level: it counts once it has one (--level)"
    return Decision(f"{achievement.name} #{position}", entry, note)


def reject_alignment(
    store: Store, clock: Clock, achievement_id: str, position: int, by: str
) -> Decision:
    """A reviewer rejects the alignment at ``position``: it is kept as unmapped (its target
    stays for a later mapping, and the other alignments keep their positions)."""
    with store.transaction() as ws:
        achievement, alignment = _alignment(ws, achievement_id, position)
        if alignment.status is AlignmentStatus.UNMAPPED:
            return Decision(f"{achievement.name} #{position}", None)
        new = replace(alignment, competency=None, level=None, status=AlignmentStatus.UNMAPPED)
        entry = _decide(ws, clock, by, "alignment-rejected", achievement, position, new)
    return Decision(f"{achievement.name} #{position}", entry)


def _alignment(ws: Workspace, achievement_id: str, position: int) -> tuple[Achievement, Alignment]:
    achievement = _achievement(ws, achievement_id)
    if not 1 <= position <= len(achievement.alignments):
        raise NotFoundError(
            f"achievement {achievement_id!r} has {len(achievement.alignments)} alignments: "
            f"no position {position} (see `skillgap achievements show`)"
        )
    return achievement, achievement.alignments[position - 1]


def _decide(
    ws: Workspace,
    clock: Clock,
    by: str,
    action: str,
    achievement: Achievement,
    position: int,
    new: Alignment,
) -> LogEntry:
    old = achievement.alignments[position - 1]
    aligned = list(achievement.alignments)
    aligned[position - 1] = new
    ws.achievements.put(replace(achievement, alignments=tuple(aligned)))
    found = [
        Change(name, _text(getattr(old, name)), _text(getattr(new, name)))
        for name in ("competency", "level", "status")
        if getattr(old, name) != getattr(new, name)
    ]
    entry = LogEntry(clock.now(), by, action, f"{achievement.id}#{position}", tuple(found))
    record_entry(ws, entry)
    return entry


def _text(value: object) -> str | int | None:
    return value if value is None or isinstance(value, int) else str(value)
