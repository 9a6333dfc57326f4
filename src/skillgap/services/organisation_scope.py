"""Whose figures, seen how, for ``services.organisation``: a scope (a role's holders, a team,
a department, the organisation), a horizon named rather than dated, privacy and the marker
standing in for what it hides (the rules are in ``services.organisation``), the frame every
result carries, and the gap engine's model of the workspace opened for a scope.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine import OrgModel
from skillgap.analysis.inventory import View
from skillgap.analysis.summary import WorkspaceData, engine_model, evidence_columns, evidence_key
from skillgap.clock import Clock
from skillgap.config import DEFAULT_MIN_GROUP_SIZE
from skillgap.domain import CapabilityGroup, CompetencyRef, Person
from skillgap.errors import NotFoundError, ValidationError
from skillgap.services.summary import SharedWorkspaceData, workspace_data
from skillgap.services.workspace import META_ORGANISATION, snapshot_date
from skillgap.store import Store


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


#: The attribute of a person a scope of each kind (but the organisation) selects on.
ATTRIBUTE: dict[ScopeKind, Callable[[Person], str | None]] = {
    ScopeKind.ROLE: lambda p: p.role_id,
    ScopeKind.TEAM: lambda p: p.team,
    ScopeKind.DEPARTMENT: lambda p: p.department,
}


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
        return self.kind is ScopeKind.ORGANISATION or ATTRIBUTE[self.kind](person) == self.name


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


def build_model(data: WorkspaceData, as_of: date) -> OrgModel:
    """The gap engine's model of the workspace as of ``as_of``: the stored ratings and the
    credential observations of the awards the quality rubric counts at the end of that day,
    as `skillgap summary` reads them (``analysis.summary.engine_model``). Data a cache
    keeps (``SharedWorkspaceData``) keeps its models too: built once, shared, never
    changed."""
    if isinstance(data, SharedWorkspaceData):
        return data.models.get(as_of, lambda: _kept_model(data, as_of))
    return engine_model(data, as_of)


def _kept_model(data: SharedWorkspaceData, as_of: date) -> OrgModel:
    """The model of data a cache keeps, with the awards' evidence it keeps."""
    key = evidence_key(data, as_of)
    evidence = data.evidence.get(key, lambda: evidence_columns(data, as_of))
    return engine_model(data, as_of, evidence)


def open_scope(
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


def result_key(frame: Frame, *asked: Hashable) -> tuple[Hashable, ...]:
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
        known = sorted({v for v in map(ATTRIBUTE[scope.kind], model.people) if v})
    if scope.name in known:
        return scope
    folded = [k for k in known if k.casefold() == scope.name.strip().casefold()]
    if len(folded) == 1:
        return Scope(scope.kind, folded[0])
    what = "role" if scope.kind is ScopeKind.ROLE else f"active person in {scope.kind.value}"
    listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
    plural = "roles" if scope.kind is ScopeKind.ROLE else f"{scope.kind.value}s"
    raise NotFoundError(f"no {what} {scope.name!r} ({plural}: {listed or 'none'})")
