"""Snapshots: the organisation's gaps as they stood on a date, kept so progress can be shown.

A snapshot is a record, not a cache: it keeps the figures as they were computed then, so a
later change to a role, a framework or the evidence rules never rewrites history. Each row is
one person assessed (active, holding a known role) with their readiness in both views, now
and at their role's next horizon, and every requirement in force on the snapshot's date with
the levels held: met ones too, so that a gap that closes can say what level closed it.
Levels are on the canonical 0-5 scale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.roles import Importance
from skillgap.errors import ValidationError

#: Why a snapshot was taken (``Snapshot.reason``): by hand, after an import, by the demo.
MANUAL = "manual"
DEMO = "demo"
IMPORT_PEOPLE = "import: people"
IMPORT_RATINGS = "import: ratings"
IMPORT_CREDENTIALS = "import: credentials"


@dataclass(frozen=True)
class RequirementLine:
    """One requirement in force on the snapshot's date and the levels held against it.

    ``held_verified`` is the verified level, ``held_best`` the best-available one (verified,
    else manager, else self); None where nothing is held in that view."""

    competency: CompetencyRef
    importance: Importance
    required: float
    held_verified: float | None
    held_best: float | None

    def held(self, verified: bool) -> float | None:
        return self.held_verified if verified else self.held_best

    def is_open(self, verified: bool) -> bool:
        """Whether the level held in the view falls short of the level required."""
        return (self.held(verified) or 0.0) < self.required


@dataclass(frozen=True)
class SnapshotRow:
    """One person on the snapshot's date. ``horizon`` is their role's next horizon after
    that date (None: the role's profile does not change after it; the readiness at the
    horizon is then None too)."""

    person_id: str
    department: str | None
    team: str | None
    role_id: str
    readiness_verified: float
    readiness_best: float
    horizon: date | None = None
    horizon_readiness_verified: float | None = None
    horizon_readiness_best: float | None = None
    lines: tuple[RequirementLine, ...] = ()

    def __post_init__(self) -> None:
        if (self.horizon is None) != (self.horizon_readiness_verified is None) or (
            self.horizon is None
        ) != (self.horizon_readiness_best is None):
            raise ValidationError(
                f"snapshot row of {self.person_id!r}: a readiness at the horizon needs a "
                "horizon, and a horizon needs both readiness figures"
            )

    @property
    def assessed(self) -> bool:
        """Whether the role requires anything on the date (else readiness means nothing)."""
        return bool(self.lines)

    def readiness(self, verified: bool) -> float:
        return self.readiness_verified if verified else self.readiness_best

    def readiness_ahead(self, verified: bool) -> float | None:
        """Readiness at the role's next horizon, or now when its profile no longer changes
        (None when the role requires nothing, now or then)."""
        if self.horizon is not None:
            return self.horizon_readiness_verified if verified else self.horizon_readiness_best
        return self.readiness(verified) if self.assessed else None

    def open_lines(self, verified: bool) -> tuple[RequirementLine, ...]:
        return tuple(line for line in self.lines if line.is_open(verified))


@dataclass(frozen=True)
class SnapshotTotals:
    """Headline figures of a snapshot, kept with it so a list of snapshots needs no rows.

    Readiness figures are means over the people whose role requires something (None when
    there are none); the ``ahead`` ones are at each person's role's next horizon."""

    people: int
    assessed: int
    readiness_verified: float | None
    readiness_best: float | None
    ahead_verified: float | None
    ahead_best: float | None
    open_verified: int
    open_best: int

    @classmethod
    def of(cls, rows: Iterable[SnapshotRow]) -> SnapshotTotals:
        rows = tuple(rows)
        return cls(
            people=len(rows),
            assessed=sum(1 for r in rows if r.assessed),
            readiness_verified=mean(r.readiness_verified for r in rows if r.assessed),
            readiness_best=mean(r.readiness_best for r in rows if r.assessed),
            ahead_verified=mean(_present(r.readiness_ahead(True) for r in rows)),
            ahead_best=mean(_present(r.readiness_ahead(False) for r in rows)),
            open_verified=sum(len(r.open_lines(True)) for r in rows),
            open_best=sum(len(r.open_lines(False)) for r in rows),
        )

    def readiness(self, verified: bool) -> float | None:
        return self.readiness_verified if verified else self.readiness_best

    def ahead(self, verified: bool) -> float | None:
        return self.ahead_verified if verified else self.ahead_best

    def open(self, verified: bool) -> int:
        return self.open_verified if verified else self.open_best


class Cause(StrEnum):
    """Why a gap closed or opened; the value is a stable code."""

    LEVEL_ROSE = "level-rose"  # closed: a credential now counts, a higher rating
    REQUIREMENT_LOWERED = "requirement-lowered"
    NO_LONGER_REQUIRED = "no-longer-required"  # another role, a requirement removed
    LEVEL_FELL = "level-fell"  # opened: a credential expired or was revoked, a lower rating
    REQUIREMENT_RAISED = "requirement-raised"  # a horizon reached, a role updated
    NEWLY_REQUIRED = "newly-required"  # another role, a horizon adds it

    @property
    def label(self) -> str:
        return _CAUSE_LABELS[self]


_CAUSE_LABELS = {
    Cause.LEVEL_ROSE: "level held rose",
    Cause.REQUIREMENT_LOWERED: "requirement lowered",
    Cause.NO_LONGER_REQUIRED: "no longer required",
    Cause.LEVEL_FELL: "level held fell",
    Cause.REQUIREMENT_RAISED: "requirement raised",
    Cause.NEWLY_REQUIRED: "newly required",
}


@dataclass(frozen=True)
class GapChange:
    """One person's requirement of one competency, before and after (levels on 0-5; a
    required level is None where the competency was not required, a held one where
    nothing was held in the view)."""

    person_id: str
    department: str | None
    role_id: str
    competency: CompetencyRef
    importance: Importance
    required_before: float | None
    required_after: float | None
    held_before: float | None
    held_after: float | None
    cause: Cause


@dataclass(frozen=True)
class PersonChange:
    """What changed for one person from one snapshot to the next, in one view
    (``verified``, else best-available): the gaps that closed and opened, and their
    readiness before and after when they were assessed in both and it moved (else both
    None). Stored with each period, so that a person's progress reads no snapshot rows."""

    person_id: str
    verified: bool
    readiness_before: float | None
    readiness_after: float | None
    closed: tuple[GapChange, ...]
    opened: tuple[GapChange, ...]


