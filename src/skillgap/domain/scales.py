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


def linear_scale(
    scale_id: str, name: str, first: int, last: int, *, low: float = 1.0, description: str = ""
) -> ProficiencyScale:
    """Levels ``first`` to ``last``: the first at ``low`` on the canonical scale, the last at
    5, the levels between spread evenly (the documented rule for scales given as numbers)."""
    labels = [str(v) for v in range(first, last + 1)]
    steps = len(labels) - 1
    return ProficiencyScale(
        id=scale_id,
        name=name,
        description=description,
        levels=tuple(
            Level(first + i, label, round(low + (CANONICAL_MAX - low) * i / steps, 4))
            for i, label in enumerate(labels)
        ),
    )


ONE_TO_FIVE_SCALE = ProficiencyScale(
    id="1-5",
    name="Five levels (1-5)",
    description="1-5 read as the canonical 1-5: 1 Awareness ... 5 Expert.",
    levels=tuple(
        Level(v, label, float(v))
        for v, label in enumerate(["Awareness", "Knowledge", "Proficient", "Advanced", "Expert"], 1)
    ),
)

ONET_LEVEL_SCALE = ProficiencyScale(
    id="onet-lv",
    name="O*NET level (LV 0-7)",
    description="O*NET's 0-7 level rating, read linearly: canonical = LV x 5 / 7.",
    levels=tuple(Level(v, f"LV {v}", round(v * 5 / 7, 4)) for v in range(8)),
)

SEVEN_LEVEL_SCALE = linear_scale(
    "1-7",
    "Seven levels (1-7)",
    1,
    7,
    description="Seven-level scales (e.g. SFIA levels of responsibility): 1 at canonical 1, "
    "7 at canonical 5, evenly between.",
)

EIGHT_LEVEL_SCALE = linear_scale(
    "1-8",
    "Eight levels (1-8)",
    1,
    8,
    description="Eight-level scales (e.g. EQF levels): 1 at canonical 1, 8 at canonical 5, "
    "evenly between.",
)

BUILTIN_SCALES: dict[str, ProficiencyScale] = {
    s.id: s
    for s in (
        DEFAULT_SCALE,
        KPM_SCALE,
        ONE_TO_FIVE_SCALE,
        ONET_LEVEL_SCALE,
        SEVEN_LEVEL_SCALE,
        EIGHT_LEVEL_SCALE,
    )
}
