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

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from skillgap.analysis.context import resolve_competency
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
from skillgap.clock import Clock
from skillgap.domain import CompetencyRef
from skillgap.errors import NotFoundError, ValidationError
from skillgap.services.organisation_scope import (
    ATTRIBUTE,
    Frame,
    Horizon,
    Privacy,
    Scope,
    ScopeKind,
    Suppressed,
    When,
    open_scope,
    result_key,
)
from skillgap.services.summary import memoised
from skillgap.store import Store

R = TypeVar("R", CompetencyRow, CapabilityRow, FutureGapRow)
_OUTSIDE = "\x00outside"  # the label of the people outside a scope: no real name has it
DEFAULT_BENCH_LEVEL = 3.0
DEFAULT_HALF_LIFE_DAYS = 365.0

#: The breakdown shown under a scope: the organisation per department, a department per team.
_BREAKDOWN = {ScopeKind.ORGANISATION: ScopeKind.DEPARTMENT, ScopeKind.DEPARTMENT: ScopeKind.TEAM}


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
    single_points: tuple[SinglePoint, ...] | None = None  # the scope's; never the holder


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
    every later horizon; every scope adds its own single points of failure."""
    frame, model, data = open_scope(store, clock, scope, as_of, view, privacy)
    key = result_key(frame, "scope-gaps", horizon)
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
        return ScopeGaps(frame, at, horizons, frame.hidden, future=empty, single_points=())
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
        key = ATTRIBUTE[by]
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
        single_points=tuple(
            replace(s, holder=None)
            for s in model.single_points_of_failure(
                people=None
                if everyone
                else model.mask(p.employee_id for p in model.people if scope.member(p))
            )
        ),
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
    team: str | None = None,
    as_of: date | None = None,
    horizon: Horizon = When.ALL,
    view: View = View.VERIFIED,
    top: int = 10,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    privacy: Privacy | None = None,
) -> Priorities:
    """The organisation's (or a department's, or a team's) training needs, ranked by
    importance x people short x gap size x urgency (``engine_tables.PriorityRow``);
    ``horizon`` keeps today's needs (``now``), the later ones (``future``), both up to the
    next horizon (``next``) or a date, or all of them."""
    if top < 1:
        raise ValidationError("--top must be at least 1")
    if department is not None and team is not None:
        raise ValidationError("name a department or a team, not both")
    scope = (
        Scope(ScopeKind.TEAM, team)
        if team is not None
        else Scope(ScopeKind.ORGANISATION)
        if department is None
        else Scope(ScopeKind.DEPARTMENT, department)
    )
    frame, model, data = open_scope(store, clock, scope, as_of, view, privacy)
    key = result_key(frame, "priorities", horizon, top, half_life_days)
    return memoised(data, key, lambda: _priorities(frame, model, horizon, top, half_life_days))


def _priorities(
    frame: Frame, model: OrgModel, horizon: Horizon, top: int, half_life_days: float
) -> Priorities:
    view, group = frame.view, frame.scope.name
    if frame.hidden is not None:
        return Priorities(frame, horizon, half_life_days, 0, (), (frame.hidden,))
    members = [p.employee_id for p in model.people if frame.scope.member(p)]
    mask = None if group is None else model.mask(members)
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
    frame, model, data = open_scope(store, clock, scope, as_of, View.VERIFIED, privacy)
    key = result_key(frame, "bench-strength", level, competency)
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
