"""The organisation summary, read from a workspace; and the workspace data that many use
cases read whole (frameworks, roles, people, achievements, the rubric...), read through a
cache when the unit of work offers one.

A long-running process (the server, ``server/cache.py``) keeps such data between units of
work: its workspaces are ``CachingWorkspace``s, and ``cached(ws, name, areas, load)`` gives
the value ``load`` read before for as long as no unit of work (of any process) has written
``areas`` since (``store.Revision``). Any other workspace simply loads: the functions below
return exactly what the plain reads return, cached or not.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine_build import ObservationColumns
from skillgap.analysis.inventory import View
from skillgap.analysis.quality import QualityProfile, profiles, stacked_by
from skillgap.analysis.rubric import Rubric
from skillgap.analysis.summary import OrganisationSummary, WorkspaceData, summarise
from skillgap.clock import Clock
from skillgap.domain import (
    Achievement,
    Award,
    Framework,
    Issuer,
    Observation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.domain.snapshots import Snapshot
from skillgap.domain.users import ApiToken, User
from skillgap.services.quality import assessment_notes, current_rubric
from skillgap.services.workspace import META_ORGANISATION, snapshot_date
from skillgap.store import Store, Workspace

T = TypeVar("T")
FRAMEWORKS = frozenset({"frameworks", "scales"})  # a framework's scale is stored with it
#: What the organisation-wide analyses read (``workspace_data``).
EVERYTHING = FRAMEWORKS | {
    "roles",
    "people",
    "issuers",
    "achievements",
    "awards",
    "observations",
    "meta",
}
ReportIndex = Mapping[str, tuple[str, ...]]
MODELS_KEPT = 2  # gap engine models kept per workspace data (one per analysis date)
RESULTS_KEPT = 64  # results read from them (a page's figures), by what was asked


def organisation_summary(
    store: Store,
    clock: Clock,
    *,
    as_of: date | None = None,
    view: View = View.VERIFIED,
    top: int = 5,
) -> OrganisationSummary:
    """Gaps across the organisation as of ``as_of`` (default: the workspace's snapshot
    date if it has one, else today)."""
    with store.transaction() as ws:
        data = workspace_data(ws)
        organisation = ws.meta.get(META_ORGANISATION) or "Organisation"
        snapshot = snapshot_date(ws)
    if as_of is None:
        as_of = snapshot or clock.now().date()
    return summarise(data, organisation=organisation, as_of=as_of, view=view, top=top)


def workspace_data(ws: Workspace) -> WorkspaceData:
    """Everything the organisation-wide analyses read (the summary, snapshots); through a
    cache, the one ``SharedWorkspaceData`` of the workspace's current state."""
    if isinstance(ws, CachingWorkspace):
        return ws.cached("workspace-data", EVERYTHING, lambda _: _shared_data(ws))
    return WorkspaceData(
        frameworks=ws.frameworks.list(),
        roles=ws.roles.list(),
        people=ws.people.list(),
        issuers=ws.issuers.list(),
        achievements=ws.achievements.list(),
        awards=ws.awards.list(),
        observations=ws.observations.list(),
        scales=ws.scales.list(),
        rubric=current_rubric(ws),
    )


# --- the cache port -------------------------------------------------------------------------


class CachingWorkspace(ABC):
    """A unit of work whose store keeps values read from it between units of work (a plain
    class, not a Protocol: ``isinstance`` is asked of every unit of work, and must be
    cheap)."""

    @abstractmethod
    def cached(self, name: str, areas: frozenset[str], load: Callable[[Workspace], T]) -> T:
        """``load(ws)`` (``ws``: the plain unit of work), or the value it gave before under
        ``name`` while no unit of work has written ``areas`` since."""

    def kept(self, name: str, areas: frozenset[str]) -> Any | None:
        """What ``cached(name, areas, ...)`` would give without loading anything, else
        None (not kept, or out of date)."""
        return None

    def stamp(self, areas: frozenset[str]) -> int | None:
        """The number of the last unit of work that wrote ``areas``, as this one sees it
        (None: not known here)."""
        return None