def twice(before: str, after: str, change: PersonChange) -> str:
    """The message refusing a period that holds one person's changes in a view twice."""
    view = "verified" if change.verified else "best-available"
    return (
        f"the period from snapshot {before!r} to {after!r} holds {change.person_id!r}'s "
        f"changes in the {view} view twice"
    )


@dataclass(frozen=True)
class StoredPeriod:
    """A period as stored, read for one person in one view: the snapshot before its last
    one it was computed against, and the person's changes over it (None: nothing changed
    for them)."""

    before: str
    change: PersonChange | None


#: A change as a store keeps it (its own compact form), and how it becomes a PersonChange.
Decode = Callable[[str, bool, Any], PersonChange]


@dataclass(frozen=True)
class StoredPeriods:
    """Every stored period with everyone's changes over it, read at once (a served worker
    keeps it, so that a person's page reads none): by each period's last snapshot, the
    snapshot before it that it was computed against, and each person's change in each
    view, in the store's own compact form (``decode`` makes it a ``PersonChange`` when a
    person's periods are asked for: tens of thousands of changes stay a row each)."""

    periods: Mapping[str, tuple[str, Mapping[tuple[str, bool], Any]]]
    decode: Decode

    def person(self, person_id: str, verified: bool) -> dict[str, StoredPeriod]:
        """What ``SnapshotRepository.person_periods`` answers for them."""
        out = {}
        for after, (before, changes) in self.periods.items():
            raw = changes.get((person_id, verified))
            out[after] = StoredPeriod(
                before, None if raw is None else self.decode(person_id, verified, raw)
            )
        return out


@dataclass(frozen=True)
class Snapshot:
    """The gaps of the organisation as of ``as_of``, taken at ``taken_at`` for ``reason``.

    ``rows`` are ordered by person id; a snapshot listed without its rows keeps ``totals``.
    Snapshots are ordered by ``as_of``, then id (``order``): ids are numbered as snapshots
    are taken, so snapshots of one date stay in the order they were taken in whatever the
    clocks of the machines that took them said (``taken_at`` is for people to read)."""

    id: str
    taken_at: datetime
    as_of: date
    reason: str
    totals: SnapshotTotals
    rows: tuple[SnapshotRow, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.id:
            raise ValidationError("a snapshot needs an id")
        if self.taken_at.tzinfo is None:
            raise ValidationError(f"snapshot {self.id!r}: taken_at must be timezone-aware")
        ids = [r.person_id for r in self.rows]
        if ids != sorted(set(ids)):
            raise ValidationError(
                f"snapshot {self.id!r}: rows must be ordered by person id, each person once"
            )

    @classmethod
    def of(
        cls, id: str, taken_at: datetime, as_of: date, reason: str, rows: Iterable[SnapshotRow]
    ) -> Snapshot:
        """A snapshot of ``rows`` (in any order), its totals computed from them."""
        ordered = tuple(sorted(rows, key=lambda r: r.person_id))
        return cls(id, taken_at, as_of, reason, SnapshotTotals.of(ordered), ordered)

    @property
    def order(self) -> tuple[date, str]:
        return (self.as_of, self.id)

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(sorted({r.department for r in self.rows if r.department}))

    def header(self) -> Snapshot:
        """The snapshot without its rows, as ``list()`` returns it."""
        return Snapshot(self.id, self.taken_at, self.as_of, self.reason, self.totals)

    def only(self, department: str) -> Snapshot:
        """The snapshot restricted to one department's people (totals recomputed)."""
        return Snapshot.of(
            self.id,
            self.taken_at,
            self.as_of,
            self.reason,
            (r for r in self.rows if r.department == department),
        )


def mean(values: Iterable[float]) -> float | None:
    found = list(values)
    return sum(found) / len(found) if found else None


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None]
