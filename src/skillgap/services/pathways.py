"""Stackable pathways: import, show, progress, and awarding the higher credential.

A pathway's credential is the organisation's own: importing a pathway whose ``awards``
achievement the workspace does not know defines it (issued by the organisation's issuer, or
its internal review board), aligned to what the pathway's units evidence at their highest
level. When a person completes a pathway (``award_completed``, run after every credential
import and by ``pathways award``), an ``automatic`` pathway issues the credential at once,
its evidence linking the stacked credentials, and a ``review`` pathway queues it for a
reviewer (``decide``). Every award and decision is written to the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from skillgap.analysis.evidence import DATED_STATUSES
from skillgap.analysis.pathways import (
    Holdings,
    PathwayProgress,
    ProgressRow,
    newly_complete,
    pathway_progress,
    progress_rows,
)
from skillgap.clock import Clock
from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CompetencyRef,
    Evidence,
    IssuerTier,
)
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.governance import AuditEntry
from skillgap.domain.pathways import AwardMode, AwardState, Pathway, PathwayAward, UnitKind
from skillgap.errors import ConflictError, NotFoundError, SkillgapError, ValidationError
from skillgap.formats.pathways import read_pathways_file
from skillgap.issuing import issuance
from skillgap.issuing.issuer_setup import KeySource, load_profile
from skillgap.services.workspace import snapshot_date
from skillgap.store import Store, Workspace


@dataclass(frozen=True)
class PathwaysImport:
    pathways: tuple[Pathway, ...]
    replaced: tuple[str, ...]
    defined: tuple[Achievement, ...]  # achievements defined for the credentials awarded


def import_pathways(store: Store, path: Path) -> PathwaysImport:
    """Read and check the file against the catalog and the known achievements, then store
    every pathway (one transaction; a pathway with a known id is replaced)."""
    with store.transaction() as ws:
        catalog = ws.catalog.list()
        achievements = {a.id: a for a in ws.achievements.list()}
        pathways = read_pathways_file(path, catalog=catalog, achievement_ids=achievements)
        existing = {p.id for p in ws.pathways.list()}
        issuer_id = _organisation_issuer(ws)
        items = {i.id: i for i in catalog}
        defined = []
        for pathway in pathways:
            if pathway.awards and pathway.awards not in achievements:
                if issuer_id is None:
                    raise ValidationError(
                        f"pathway {pathway.id!r} awards {pathway.awards!r}, which the "
                        "workspace does not know, and the organisation has no issuer to define "
                        "it: run `skillgap issuer init`, or add an issuer of tier internal-board"
                    )
                achievement = _awarded_achievement(pathway, items, achievements, issuer_id)
                ws.achievements.add(achievement)
                achievements[achievement.id] = achievement
                defined.append(achievement)
            ws.pathways.put(pathway)
    return PathwaysImport(
        pathways, tuple(p.id for p in pathways if p.id in existing), tuple(defined)
    )


def _organisation_issuer(ws: Workspace) -> str | None:
    """The organisation's issuer: the issuing profile if set up, else its first internal
    review board in the issuer registry (the organisation may issue its achievements)."""
    try:
        return load_profile(ws).id
    except SkillgapError:
        boards = [i for i in ws.issuers.list() if i.tier is IssuerTier.INTERNAL_BOARD]
        return boards[0].id if boards else None


def _awarded_achievement(
    pathway: Pathway,
    items: Mapping[str, CatalogItem],
    achievements: Mapping[str, Achievement],
    issuer_id: str,
) -> Achievement:
    """The pathway's credential: aligned to every competency its units evidence, at the
    highest level one of them reaches; assessed as the weakest assessment among the units
    of its last step (a pathway proves no more than its final step does)."""
    levels: dict[CompetencyRef, int] = {}
    for unit in pathway.units:
        for ref, level in _unit_levels(unit.kind, unit.id, items, achievements):
            levels[ref] = max(level, levels.get(ref, 0))
    last = pathway.steps[-1]
    kinds = [_unit_assessment(u.kind, u.id, items, achievements) for u in last.units]
    known: list[AssessmentType] = [k for k in kinds if k is not AssessmentType.UNKNOWN] or [
        AssessmentType.UNKNOWN
    ]
    assessment = min(known, key=lambda k: k.rank)
    steps = "; ".join(f"{s.name or s.id}: {s.rule} of {len(s.units)}" for s in pathway.steps)
    return Achievement(
        id=pathway.awards or pathway.id,
        name=pathway.name,
        issuer_id=issuer_id,
        description=pathway.description or f"Completion of the {pathway.name} pathway.",
        criteria=f"Complete every step of the pathway ({steps}).",
        achievement_type="Certification",
        assessment=assessment,
        alignments=tuple(
            Alignment(str(ref), ref, level, status=AlignmentStatus.EXACT)
            for ref, level in sorted(levels.items())
        ),
    )


def _unit_levels(
    kind: UnitKind,
    key: str,
    items: Mapping[str, CatalogItem],
    achievements: Mapping[str, Achievement],
) -> list[tuple[CompetencyRef, int]]:
    if kind is UnitKind.ITEM:
        return [(o.competency, o.level) for o in items[key].outcomes]
    achievement = achievements.get(key)
    if achievement is None:
        return []
    return [
        (a.competency, a.level or 1)
        for a in achievement.alignments
        if a.competency is not None and a.status.counts
    ]


def _unit_assessment(
    kind: UnitKind,
    key: str,
    items: Mapping[str, CatalogItem],
    achievements: Mapping[str, Achievement],
) -> AssessmentType:
    if kind is UnitKind.ITEM:
        return items[key].assessment
    achievement = achievements.get(key)
    return achievement.assessment if achievement else AssessmentType.UNKNOWN


@dataclass(frozen=True)
class PathwayView:
    pathway: Pathway
    items: Mapping[str, CatalogItem]
    achievements: Mapping[str, Achievement]


def show_pathway(store: Store, pathway_id: str) -> PathwayView:
    with store.transaction() as ws:
        pathway = _pathway(ws, pathway_id)
        return PathwayView(
            pathway,
            {i.id: i for i in ws.catalog.list()},
            {a.id: a for a in ws.achievements.list()},
        )


def list_pathways(store: Store) -> list[Pathway]:
    with store.transaction() as ws:
        return ws.pathways.list()


def _pathway(ws: Workspace, pathway_id: str) -> Pathway:
    found = ws.pathways.find(pathway_id)
    if found is None:
        raise NotFoundError(f"no pathway {pathway_id!r} (see `skillgap pathways show`)")
    return found


def held_awards(awards: Sequence[Award], at: datetime) -> Holdings:
    """What a person holds for pathways at ``at``: awards issued by then, not expired, and
    whose verification (if any) passed. Expired, revoked or doubtful ones do not count."""
    found: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for award in awards:
        report = award.verification
        if award.issued_on > at or award.expired_at(at):
            continue
        if report is not None and report.status not in DATED_STATUSES:
            continue
        found[award.achievement_id].append((award.id, award.issued_on))
    return Holdings(awards=dict(found))


@dataclass(frozen=True)
class ProgressReport:
    as_of: date
    rows: tuple[ProgressRow, ...]
    detail: PathwayProgress | None  # one person on one pathway: step by step


def progress(
    store: Store,
    clock: Clock,
    *,
    pathway_id: str | None = None,
    person_id: str | None = None,
    started_only: bool = True,
) -> ProgressReport:
    """Everyone (or one person) on every pathway (or one): steps complete, percent, what to
    do next. ``started_only`` leaves out people with nothing done on a pathway."""
    now = clock.now()
    with store.transaction() as ws:
        pathways = [_pathway(ws, pathway_id)] if pathway_id else ws.pathways.list()
        items = {i.id: i for i in ws.catalog.list()}
        if person_id is not None:
            if ws.people.find(person_id) is None:
                raise NotFoundError(f"no person with employee id {person_id!r}")
            people = [person_id]
        else:
            people = [p.employee_id for p in ws.people.list() if p.active]
        holdings = {p: held_awards(ws.awards.for_person(p), now) for p in people}
        as_of = snapshot_date(ws) or now.date()
    rows = [
        r
        for r in progress_rows(pathways, items, holdings)
        if not started_only or r.percent > 0 or person_id is not None
    ]
    detail = None
    if person_id is not None and len(pathways) == 1:
        detail = pathway_progress(pathways[0], items, holdings[person_id])
    return ProgressReport(as_of, tuple(rows), detail)


@dataclass(frozen=True)
class AwardRun:
    issued: tuple[PathwayAward, ...]
    queued: tuple[PathwayAward, ...]


def award_completed(store: Store, keys: KeySource | None, clock: Clock, *, actor: str) -> AwardRun:
    """Find everyone who completed a pathway since the last run and owes its credential:
    issue it (automatic pathways, when the organisation's issuer key is available) or queue
    it for review. Safe to run again: a completion is recorded once."""
    now = clock.now()
    with store.transaction() as ws:
        pathways = ws.pathways.list()
        if not pathways:
            return AwardRun((), ())
        items = {i.id: i for i in ws.catalog.list()}
        people = [p.employee_id for p in ws.people.list() if p.active]
        holdings = {p: held_awards(ws.awards.for_person(p), now) for p in people}
        completions = newly_complete(pathways, items, holdings, ws.pathway_awards.list())
        recorded = []
        for done in completions:
            award = PathwayAward(
                id=f"{done.pathway_id}/{done.person_id}",
                pathway_id=done.pathway_id,
                person_id=done.person_id,
                achievement_id=done.achievement_id,
                completed_at=done.completed_at or now,
                units=done.evidence,
                note="complete; waiting for a reviewer"
                if done.mode is AwardMode.REVIEW
                else "complete",
            )
            ws.pathway_awards.add(award)
            _audit(ws, now, actor, "pathway complete", award)
            recorded.append((award, done.mode))
    issued, queued = [], []
    for award, mode in recorded:
        if mode is AwardMode.AUTOMATIC and keys is not None:
            try:
                issued.append(_issue(store, keys, clock, award, actor))
                continue
            except SkillgapError as exc:
                award = _note(store, award, f"automatic award failed: {exc}; queued for review")
        queued.append(award)
    return AwardRun(tuple(issued), tuple(queued))


def _issue(
    store: Store, keys: KeySource, clock: Clock, award: PathwayAward, actor: str
) -> PathwayAward:
    with store.transaction() as ws:
        stacked = []
        for award_id in award.units:
            held = ws.awards.find(award_id)
            name = ""
            if held is not None:
                achievement = ws.achievements.find(held.achievement_id)
                name = achievement.name if achievement else held.achievement_id
            stacked.append(
                Evidence(
                    name=name or award_id,
                    url=award_id if ":" in award_id else None,
                    narrative=f"Credential {award_id}, stacked in pathway {award.pathway_id!r}.",
                )
            )
    result = issuance.issue(
        store,
        keys,
        achievement_id=award.achievement_id,
        person=award.person_id,
        clock=clock,
        stacked=stacked,
        write=False,
    )
    now = clock.now()
    done = replace(
        award,
        state=AwardState.ISSUED,
        decided_by=actor,
        decided_at=now,
        issued_id=result.issued.id,
        note="issued",
    )
    with store.transaction() as ws:
        ws.pathway_awards.put(done)
        _audit(ws, now, actor, "pathway credential issued", done)
    return done


def _note(store: Store, award: PathwayAward, note: str) -> PathwayAward:
    updated = replace(award, note=note)
    with store.transaction() as ws:
        ws.pathway_awards.put(updated)
    return updated


def pending_awards(store: Store) -> list[PathwayAward]:
    with store.transaction() as ws:
        return [a for a in ws.pathway_awards.list() if a.state is AwardState.PENDING]


def decide(
    store: Store,
    keys: KeySource | None,
    clock: Clock,
    award_id: str,
    *,
    approve: bool,
    actor: str,
    note: str = "",
) -> PathwayAward:
    """A reviewer's decision on a queued pathway credential: approve (it is issued) or
    reject (recorded; the person is not proposed again for this pathway)."""
    with store.transaction() as ws:
        award = ws.pathway_awards.find(award_id)
        if award is None:
            raise NotFoundError(f"no pathway award {award_id!r} (see `skillgap pathways queue`)")
        if award.state is not AwardState.PENDING:
            raise ConflictError(f"pathway award {award_id!r} was decided already ({award.state})")
    if approve:
        if keys is None:
            raise ValidationError("approving issues a credential: the issuer key is needed")
        return _issue(store, keys, clock, award, actor)
    now = clock.now()
    rejected = replace(
        award, state=AwardState.REJECTED, decided_by=actor, decided_at=now, note=note
    )
    with store.transaction() as ws:
        ws.pathway_awards.put(rejected)
        _audit(ws, now, actor, "pathway credential rejected", rejected)
    return rejected


def _audit(ws: Workspace, at: datetime, actor: str, action: str, award: PathwayAward) -> None:
    ws.audit.append(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            subject=award.person_id,
            details={
                "pathway": award.pathway_id,
                "achievement": award.achievement_id,
                "units": list(award.units),
                "state": award.state.value,
                "issued": award.issued_id,
                "note": award.note,
            },
        )
    )
