"""A deterministic synthetic organisation on the real ESCO v1.1.1 release, for the gap
engine benchmark (benchmarks/test_bench_engine.py, docs/benchmarks.md).

- Roles: 500 ESCO occupations (with at least 5 essential skills, drawn with a fixed seed),
  made roles by skillgap's own ``role_from_occupation``: essential skills important at
  level 3, optional skills useful at level 2. So that future gaps and priorities have
  work to do, each role also gets dated requirements: a fifth of its essential skills
  become critical at level 4 a year after the analysis date, a tenth of its optional skills
  important at level 3 two years after, and two skills it did not need are added then.
- People: 100,000 in 50 departments of 10 teams; each department staffs 10 roles.
- Observations: about 20 per person (Poisson), 2 million in all, drawn around the role's
  profile (85 % on a competency of the profile, at its level plus noise centred 0.4 below;
  15 % anywhere among the roles' competencies, around level 2), of every source kind on its
  own scale: credentials on K/P/M, assessments and self ratings on 0-5, manager ratings on
  1-5, inferred levels on 1-7; dated over three years, 3 % after the analysis date (which
  the engine must not count).

Nothing is cached on disk: the ESCO release is read once per process (about 1.5 s) and
the organisation is built in memory (about 3 s) from a seeded numpy generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np

from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine_build import SOURCE_CODE, SOURCE_KINDS, ObservationColumns
from skillgap.analysis.templates import role_from_occupation
from skillgap.domain import (
    BUILTIN_SCALES,
    CompetencyRef,
    Importance,
    Occupation,
    Person,
    Relation,
    Requirement,
    Role,
    SourceKind,
)
from skillgap.formats.esco import read_esco
from skillgap.formats.imports import FrameworkImport

ESCO = Path("/work/shared/data/esco")
AS_OF = date(2026, 11, 1)
SEED = 5
#: Per source kind: its share of the observations and the scale it is given on.
SOURCES = {
    SourceKind.CREDENTIAL: (0.20, "kpm"),
    SourceKind.ASSESSMENT: (0.10, "skillgap-0-5"),
    SourceKind.MANAGER: (0.25, "1-5"),
    SourceKind.SELF: (0.40, "skillgap-0-5"),
    SourceKind.INFERRED: (0.05, "1-7"),
}


@dataclass(frozen=True)
class SyntheticOrg:
    as_of: date
    context: SkillContext
    roles: tuple[Role, ...]
    people: tuple[Person, ...]
    observations: ObservationColumns


@cache
def esco(folder: Path = ESCO) -> FrameworkImport:
    return read_esco(folder, version="1.1.1")


def generate(
    *,
    people: int = 100_000,
    departments: int = 50,
    roles: int = 500,
    per_person: float = 20.0,
    seed: int = SEED,
    folder: Path = ESCO,
) -> SyntheticOrg:
    rng = np.random.default_rng(seed)
    imported = esco(folder)
    context = SkillContext.of([imported.framework])
    role_list = _roles(imported, roles, rng)
    staff = _people(people, departments, len(role_list), rng)
    return SyntheticOrg(
        as_of=AS_OF,
        context=context,
        roles=role_list,
        people=staff,
        observations=_observations(staff, role_list, per_person, rng),
    )


def _roles(imported: FrameworkImport, count: int, rng: np.random.Generator) -> tuple[Role, ...]:
    fw = imported.framework
    candidates = sorted(
        (o for o in imported.occupations if _essential(o) >= 5), key=lambda o: o.code
    )
    picked = sorted(rng.choice(len(candidates), count, replace=False))
    bases = [
        role_from_occupation(candidates[i], fw, BUILTIN_SCALES, role_id=f"R{n:03d}")
        for n, i in enumerate(picked)
    ]
    pool = sorted({r.competency for role in bases for r in role.requirements})
    raised, later = AS_OF + timedelta(days=365), AS_OF + timedelta(days=730)
    result = []
    for role in bases:
        essential = [r for r in role.requirements if r.importance is Importance.IMPORTANT]
        optional = [r for r in role.requirements if r.importance is Importance.USEFUL]
        extra = [
            Requirement(r.competency, 4, Importance.CRITICAL, raised)
            for r in _some(essential, 0.2, rng)
        ]
        extra += [
            Requirement(r.competency, 3, Importance.IMPORTANT, later)
            for r in _some(optional, 0.1, rng)
        ]
        have = {r.competency for r in role.requirements}
        new = [pool[i] for i in rng.choice(len(pool), 8, replace=False) if pool[i] not in have]
        extra += [Requirement(ref, 3, Importance.IMPORTANT, later) for ref in new[:2]]
        result.append(
            Role(role.id, role.name, role.description, role.family, (*role.requirements, *extra))
        )
    return tuple(result)


def _essential(occupation: Occupation) -> int:
    return sum(s.relation is Relation.ESSENTIAL for s in occupation.skills)


def _some(items: list[Requirement], share: float, rng: np.random.Generator) -> list[Requirement]:
    if not items:
        return []
    k = round(share * len(items))
    return [items[i] for i in sorted(rng.choice(len(items), k, replace=False))]


def _people(
    count: int, departments: int, roles: int, rng: np.random.Generator
) -> tuple[Person, ...]:
    per_department = roles // departments
    staffed = rng.permutation(roles).reshape(departments, per_department)
    department = rng.integers(0, departments, count)
    role = staffed[department, rng.integers(0, per_department, count)]
    team = rng.integers(0, 10, count)
    return tuple(
        Person(
            f"E{i:06d}",
            f"Employee {i}",
            department=f"D{d:02d}",
            team=f"D{d:02d}-T{t}",
            role_id=f"R{r:03d}",
        )
        for i, (d, r, t) in enumerate(
            zip(department.tolist(), role.tolist(), team.tolist(), strict=True)
        )
    )


def _observations(
    people: tuple[Person, ...], roles: tuple[Role, ...], per_person: float, rng: np.random.Generator
) -> ObservationColumns:
    refs = sorted({r.competency for role in roles for r in role.requirements})
    code = {ref: i for i, ref in enumerate(refs)}
    profiles = [role.requirements_at(date.max) for role in roles]
    ptr = np.cumsum([0] + [len(p) for p in profiles])
    comp_of = np.array([code[r.competency] for p in profiles for r in p], dtype=np.int64)
    level_of = np.array([float(r.level) for p in profiles for r in p])  # 0-5 framework scale
    role_index = {role.id: i for i, role in enumerate(roles)}
    role_of = np.array([role_index[p.role_id or ""] for p in people], dtype=np.int64)

    counts = rng.poisson(per_person, len(people))
    person = np.repeat(np.arange(len(people), dtype=np.int32), counts)
    n = len(person)
    role = role_of[person]
    pick = ptr[role] + (rng.random(n) * (ptr[role + 1] - ptr[role])).astype(np.int64)
    on_profile = rng.random(n) < 0.85
    comp = np.where(on_profile, comp_of[pick], rng.integers(0, len(refs), n))
    target = np.where(on_profile, level_of[pick], 2.0) + rng.normal(-0.4, 1.1, n)
    kinds = list(SOURCES)
    source = rng.choice(len(kinds), n, p=[SOURCES[k][0] for k in kinds])
    scale_ids = tuple(sorted({scale for _, scale in SOURCES.values()}))
    scale = np.array([scale_ids.index(SOURCES[k][1]) for k in kinds])[source]
    level = np.zeros(n, dtype=np.int64)
    for s, scale_id in enumerate(scale_ids):
        mine = scale == s
        steps = BUILTIN_SCALES[scale_id].levels
        canon = np.array([lv.canonical for lv in steps])
        values = np.array([lv.value for lv in steps])
        at = np.searchsorted(canon, target[mine] + 1e-9, side="right") - 1
        level[mine] = values[np.clip(at, 0, len(steps) - 1)]
    day = AS_OF.toordinal() - rng.integers(0, 3 * 365, n)
    late = rng.random(n) < 0.03
    day[late] = AS_OF.toordinal() + rng.integers(1, 60, int(late.sum()))
    kind_code = np.array([SOURCE_CODE[k] for k in kinds], dtype=np.int8)[source]
    confidence = np.array([k.default_confidence for k in SOURCE_KINDS])[kind_code]
    return ObservationColumns(
        person_ids=tuple(p.employee_id for p in people),
        person=person,
        competencies=tuple(refs),
        competency=comp.astype(np.int32),
        scale_ids=scale_ids,
        scale=scale.astype(np.int32),
        level=level,
        source=kind_code,
        observed_on=day.astype(np.int64),
        confidence=confidence,
        ids=_ids(n),
        order=np.arange(n, dtype=np.int64),  # "O00000000", "O00000001" ... in id order
    )


def _ids(n: int) -> np.ndarray:
    """ "O" and 8 digits, built as code points (2 million f-strings take a second)."""
    digits = (np.arange(n, dtype=np.int64)[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    chars = np.empty((n, 9), dtype=np.uint32)
    chars[:, 0] = ord("O")
    chars[:, 1:] = digits + ord("0")
    return chars.view("<U9").ravel()


def required_pool(roles: tuple[Role, ...]) -> list[CompetencyRef]:
    return sorted({r.competency for role in roles for r in role.requirements})
