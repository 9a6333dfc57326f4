"""Internal candidates for a role: every person of the gap engine's model judged against one
role's requirements at once, ranked by readiness, with what each still lacks.

The rules are ``analysis.gaps`` (tests/analysis/test_candidates.py holds this module to
``gaps.person_gap`` for every person of random organisations):

- the people are the model's (its *active* people), whatever role they hold now; the profile
  is ``role.requirements_at(horizon or model.as_of)``, levels read on the canonical 0-5;
- a person's level of a competency is the model's level in the view: in the verified view
  (the default, for talent decisions) the highest verified level, claims never count;
- readiness = 100 x importance-weighted coverage (``PersonGap.readiness``), 100 when the
  role requires nothing at the horizon; weighted gap = the sum of importance weight x gap
  (kept to ``DECIMALS`` places); met / partial / missing as ``GapStatus``;
- ranking: readiness, highest first; then the smaller weighted gap; then the employee id in
  code-point order (values equal to ``DECIMALS`` places tie). The people ranked are those
  the filter keeps (``engine_filters.people_mask``: department, team, HR attributes), less
  the role's current holders when ``exclude_holders``; ``limit`` rows are kept (``None``:
  all);
- what a person lacks (``CandidateTable.lacks``): every requirement with a gap, largest
  weighted gap first (``PersonGap.open_items``' order). Closing them is the planner's work.

Promotion readiness of one person: ``rank_candidates(model, target, people_filter=
model.mask([person_id]))``, then ``row_of`` and ``lacks``.

Speed (benchmarks/test_bench_candidates.py): what holding nothing gives everyone, corrected
by the levels held of the role's competencies (``engine_held_levels``: slices of the model's
holdings sorted by competency, sorted once per model and update), summed per person with
``bincount``; only the people who can reach the top ``limit`` are sorted. numpy is the one
import beyond the standard library, as in the ``engine*`` modules this module extends.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_build import F64, I64
from skillgap.analysis.engine_held_levels import Entries, held_entries
from skillgap.analysis.gaps import GapStatus
from skillgap.analysis.inventory import View
from skillgap.domain import CompetencyRef, Importance, Person, Requirement, Role
from skillgap.errors import ValidationError

Mask = npt.NDArray[np.bool_]
#: Below this many people left after the readiness cut, ties are ranked in plain Python.
SMALL_SORT = 4096
#: Readiness and weighted gaps are compared (and weighted gaps kept) to this many decimal
#: places: values equal but for the order of a sum are equal.
DECIMALS = 9


@dataclass(frozen=True)
class Lack:
    """One requirement of the role a person does not meet (levels canonical 0-5)."""

    requirement: Requirement
    required: float
    held: float | None  # None: nothing held in the view

    @property
    def competency(self) -> CompetencyRef:
        return self.requirement.competency

    @property
    def importance(self) -> Importance:
        return self.requirement.importance

    @property
    def gap(self) -> float:
        return max(0.0, self.required - (self.held or 0.0))

    @property
    def weighted_gap(self) -> float:
        return self.requirement.importance.weight * self.gap

    @property
    def status(self) -> GapStatus:
        return GapStatus.MISSING if self.held is None or self.held <= 0 else GapStatus.PARTIAL


@dataclass(frozen=True)
class CandidateRow:
    rank: int | None  # 1 for the first row; None for a person outside the rows kept
    person: Person
    readiness: float  # 0-100
    weighted_gap: float
    met: int
    partial: int
    missing: int
    holds_role: bool  # the person's own role is the role ranked for


@dataclass(frozen=True, eq=False)
class CandidateTable:
    """Per person of the model (``people`` order): ``readiness``, ``weighted_gap``, ``met``,
    ``partial``, ``missing``, ``holds_role`` and ``in_scope`` (kept by the filter);
    ``order``: the ranked rows kept, as person indexes (``total``: the people in scope
    before the limit); ``held``: the levels held of ``requirements``. Rows: ``rows()``."""

    role: Role
    view: View
    horizon: date
    people: tuple[Person, ...]
    requirements: tuple[Requirement, ...]
    required: F64
    weight: F64
    held: Entries
    readiness: F64
    weighted_gap: F64
    met: I64
    partial: I64
    missing: I64
    holds_role: Mask
    in_scope: Mask
    order: I64
    total: int
    _index: Callable[[str], int]

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[CandidateRow]:
        return (self.row(i) for i in range(len(self.order)))

    def rows(self) -> list[CandidateRow]:
        return list(self)

    def row(self, i: int) -> CandidateRow:
        """The ``i``-th ranked row (0: the best candidate)."""
        return self._row(int(self.order[i]), i + 1)

    def row_of(self, person_id: str) -> CandidateRow:
        """Any person of the model, ranked or not (``rank`` None when not among the rows)."""
        index = self._index(person_id)
        found = np.flatnonzero(self.order == index)
        return self._row(index, int(found[0]) + 1 if len(found) else None)

    def lacks(self, who: CandidateRow | str) -> list[Lack]:
        """What the person still lacks for the role, largest weighted gap first."""
        held = self.held.of(self._index(who if isinstance(who, str) else who.person.employee_id))
        found = []
        pairs = zip(self.requirements, self.required.tolist(), strict=True)
        for j, (req, required) in enumerate(pairs):
            level = held.get(j)
            if (level or 0.0) < required:
                found.append(Lack(req, required, level))
        return sorted(found, key=lambda g: (-g.weighted_gap, g.competency))

    def _row(self, index: int, rank: int | None) -> CandidateRow:
        return CandidateRow(
            rank,
            self.people[index],
            float(self.readiness[index]),
            float(self.weighted_gap[index]),
            int(self.met[index]),
            int(self.partial[index]),
            int(self.missing[index]),
            bool(self.holds_role[index]),
        )


def rank_candidates(
    model: OrgModel,
    role: Role,
    *,
    view: View = View.VERIFIED,
    horizon: date | None = None,
    people_filter: Mask | None = None,
    exclude_holders: bool = False,
    limit: int | None = 20,
) -> CandidateTable:
    """Every person of ``model`` against ``role`` (any role: one of the model's, or an
    opening's profile), ranked by readiness in ``view`` at ``horizon`` (None: ``as_of``)."""
    n = len(model.people)
    if limit is not None and limit < 0:
        raise ValidationError("the number of candidates to list cannot be negative")
    if people_filter is not None and (people_filter.shape != (n,) or people_filter.dtype != bool):
        raise ValidationError("the people filter must be one boolean per person of the model")
    at = horizon or model.as_of
    requirements = role.requirements_at(at)
    required = np.array(
        [model.context.canonical(r.competency, r.level) for r in requirements], dtype=np.float64
    )
    weight = np.array([r.importance.weight for r in requirements], dtype=np.float64)
    held = held_entries(model, [r.competency for r in requirements], view)
    readiness, weighted_gap, met, missing = _judge(required, weight, held, n)
    holds = _holders(model, role)
    scope = np.ones(n, dtype=bool) if people_filter is None else people_filter.copy()
    if exclude_holders:
        scope &= ~holds
    return CandidateTable(
        role=role,
        view=view,
        horizon=at,
        people=model.people,
        requirements=requirements,
        required=required,
        weight=weight,
        held=held,
        readiness=readiness,
        weighted_gap=weighted_gap,
        met=met,
        partial=len(requirements) - met - missing,
        missing=missing,
        holds_role=holds,
        in_scope=scope,
        order=_rank(model, np.flatnonzero(scope), readiness, weighted_gap, limit),
        total=int(scope.sum()),
        _index=model.index,
    )


def _judge(required: F64, weight: F64, held: Entries, n: int) -> tuple[F64, F64, I64, I64]:
    """Readiness, weighted gap, requirements met and missing, per person: what holding
    nothing gives everyone, corrected by each level held. A level-0 requirement is met and
    covered by everyone; a level held of another counts only by what it covers."""
    live = required > 0
    total = float(weight.sum())
    need = required[held.requirement]
    keep = np.flatnonzero(need > 0)
    person, need = held.person[keep], need[keep]
    w = weight[held.requirement[keep]]
    level = np.minimum(np.fmax(held.level[keep], 0.0), need)  # NaN (none) reads as 0

    def per_person(values: npt.NDArray[Any]) -> F64:
        return np.bincount(person, weights=values, minlength=n).astype(np.float64, copy=False)

    covered = per_person(w * (level / need)) + float(weight[~live].sum())
    reduced = per_person(w * level)
    base_gap = float((weight * required)[live].sum())
    weighted_gap = np.maximum(base_gap - reduced, 0.0).round(DECIMALS)
    met = per_person(level >= need).astype(np.int64) + int((~live).sum())
    missing = int(live.sum()) - per_person(level > 0).astype(np.int64)
    readiness: F64 = np.full(n, 100.0) if not total else 100.0 * covered / total
    return readiness, weighted_gap, met, missing


def _holders(model: OrgModel, role: Role) -> Mask:
    index = next((i for i, r in enumerate(model.roles) if r.id == role.id), None)
    if index is not None:
        return np.asarray(model.role_of == index)
    return np.fromiter((p.role_id == role.id for p in model.people), bool, len(model.people))


def _rank(model: OrgModel, scope: I64, readiness: F64, gap: F64, limit: int | None) -> I64:
    """``scope`` ranked by (-readiness, weighted gap, employee id), the first ``limit``;
    readiness is compared to ``DECIMALS`` places (the weighted gap is so rounded)."""
    ready = np.round(readiness[scope], DECIMALS)
    if limit is not None and limit < len(scope):
        if limit == 0:
            return np.zeros(0, dtype=np.int64)
        cut = np.partition(ready, len(ready) - limit)[len(ready) - limit]
        best = ready >= cut  # the limit best, and whoever ties the last of them
        scope, ready = scope[best], ready[best]
    if len(scope) <= SMALL_SORT:
        people = model.people
        keys = zip((-ready).tolist(), gap[scope].tolist(), scope.tolist(), strict=True)
        ranked = sorted(keys, key=lambda k: (k[0], k[1], people[k[2]].employee_id))
        return np.array([k[2] for k in ranked[:limit]], dtype=np.int64)
    order = np.lexsort((_id_ranks(model)[scope], gap[scope], -ready))
    return scope[order[:limit]]


# -- per-model memos: a model's people never change, and its interning only grows ---------

_ID_RANKS: weakref.WeakKeyDictionary[OrgModel, I64] = weakref.WeakKeyDictionary()


def _id_ranks(model: OrgModel) -> I64:
    """Each person's position in employee id order (code points)."""
    if model not in _ID_RANKS:
        ids = np.array([p.employee_id for p in model.people], dtype=np.str_)
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.argsort(ids, kind="stable")] = np.arange(len(ids), dtype=np.int64)
        _ID_RANKS[model] = rank
    return _ID_RANKS[model]


__all__ = [
    "CandidateRow",
    "CandidateTable",
    "Lack",
    "rank_candidates",
]
