"""Role templates from occupations: a starting point for a role profile, to be edited.

Rules (docs/user-guide.md, "Role templates"):
- importance: with an importance rating (O*NET IM 1-5): 4 and above critical, 3 and above
  important, below useful; without one (ESCO, NICE): essential -> important,
  optional -> useful;
- level: with a level rating on the occupation's scale (O*NET LV 0-7): read on the canonical
  0-5 through that scale's linear mapping, then the nearest level of the framework's scale;
  without one: the framework level nearest canonical 3 (Proficient) for essential skills and
  2 (Knowledge) for optional ones;
- only ``include`` relations are used (both by default); skills of retired competencies are
  left out.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise

from skillgap.domain import (
    Framework,
    Importance,
    Occupation,
    OccupationSkill,
    ProficiencyScale,
    Relation,
    Requirement,
    Role,
)
from skillgap.errors import NotFoundError

DEFAULT_LEVELS = {Relation.ESSENTIAL: 3.0, Relation.OPTIONAL: 2.0}


def role_from_occupation(
    occupation: Occupation,
    framework: Framework,
    scales: dict[str, ProficiencyScale],
    *,
    role_id: str,
    name: str | None = None,
    include: Collection[Relation] = (Relation.ESSENTIAL, Relation.OPTIONAL),
) -> Role:
    rating_scale = None
    if occupation.level_scale is not None:
        rating_scale = scales.get(occupation.level_scale)
        if rating_scale is None:
            raise NotFoundError(f"no proficiency scale {occupation.level_scale!r}")
    requirements = []
    for skill in occupation.skills:
        if skill.relation not in include or not framework.has(skill.competency.code):
            continue
        if framework.competency(skill.competency.code).retired:
            continue
        level = _level(skill, rating_scale, framework.scale)
        requirements.append(Requirement(skill.competency, level, _importance(skill)))
    return Role(
        id=role_id,
        name=name or occupation.title,
        description=f"From {framework.name} occupation {occupation.code}: {occupation.title}."
        + (f" {occupation.description}" if occupation.description else ""),
        family=framework.name,
        requirements=tuple(requirements),
    )


def _importance(skill: OccupationSkill) -> Importance:
    if skill.importance is not None:
        if skill.importance >= 4.0:
            return Importance.CRITICAL
        return Importance.IMPORTANT if skill.importance >= 3.0 else Importance.USEFUL
    return Importance.IMPORTANT if skill.relation is Relation.ESSENTIAL else Importance.USEFUL


def _level(
    skill: OccupationSkill, rating_scale: ProficiencyScale | None, target: ProficiencyScale
) -> int:
    if skill.level is not None and rating_scale is not None:
        canonical = _interpolate(rating_scale, skill.level)
    else:
        canonical = DEFAULT_LEVELS[skill.relation]
    return min(target.levels, key=lambda lv: (abs(lv.canonical - canonical), lv.value)).value


def _interpolate(scale: ProficiencyScale, rating: float) -> float:
    """A fractional rating (O*NET LV 4.62) read between the scale's neighbouring levels."""
    levels = scale.levels
    if rating <= levels[0].value:
        return levels[0].canonical
    for low, high in pairwise(levels):
        if rating <= high.value:
            share = (rating - low.value) / (high.value - low.value)
            return low.canonical + share * (high.canonical - low.canonical)
    return levels[-1].canonical
