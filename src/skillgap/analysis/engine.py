"""The columnar gap engine: every person's gaps, and their roll-ups, for a whole organisation.

``analysis.gaps`` states the rules one person at a time; this module applies the same rules
to 100,000 people at once (docs/architecture.md, "Gap engine"; figures in
docs/benchmarks.md). Usage::

    model = OrgModel.build(people, roles, context, observations, as_of=date(2026, 11, 1))
    gaps = model.person_gaps(View.VERIFIED)            # now; or horizon=date(...)
    gaps.readiness, gaps.person_gap("E1")               # columns, or one PersonGap
    model.aggregate(View.VERIFIED, by=lambda p: p.department)
    model.priorities(View.VERIFIED).rows()[:10]
    model.update_person("E1", [new_credential_observation])   # in place, milliseconds

Rules beyond ``analysis.gaps``:

- the model holds the *active* people; a role id that names no role counts as no role;
- observations dated after ``as_of``, and those of people outside the model, are not
  counted; "now" is ``as_of``: a role's ``requirements_at(as_of)``;
- numpy is the one dependency ``analysis`` has beyond the standard library, and only in
  the ``engine*`` modules.

Results are computed on first use and kept; ``update_person`` patches the kept person
tables in place (so tables already handed out see the change); ``refresh()`` drops
everything derived, so that the next calls recompute from the observations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from operator import itemgetter

import numpy as np

from skillgap.analysis import engine_aggregates as agg
from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine_build import (
    I64,
    SHIFT,
    SOURCE_CODE,
    Capabilities,
    ObservationColumns,
    ObservationStore,
    Profile,
    build_profile,
    build_timeline,
    capabilities,
    store_observations,
)
from skillgap.analysis.engine_compute import Holdings, holdings, person_holdings
from skillgap.analysis.engine_people import PersonGapTable, build_person_gap
from skillgap.analysis.engine_rows import (
    FutureColumns,
    GapColumns,
    Mask,
    future_columns,
    gap_columns,
    patch_future,
    patch_gaps,
)
from skillgap.analysis.engine_tables import (
    BenchTable,
    CapabilityTable,
    CompetencyTable,
    FutureGapTable,
    Grouping,
    GroupTable,
    PriorityTable,
    SinglePoint,
)
from skillgap.analysis.gaps import PersonGap
from skillgap.analysis.inventory import View
from skillgap.domain import CompetencyRef, Importance, Observation, Person, Role
from skillgap.errors import NotFoundError, ValidationError

#: A grouping of the model's people: a function of a person, one label per person (in
#: ``OrgModel.people`` order), a prepared ``Grouping``, or ``None`` for the organisation.
By = Callable[[Person], str | None] | Sequence[str | None] | Grouping | None


class OrgModel:
    """People, roles and observations interned into arrays, with gap results computed on
    demand. Build one with ``OrgModel.build``."""

    def __init__(
        self,
        *,
        as_of: date,
        context: SkillContext,
        people: tuple[Person, ...],
        roles: tuple[Role, ...],
        intern: dict[CompetencyRef, int],
        store: ObservationStore,
    ) -> None:
        self.as_of = as_of
        self.context = context
        self.people = people
        self.roles = roles
        self._index = {p.employee_id: i for i, p in enumerate(people)}
        role_index = {r.id: i for i, r in enumerate(roles)}
        self.role_of: I64 = np.array(
            [role_index.get(p.role_id or "", -1) for p in people], dtype=np.int64
        )
        self._intern = intern
        self._store = store
        self._pending: dict[int, ObservationStore] = {}  # people updated since the last splice
        self._held: Holdings | None = None
        self._profiles: dict[date, Profile] = {}
        self._timeline = build_timeline(roles, as_of, intern, context)
        self._gaps: dict[tuple[View, date], GapColumns] = {}
        self._future: dict[View, FutureColumns] = {}
        self._capability: tuple[int, I64, Capabilities] | None = None
        self._critical: dict[Importance, agg.Critical] = {}
        self._refs: tuple[CompetencyRef, ...] = tuple(intern)
        self._sorted = len(intern)  # interned in CompetencyRef order up to here

    @classmethod
    def build(
        cls,
        people: Iterable[Person],
        roles: Iterable[Role],
        context: SkillContext,
        observations: Iterable[Observation] | ObservationColumns,
        *,
        as_of: date,
    ) -> OrgModel:
        """Intern the active people, the roles and every competency required or observed
        (in ``CompetencyRef`` order), and sort the observations counted into columns."""
        active = tuple(p for p in people if p.active)
        index = {p.employee_id: i for i, p in enumerate(active)}
        if len(index) != len(active):
            raise ValidationError("the people given to the gap engine repeat an employee id")
        roles = tuple(roles)
        if len({r.id for r in roles}) != len(roles):
            raise ValidationError("the roles given to the gap engine repeat a role id")
        columns = (
            observations
            if isinstance(observations, ObservationColumns)
            else ObservationColumns.from_observations(observations)
        )
        refs = {r.competency for role in roles for r in role.requirements}
        refs.update(columns.competencies)
        intern = {ref: i for i, ref in enumerate(sorted(refs))}
        store = store_observations(columns, index, intern, context, as_of)
        return cls(
            as_of=as_of, context=context, people=active, roles=roles, intern=intern, store=store
        )

    # -- lookups -------------------------------------------------------------------------

    @property
    def competencies(self) -> tuple[CompetencyRef, ...]:
        """Interned competencies: position = the index used in every table. Sorted, except
        for competencies first seen in ``update_person`` (appended)."""
        if len(self._refs) != len(self._intern):
            self._refs = tuple(self._intern)
        return self._refs

    @property
    def capabilities(self) -> tuple[I64, Capabilities]:
        """Per interned competency, the index of its capability group in the second item:
        (framework id, CapabilityGroup) pairs, the last ``None`` for "no group"."""
        return self._capabilities()

    @property
    def horizons(self) -> tuple[date, ...]:
        """The roles' horizons after ``as_of``, in order."""
        return self._timeline.horizons

    def index(self, person_id: str) -> int:
        try:
            return self._index[person_id]
        except KeyError:
            raise NotFoundError(f"no active person {person_id!r} in the model") from None

    def grouping(self, by: By = None) -> Grouping:
        """Label every person of the model: see ``By``. Labels ``None`` become "(none)"."""
        if by is None:
            return Grouping.whole(len(self.people))
        if isinstance(by, Grouping):
            if len(by.codes) != len(self.people):
                raise ValidationError("the grouping does not label every person of the model")
            return by
        if callable(by):
            return Grouping.of(self.people, by)
        if len(by) != len(self.people):
            raise ValidationError("the labels given do not match the people of the model")
        return Grouping.of_labels(by)

    def holdings(self) -> Holdings:
        """Every (person, competency) pair observed, with its level per view (``level(view)``,
        NaN: none), sorted by pair key ``person << SHIFT | competency``; kept until an update."""
        return self._holdings()

    def mask(self, people: Iterable[str]) -> Mask:
        """A person mask (for ``priorities``) from employee ids."""
        out = np.zeros(len(self.people), dtype=bool)
        out[[self.index(p) for p in people]] = True
        return out

    # -- person gaps -----------------------------------------------------------------------

    def person_gaps(
        self, view: View = View.VERIFIED, horizon: date | None = None
    ) -> PersonGapTable:
        at = horizon or self.as_of
        columns = self._gap_columns(view, at)

        def one(index: int) -> PersonGap:
            role = int(self.role_of[index])
            if role < 0:
                raise NotFoundError(f"person {self.people[index].employee_id!r} has no role")
            return build_person_gap(
                self.people[index],
                self.roles[role],
                self._profile(at).requirements[role],
                columns,
                index,
                at,
                view,
                self._rows_of(index),
            )

        return PersonGapTable(view, at, self.people, self.competencies, columns, one, self._index)

    def person_gap(
        self, person_id: str, view: View = View.VERIFIED, horizon: date | None = None
    ) -> PersonGap:
        return self.person_gaps(view, horizon).person_gap(self.index(person_id))

    # -- roll-ups --------------------------------------------------------------------------

    def aggregate(
        self, view: View = View.VERIFIED, by: By = None, *, horizon: date | None = None
    ) -> CompetencyTable:
        """Per group and competency: people in scope and meeting it, coverage, gaps."""
        columns = self._gap_columns(view, horizon or self.as_of)
        return agg.by_competency(columns, self.grouping(by), self.competencies)

    def aggregate_capabilities(
        self, view: View = View.VERIFIED, by: By = None, *, horizon: date | None = None
    ) -> CapabilityTable:
        """Per group and capability group (the root of each competency's group tree)."""
        columns = self._gap_columns(view, horizon or self.as_of)
        codes, groups = self._capabilities()
        return agg.by_capability(columns, self.grouping(by), codes, groups)

    def group_readiness(
        self, view: View = View.VERIFIED, by: By = None, *, horizon: date | None = None
    ) -> GroupTable:
        """Per group: headcount, people assessed, mean readiness, total weighted gap."""
        columns = self._gap_columns(view, horizon or self.as_of)
        return agg.by_group(columns, self.grouping(by), self.role_of >= 0)

    def future_gaps(self, view: View = View.VERIFIED, by: By = None) -> FutureGapTable:
        """Per group, horizon and competency: requirements dated after ``as_of`` judged
        against today's inventory."""
        return agg.future_gaps(
            self._future_columns(view), self.grouping(by), self.competencies, self.horizons
        )

    def priorities(
        self,
        view: View = View.VERIFIED,
        *,
        people: Mask | None = None,
        half_life_days: float = 365.0,
    ) -> PriorityTable:
        """Training needs ranked by importance x people short x gap size x urgency, where
        urgency = 0.5 ** (days until the horizon / ``half_life_days``): see PriorityRow.
        ``people``: a person mask (``mask(ids)``, or ``grouping(...).codes == g``)."""
        if half_life_days <= 0:
            raise ValidationError("the half-life of a future need must be positive")
        if people is not None and people.shape != (len(self.people),):
            raise ValidationError("the person mask does not match the people of the model")
        return agg.priorities(
            self._gap_columns(view, self.as_of),
            self._future_columns(view),
            self.competencies,
            self.as_of,
            self.horizons,
            half_life_days=half_life_days,
            people=people,
        )

    def bench_strength(self, level: float, view: View = View.VERIFIED) -> BenchTable:
        """Per interned competency (in ``CompetencyRef`` order): people of the model whose
        level in the view is at least ``level`` (canonical 0-5)."""
        held = self._holdings()
        counts = agg.bench_counts(held.comp, held.level(view), level, len(self._intern))
        refs = self.competencies
        order = np.arange(len(refs), dtype=np.int64)
        if self._sorted < len(refs):
            order = np.array(sorted(order, key=lambda i: refs[i]), dtype=np.int64)
        return BenchTable(order, counts[order], level, refs)

    def single_points_of_failure(
        self, importance: Importance = Importance.CRITICAL, *, people: Mask | None = None
    ) -> list[SinglePoint]:
        """Competencies required at ``importance`` or above (by any role, at any horizon)
        that at most one person holds, verified, at the lowest level so required. With
        ``people`` (a person mask, ``mask(ids)``): a group's, from the roles its people
        hold and counting only them."""
        if people is not None and people.shape != (len(self.people),):
            raise ValidationError("the person mask does not match the people of the model")
        if importance not in self._critical:
            self._critical[importance] = agg.critical(
                self.roles, self._intern, self.context, importance
            )
        return agg.single_points(
            self._critical[importance],
            self.role_of,
            len(self.roles),
            self.people,
            self.competencies,
            self._holdings(),
            people,
        )

    # -- updates ---------------------------------------------------------------------------

    def update_person(self, person_id: str, observations: Iterable[Observation]) -> None:
        """Count a person's new observations (a new credential, a rating) and recompute
        that person's gaps in every kept table, in place; roll-ups asked for afterwards see
        them. Observations dated after ``as_of`` are not counted."""
        index = self.index(person_id)
        rows = self._rows_of(index).rows()
        for o in observations:
            if o.person_id != person_id:
                raise ValidationError(f"observation {o.id!r} is not about {person_id!r}")
            if o.observed_on > self.as_of:
                continue
            comp = self._intern.setdefault(o.competency, len(self._intern))
            level = self.context.scale(o.scale_id).to_canonical(o.level)
            key = (index << SHIFT) | comp
            rows.append((key, o.observed_on.toordinal(), o.id, level, SOURCE_CODE[o.source],
                         o.confidence))  # fmt: skip
        rows.sort(key=itemgetter(0, 1, 2))  # the store's order: pair key, day, id
        self._pending[index] = ObservationStore.of_rows(rows)
        self._held = None
        mine = person_holdings(rows)
        for (view, _), table in self._gaps.items():
            patch_gaps(table, index, mine, view)
        for view, future in self._future.items():
            patch_future(future, index, mine, view)

    def refresh(self) -> None:
        """Forget every derived result: the next calls recompute from the observations."""
        self._splice()
        self._held = None
        self._gaps.clear()
        self._future.clear()

    # -- internals -------------------------------------------------------------------------

    def _rows_of(self, index: int) -> ObservationStore:
        if index in self._pending:
            return self._pending[index]
        lo, hi = self._store.bounds(index)
        return self._store.take(slice(lo, hi))

    def _splice(self) -> None:
        """Move updated people's rows into the sorted store (an O(n) copy, so it waits
        until a whole-organisation computation needs it)."""
        if self._pending:
            self._store = self._store.splice(self._pending)
            self._pending.clear()
            self._held = None

    def _holdings(self) -> Holdings:
        self._splice()
        if self._held is None:
            self._held = holdings(self._store)
        return self._held

    def _profile(self, at: date) -> Profile:
        if at not in self._profiles:
            self._profiles[at] = build_profile(self.roles, at, self._intern, self.context)
        return self._profiles[at]

    def _capabilities(self) -> tuple[I64, Capabilities]:
        if self._capability is None or self._capability[0] != len(self._intern):
            codes, groups = capabilities(self.competencies, self.context)
            self._capability = (len(self._intern), codes, groups)
        return self._capability[1], self._capability[2]

    def _gap_columns(self, view: View, at: date) -> GapColumns:
        if (view, at) not in self._gaps:
            table = gap_columns(self.role_of, self._profile(at), self._holdings(), view)
            self._gaps[(view, at)] = table
        return self._gaps[(view, at)]

    def _future_columns(self, view: View) -> FutureColumns:
        if view not in self._future:
            table = future_columns(self.role_of, self._timeline, self._holdings(), view)
            self._future[view] = table
        return self._future[view]


__all__ = [
    "BenchTable",
    "By",
    "CapabilityTable",
    "CompetencyTable",
    "FutureGapTable",
    "GroupTable",
    "Grouping",
    "ObservationColumns",
    "OrgModel",
    "PersonGapTable",
    "PriorityTable",
    "SinglePoint",
    "View",
]
