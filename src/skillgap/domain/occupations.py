"""Occupations from a standard (ESCO occupations, O*NET-SOC occupations, NICE work roles):
what each needs, as the source rates it. They are templates for roles, not roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from skillgap.domain.frameworks import CompetencyRef
from skillgap.errors import ValidationError


class Relation(StrEnum):
    ESSENTIAL = "essential"
    OPTIONAL = "optional"


@dataclass(frozen=True)
class OccupationSkill:
    competency: CompetencyRef
    relation: Relation = Relation.ESSENTIAL
    importance: float | None = None  # the source's importance rating (O*NET IM 1-5)
    level: float | None = None  # the source's level rating, on the occupation's level_scale


@dataclass(frozen=True)
class Occupation:
    framework: str  # the framework imported with it; its skills are that framework's
    code: str  # ESCO URI, O*NET-SOC code, NICE work role id
    title: str
    description: str = ""
    uri: str | None = None
    alt_titles: tuple[str, ...] = ()
    level_scale: str | None = None  # scale id of OccupationSkill.level, e.g. "onet-lv"
    skills: tuple[OccupationSkill, ...] = ()
    #: Source fields skillgap does not model (JSON values): an ESCO occupation's ISCO group
    #: and code, an O*NET job zone ...
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.code:
            raise ValidationError("an occupation needs a code")
        seen: set[CompetencyRef] = set()
        for skill in self.skills:
            if skill.competency.framework != self.framework:
                raise ValidationError(
                    f"occupation {self.code!r} of framework {self.framework!r} refers to "
                    f"{skill.competency}, of another framework"
                )
            if skill.competency in seen:
                raise ValidationError(f"occupation {self.code!r} lists {skill.competency} twice")
            seen.add(skill.competency)

    @property
    def id(self) -> str:
        return f"{self.framework}:{self.code}"
