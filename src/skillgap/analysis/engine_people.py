"""Person gaps from the gap engine: the requirement rows of every person as columns, and
the ``analysis.gaps.PersonGap`` of any one person rebuilt from them.

The rows of person ``i`` are ``ptr[i]:ptr[i + 1]``, in the order of their role's
``requirements_at(horizon)``; a table is patched in place when the model takes a person's
new observations (``OrgModel.update_person``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from skillgap.analysis.engine_build import F64, I8, I64, SHIFT, SOURCE_KINDS, ObservationStore
from skillgap.analysis.engine_compute import wsum
from skillgap.analysis.engine_rows import GapColumns
from skillgap.analysis.gaps import PersonGap, RequirementGap
from skillgap.analysis.inventory import View
from skillgap.domain import CompetencyRef, Person, Requirement, Role, SourceKind
from skillgap.errors import NotFoundError


@dataclass(frozen=True, eq=False)
class PersonGapTable:
    """Every person's requirement gaps at one horizon, in one view.

    Row columns: ``person`` (model index), ``competency`` (index into ``competencies``),
    ``required`` and ``held`` (canonical 0-5, NaN: nothing held), ``gap``, ``coverage``,
    ``status`` (0 met, 1 partial, 2 missing), ``weight``, ``weighted_gap``. Per person:
    ``readiness`` (0-100) and ``assessed`` (the role requires something at the horizon).
    """

    view: View
    horizon: date
    people: tuple[Person, ...]
    competencies: tuple[CompetencyRef, ...]
    columns: GapColumns
    _person_gap: Callable[[int], PersonGap]
    _index: Mapping[str, int]

    @property
    def ptr(self) -> I64:
        return self.columns.rows.ptr

    @property
    def person(self) -> I64:
        return self.columns.rows.person

    @property
    def competency(self) -> I64:
        return self.columns.comp

    @property
    def required(self) -> F64:
        return self.columns.required

    @property
    def held(self) -> F64:
        return self.columns.held

    @property
    def gap(self) -> F64:
        return self.columns.gap

    @property
    def coverage(self) -> F64:
        return self.columns.coverage

    @property
    def status(self) -> I8:
        return self.columns.status

    @property
    def weight(self) -> F64:
        return self.columns.weight

    @property
    def weighted_gap(self) -> F64:
        return self.columns.weighted_gap

    @property
    def readiness(self) -> F64:
        return self.columns.readiness

    @property
    def assessed(self) -> npt.NDArray[np.bool_]:
        return self.columns.assessed

    def total_weighted_gap(self) -> F64:
        """Per person, the sum of their weighted gaps."""
        return wsum(self.person, self.weighted_gap, len(self.people))

    def person_gap(self, person: str | int) -> PersonGap:
        """One person's ``PersonGap``, as ``analysis.gaps.person_gap`` builds it."""
        if isinstance(person, str):
            if person not in self._index:
                raise NotFoundError(f"no active person {person!r} in the model")
            person = self._index[person]
        return self._person_gap(person)


def build_person_gap(
    person: Person,
    role: Role,
    requirements: tuple[Requirement, ...],
    table: GapColumns,
    index: int,
    horizon: date,
    view: View,
    observations: ObservationStore,
) -> PersonGap:
    """The ``PersonGap`` of person ``index`` from its rows, with each level's source."""
    rows = slice(int(table.rows.ptr[index]), int(table.rows.ptr[index + 1]))
    sources = held_sources(observations, view)
    items = tuple(
        RequirementGap(
            requirement=req,
            required=required,
            held=None if held != held else held,  # NaN: nothing held
            source=sources.get(comp),
        )
        for req, required, held, comp in zip(
            requirements,
            table.required[rows].tolist(),
            table.held[rows].tolist(),
            table.comp[rows].tolist(),
            strict=True,
        )
    )
    return PersonGap(person, role, horizon, view, items)


def held_sources(rows: ObservationStore, view: View) -> dict[int, SourceKind]:
    """Per competency of one person's observations, the source of the level the view reads:
    the strongest verified evidence (level, confidence, id), else the manager's or the
    person's own rating (best-available view only)."""
    chosen: dict[int, tuple[tuple[float, float, str], SourceKind]] = {}
    claims: dict[int, set[SourceKind]] = {}
    mask = (1 << SHIFT) - 1
    for key, _, oid, level, code, confidence in rows.rows():
        comp, kind = key & mask, SOURCE_KINDS[code]
        if kind.verified:
            strength = (level, confidence, oid)
            if comp not in chosen or strength > chosen[comp][0]:
                chosen[comp] = (strength, kind)
        else:
            claims.setdefault(comp, set()).add(kind)
    found = {comp: kind for comp, (_, kind) in chosen.items()}
    if view is View.BEST_AVAILABLE:
        for comp, kinds in claims.items():
            if comp in found:
                continue
            for kind in (SourceKind.MANAGER, SourceKind.SELF):
                if kind in kinds:
                    found[comp] = kind
                    break
    return found
