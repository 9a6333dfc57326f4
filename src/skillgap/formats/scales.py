"""A proficiency scale defined in YAML: an organisation's own levels, with descriptors, and
where each sits on skillgap's canonical 0-5 scale.

    id: acme-4
    name: ACME four levels
    description: How ACME rates skills.
    levels:
      - {value: 1, label: Learner, canonical: 1, descriptor: Needs guidance.}
      - {value: 2, label: Practitioner, canonical: 2.5, descriptor: Works alone.}
      - {value: 3, label: Senior, canonical: 4}
      - {value: 4, label: Authority, canonical: 5}

Values are whole numbers in ascending order; canonical positions lie within 0-5 and do not
decrease. Every error of the file is reported at once.
"""

from __future__ import annotations

from pathlib import Path

from skillgap.domain import Level, ProficiencyScale
from skillgap.errors import InputError, ValidationError
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import (
    Where,
    as_int,
    as_mapping,
    as_text,
    only_keys,
    read_yaml_mapping,
)

LEVEL_KEYS = {"value", "label", "canonical", "descriptor"}


def read_scale(path: Path) -> ProficiencyScale:
    data = read_yaml_mapping(path)
    file = path.name
    only_keys(data, {"id", "name", "description", "levels"}, file)
    errors = ErrorList()
    levels: list[Level] = []
    items = data.get("levels")
    if not isinstance(items, list) or not items:
        raise InputError("expected a list of levels", file=file, field="levels")
    for i, item in enumerate(items):
        where = Where(file, f"levels[{i}]")
        with errors.collect():
            d = as_mapping(item, where, LEVEL_KEYS)
            levels.append(
                Level(
                    value=as_int(d.get("value"), where.sub("value")),
                    label=as_text(d.get("label"), where.sub("label")),
                    canonical=_position(d.get("canonical"), where.sub("canonical")),
                    descriptor=as_text(
                        d.get("descriptor"), where.sub("descriptor"), required=False
                    ),
                )
            )
    scale_id = name = ""
    with errors.collect():
        scale_id = as_text(data.get("id"), Where(file, "id"))
    with errors.collect():
        name = as_text(data.get("name"), Where(file, "name"))
    errors.raise_if_any()
    try:
        return ProficiencyScale(
            id=scale_id,
            name=name,
            description=as_text(
                data.get("description"), Where(file, "description"), required=False
            ),
            levels=tuple(levels),
        )
    except ValidationError as exc:
        raise InputError(str(exc), file=file, field="levels") from None


def _position(value: object, where: Where) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(f"{value!r} is not a number from 0 to 5")
    if not 0 <= value <= 5:
        raise where.error(f"{value} is not within 0-5")
    return float(value)
