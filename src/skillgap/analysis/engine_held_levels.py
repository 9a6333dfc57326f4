"""The levels a model's people hold of a list of competencies (``held_entries``), for the
ranking of candidates: each competency's holdings are one slice of the model's holdings
sorted by competency, sorted once per model and kept until its next update. numpy, as in
the other ``engine*`` modules.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_build import F64, I64, SHIFT
from skillgap.analysis.engine_compute import Holdings
from skillgap.analysis.inventory import View
from skillgap.domain import CompetencyRef


@dataclass(frozen=True, eq=False)
class Entries:
    """The levels held of a list of competencies: one entry per person whose holdings name
    one (``level`` NaN: none in the view), ordered by ``requirement`` (the position in the
    list), then person."""

    person: I64
    requirement: I64
    level: F64

    def of(self, person: int) -> dict[int, float]:
        """One person's levels by position in the list (NaN-free)."""
        mine = np.flatnonzero(self.person == person)
        return {
            j: level
            for j, level in zip(
                self.requirement[mine].tolist(), self.level[mine].tolist(), strict=True
            )
            if level == level
        }


def held_entries(model: OrgModel, competencies: Sequence[CompetencyRef], view: View) -> Entries:
    """The model's levels in ``view`` of ``competencies``: the holdings of each competency
    are one slice of the model's holdings sorted by competency (``_by_competency``)."""
    ptr, order, held = _by_competency(model)
    intern = _intern(model)
    codes = np.array([intern.get(ref, -1) for ref in competencies], dtype=np.int64)
    known = codes >= 0
    lo = np.zeros(len(codes), dtype=np.int64)
    lengths = np.zeros(len(codes), dtype=np.int64)
    lo[known] = ptr[codes[known]]
    lengths[known] = ptr[codes[known] + 1] - lo[known]
    ends = np.cumsum(lengths)
    at = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    at += np.repeat(lo - (ends - lengths), lengths)
    chosen = order[at]
    return Entries(
        person=held.key[chosen] >> SHIFT,
        requirement=np.repeat(np.arange(len(codes), dtype=np.int64), lengths),
        level=held.level(view)[chosen],
    )


# -- per-model memos: a model's people never change, and its interning only grows ---------

_INTERNS: weakref.WeakKeyDictionary[
    OrgModel, tuple[tuple[CompetencyRef, ...], dict[CompetencyRef, int]]
] = weakref.WeakKeyDictionary()
_SORTED: weakref.WeakKeyDictionary[OrgModel, tuple[I64, I64, Holdings]] = (
    weakref.WeakKeyDictionary()
)


def _by_competency(model: OrgModel) -> tuple[I64, I64, Holdings]:
    """The model's holdings in competency order: ``order[ptr[c]:ptr[c + 1]]`` are the
    positions of competency ``c``'s, by person. Sorted once per holdings (a radix sort when
    fewer than 65,536 competencies are interned), kept until the model's next update."""
    held = model.holdings()
    kept = _SORTED.get(model)
    if kept is None or kept[2] is not held:
        size = len(model.competencies)
        comp = held.key & ((1 << SHIFT) - 1)
        narrow = comp.astype(np.uint16 if size <= 1 << 16 else np.int64)
        order = np.argsort(narrow, kind="stable").astype(np.int64)
        ptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(comp, minlength=size), out=ptr[1:])
        kept = _SORTED[model] = (ptr, order, held)
    return kept


def _intern(model: OrgModel) -> dict[CompetencyRef, int]:
    refs = model.competencies
    kept = _INTERNS.get(model)
    if kept is None or kept[0] is not refs:
        kept = _INTERNS[model] = (refs, {ref: i for i, ref in enumerate(refs)})
    return kept[1]


__all__ = ["Entries", "held_entries"]
