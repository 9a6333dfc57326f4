"""Credential quality, as use cases: the rubric, the trusted-issuer registry, and reviewers'
decisions on assessment types and suggested alignments.

The workspace keeps the rubric as JSON under one ``workspace_meta`` key (none: the
documented defaults) and a change log beside it: one entry per change (when, who, what
changed from what to what, and the file a rubric came from), each under its own key
``quality.log.<sequence>.<token>``, so an entry is only ever added, never rewritten, and two
reviewers deciding at once both keep their entry. Reviewers' decisions are stored on the
records they change (an issuer's tier, an achievement's assessment type or alignment), so
every analysis reads them without knowing about the log.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from rapidfuzz import fuzz, utils

from skillgap.analysis.assessment import infer_assessment
from skillgap.analysis.quality import (
    DEFAULT_RUBRIC,
    Change,
    QualityProfile,
    Rubric,
    achievement_fields,
    changes,
    profiles,
)
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
from skillgap.errors import NotFoundError, ValidationError, WorkspaceError
from skillgap.formats.rubric import read_rubric, rubric_from_json, rubric_to_json, rubric_yaml
from skillgap.store import Store, Workspace

META_RUBRIC = "quality.rubric"
LOG_PREFIX = "quality.log."


# --- the change log --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    by: str
    action: str  # rubric | issuer-tier | assessment | alignment-confirmed | alignment-rejected
    subject: str  # "rubric", an issuer id, an achievement id (with "#position")
    changes: tuple[Change, ...]
    source: str | None = None  # the file a rubric came from


def _record(ws: Workspace, entry: LogEntry) -> None:
    sequence = len(_entry_keys(ws)) + 1
    data = {
        "at": entry.at.isoformat(),
        "by": entry.by,
        "action": entry.action,
        "subject": entry.subject,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes],
        "source": entry.source,
    }
    key = f"{LOG_PREFIX}{sequence:06d}.{secrets.token_hex(4)}"
    ws.meta.set(key, json.dumps(data, ensure_ascii=False))


def _entry_keys(ws: Workspace) -> list[str]:
    return [k for k in ws.meta.items() if k.startswith(LOG_PREFIX)]


def _entries(ws: Workspace) -> list[LogEntry]:
    found = []
    for key, text in ws.meta.items().items():
        if not key.startswith(LOG_PREFIX):
            continue
        try:
            d = json.loads(text)
            entry = LogEntry(
                at=datetime.fromisoformat(d["at"]),
                by=d["by"],
                action=d["action"],
                subject=d["subject"],
                changes=tuple(Change(c["field"], c["old"], c["new"]) for c in d["changes"]),
                source=d.get("source"),
            )
        except (ValueError, KeyError, TypeError):
            raise WorkspaceError(f"the quality change log entry {key!r} is unreadable") from None
        found.append((int(key[len(LOG_PREFIX) :].split(".")[0]), key, entry))
    return [entry for _, _, entry in sorted(found, key=lambda x: (x[0], x[2].at, x[1]))]


def history(store: Store) -> list[LogEntry]:
    """Every change to the rubric and every reviewer decision, oldest first."""
    with store.transaction() as ws:
        return _entries(ws)


# --- the rubric ----------------------------------------------------------------------------


def current_rubric(ws: Workspace) -> Rubric:
    """The workspace's rubric: the one last set, else the documented defaults."""
    text = ws.meta.get(META_RUBRIC)
    return DEFAULT_RUBRIC if text is None else rubric_from_json(text)


def assessment_notes(ws: Workspace) -> dict[str, str]:
    """Who last set each achievement's assessment type, for its explanation."""
    notes = {}
    for entry in _entries(ws):
        if entry.action == "assessment":
            notes[entry.subject] = f"set by {entry.by} on {entry.at.date().isoformat()}"
    return notes


@dataclass(frozen=True)
class RubricView:
    rubric: Rubric
    custom: bool  # the workspace holds a rubric of its own (else the defaults)
    from_defaults: tuple[Change, ...]  # how it differs from the documented defaults


def show_rubric(store: Store) -> RubricView:
    with store.transaction() as ws:
        custom = ws.meta.get(META_RUBRIC) is not None
        rubric = current_rubric(ws)
    return RubricView(rubric, custom, tuple(changes(DEFAULT_RUBRIC, rubric)))


