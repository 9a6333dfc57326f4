"""What the organisation, department, team and role pages show, from the services the API
uses (``services.organisation``, ``services.roles``): one call per page, composed here.

Two figures have no service of their own yet and are read from the gap engine's model here,
with the services' privacy rules: the heatmap (each department, or each team of a
department, x each capability group) and people's readiness (the people furthest from their
role, a role's holders). Both are read only for what the caller may see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from skillgap.analysis.inventory import View
from skillgap.analysis.summary import WorkspaceData
from skillgap.reports.organisation import bench_data, priorities_data, scope_data
from skillgap.server.api.catalog import role_data
from skillgap.server.context import AppContext
from skillgap.server.recount import Counted, Seen
from skillgap.server.scope import Reach
from skillgap.services import organisation as service
from skillgap.services import roles as roles_service
from skillgap.services.organisation_scope import (
    ATTRIBUTE,
    Privacy,
    Scope,
    ScopeKind,
    When,
    build_model,
)
from skillgap.services.summary import kept_result, memoised, workspace_data
from skillgap.services.workspace import snapshot_date
from skillgap.store import Store

METRICS = {"coverage": "coverage", "gap": "mean weighted gap"}
FUTURE_WINDOW = timedelta(days=548)  # the 12-18-month horizon: up to 18 months ahead
NO_CAPABILITY = "(no capability group)"
_OUTSIDE = "\x00outside"
T = TypeVar("T")


@dataclass(frozen=True)
class Cell:
    row: str
    column: str
    value: float | None  # None: hidden, or nobody in the row needs the capability
    people: int  # people of the row with a requirement in the capability (0 when hidden)
    hidden: bool  # too few people to show


@dataclass(frozen=True)
class Heatmap:
    by: str  # what the rows are: "department" or "team"
    metric: str  # "coverage" (0-1, higher is better) or "gap" (mean weighted gap)
    rows: tuple[str, ...]
    sizes: tuple[int, ...]  # people per row
    columns: tuple[str, ...]
    cells: tuple[Cell, ...]  # row-major: len(rows) x len(columns)
    min_group_size: int
    top: float  # the largest value shown (the colour scale's end for "gap")

    def cell(self, row: int, column: int) -> Cell:
        return self.cells[row * len(self.columns) + column]


@dataclass(frozen=True)
class PersonLine:
    employee_id: str
    name: str
    role_id: str | None
    team: str | None
    readiness: float  # 0-100
    weighted_gap: float


@dataclass(frozen=True)
class GroupPage:
    gaps: dict[str, Any]  # scope_data: readiness, competencies, capabilities, groups...
    priorities: dict[str, Any] | None
    heatmap: Heatmap | None
    future: list[dict[str, Any]]  # future gaps within 18 months of the analysis date
    furthest: list[PersonLine]  # only people the caller may see
    view: str
    metric: str
    #: None: the figures count the workspace as it is; else when they last did (a change
    #: since is being counted: ``server/recount.py``)
    current_at: datetime | None = None


def _model(store: Store, ctx: AppContext) -> Any:
    with store.transaction() as ws:
        data = workspace_data(ws)
        when = snapshot_date(ws) or ctx.clock.now().date()
    return build_model(data, when)


def heatmap(
    ctx: AppContext, within: Scope, by: ScopeKind, view: View, privacy: Privacy, metric: str
) -> Heatmap:
    """Each ``by`` group of ``within`` x each capability group, the metric's value per cell;
    a cell from fewer people than the privacy minimum (or of a group that small) hidden."""
    model = _model(ctx.store, ctx)
    key = ATTRIBUTE[by]
    labels = [(key(p) or "(none)") if within.member(p) else _OUTSIDE for p in model.people]
    table = model.aggregate_capabilities(view, labels)
    rows = sorted({label for label in labels if label != _OUTSIDE})
    counted = Counter(labels)
    sizes = tuple(counted[r] for r in rows)
    found: dict[tuple[str, str], Cell] = {}
    for row in table.rows():
        if row.group == _OUTSIDE:
            continue
        column = row.capability.name if row.capability else NO_CAPABILITY
        hidden = privacy.reason(row.group_size, row.people_in_scope) is not None
        value = (
            None if hidden else (row.coverage if metric == "coverage" else row.mean_weighted_gap)
        )
        found[(row.group, column)] = Cell(
            row.group, column, value, 0 if hidden else row.people_in_scope, hidden
        )
    columns = tuple(sorted({c for _, c in found}))
    cells = tuple(
        found.get((r, c)) or Cell(r, c, None, 0, privacy.reason(size) is not None)
        for r, size in zip(rows, sizes, strict=True)
        for c in columns
    )
    top = max((c.value for c in cells if c.value is not None), default=1.0)
    return Heatmap(
        by.value, metric, tuple(rows), sizes, columns, cells, privacy.min_group_size, top or 1.0
    )


def kept(
    ctx: AppContext, key: tuple[Any, ...], compute: Callable[[WorkspaceData, date], T]
) -> Counted[T]:
    """``compute(data, analysis date)``, kept with the workspace data under ``key`` and the
    date while a cache keeps that data (``summary.memoised``): the figures every caller of a
    page shares, computed once per state of the workspace. While they are counted again
    after a change, the ones counted before, if that takes long (``server/recount.py``)."""

    def seen() -> Seen[T]:
        with ctx.store.transaction() as ws:
            when = snapshot_date(ws) or ctx.clock.now().date()
            found = kept_result(ws, (*key, when), when)
        return Seen((found.state, when), found.model_kept, found.value)

    def count() -> T:
        with ctx.store.transaction() as ws:
            data = workspace_data(ws)
            when = snapshot_date(ws) or ctx.clock.now().date()
        return memoised(data, (*key, when), lambda: compute(data, when))

    return ctx.recounts.figures(key, seen, count)


def oldest(*found: Counted[Any]) -> datetime | None:
    """When the oldest of figures last counted the workspace as it was (None: all do)."""
    return min((f.current_at for f in found if f.current_at is not None), default=None)


def readiness_of(
    ctx: AppContext, view: View, scope: Scope, reached: Reach
) -> Counted[list[PersonLine]]:
    """The readiness of each active person with a role in ``scope`` (a department, team or
    role) whom the caller may see, least ready first."""
    groups = readiness_groups(ctx, view)
    found = groups.value.get((scope.kind, scope.name or ""), ())
    lines = [line for line in found if reached.sees(line.employee_id)]
    return Counted(lines, groups.current_at)


def readiness_groups(ctx: AppContext, view: View) -> Counted[dict[tuple[ScopeKind, str], Lines]]:
    """Everyone's readiness, least ready first, by department, team and role (keyed by the
    kind and name of the scope): one pass over the organisation per state of the workspace
    (kept with its data; the warmer makes it), not one per page (about 45 ms at 100,000
    people), and a page then reads only its group."""
    return kept(ctx, ("readiness", view), lambda d, w: _readiness_groups(build_model(d, w), view))


Lines = tuple[PersonLine, ...]
_GROUPED = (ScopeKind.DEPARTMENT, ScopeKind.TEAM, ScopeKind.ROLE)


def _readiness_groups(model: Any, view: View) -> dict[tuple[ScopeKind, str], Lines]:
    table = model.person_gaps(view)
    assessed = table.assessed.tolist()
    readiness = table.readiness.tolist()
    gaps = table.total_weighted_gap().tolist()
    lines = sorted(
        (
            (PersonLine(p.employee_id, p.name, p.role_id, p.team, readiness[i], gaps[i]), p)
            for i, p in enumerate(model.people)
            if assessed[i]
        ),
        key=lambda pair: (pair[0].readiness, -pair[0].weighted_gap, pair[0].employee_id),
    )
    groups: dict[tuple[ScopeKind, str], list[PersonLine]] = {}
    for line, person in lines:
        for kind in _GROUPED:
            value = ATTRIBUTE[kind](person)
            if value:
                groups.setdefault((kind, value), []).append(line)
    return {key: tuple(found) for key, found in groups.items()}


def _future(gaps: dict[str, Any]) -> list[dict[str, Any]]:
    rows = gaps.get("future_gaps") or []
    end = date.fromisoformat(gaps["as_of"]) + FUTURE_WINDOW
    within = [r for r in rows if date.fromisoformat(r["horizon"]) <= end]
    if not within and rows:  # no horizon that close: the first one there is
        first = min(r["horizon"] for r in rows)
        within = [r for r in rows if r["horizon"] == first]
    return within


def group_page(
    ctx: AppContext, privacy: Privacy, reached: Reach, scope: Scope, view: View, metric: str
) -> GroupPage:
    """The organisation's, a department's or a team's page: its gaps (today's profiles and
    every later horizon's), priorities, heatmap of its sub-groups, and the people furthest
    from their role. All but the last are the same for every caller with the same privacy,
    and are kept with the workspace data while a cache keeps that (``summary.memoised``):
    the heatmap and the report's ten thousand rows took most of a warm dashboard's time."""
    key = ("group-page", scope, view, privacy, metric)
    with ctx.recounts.one_page():
        figures = kept(ctx, key, lambda _d, _w: _group_figures(ctx, privacy, scope, view, metric))
        gaps, priorities, chart, resolved = figures.value
        furthest: Counted[list[PersonLine]] = Counted([])
        if resolved.kind is not ScopeKind.ORGANISATION:
            furthest = readiness_of(ctx, view, resolved, reached)
    return GroupPage(
        gaps,
        priorities,
        chart,
        _future(gaps),
        furthest.value[:10],
        view.value,
        metric,
        oldest(figures, furthest),
    )


def _group_figures(
    ctx: AppContext, privacy: Privacy, scope: Scope, view: View, metric: str
) -> tuple[dict[str, Any], dict[str, Any] | None, Heatmap | None, Scope]:
    found = service.scope_gaps(
        ctx.store, ctx.clock, scope, horizon=When.FUTURE, view=view, privacy=privacy
    )
    resolved = found.frame.scope
    team = resolved.kind is ScopeKind.TEAM
    ranked = service.priorities(
        ctx.store,
        ctx.clock,
        department=None if team else resolved.name,
        team=resolved.name if team else None,
        view=view,
        top=10,
        privacy=privacy,
    )
    priorities = priorities_data(ranked)
    by = {ScopeKind.ORGANISATION: ScopeKind.DEPARTMENT, ScopeKind.DEPARTMENT: ScopeKind.TEAM}
    chart = None
    if resolved.kind in by:
        chart = heatmap(ctx, resolved, by[resolved.kind], view, privacy, metric)
    return scope_data(found), priorities, chart, resolved


def _bench_at(
    ctx: AppContext, privacy: Privacy, level: float
) -> Callable[[WorkspaceData, date], dict[str, dict[str, Any]]]:
    """Every competency's bench at ``level``: those holding it there or above (verified),
    and how many people's roles require it."""

    def compute(_data: WorkspaceData, _when: date) -> dict[str, dict[str, Any]]:
        found = service.bench_strength(ctx.store, ctx.clock, level=level, privacy=privacy)
        return {line["competency"]: line for line in bench_data(found)["bench"]}

    return compute


