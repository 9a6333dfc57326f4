"""Gaps of groups of people: a role's holders, a team, a department, the organisation; the
organisation's training priorities; bench strength. One call builds the gap engine's model
(``analysis.engine.OrgModel``) from the workspace once and reads every figure from it.

Privacy is applied here, not in the engine or the reports, so that no renderer can leak
what it was never given:

- a group smaller than ``Privacy.min_group_size`` (default 5, ``SKILLGAP_MIN_GROUP_SIZE``)
  has all its rows replaced by a ``Suppressed`` marker;
- so does any row whose figures come from fewer people than that (people in scope of a
  competency, assessed for readiness, required by a training need): one person's gap inside
  a large department is still one person's gap;
- aggregates never name people: a single point of failure says how many hold the
  competency, never who.

``Privacy(admin=True)`` shows every row (the CLI trusts its user as an administrator only
with ``--admin``). Markers follow the visible rows in an order of their own, so where a
marker stands says nothing of its figures.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from skillgap.analysis.context import SkillContext, resolve_competency
from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_tables import (
    CapabilityRow,
    CompetencyRow,
    FutureGapRow,
    Grouping,
    GroupRow,
    PriorityRow,
    SinglePoint,
)
from skillgap.analysis.inventory import View
from skillgap.analysis.summary import WorkspaceData
from skillgap.analysis.summary import build_model as summary_model
from skillgap.clock import Clock
from skillgap.config import DEFAULT_MIN_GROUP_SIZE
from skillgap.domain import CapabilityGroup, CompetencyRef, Person
from skillgap.errors import NotFoundError, ValidationError
from skillgap.services.summary import SharedWorkspaceData, memoised, workspace_data
from skillgap.services.workspace import META_ORGANISATION, snapshot_date
from skillgap.store import Store

R = TypeVar("R", CompetencyRow, CapabilityRow, FutureGapRow)
_OUTSIDE = "\x00outside"  # the label of the people outside a scope: no real name has it
DEFAULT_BENCH_LEVEL = 3.0
DEFAULT_HALF_LIFE_DAYS = 365.0


class When(StrEnum):
    """A horizon named rather than dated: ``now`` (the analysis date), ``next`` (the first
    horizon after it), ``future`` (every horizon after it), ``all`` (now and every one)."""

    NOW = "now"
    NEXT = "next"
    FUTURE = "future"
    ALL = "all"


Horizon = When | date


class ScopeKind(StrEnum):
    ROLE = "role"
    TEAM = "team"
    DEPARTMENT = "department"
    ORGANISATION = "organisation"


_ATTRIBUTE: dict[ScopeKind, Callable[[Person], str | None]] = {
    ScopeKind.ROLE: lambda p: p.role_id,
    ScopeKind.TEAM: lambda p: p.team,
    ScopeKind.DEPARTMENT: lambda p: p.department,
}
#: The breakdown shown under a scope: the organisation per department, a department per team.
_BREAKDOWN = {ScopeKind.ORGANISATION: ScopeKind.DEPARTMENT, ScopeKind.DEPARTMENT: ScopeKind.TEAM}


@dataclass(frozen=True)
class Scope:
    """Whose gaps: the active people holding a role, in a team or a department, or all."""

    kind: ScopeKind
    name: str | None = None  # None for the organisation

    def __post_init__(self) -> None:
        if (self.kind is ScopeKind.ORGANISATION) != (self.name is None):
            raise ValidationError(f"a {self.kind.value} scope needs a name (and only it)")
        if self.name is not None and not self.name.strip():
            raise ValidationError(f"name the {self.kind.value}")

    def member(self, person: Person) -> bool:
        return self.kind is ScopeKind.ORGANISATION or _ATTRIBUTE[self.kind](person) == self.name


class Reason(StrEnum):
    """Why a row is suppressed; the value is a stable code."""

    SMALL_GROUP = "small-group"  # the group has fewer people than the minimum
    FEW_PEOPLE = "few-people"  # the row's figures come from fewer people than the minimum


@dataclass(frozen=True)
class Privacy:
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    admin: bool = False

    def reason(self, group_size: int, people: int | None = None) -> Reason | None:
        """Why a row of a group of ``group_size``, computed from ``people``, is hidden."""
        if self.admin:
            return None
        if group_size < self.min_group_size:
            return Reason.SMALL_GROUP
        if people is not None and people < self.min_group_size:
            return Reason.FEW_PEOPLE
        return None


@dataclass(frozen=True)
class Suppressed:
    """Stands in for a hidden row: what it is about, never its figures. ``competency``,
    ``capability`` and ``horizon`` are all ``None`` for a whole group."""

    group: str
    reason: Reason
    competency: CompetencyRef | None = None
    capability: CapabilityGroup | None = None
    horizon: date | None = None

    def order(self) -> tuple[date, str, str]:
        code = self.capability.code if self.capability else ""
        return (self.horizon or date.min, str(self.competency or ""), code)


@dataclass(frozen=True)
class Frame:
    """What every result says about itself: whose figures, as of when, in which view."""

    scope: Scope
    group: str  # the scope's name; the organisation's name for the organisation
    organisation: str
    as_of: date
    view: View
    context: SkillContext
    privacy: Privacy
    people: int  # active people in the scope

    @property
    def hidden(self) -> Suppressed | None:
        """The marker of the whole scope, when it is too small to show."""
        reason = self.privacy.reason(self.people)
        return Suppressed(self.group, reason) if reason else None


@dataclass(frozen=True)
class ScopeGaps:
    frame: Frame
    at: date  # the date of the profiles compared: as_of, or a horizon after it
    horizons: tuple[date, ...]  # the horizons after as_of of the scope's roles
    readiness: GroupRow | Suppressed  # the scope's, or its marker
    competencies: tuple[CompetencyRow | Suppressed, ...] = ()
    capabilities: tuple[CapabilityRow | Suppressed, ...] = ()
    breakdown: ScopeKind | None = None  # the sub-groups of ``groups``
    groups: tuple[GroupRow | Suppressed, ...] = ()
    future: tuple[FutureGapRow | Suppressed, ...] | None = None  # None: not asked for
    single_points: tuple[SinglePoint, ...] | None = None  # the organisation's; no holder


@dataclass(frozen=True)
class Priorities:
    frame: Frame
    horizon: Horizon
    half_life_days: float
    needs: int  # visible needs matching the horizon, before --top
    rows: tuple[PriorityRow, ...]  # the top ones, ranked
    suppressed: tuple[Suppressed, ...]  # hidden needs, or the whole scope


@dataclass(frozen=True)
class BenchLine:
    competency: CompetencyRef
    level: float  # canonical 0-5
    people: int  # active people holding at least ``level``, verified
    required_by: int  # active people whose role requires the competency now


@dataclass(frozen=True)
class BenchStrength:
    frame: Frame
    rows: tuple[BenchLine, ...]  # empty when the organisation is too small to show


def build_model(data: WorkspaceData, as_of: date) -> OrgModel:
    """The gap engine's model of the workspace as of ``as_of``: the stored ratings and the
    credential observations of the awards the quality rubric counts at the end of that day,
    as `skillgap summary` reads them (``analysis.summary.build_model``). Data a cache keeps
    (``SharedWorkspaceData``) keeps its models too: built once, shared, never changed."""
    if isinstance(data, SharedWorkspaceData):
        return data.models.get(as_of, lambda: summary_model(data, as_of)[0])
    return summary_model(data, as_of)[0]


def _open(
    store: Store,
    clock: Clock,
    scope: Scope,
    as_of: date | None,
    view: View,
    privacy: Privacy | None,
) -> tuple[Frame, OrgModel, WorkspaceData]:
    """The model as of ``as_of`` (default: the snapshot date, else today), the frame of
    ``scope`` in it, and the data it was built from."""
    with store.transaction() as ws:
        data = workspace_data(ws)
        organisation = ws.meta.get(META_ORGANISATION) or "Organisation"
        when = as_of or snapshot_date(ws) or clock.now().date()
    model = build_model(data, when)
    scope = _resolve(model, scope)
    label = scope.name if scope.name is not None else organisation
    people = sum(1 for p in model.people if scope.member(p))
    privacy = privacy or Privacy()
    frame = Frame(scope, label, organisation, when, view, model.context, privacy, people)
    return frame, model, data


def _key(frame: Frame, *asked: Hashable) -> tuple[Hashable, ...]:
    """What a result depends on besides the data (``summary.memoised``)."""
    return (frame.scope, frame.group, frame.as_of, frame.view, frame.privacy, *asked)


def _resolve(model: OrgModel, scope: Scope) -> Scope:
    """The scope with its name as the workspace spells it (case-insensitive when that is
    unambiguous); an unknown role, or a team or department no active person is in, is an
    error naming the known ones."""
    if scope.name is None:
        return scope
    if scope.kind is ScopeKind.ROLE:
        known = sorted(r.id for r in model.roles)
    else:
        known = sorted({v for v in map(_ATTRIBUTE[scope.kind], model.people) if v})
    if scope.name in known:
        return scope
    folded = [k for k in known if k.casefold() == scope.name.strip().casefold()]
    if len(folded) == 1:
        return Scope(scope.kind, folded[0])
    what = "role" if scope.kind is ScopeKind.ROLE else f"active person in {scope.kind.value}"
    listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
    plural = "roles" if scope.kind is ScopeKind.ROLE else f"{scope.kind.value}s"
    raise NotFoundError(f"no {what} {scope.name!r} ({plural}: {listed or 'none'})")


# --- gaps of a group ------------------------------------------------------------------------


def scope_gaps(
    store: Store,
    clock: Clock,
    scope: Scope,
    *,
    as_of: date | None = None,
    horizon: Horizon = When.NOW,
    view: View = View.VERIFIED,
    privacy: Privacy | None = None,
) -> ScopeGaps:
    """The scope's gaps against the profiles in force at ``horizon`` (now, the next horizon
    of the scope's roles, or a date after ``as_of``) with the levels held as of ``as_of``
    (default: the snapshot date, else today): per competency, per capability group, its
    readiness and its sub-groups'. ``When.FUTURE`` (and the organisation) adds the gaps of
    every later horizon; the organisation adds its single points of failure."""
    frame, model, data = _open(store, clock, scope, as_of, view, privacy)
    key = _key(frame, "scope-gaps", horizon)
    return memoised(data, key, lambda: _scope_gaps(frame, model, horizon))


def _scope_gaps(frame: Frame, model: OrgModel, horizon: Horizon) -> ScopeGaps:
    scope, privacy, view = frame.scope, frame.privacy, frame.view
    everyone = scope.kind is ScopeKind.ORGANISATION
    held = {p.role_id for p in model.people if scope.member(p)}
    horizons = tuple(
        sorted({h for r in model.roles if r.id in held for h in r.horizons if h > frame.as_of})
    )
    at = _at(horizon, frame.as_of, horizons)
    future = horizon is When.FUTURE or everyone
    if frame.people == 0:
        raise NotFoundError(f"no active person holds the role {frame.group!r}")
    if frame.hidden is not None:
        empty = () if future else None
        return ScopeGaps(frame, at, horizons, frame.hidden, future=empty, single_points=empty)
    on = None if at == frame.as_of else at
    labels = [frame.group if scope.member(p) else _OUTSIDE for p in model.people]
    grouping = Grouping.whole(len(labels), frame.group) if everyone else Grouping.of_labels(labels)
    index = grouping.names.index(frame.group)

    def mine(table: Any, order: Callable[[Any], Any]) -> tuple[Any, ...]:
        return _ranked(privacy, table.where(table.group == index).rows(), order)

    competencies = model.aggregate(view, grouping, horizon=on)
    capabilities = model.aggregate_capabilities(view, grouping, horizon=on)
    by = _BREAKDOWN.get(scope.kind)
    groups: tuple[GroupRow | Suppressed, ...] = ()
    if by is not None:
        key = _ATTRIBUTE[by]
        parts = [key(p) if scope.member(p) else _OUTSIDE for p in model.people]
        table = model.group_readiness(view, parts, horizon=on)
        groups = tuple(_guard(privacy, row) for row in table.rows() if row.group != _OUTSIDE)
    return ScopeGaps(
        frame,
        at,
        horizons,
        _guard(privacy, model.group_readiness(view, grouping, horizon=on).row(index)),
        competencies=mine(competencies, lambda r: (-r.total_weighted_gap, r.competency)),
        capabilities=mine(capabilities, lambda r: (-r.total_weighted_gap, str(r.capability))),
        breakdown=by,
        groups=groups,
        future=mine(
            model.future_gaps(view, grouping),
            lambda r: (r.horizon, -r.total_weighted_gap, r.competency),
        )
        if future
        else None,
        single_points=tuple(replace(s, holder=None) for s in model.single_points_of_failure())
        if everyone
        else None,
    )


def _at(horizon: Horizon, as_of: date, horizons: tuple[date, ...]) -> date:
    if isinstance(horizon, date):
        if horizon <= as_of:
            raise ValidationError(
                f"the horizon {horizon.isoformat()} is not after the analysis date "
                f"{as_of.isoformat()}: give a later date, or 'now', 'next' or 'future'"
            )
        return horizon
    if horizon is When.NEXT and horizons:
        return horizons[0]
    return as_of  # now, future (today's profiles, then every horizon's), next without one


def _guard(privacy: Privacy, row: GroupRow) -> GroupRow | Suppressed:
    reason = privacy.reason(row.group_size, row.people_assessed)
    return Suppressed(row.group, reason) if reason else row


def _ranked(
    privacy: Privacy, rows: list[R], order: Callable[[R], Any]
) -> tuple[R | Suppressed, ...]:
    """The rows shown, in ``order``; then markers for those hidden, in their own order."""
    shown: list[R | Suppressed] = []
    hidden: list[Suppressed] = []
    for row in sorted(rows, key=order):
        reason = privacy.reason(row.group_size, row.people_in_scope)
        if reason is None:
            shown.append(row)
        else:
            hidden.append(
                Suppressed(
                    row.group,
                    reason,
                    competency=getattr(row, "competency", None),
                    capability=getattr(row, "capability", None),
                    horizon=getattr(row, "horizon", None),
                )
            )
    hidden.sort(key=Suppressed.order)
    shown.extend(hidden)
    return tuple(shown)


# --- priorities ----------------------------------------------------------------------------


def priorities(
    store: Store,
    clock: Clock,
    *,
    department: str | None = None,
    as_of: date | None = None,
    horizon: Horizon = When.ALL,
    view: View = View.VERIFIED,
    top: int = 10,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    privacy: Privacy | None = None,
) -> Priorities:
    """The organisation's (or a department's) training needs, ranked by importance x
    people short x gap size x urgency (``engine_tables.PriorityRow``); ``horizon`` keeps
    today's needs (``now``), the later ones (``future``), both up to the next horizon
    (``next``) or a date, or all of them."""
    if top < 1:
        raise ValidationError("--top must be at least 1")
    scope = Scope(
        ScopeKind.ORGANISATION if department is None else ScopeKind.DEPARTMENT, department
    )
    frame, model, data = _open(store, clock, scope, as_of, view, privacy)
    key = _key(frame, "priorities", horizon, top, half_life_days)
    return memoised(data, key, lambda: _priorities(frame, model, horizon, top, half_life_days))


def _priorities(
    frame: Frame, model: OrgModel, horizon: Horizon, top: int, half_life_days: float
) -> Priorities:
    view, department = frame.view, frame.scope.name
    if frame.hidden is not None:
        return Priorities(frame, horizon, half_life_days, 0, (), (frame.hidden,))
    members = [p.employee_id for p in model.people if frame.scope.member(p)]
    mask = None if department is None else model.mask(members)
    table = model.priorities(view, people=mask, half_life_days=half_life_days)
    codes = table.horizon  # 0: now; h + 1: the h-th horizon after as_of
    if horizon is When.NOW:
        table = table.where(codes == 0)
    elif horizon is When.FUTURE:
        table = table.where(codes > 0)
    elif horizon is not When.ALL:
        last = 1 if horizon is When.NEXT else sum(1 for d in model.horizons if d <= horizon)
        table = table.where(codes <= last)
    shown: list[PriorityRow] = []
    hidden: list[Suppressed] = []
    for row in table:
        reason = frame.privacy.reason(frame.people, row.people_required)
        if reason is None:
            shown.append(row)
        else:
            hidden.append(Suppressed(frame.group, reason, row.competency, horizon=row.horizon))
    hidden.sort(key=Suppressed.order)
    return Priorities(frame, horizon, half_life_days, len(shown), tuple(shown[:top]), tuple(hidden))


# --- bench strength ------------------------------------------------------------------------


def bench_strength(
    store: Store,
    clock: Clock,
    *,
    level: float | None = None,
    competency: str | None = None,
    as_of: date | None = None,
    privacy: Privacy | None = None,
) -> BenchStrength:
    """Per competency: the active people holding at least ``level`` (canonical 0-5,
    default 3) on verified evidence, anywhere in the organisation, and how many people's
    roles require it now; thinnest bench first. With ``competency`` (FRAMEWORK:CODE, a
    code or a name) and no ``level``, that competency at every level 1-5."""
    scope = Scope(ScopeKind.ORGANISATION)
    frame, model, data = _open(store, clock, scope, as_of, View.VERIFIED, privacy)
    key = _key(frame, "bench-strength", level, competency)
    return memoised(data, key, lambda: _bench_strength(frame, model, level, competency))


def _bench_strength(
    frame: Frame, model: OrgModel, level: float | None, competency: str | None
) -> BenchStrength:
    if frame.hidden is not None:
        return BenchStrength(frame, ())
    wanted = None if competency is None else resolve_competency(competency, frame.context)
    levels = [level] if level is not None else [1.0, 2.0, 3.0, 4.0, 5.0] if wanted else None
    required = {r.competency: r.people_in_scope for r in model.aggregate(View.VERIFIED).rows()}
    rows: list[BenchLine] = []
    for threshold in levels or [DEFAULT_BENCH_LEVEL]:
        counts = {r.competency: r.people for r in model.bench_strength(threshold, View.VERIFIED)}
        refs = [wanted] if wanted else list(counts)
        rows += [
            BenchLine(ref, threshold, counts.get(ref, 0), required.get(ref, 0)) for ref in refs
        ]
    rows.sort(key=lambda r: (r.level, r.people, r.competency))
    return BenchStrength(frame, tuple(rows))
