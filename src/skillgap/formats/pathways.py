"""Stackable pathways from a YAML file, and back to YAML.

The file (``.yaml`` / ``.yml``) holds ``pathways:``, a list of::

    - id: security-operations
      name: Security Operations Analyst
      description: ...                 # optional
      awards: https://.../achievements/security-operations-analyst   # optional
      mode: review                     # automatic or review (empty: review)
      steps:
        - id: knowledge
          name: Knowledge              # optional (empty: the step's id)
          rule: all                    # all, any or n-of (empty: all)
          count: 2                     # n-of steps only: how many units
          units: [item:ID, achievement:ID, ID]   # a bare id is a catalog item
          after: [other-step]          # optional: steps to complete first

Errors name the file and the place, by the pathway's and the step's id where they were
read (``pathways[security-operations].steps[knowledge].count``), else by position
(``pathways[2]``). A rule of ``domain.pathways`` a pathway breaks (a count larger than its
units, a step after an unknown step, a loop in the step order) is reported at the pathway;
with ``catalog`` given, references are checked too (``check_pathways``: every unit a catalog
item or an achievement of ``achievement_ids`` or of a pathway, and no loop between
pathways), reported at the file. Every error of the file is reported at once
(``InputErrors``); the file is read as untrusted input (``tabular.read_yaml_mapping``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from skillgap.domain.catalog import CatalogItem
from skillgap.domain.pathways import AwardMode, Pathway, Step, StepRule, Unit, check_pathways
from skillgap.errors import InputError, ValidationError
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import (
    Where,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    list_items,
    only_keys,
    read_yaml_mapping,
)

PATHWAY_KEYS = {"id", "name", "description", "awards", "mode", "steps"}
STEP_KEYS = {"id", "name", "rule", "count", "units", "after"}

T = TypeVar("T")


def read_pathways_file(
    path: Path,
    *,
    catalog: Sequence[CatalogItem] | None = None,
    achievement_ids: Iterable[str] = (),
) -> tuple[Pathway, ...]:
    """The pathways of a YAML file, in file order; with ``catalog``, their units checked
    against it and ``achievement_ids`` (the achievements the workspace knows).

    Raises ``InputError`` for a file that cannot be read at all, ``InputErrors`` otherwise."""
    file = path.name
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(
            f"unknown kind of pathways file {path.suffix or '(no suffix)'!r} "
            "(expected .yaml or .yml)",
            file=file,
        )
    data = read_yaml_mapping(path)
    errors = ErrorList()
    errors.attempt(lambda: only_keys(data, {"pathways"}, file))
    pathways: list[Pathway] = []
    first: dict[str, Where] = {}
    for w, entry in errors.attempt(lambda: list_items(data, "pathways", file)) or []:
        pathway = _pathway(entry, w, errors)
        if pathway is None:
            continue
        if pathway.id in first:
            errors.add(
                w.sub("id").error(
                    f"pathway id {pathway.id!r} appears twice (first at {first[pathway.id].field})"
                )
            )
            continue
        first[pathway.id] = w
        pathways.append(pathway)
    errors.raise_if_any()
    if catalog is not None:
        items = {item.id: item.achievement_id for item in catalog}
        try:
            check_pathways(pathways, items, items, achievement_ids)
        except ValidationError as exc:
            raise InputError(str(exc), file=file) from None
    return tuple(pathways)


def _pathway(entry: object, w: Where, errors: ErrorList) -> Pathway | None:
    p = errors.attempt(lambda: as_mapping(entry, w, PATHWAY_KEYS))
    if p is None:
        return None
    before = len(errors)
    ident = errors.attempt(lambda: as_text(p.get("id"), w.sub("id")))
    here = Where(w.file, f"pathways[{ident}]") if ident else w
    name = errors.attempt(lambda: as_text(p.get("name"), here.sub("name")))
    description = errors.attempt(
        lambda: as_text(p.get("description"), here.sub("description"), required=False)
    )
    awards = errors.attempt(lambda: as_text(p.get("awards"), here.sub("awards"), required=False))
    mode = errors.attempt(
        lambda: as_enum(p.get("mode") or AwardMode.REVIEW, AwardMode, here.sub("mode"))
    )
    steps_at = here.sub("steps")
    steps = []
    for k, item in enumerate(errors.attempt(lambda: as_list(p.get("steps"), steps_at)) or []):
        step = _step(item, steps_at.sub(k), steps_at, errors)
        if step is not None:
            steps.append(step)
    if len(errors) > before or ident is None or name is None or mode is None:
        return None
    try:
        return Pathway(ident, name, tuple(steps), awards or None, mode, description or "")
    except ValidationError as exc:
        errors.add(here.error(str(exc)))
        return None


def _step(item: object, w: Where, steps_at: Where, errors: ErrorList) -> Step | None:
    s = errors.attempt(lambda: as_mapping(item, w, STEP_KEYS))
    if s is None:
        return None
    before = len(errors)
    ident = errors.attempt(lambda: as_text(s.get("id"), w.sub("id")))
    here = Where(w.file, f"{steps_at.field}[{ident}]") if ident else w
    name = errors.attempt(lambda: as_text(s.get("name"), here.sub("name"), required=False))
    rule = errors.attempt(
        lambda: as_enum(s.get("rule") or StepRule.ALL, StepRule, here.sub("rule"))
    )
    count = None
    if s.get("count") is not None:
        count = errors.attempt(lambda: as_int(s.get("count"), here.sub("count")))
    units = _texts(s.get("units"), here.sub("units"), errors, Unit.parse)
    after = _texts(s.get("after"), here.sub("after"), errors, str)
    if len(errors) > before or ident is None or rule is None:
        return None
    return Step(ident, name or ident, tuple(units), rule, count, tuple(after))


def _texts(value: object, w: Where, errors: ErrorList, make: Callable[[str], T]) -> list[T]:
    """The texts of a YAML list (or one text), each made into a value by ``make``."""
    values = [value] if isinstance(value, str) else errors.attempt(lambda: as_list(value, w))
    made: list[T] = []
    for j, text in enumerate(values or []):
        at = w.sub(j) if isinstance(value, list) else w
        try:
            made.append(make(as_text(text, at)))
        except InputError as exc:
            errors.add(exc)
        except ValidationError as exc:
            errors.add(at.error(str(exc)))
    return made


# --- writing


def pathways_yaml(pathways: Iterable[Pathway]) -> str:
    """The pathways as the YAML ``read_pathways_file`` reads back."""
    data = {"pathways": [_pathway_data(p) for p in pathways]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _pathway_data(pathway: Pathway) -> Mapping[str, Any]:
    data: dict[str, Any] = {"id": pathway.id, "name": pathway.name}
    if pathway.description:
        data["description"] = pathway.description
    if pathway.awards:
        data["awards"] = pathway.awards
    data["mode"] = pathway.mode.value
    data["steps"] = [_step_data(step) for step in pathway.steps]
    return data


def _step_data(step: Step) -> Mapping[str, Any]:
    data: dict[str, Any] = {"id": step.id, "name": step.name, "rule": step.rule.value}
    if step.count is not None:
        data["count"] = step.count
    data["units"] = [str(unit) for unit in step.units]
    if step.after:
        data["after"] = list(step.after)
    return data
