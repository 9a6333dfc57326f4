"""Proficiency scales and the rules that compare levels across them.

Every scale maps each of its levels onto the *canonical* 0-5 scale. Two levels on
different scales are compared through their canonical positions, and a canonical
position is read back onto a scale as the highest level that does not exceed it, so a
conversion never overstates what someone can do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from skillgap.errors import ValidationError

CANONICAL_MIN = 0.0
CANONICAL_MAX = 5.0


@dataclass(frozen=True)
class Level:
    """One step of a scale: its value on the scale, a label, and where it sits on 0-5."""

    value: int
    label: str
    canonical: float
    descriptor: str = ""


@dataclass(frozen=True)
class ProficiencyScale:
    id: str
    name: str
    levels: tuple[Level, ...]
    description: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            raise ValidationError("a proficiency scale needs an id")
        if not self.levels:
            raise ValidationError(f"scale {self.id!r} has no levels")
        values = [level.value for level in self.levels]
        if values != sorted(set(values)):
            raise ValidationError(f"scale {self.id!r}: level values must be unique and ascending")
        canon = [level.canonical for level in self.levels]
        if canon != sorted(canon):
            raise ValidationError(f"scale {self.id!r}: canonical positions must not decrease")
        if canon[0] < CANONICAL_MIN or canon[-1] > CANONICAL_MAX:
            raise ValidationError(f"scale {self.id!r}: canonical positions must lie within 0-5")

    @cached_property
    def _by_value(self) -> dict[int, Level]:
        return {level.value: level for level in self.levels}

    def level(self, value: int) -> Level:
        try:
            return self._by_value[value]
        except KeyError:
            allowed = ", ".join(str(v) for v in self._by_value)
            raise ValidationError(
                f"level {value} is not on scale {self.id!r} (allowed: {allowed})"
            ) from None

    def to_canonical(self, value: int) -> float:
        return self.level(value).canonical

    def from_canonical(self, position: float) -> int:
        """The highest level whose canonical position does not exceed ``position``."""
        best = self.levels[0].value
        for level in self.levels:
            if level.canonical <= position + 1e-9:
                best = level.value
        return best


def convert(value: int, source: ProficiencyScale, target: ProficiencyScale) -> int:
    """Read a level of ``source`` as a level of ``target`` (never rounding up)."""
    return target.from_canonical(source.to_canonical(value))


DEFAULT_SCALE = ProficiencyScale(
    id="skillgap-0-5",
    name="skillgap proficiency (0-5)",
    description="The canonical scale every other scale maps onto.",
    levels=(
        Level(0, "None", 0.0, "No knowledge or experience."),
        Level(1, "Awareness", 1.0, "Knows the skill exists and what it is used for."),
        Level(2, "Knowledge", 2.0, "Understands the concepts; applies them with guidance."),
        Level(3, "Proficient", 3.0, "Applies the skill independently in routine work."),
        Level(4, "Advanced", 4.0, "Handles complex, novel cases; guides others."),
        Level(5, "Expert", 5.0, "Recognised authority; shapes practice in the organisation."),
    ),
)

KPM_SCALE = ProficiencyScale(
    id="kpm",
    name="Knowledge / Proficiency / Mastery",
    description="Three-step micro-credential scale, mapped onto 0-5 at 2, 3 and 4.",
    levels=(
        Level(0, "Not demonstrated", 0.0, "No evidence at this scale."),
        Level(1, "Knowledge", 2.0, "Knows the concepts and vocabulary (0-5 level 2)."),
        Level(2, "Proficiency", 3.0, "Applies the skill independently (0-5 level 3)."),
        Level(3, "Mastery", 4.0, "Handles complex cases and guides others (0-5 level 4)."),
    ),
)

BUILTIN_SCALES: dict[str, ProficiencyScale] = {s.id: s for s in (DEFAULT_SCALE, KPM_SCALE)}
