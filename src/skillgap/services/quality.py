"""Credential quality, as use cases: the rubric, the trusted-issuer registry, and the change
log every change to either, and every reviewer decision, is recorded in. Reviewers'
decisions on achievements (assessment types, suggested alignments) are
``achievement_quality``.

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

from skillgap.analysis.rubric import DEFAULT_RUBRIC, Change, Rubric, changes
from skillgap.clock import Clock
from skillgap.domain import Issuer, IssuerTier
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


def record_entry(ws: Workspace, entry: LogEntry) -> None:
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


def log_entries(ws: Workspace) -> list[LogEntry]:
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
        return log_entries(ws)


# --- the rubric ----------------------------------------------------------------------------


def current_rubric(ws: Workspace) -> Rubric:
    """The workspace's rubric: the one last set, else the documented defaults."""
    text = ws.meta.get(META_RUBRIC)
    return DEFAULT_RUBRIC if text is None else rubric_from_json(text)


def assessment_notes(ws: Workspace) -> dict[str, str]:
    """Who last set each achievement's assessment type, for its explanation."""
    notes = {}
    for entry in log_entries(ws):
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


def set_rubric(
    store: Store, clock: Clock, path: Path, by: str, *, source: str | None = None
) -> RubricUpdate:
    """Use the rubric in ``path`` (checked first: nothing changes if it has an error);
    ``source``: the file's name as the history records it (default: ``path``)."""
    rubric = read_rubric(path)
    with store.transaction() as ws:
        found = tuple(changes(current_rubric(ws), rubric))
        if found:
            entry = LogEntry(clock.now(), by, "rubric", "rubric", found, source or str(path))
            ws.meta.set(META_RUBRIC, rubric_to_json(rubric))
            record_entry(ws, entry)
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
    store: Store,
    clock: Clock,
    issuer_id: str,
    tier: IssuerTier,
    by: str,
    *,
    only_unknown: bool = False,
) -> Decision:
    """Put the issuer in the registry at ``tier`` (``unknown``: no longer trusted);
    ``only_unknown``: refuse an issuer that has a tier already (a queue's decision)."""
    with store.transaction() as ws:
        issuer = _issuer(ws, issuer_id)
        if only_unknown and issuer.tier is not IssuerTier.UNKNOWN:
            raise ValidationError(
                f"{issuer.name} is not waiting for a decision: its tier is {issuer.tier}"
            )
        if issuer.tier is tier:
            return Decision(issuer.name, None)
        ws.issuers.put(replace(issuer, tier=tier))
        entry = LogEntry(
            clock.now(), by, "issuer-tier", issuer.id, (Change("tier", issuer.tier, tier),)
        )
        record_entry(ws, entry)
    return Decision(issuer.name, entry)


def _issuer(ws: Workspace, issuer_id: str) -> Issuer:
    issuer = ws.issuers.find(issuer_id)
    if issuer is None:
        raise NotFoundError(f"no issuer {issuer_id!r} (see `skillgap issuers list`)")
    return issuer
