"""The gap engine's array kernels: holdings, gap rows, grouped sums.

Each kernel is the vectorised twin of a rule in ``inventory`` or ``gaps`` and uses the same
float64 formulas, so the engine agrees with them to rounding (tests/analysis/test_engine.py
checks it against a plain-loop reference on random organisations):

- verified level: the highest verified level of a (person, competency) segment;
- manager / self level: the level of the latest rating of that kind (``observed_on``, then
  the id as tie-break): the store keeps each segment in that order, so it is the last row
  of the kind in the segment;
- best-available: verified, else manager, else self; inferred levels never count;
- gap = max(0, required - held), met when held >= required, missing when nothing is held
  (or held <= 0), coverage = min(held, required) / required (1 when nothing is required).

Speed notes (docs/benchmarks.md): a pass over the 4 million requirement rows of the
benchmark costs 2-20 ms, so kernels count passes: segments that are contiguous (a person's
rows, a pair's observations) are summed with ``reduceat`` (a sequential pass), others with
``bincount``; the pair-key join is a scatter through the profile's slot table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import numpy as np
import numpy.typing as npt

from skillgap.analysis.engine_build import (
    F64,
    I8,
    I64,
    MANAGER_CODE,
    SELF_CODE,
    SHIFT,
    VERIFIED_CODES,
    ObservationStore,
    Profile,
    StoreRow,
)
from skillgap.analysis.inventory import View

MET, PARTIAL, MISSING = 0, 1, 2
#: Above this many cells a grouped sum compresses its keys (np.unique) instead of counting
#: into dense arrays: 2**25 float64 cells are 256 MB per column.
DENSE_CELLS = 1 << 25


@dataclass(frozen=True, eq=False)
class Holdings:
    """Per (person, competency) seen in the observations, sorted by pair key; NaN where the
    view has no level."""

    key: I64
    verified: F64
    best: F64

    def level(self, view: View) -> F64:
        return self.verified if view is View.VERIFIED else self.best

    @property
    def person(self) -> I64:
        return self.key >> SHIFT

    @property
    def comp(self) -> I64:
        return self.key & ((1 << SHIFT) - 1)


def holdings(store: ObservationStore) -> Holdings:
    """Collapse each (person, competency) segment of the store to its levels per view."""
    n = len(store)
    if not n:
        empty = np.zeros(0, dtype=np.float64)
        return Holdings(np.zeros(0, dtype=np.int64), empty, empty)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(store.key[1:], store.key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    verified = store.source == VERIFIED_CODES[0]
    for code in VERIFIED_CODES[1:]:
        verified |= store.source == code
    top = np.maximum.reduceat(np.where(verified, store.level, -np.inf), starts)
    top[top == -np.inf] = np.nan
    position = np.arange(n, dtype=np.int64)
    manager = _last(store, store.source == MANAGER_CODE, starts, position)
    self_claim = _last(store, store.source == SELF_CODE, starts, position)
    best = np.where(np.isnan(top), np.where(np.isnan(manager), self_claim, manager), top)
    return Holdings(store.key[starts], top, best)


def person_holdings(rows: Sequence[StoreRow]) -> Holdings:
    """``holdings`` for one person's rows (in store order), in plain Python."""
    keys: list[int] = []
    verified: list[float] = []
    best: list[float] = []
    for key, group in groupby(rows, key=itemgetter(0)):
        top = manager = self_claim = None
        for _, _, _, level, source, _ in group:  # by day, then id: the last rating wins
            if source in VERIFIED_CODES:
                top = level if top is None or level > top else top
            elif source == MANAGER_CODE:
                manager = level
            elif source == SELF_CODE:
                self_claim = level
        reading = top if top is not None else manager if manager is not None else self_claim
        keys.append(key)
        verified.append(np.nan if top is None else top)
        best.append(np.nan if reading is None else reading)
    return Holdings(
        np.array(keys, dtype=np.int64),
        np.array(verified, dtype=np.float64),
        np.array(best, dtype=np.float64),
    )


def _last(store: ObservationStore, mask: npt.NDArray[np.bool_], starts: I64, position: I64) -> F64:
    """The level of the last masked row of each segment (NaN if none)."""
    last = np.maximum.reduceat(np.where(mask, position, -1), starts)
    return np.where(last >= 0, store.level[last], np.nan)


def lookup(held: Holdings, view: View, keys: I64) -> F64:
    """The view's level for each pair key (NaN where the person holds nothing of it)."""
    if not len(held.key):
        return np.full(len(keys), np.nan)
    pos = np.searchsorted(held.key, keys)
    np.minimum(pos, len(held.key) - 1, out=pos)
    found = held.key[pos] == keys
    return np.where(found, held.level(view)[pos], np.nan)


