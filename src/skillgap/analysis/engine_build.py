"""Building the gap engine's columns: observations, role profiles and role timelines.

Why columns: at 100,000 people and 2 million observations, one Python object per
observation, holding and requirement gap costs seconds and gigabytes (docs/benchmarks.md,
"the summary"). The engine interns people, roles and competencies into integer indexes and
keeps everything else as numpy arrays, so a full recompute is a few dozen array passes.

- ``ObservationColumns``: observations as parallel arrays, the way a store or a generator
  can hand them over without building objects; ``from_observations`` for the object path.
- ``ObservationStore``: the observations the model counts, sorted by the pair key
  ``person << SHIFT | competency``, then date, then id (a clustered index: a person's
  observations, and each (person, competency) segment, are contiguous, and the latest
  rating of a kind is the last of its kind in the segment), levels on the canonical 0-5.
- ``Profile``: every role's ``requirements_at(date)`` as CSR arrays (role -> rows).
- ``Timeline``: every requirement dated after the analysis date, with the highest level
  required of that competency before it (what priorities need to count a need only once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from skillgap.analysis.context import SkillContext
from skillgap.domain import (
    CapabilityGroup,
    CompetencyRef,
    Observation,
    Requirement,
    Role,
    SourceKind,
)
from skillgap.errors import NotFoundError, ValidationError

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
Strs = npt.NDArray[np.str_]

#: Source kinds by code: an observation's ``source`` column holds positions in this tuple.
SOURCE_KINDS: tuple[SourceKind, ...] = tuple(SourceKind)
SOURCE_CODE: dict[SourceKind, int] = {kind: code for code, kind in enumerate(SOURCE_KINDS)}
VERIFIED_CODES: tuple[int, ...] = tuple(SOURCE_CODE[k] for k in SOURCE_KINDS if k.verified)
MANAGER_CODE = SOURCE_CODE[SourceKind.MANAGER]
SELF_CODE = SOURCE_CODE[SourceKind.SELF]

#: Pair keys: ``person << SHIFT | competency`` (room for 16 million competencies).
SHIFT = 24


@dataclass(frozen=True, eq=False)
class ObservationColumns:
    """Observations as parallel columns, each code column indexing its own value table.

    ``order`` ranks the ids in code-point order (the inventory's tie-break between two
    ratings of one day); it is computed from ``ids`` when not given, and a caller that
    knows it (ids generated in order) may pass it to skip sorting the ids.
    """

    person_ids: Sequence[str]
    person: I32
    competencies: Sequence[CompetencyRef]
    competency: I32
    scale_ids: Sequence[str]
    scale: I32
    level: I64  # on the scale named by ``scale``
    source: I8  # positions in SOURCE_KINDS
    observed_on: I64  # date ordinals
    confidence: F64
    ids: Strs
    order: I64 | None = None

    def __post_init__(self) -> None:
        columns = (
            self.competency,
            self.scale,
            self.level,
            self.source,
            self.observed_on,
            self.confidence,
            self.ids,
        )
        if any(len(c) != len(self.person) for c in columns) or (
            self.order is not None and len(self.order) != len(self.person)
        ):
            raise ValidationError("observation columns must all have the same length")

    def __len__(self) -> int:
        return len(self.person)

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> ObservationColumns:
        return cls._of(
            (
                o.id,
                o.person_id,
                o.competency,
                o.level,
                o.scale_id,
                SOURCE_CODE[o.source],
                o.observed_on,
                o.confidence,
            )
            for o in observations
        )

    @classmethod
    def _of(
        cls, found: Iterable[tuple[str, str, CompetencyRef, int, str, int, date, float]]
    ) -> ObservationColumns:
        """From (id, person, competency, level, scale id, source code, date, confidence)."""
        people: dict[str, int] = {}
        refs: dict[CompetencyRef, int] = {}
        scales: dict[str, int] = {}
        rows: list[tuple[int, int, int, int, int, int, float]] = []
        ids: list[str] = []
        for id_, person, ref, level, scale, source, day, confidence in found:
            rows.append(
                (
                    people.setdefault(person, len(people)),
                    refs.setdefault(ref, len(refs)),
                    scales.setdefault(scale, len(scales)),
                    level,
                    source,
                    day.toordinal(),
                    confidence,
                )
            )
            ids.append(id_)
        table = np.array(rows, dtype=np.float64).reshape(len(rows), 7)
        return cls(
            person_ids=tuple(people),
            person=table[:, 0].astype(np.int32),
            competencies=tuple(refs),
            competency=table[:, 1].astype(np.int32),
            scale_ids=tuple(scales),
            scale=table[:, 2].astype(np.int32),
            level=table[:, 3].astype(np.int64),
            source=table[:, 4].astype(np.int8),
            observed_on=table[:, 5].astype(np.int64),
            confidence=np.ascontiguousarray(table[:, 6]),
            ids=np.array(ids, dtype=np.str_) if ids else np.zeros(0, dtype="<U1"),
        )

    @staticmethod
    def concat(parts: Sequence[ObservationColumns]) -> ObservationColumns:
        """The observations of every part, in part order (value tables merged, codes
        renumbered; ``order`` recomputed from the ids when the model is built)."""
        people: dict[str, int] = {}
        refs: dict[CompetencyRef, int] = {}
        scales: dict[str, int] = {}

        def codes(table: dict[Any, int], values: Sequence[Any], column: I32) -> I32:
            lut = np.array([table.setdefault(v, len(table)) for v in values] + [0], np.int32)
            return lut[column]

        person = [codes(people, p.person_ids, p.person) for p in parts]
        competency = [codes(refs, p.competencies, p.competency) for p in parts]
        scale = [codes(scales, p.scale_ids, p.scale) for p in parts]

        def joined(name: str) -> Any:
            return np.concatenate([getattr(p, name) for p in parts])

        return ObservationColumns(
            person_ids=tuple(people),
            person=np.concatenate(person).astype(np.int32),
            competencies=tuple(refs),
            competency=np.concatenate(competency).astype(np.int32),
            scale_ids=tuple(scales),
            scale=np.concatenate(scale).astype(np.int32),
            level=joined("level").astype(np.int64),
            source=joined("source").astype(np.int8),
            observed_on=joined("observed_on").astype(np.int64),
            confidence=joined("confidence").astype(np.float64),
            ids=joined("ids"),
        )


#: One stored observation as a tuple: pair key, day, id, canonical level, source, confidence.
StoreRow = tuple[int, int, str, float, int, float]


@dataclass(frozen=True, eq=False)
class ObservationStore:
    """The observations counted, in (pair key, date, id) order; levels canonical."""

    key: I64
    level: F64
    source: I8
    day: I64
    confidence: F64
    ids: Strs

    def __len__(self) -> int:
        return len(self.key)

    def rows(self) -> list[StoreRow]:
        """The observations as tuples in store order (for one person's few rows: plain
        Python beats numpy's per-call overhead there)."""
        return list(
            zip(
                self.key.tolist(),
                self.day.tolist(),
                self.ids.tolist(),
                self.level.tolist(),
                self.source.tolist(),
                self.confidence.tolist(),
                strict=True,
            )
        )

    @classmethod
    def of_rows(cls, rows: Sequence[StoreRow]) -> ObservationStore:
        key, day, ids, level, source, confidence = zip(*rows, strict=True) if rows else [()] * 6
        return cls(
            key=np.array(key, dtype=np.int64),
            level=np.array(level, dtype=np.float64),
            source=np.array(source, dtype=np.int8),
            day=np.array(day, dtype=np.int64),
            confidence=np.array(confidence, dtype=np.float64),
            ids=np.array(ids, dtype=np.str_) if ids else np.zeros(0, dtype="<U1"),
        )

    def bounds(self, person: int) -> tuple[int, int]:
        lo, hi = np.searchsorted(self.key, [person << SHIFT, (person + 1) << SHIFT])
        return int(lo), int(hi)

    def take(self, index: Any) -> ObservationStore:
        return ObservationStore(
            self.key[index],
            self.level[index],
            self.source[index],
            self.day[index],
            self.confidence[index],
            self.ids[index],
        )

    @staticmethod
    def concat(parts: Sequence[ObservationStore]) -> ObservationStore:
        return ObservationStore(
            *(
                np.concatenate([getattr(p, name) for p in parts])
                for name in ("key", "level", "source", "day", "confidence", "ids")
            )
        )

    def splice(self, people: dict[int, ObservationStore]) -> ObservationStore:
        """This store with the rows of each given person replaced (an O(n) copy)."""
        parts: list[ObservationStore] = []
        start = 0
        for person in sorted(people):
            lo, hi = self.bounds(person)
            parts += [self.take(slice(start, lo)), people[person]]
            start = hi
        parts.append(self.take(slice(start, len(self))))
        return ObservationStore.concat(parts)


def store_observations(
    columns: ObservationColumns,
    person_index: dict[str, int],
    intern: dict[CompetencyRef, int],
    context: SkillContext,
    as_of: date,
) -> ObservationStore:
    """Count the observations of the model's people dated on or before ``as_of``.

    Competencies seen for the first time are interned at the end of ``intern``."""
    person_lut = np.array([person_index.get(p, -1) for p in columns.person_ids] + [-1])
    comp_lut = np.array([intern.setdefault(r, len(intern)) for r in columns.competencies] + [0])
    person = person_lut[columns.person]
    keep = np.flatnonzero((person >= 0) & (columns.observed_on <= as_of.toordinal()))
    level = canonical_levels(columns, keep, context)
    key = (person[keep].astype(np.int64) << SHIFT) | comp_lut[columns.competency[keep]]
    rank = columns.order if columns.order is not None else _ranks(columns.ids)
    day = columns.observed_on[keep]
    order = np.lexsort((rank[keep], day, key))
    chosen = keep[order]
    return ObservationStore(
        key=key[order],
        level=level[order],
        source=columns.source[chosen],
        day=day[order],
        confidence=columns.confidence[chosen],
        ids=columns.ids[chosen],
    )


def canonical_levels(columns: ObservationColumns, rows: I64, context: SkillContext) -> F64:
    """The levels of ``rows`` on the canonical 0-5 scale, through each scale's own mapping."""
    out = np.empty(len(rows), dtype=np.float64)
    codes = columns.scale[rows]
    raw = columns.level[rows]
    for code, scale_id in enumerate(columns.scale_ids):
        mine = np.flatnonzero(codes == code)
        if not len(mine):
            continue
        scale = context.scale(scale_id)
        low = scale.levels[0].value
        table = np.full(scale.levels[-1].value - low + 1, np.nan)
        for lv in scale.levels:
            table[lv.value - low] = lv.canonical
        offset = raw[mine] - low
        inside = (offset >= 0) & (offset < len(table))
        found = np.full(len(mine), np.nan)
        found[inside] = table[offset[inside]]
        bad = np.flatnonzero(np.isnan(found))
        if len(bad):
            scale.level(int(raw[mine[bad[0]]]))  # raises the scale's own error
        out[mine] = found
    return out


def _ranks(ids: Strs) -> I64:
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids), dtype=np.int64)
    return rank