@dataclass(frozen=True)
class RolePage:
    role: dict[str, Any]  # role_data: requirements now and at each horizon
    holders: list[PersonLine]  # only people the caller may see
    #: competency -> its bench at the level the role requires now (None: hidden, a group
    #: below the privacy size); None: not shown to the caller
    bench: dict[str, dict[str, Any] | None] | None
    current_at: datetime | None = None  # as ``GroupPage``'s


def role_page(
    ctx: AppContext, privacy: Privacy | None, reached: Reach, role_id: str, view: View
) -> RolePage:
    """A role: its requirements, its holders the caller may see and how ready they are, and
    (``privacy`` given: administrators and HR) the organisation's bench per requirement."""
    role = role_data(roles_service.show_role(ctx.store, role_id))
    with ctx.recounts.one_page():
        holders = readiness_of(ctx, view, Scope(ScopeKind.ROLE, role["id"]), reached)
        counted: list[Counted[Any]] = [holders]
        bench = None
        if privacy is not None:  # the organisation's bench at each level required now
            bench = {}
            for row in role["requirements"]:
                if row["now"] is not None:
                    level = row["now"]["canonical"]
                    found = kept(ctx, ("bench", privacy, level), _bench_at(ctx, privacy, level))
                    bench[row["competency"]] = found.value.get(row["competency"])
                    counted.append(found)
    return RolePage(role, holders.value, bench, oldest(*counted))