@dataclass(frozen=True, eq=False)
class Rows:
    """People expanded into one row per requirement of their role (CSR by person)."""

    ptr: I64  # rows of person i: ptr[i]:ptr[i + 1]
    person: I64
    source_row: I64  # the row of the profile (or timeline) each row comes from

    def sum_per_person(self, values: F64) -> F64:
        """Per person, the sum of its rows' values (0 for a person without rows): one
        sequential ``reduceat`` pass, rows being contiguous per person."""
        out = np.zeros(len(self.ptr) - 1)
        starts = self.ptr[:-1]
        has = starts < self.ptr[1:]
        if len(values):
            out[has] = np.add.reduceat(values, starts[has])
        return out


def expand(role_of: I64, role_ptr: I64) -> Rows:
    n = len(role_of)
    has = role_of >= 0
    role = np.where(has, role_of, 0)
    first = role_ptr[role] if len(role_ptr) > 1 else np.zeros(n, dtype=np.int64)
    counts = np.where(has, role_ptr[role + 1] - first, 0) if len(role_ptr) > 1 else first
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    person = np.repeat(np.arange(n, dtype=np.int64), counts)
    source_row = np.arange(ptr[-1], dtype=np.int64) - np.repeat(ptr[:-1] - first, counts)
    return Rows(ptr, person, source_row)


def held_rows(
    held: Holdings, view: View, rows: Rows, comp: I64, role_of: I64, profile: Profile
) -> F64:
    """The view's level for each requirement row: each holding is scattered to its row
    through the slot table (or, without one, each row searches the sorted holdings)."""
    if profile.slot is None:
        return lookup(held, view, (rows.person << SHIFT) | comp)
    out = np.full(len(comp), np.nan)
    if not profile.slot.size:  # nothing was interned when the profile was built
        return out
    person, c = held.person, held.comp
    role = role_of[person]
    width = profile.slot.shape[1]
    cell = np.maximum(role, 0) * width + np.minimum(c, width - 1)
    slot = profile.slot.ravel()[cell]
    ok = np.flatnonzero((slot >= 0) & (role >= 0) & (c < width))
    out[rows.ptr[person[ok]] + slot[ok]] = held.level(view)[ok]
    return out


@dataclass(frozen=True, eq=False)
class Judged:
    gap: F64
    coverage: F64
    status: I8


def judge(required: F64, held: F64) -> Judged:
    """The gaps module's per-requirement rules on whole columns."""
    held0 = np.fmax(held, 0.0)  # ``held or 0.0``: NaN (nothing held) reads as 0
    gap = required - held0
    np.maximum(gap, 0.0, out=gap)
    status = (held0 < required).astype(np.int8)  # 1: not met
    status += status & (held0 <= 0)  # 2: missing
    coverage = np.minimum(held0, required)
    np.divide(coverage, required, out=coverage, where=required > 0)
    coverage[required <= 0] = 1.0
    return Judged(gap, coverage, status)


def readiness(rows: Rows, weight: F64, coverage: F64) -> F64:
    """100 x importance-weighted coverage per person (100 for a person with no rows)."""
    weights = rows.sum_per_person(weight)
    covered = rows.sum_per_person(weight * coverage)
    out = np.full(len(weights), 100.0)
    np.divide(100.0 * covered, weights, out=out, where=weights > 0)
    return out


def wsum(keys: I64, values: npt.ArrayLike, size: int) -> F64:
    """Sum ``values`` per key in ``[0, size)`` (in row order, like a loop would)."""
    return np.bincount(keys, weights=values, minlength=size).astype(np.float64, copy=False)


@dataclass(frozen=True, eq=False)
class Grouped:
    """The non-empty cells of a grouped sum, with their row counts and column sums."""

    cell: I64
    count: I64
    sums: list[F64]


def grouped(keys: I64, size: int, columns: Sequence[npt.ArrayLike]) -> Grouped:
    """Group rows by an integer cell key in ``[0, size)`` and sum each column per cell:
    dense counting when the key space is small enough, sorting otherwise."""
    if size <= DENSE_CELLS:
        counts = np.bincount(keys, minlength=size)
        cell = np.flatnonzero(counts)
        sums = [wsum(keys, column, size)[cell] for column in columns]
        return Grouped(cell.astype(np.int64), counts[cell].astype(np.int64), sums)
    cell, index, count = np.unique(keys, return_inverse=True, return_counts=True)
    sums = [wsum(index, column, len(cell)) for column in columns]
    return Grouped(cell.astype(np.int64), count.astype(np.int64), sums)