#: Above this many role x competency cells a profile keeps no slot table (4 bytes a cell).
SLOT_CELLS = 1 << 24


@dataclass(frozen=True, eq=False)
class Profile:
    """Every role's requirements in force at ``at``: rows ``ptr[r]:ptr[r + 1]`` of role
    ``r``, in ``requirements_at`` order (by competency, so pair keys come out sorted).

    ``slot[r, c]`` is the position of competency ``c`` in role ``r``'s rows (-1: not
    required), so a holding finds its requirement row by two array reads instead of a
    search; ``None`` when roles x competencies is too large for a dense table.
    """

    at: date
    ptr: I64
    comp: I64
    required: F64  # canonical
    weight: F64
    requirements: tuple[tuple[Requirement, ...], ...]  # per role
    slot: npt.NDArray[np.int32] | None


def build_profile(
    roles: Sequence[Role], at: date, intern: dict[CompetencyRef, int], context: SkillContext
) -> Profile:
    per_role = tuple(role.requirements_at(at) for role in roles)
    flat = [req for reqs in per_role for req in reqs]
    ptr = _ptr(len(reqs) for reqs in per_role)
    comp = np.array([intern[r.competency] for r in flat], dtype=np.int64)
    slot = None
    if len(roles) * len(intern) <= SLOT_CELLS:
        slot = np.full((len(roles), len(intern)), -1, dtype=np.int32)
        role = np.repeat(np.arange(len(roles)), np.diff(ptr))
        slot[role, comp] = np.arange(len(comp)) - ptr[role]
    return Profile(
        at=at,
        ptr=ptr,
        comp=comp,
        required=np.array(
            [context.canonical(r.competency, r.level) for r in flat], dtype=np.float64
        ),
        weight=np.array([r.importance.weight for r in flat], dtype=np.float64),
        requirements=per_role,
        slot=slot,
    )