@dataclass(frozen=True)
class RubricUpdate:
    rubric: Rubric
    changes: tuple[Change, ...]  # empty: the file holds the rubric already in use


def set_rubric(store: Store, clock: Clock, path: Path, by: str) -> RubricUpdate:
    """Use the rubric in ``path`` (checked first: nothing changes if it has an error)."""
    rubric = read_rubric(path)
    with store.transaction() as ws:
        found = tuple(changes(current_rubric(ws), rubric))
        if found:
            ws.meta.set(META_RUBRIC, rubric_to_json(rubric))
            _record(ws, LogEntry(clock.now(), by, "rubric", "rubric", found, str(path)))
    return RubricUpdate(rubric, found)


def export_rubric(store: Store | None) -> str:
    """The workspace's rubric as commented YAML (None: the documented defaults)."""
    if store is None:
        return rubric_yaml(DEFAULT_RUBRIC)
    with store.transaction() as ws:
        return rubric_yaml(current_rubric(ws))


# --- issuers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerRow:
    issuer: Issuer
    score: float  # the tier's score under the rubric (0: not trusted)
    achievements: int
    awards: int


def list_issuers(store: Store, tier: IssuerTier | None = None) -> list[IssuerRow]:
    with store.transaction() as ws:
        rubric = current_rubric(ws)
        issuers = ws.issuers.list()
        achievements = ws.achievements.list()
        awards = ws.awards.list()
    owner = {a.id: a.issuer_id for a in achievements}
    by_issuer = Counter(a.issuer_id for a in achievements)
    awarded = Counter(owner[a.achievement_id] for a in awards)
    return [
        IssuerRow(i, rubric.issuer[i.tier], by_issuer[i.id], awarded[i.id])
        for i in issuers
        if tier is None or i.tier is tier
    ]


@dataclass(frozen=True)
class Decision:
    subject: str
    entry: LogEntry | None  # None: nothing changed (it was so already)
    note: str = ""  # what the reviewer should know (a confirmed alignment without a level)


def set_issuer_tier(
    store: Store, clock: Clock, issuer_id: str, tier: IssuerTier, by: str
) -> Decision:
    """Put the issuer in the registry at ``tier`` (``unknown``: no longer trusted)."""
    with store.transaction() as ws:
        issuer = _issuer(ws, issuer_id)
        if issuer.tier is tier:
            return Decision(issuer.name, None)
        ws.issuers.put(replace(issuer, tier=tier))
        entry = LogEntry(
            clock.now(), by, "issuer-tier", issuer.id, (Change("tier", issuer.tier, tier),)
        )
        _record(ws, entry)
    return Decision(issuer.name, entry)


def _issuer(ws: Workspace, issuer_id: str) -> Issuer:
    issuer = ws.issuers.find(issuer_id)
    if issuer is None:
        raise NotFoundError(f"no issuer {issuer_id!r} (see `skillgap issuers list`)")
    return issuer


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
    from skillgap.services import summary  # it reads the rubric from here

    with store.transaction() as ws:
        return summary.quality_of(ws, achievement_ids)


def list_achievements(store: Store) -> list[AchievementRow]:
    """Every achievement with its quality profile under the workspace's rubric."""
    with store.transaction() as ws:
        return _rows(ws)


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
        decisions = tuple(e for e in _entries(ws) if e.subject.split("#")[0] == achievement_id)
    inferred = infer_assessment(achievement_fields(row.achievement))
    return AchievementDetail(row, inferred, competencies, decisions)


def set_assessment(
    store: Store, clock: Clock, achievement_id: str, kind: AssessmentType, by: str
) -> Decision:
    """A reviewer's reading of how the achievement is assessed (overrides the inferred)."""
    with store.transaction() as ws:
        achievement = _achievement(ws, achievement_id)
        if achievement.assessment is kind:
            return Decision(achievement.name, None)
        ws.achievements.put(replace(achievement, assessment=kind))
        change = Change("assessment", achievement.assessment, kind)
        entry = LogEntry(clock.now(), by, "assessment", achievement.id, (change,))
        _record(ws, entry)
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
    _record(ws, entry)
    return entry


def _text(value: object) -> str | int | None:
    return value if value is None or isinstance(value, int) else str(value)