def memoised(data: WorkspaceData, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept with ``data`` when a cache keeps that (a pure function of it)."""
    if isinstance(data, SharedWorkspaceData):
        return data.models.result(key, compute)
    return compute()


@dataclass(frozen=True)
class KeptResult:
    """What a cache says of a result of the workspace's data (``kept_result``)."""

    state: Hashable  # the state of that data the unit of work sees (its revision stamp)
    model_kept: bool  # whether the cache keeps that state's model: a result is then quick
    value: Any | None  # the result, if it is kept too


def kept_result(ws: Workspace, key: Hashable, as_of: date) -> KeptResult:
    """The result ``memoised(workspace_data(ws), key, ...)`` keeps, if the cache keeps the
    workspace's current data and that result of it, and whether it keeps that data's
    model as of ``as_of`` (nothing is read but the revision)."""
    if not isinstance(ws, CachingWorkspace):
        return KeptResult(None, False, None)
    data = ws.kept("workspace-data", EVERYTHING)
    state = ws.stamp(EVERYTHING)
    if not isinstance(data, SharedWorkspaceData):
        return KeptResult(state, False, None)
    return KeptResult(state, data.models.has_model(as_of), data.models.kept_result(key))


def cached(ws: Workspace, name: str, areas: frozenset[str], load: Callable[[Workspace], T]) -> T:
    """``load(ws)``, through the workspace's cache if it has one. The value is shared:
    never change it."""
    if isinstance(ws, CachingWorkspace):
        return ws.cached(name, areas, load)
    return load(ws)


class Kept:
    """Values by key, the last ``most`` used, each computed once however many threads ask
    (``lock``: shared when one value's computation may ask for another's)."""

    def __init__(self, most: int, lock: threading.RLock | None = None) -> None:
        self._most = most
        self._kept: dict[Hashable, Any] = {}
        self._lock = lock or threading.RLock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._kept:
                found: T = self._kept.pop(key)
            else:
                found = make()
                while len(self._kept) >= self._most:
                    del self._kept[next(iter(self._kept))]
            self._kept[key] = found  # the most recently used last
            return found

    def peek(self, key: Hashable) -> Any | None:
        """The value kept under ``key``, else None: nothing is computed, nor waited for
        (the lock is held while a value is computed: a model, for seconds)."""
        return self._kept.get(key)


class ModelMemo:
    """What is computed from one ``SharedWorkspaceData``: the gap engine's models, per
    analysis date (the last ``MODELS_KEPT``), and results read from them (the last
    ``RESULTS_KEPT``, by the caller's key)."""

    def __init__(self) -> None:
        lock = threading.RLock()  # a result may ask for a model
        self._models = Kept(MODELS_KEPT, lock)
        self._results = Kept(RESULTS_KEPT, lock)

    def get(self, as_of: date, build: Callable[[], T]) -> T:
        return self._models.get(as_of, build)

    def result(self, key: Hashable, compute: Callable[[], T]) -> T:
        return self._results.get(key, compute)

    def kept_result(self, key: Hashable) -> Any | None:
        return self._results.peek(key)

    def has_model(self, as_of: date) -> bool:
        return self._models.peek(as_of) is not None


def kept_evidence() -> Kept:
    """The awards' evidence as the engine's columns (``analysis.summary.evidence_columns``),
    by ``evidence_key`` (the last ``MODELS_KEPT``), for one state of what it is computed
    from (``EVIDENCE``): a change to the people, roles, ratings or the organisation's name
    rebuilds the model without judging 150,000 awards again."""
    return Kept(MODELS_KEPT)


#: What the awards' evidence is computed from, beside the rubric (by value).
EVIDENCE = FRAMEWORKS | {"awards", "achievements", "issuers"}


@dataclass(frozen=True)
class SharedWorkspaceData(WorkspaceData):
    """``WorkspaceData`` kept by a cache (tuples: shared, never changed), with the models
    built from it (``services.organisation_scope.build_model``) and the awards' evidence,
    kept longer (``kept_evidence``)."""

    models: ModelMemo = field(default_factory=ModelMemo, compare=False, repr=False)
    evidence: Kept = field(default_factory=kept_evidence, compare=False, repr=False)


def _shared_data(ws: Workspace) -> SharedWorkspaceData:
    return SharedWorkspaceData(
        frameworks=tuple(framework_index(ws).values()),
        roles=tuple(role_index(ws).values()),
        people=tuple(people_index(ws).values()),
        issuers=tuple(issuer_index(ws).values()),
        achievements=tuple(achievement_index(ws).values()),
        awards=award_list(ws),
        observations=observation_list(ws),
        scales=tuple(scale_index(ws).values()),
        rubric=rubric(ws),
        observation_columns=observation_columns(ws),
        evidence=cached(ws, "evidence", EVIDENCE, lambda _: kept_evidence()),
    )


# --- what is read whole, by id (ordered by id, as ``list()`` is) ---------------------------


def framework_index(ws: Workspace) -> dict[str, Framework]:
    return cached(ws, "frameworks", FRAMEWORKS, lambda w: {f.id: f for f in w.frameworks.list()})


def scale_index(ws: Workspace) -> dict[str, ProficiencyScale]:
    return cached(ws, "scales", frozenset({"scales"}), lambda w: {s.id: s for s in w.scales.list()})


def skill_context(ws: Workspace) -> SkillContext:
    """``SkillContext.of`` every framework and stored scale."""
    return cached(
        ws,
        "skill-context",
        FRAMEWORKS,
        lambda _: SkillContext.of(framework_index(ws).values(), scale_index(ws).values()),
    )


def role_index(ws: Workspace) -> dict[str, Role]:
    return cached(ws, "roles", frozenset({"roles"}), lambda w: {r.id: r for r in w.roles.list()})


def people_index(ws: Workspace) -> dict[str, Person]:
    return cached(
        ws, "people", frozenset({"people"}), lambda w: {p.employee_id: p for p in w.people.list()}
    )


def reports_index(ws: Workspace, people: Mapping[str, Person]) -> ReportIndex:
    """Each manager's direct reports (employee ids, in id order), of ``people``: the
    workspace's ``people_index``, read in the same unit of work."""

    def load(_: Workspace) -> ReportIndex:
        reports: dict[str, list[str]] = {}
        for person in people.values():
            if person.manager_id is not None:
                reports.setdefault(person.manager_id, []).append(person.employee_id)
        return {k: tuple(v) for k, v in reports.items()}

    return cached(ws, "reports", frozenset({"people"}), load)


def token_index(ws: Workspace) -> dict[str, ApiToken]:
    """API tokens by id (what authenticates a request; a revoked token's change raises the
    revision like any write, so it is refused by the next request)."""
    return cached(ws, "tokens", frozenset({"tokens"}), lambda w: {t.id: t for t in w.tokens.list()})


def user_index(ws: Workspace) -> dict[str, User]:
    """Users by id (a session's user is looked up on every page: deactivating one, or
    changing their role, raises the revision like any write)."""
    return cached(ws, "users", frozenset({"users"}), lambda w: {u.id: u for u in w.users.list()})


def snapshot_headers(ws: Workspace) -> tuple[Snapshot, ...]:
    """Every snapshot, without rows, in snapshot order (a person's page shows their
    progress across them)."""
    areas = frozenset({"snapshots"})
    return cached(ws, "snapshot-headers", areas, lambda w: tuple(w.snapshots.list()))


def issuer_index(ws: Workspace) -> dict[str, Issuer]:
    return cached(
        ws, "issuers", frozenset({"issuers"}), lambda w: {i.id: i for i in w.issuers.list()}
    )


def achievement_index(ws: Workspace) -> dict[str, Achievement]:
    return cached(
        ws,
        "achievements",
        frozenset({"achievements"}),
        lambda w: {a.id: a for a in w.achievements.list()},
    )


def credential_indexes(
    ws: Workspace, achievement_ids: set[str]
) -> tuple[Mapping[str, Achievement], Mapping[str, Issuer]]:
    """The achievement and issuer indexes, with any of ``achievement_ids`` they lack (and
    its issuer) read from the store, where it exists. A person's awards are read afresh,
    the indexes may be kept from the request's revision: on PostgreSQL (read committed)
    an award read now can name an achievement, of a new issuer, committed since."""
    achievements: Mapping[str, Achievement] = achievement_index(ws)
    issuers: Mapping[str, Issuer] = issuer_index(ws)
    if missing := {i for i in achievement_ids if i not in achievements}:  # keys() copies
        read = [a for i in sorted(missing) if (a := ws.achievements.find(i)) is not None]
        achievements = {**achievements, **{a.id: a for a in read}}
        named = {a.issuer_id for a in read} - issuers.keys()
        issuers = {**issuers, **{i: ws.issuers.get(i) for i in sorted(named)}}
    return achievements, issuers


def stacking(ws: Workspace) -> dict[str, int]:
    """How many achievements stack into each (``quality.stacked_by``): part of every
    achievement's quality, read across all of them."""
    return cached(
        ws,
        "stacked-by",
        frozenset({"achievements"}),
        lambda _: stacked_by(achievement_index(ws).values()),
    )


def quality_of(ws: Workspace, achievement_ids: set[str]) -> dict[str, QualityProfile]:
    """The quality profiles of some achievements (as
    ``achievement_quality.list_achievements`` gives them), without judging every achievement
    nor counting every award: a person's."""
    achievements, issuers = credential_indexes(ws, achievement_ids)
    return profiles(
        achievements,
        issuers,
        rubric(ws),
        notes(ws),
        only=achievement_ids,
        stacked=stacking(ws),
    )


def award_list(ws: Workspace) -> tuple[Award, ...]:
    return cached(ws, "awards", frozenset({"awards"}), lambda w: tuple(w.awards.list()))


def observation_list(ws: Workspace) -> tuple[Observation, ...]:
    return cached(
        ws, "observations", frozenset({"observations"}), lambda w: tuple(w.observations.list())
    )


def observation_columns(ws: Workspace) -> ObservationColumns:
    """The stored observations as the gap engine's columns, converted once per change to
    them (rebuilding the model after any other change then converts only the awards'
    evidence)."""
    return cached(
        ws,
        "observation-columns",
        frozenset({"observations"}),
        lambda _: ObservationColumns.from_observations(observation_list(ws)),
    )


def rubric(ws: Workspace) -> Rubric:
    """The workspace's credential quality rubric (``quality.current_rubric``)."""
    return cached(ws, "rubric", frozenset({"meta"}), current_rubric)


def notes(ws: Workspace) -> dict[str, str]:
    """Who set each achievement's assessment type (``quality.assessment_notes``)."""
    return cached(ws, "assessment-notes", frozenset({"meta"}), assessment_notes)


def analysis_date(ws: Workspace) -> date | None:
    """The workspace's snapshot date (``workspace.snapshot_date``)."""
    return cached(ws, "snapshot-date", frozenset({"meta"}), snapshot_date)