@dataclass(frozen=True, eq=False)
class Timeline:
    """Requirements dated after the analysis date (``horizons``: their dates, in order).

    ``previous`` is the highest canonical level required of the same competency by the
    same role at any point from the analysis date until just before the row's horizon
    (NaN when it was not required): the part of a future gap already counted earlier.
    """

    horizons: tuple[date, ...]
    ptr: I64
    comp: I64
    required: F64
    weight: F64
    horizon: I64  # index into horizons
    previous: F64
    requirements: tuple[Requirement, ...]


def build_timeline(
    roles: Sequence[Role], as_of: date, intern: dict[CompetencyRef, int], context: SkillContext
) -> Timeline:
    horizons = tuple(sorted({h for role in roles for h in role.horizons if h > as_of}))
    position = {h: i for i, h in enumerate(horizons)}
    rows: list[tuple[Requirement, float, float]] = []
    counts = []
    for role in roles:
        highest = {
            r.competency: context.canonical(r.competency, r.level)
            for r in role.requirements_at(as_of)
        }
        later = sorted(
            (r for r in role.requirements if r.horizon is not None and r.horizon > as_of),
            key=lambda r: (r.horizon or as_of, r.competency),
        )
        for req in later:
            level = context.canonical(req.competency, req.level)
            rows.append((req, level, highest.get(req.competency, np.nan)))
            highest[req.competency] = max(level, highest.get(req.competency, level))
        counts.append(len(later))
    return Timeline(
        horizons=horizons,
        ptr=_ptr(counts),
        comp=np.array([intern[r.competency] for r, _, _ in rows], dtype=np.int64),
        required=np.array([level for _, level, _ in rows], dtype=np.float64),
        weight=np.array([r.importance.weight for r, _, _ in rows], dtype=np.float64),
        horizon=np.array([position[r.horizon or as_of] for r, _, _ in rows], dtype=np.int64),
        previous=np.array([prev for _, _, prev in rows], dtype=np.float64),
        requirements=tuple(r for r, _, _ in rows),
    )


def _ptr(counts: Iterable[int]) -> I64:
    sizes = np.fromiter(counts, dtype=np.int64)
    ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    return ptr


#: Capability groups by index: (framework id, group), the last entry ``None`` (no group).
Capabilities = tuple[tuple[str, CapabilityGroup] | None, ...]


def capabilities(
    competencies: Sequence[CompetencyRef], context: SkillContext
) -> tuple[I64, Capabilities]:
    """Per competency, the index of its capability group (the root of its group tree) in the
    returned table, whose last entry (``None``) stands for "no group or unknown framework"."""
    table: dict[tuple[str, str], int] = {}
    groups: list[tuple[str, CapabilityGroup] | None] = []
    codes = []
    for ref in competencies:
        try:
            group = context.capability(ref)
        except NotFoundError:
            group = None
        if group is None:
            codes.append(-1)
            continue
        index = table.setdefault((ref.framework, group.code), len(table))
        if index == len(groups):
            groups.append((ref.framework, group))
        codes.append(index)
    none = len(groups)
    groups.append(None)
    array = np.array(codes, dtype=np.int64)
    array[array < 0] = none
    return array, tuple(groups)
