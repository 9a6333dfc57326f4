"""The credential quality rubric as a YAML file, and as the JSON a workspace stores.

    threshold: 0.65
    decay_years: null
    count_records: true
    weights: {alignment: 0.3, assessment: 0.4, issuer: 0.2, stackability: 0.1}
    assessment: {performance: 1.0, portfolio: 1.0, ..., quiz: 0.0}
    ...

The file is the whole rubric: a setting it leaves out takes its documented default (never
the workspace's current value, so the same file always gives the same rubric). Reading is
strict, because a misspelt key silently ignored would leave a rule the organisation thinks
it changed: unknown keys are refused, every value is checked (a number from 0 to 1, a whole
number of years or null, true or false), and the rubric's own rules (weights adding up to
1, a weaker assessment or tier never scoring more than a stronger one) are checked too.
Every error is reported at once, with the line and the setting (``assessment.quiz``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from skillgap.analysis.rubric import (
    DEFAULT_RUBRIC,
    SCORED_ALIGNMENTS,
    CheckName,
    Rubric,
    Stacking,
    problems,
)
from skillgap.domain import AssessmentType, IssuerTier
from skillgap.errors import InputError, WorkspaceError
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import read_text, read_yaml_mapping

VERSION = 1
#: Each table of scores: its key in the file, the keys it holds, and what it is about.
TABLES: dict[str, tuple[tuple[StrEnum, ...], str]] = {
    "weights": (tuple(CheckName), "how much each check counts; they add up to 1"),
    "alignment": (
        SCORED_ALIGNMENTS,
        "score of the strongest alignment (suggested or unmapped: 0, never counts)",
    ),
    "assessment": (
        tuple(AssessmentType),
        "score per assessment type, strongest first (0: never counts)",
    ),
    "issuer": (tuple(IssuerTier), "score per issuer tier (0: not trusted, never counts)"),
    "stackability": (tuple(Stacking), "stacks into more, completes a pathway, or neither"),
}
KEYS = {"version", "threshold", "decay_years", "count_records", *TABLES}


def read_rubric(path: Path) -> Rubric:
    """The rubric a YAML file describes; ``InputErrors`` naming each line and setting."""
    data = read_yaml_mapping(path)
    return rubric_from_data(data, path.name, _lines(read_text(path)))


def rubric_from_data(
    data: Mapping[str, Any], file: str, lines: Mapping[str, int] | None = None
) -> Rubric:
    """A rubric from parsed YAML or JSON; settings it leaves out keep their defaults."""
    errors = ErrorList()
    lines = lines or {}

    def error(where: str, reason: str) -> None:
        errors.add(InputError(reason, file=file, row=lines.get(where), field=where))

    for key in data:
        if key not in KEYS:
            error(str(key), f"unknown key {key!r} (expected: {', '.join(sorted(KEYS))})")
    version = data.get("version", VERSION)
    if version != VERSION or isinstance(version, bool):
        error("version", f"{version!r} is not a rubric version skillgap reads (1)")
    tables: dict[str, dict[StrEnum, float]] = {}
    for name, (keys, _) in TABLES.items():
        tables[name] = table = dict(_defaults(name))
        given = data.get(name, {})
        if not isinstance(given, Mapping):
            error(name, "expected a mapping of settings to numbers")
            continue
        by_value = {str(k): k for k in keys}
        for key, value in given.items():
            where = f"{name}.{key}"
            if str(key) not in by_value:
                error(where, f"unknown key {key!r} (expected: {', '.join(by_value)})")
            elif (number := _number(value)) is None:
                error(where, f"{value!r} is not a number from 0 to 1")
            else:
                table[by_value[str(key)]] = number
    threshold = _number(data.get("threshold", DEFAULT_RUBRIC.threshold))
    if threshold is None:
        error("threshold", f"{data.get('threshold')!r} is not a number from 0 to 1")
    decay = data.get("decay_years", DEFAULT_RUBRIC.decay_years)
    if decay is not None and (isinstance(decay, bool) or not isinstance(decay, int)):
        error("decay_years", f"{decay!r} is not a whole number of years (or null: off)")
        decay = None
    records = data.get("count_records", DEFAULT_RUBRIC.count_records)
    if not isinstance(records, bool):
        error("count_records", f"{records!r} is not true or false")
    errors.raise_if_any()
    assert threshold is not None
    fields: dict[str, Any] = {
        **tables,
        "threshold": threshold,
        "decay_years": decay,
        "count_records": records,
    }
    for where, reason in problems(**fields):
        error(where, reason)
    errors.raise_if_any()
    return Rubric(**fields)


def _defaults(name: str) -> Mapping[StrEnum, float]:
    table: Mapping[StrEnum, float] = getattr(DEFAULT_RUBRIC, name)
    return table


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _lines(text: str) -> dict[str, int]:
    """The line of each setting in a YAML text ("weights.issuer" -> 7), for error messages."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        name = str(key.value)
        found[name] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            for sub, _ in value.value:
                found[f"{name}.{sub.value}"] = sub.start_mark.line + 1
    return found


# --- writing --------------------------------------------------------------------------------


def rubric_to_data(rubric: Rubric) -> dict[str, Any]:
    """The rubric as plain data (JSON and YAML): every setting, in the documented order."""
    data: dict[str, Any] = {
        "version": VERSION,
        "threshold": rubric.threshold,
        "decay_years": rubric.decay_years,
        "count_records": rubric.count_records,
    }
    for name, (keys, _) in TABLES.items():
        table: Mapping[StrEnum, float] = getattr(rubric, name)
        data[name] = {str(k): table[k] for k in keys}
    return data


def rubric_to_json(rubric: Rubric) -> str:
    return json.dumps(rubric_to_data(rubric), sort_keys=False)


def rubric_from_json(text: str) -> Rubric:
    """The rubric a workspace stores (``rubric_to_json``)."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return rubric_from_data(data, "the workspace's rubric")
    except (ValueError, InputError) as exc:
        raise WorkspaceError(
            f"the workspace's stored rubric is unreadable ({exc}): set one again with "
            "`skillgap rubric set FILE`"
        ) from None


_HEADER = """\
# skillgap credential quality rubric (see docs/user-guide.md, "Credential quality").
#
# Each achievement gets four checks, each scored 0 to 1 below; its weight is the sum of
# each check's score times the check's weight. A credential gives verified evidence when it
# is valid, not expired or lapsed, no check among alignment, assessment and issuer scores 0,
# and its weight reaches the threshold. Scores keep the order of the evidence: a weaker
# assessment or issuer tier may not score more than a stronger one.
#
# Load it with `skillgap rubric set FILE`; settings left out take the defaults shown here.
"""

_NOTES = {
    "threshold": "the weight a credential needs to count",
    "decay_years": "older evidence lapses (null: never)",
    "count_records": "awards loaded as records (no credential to verify) count",
}


def rubric_yaml(rubric: Rubric) -> str:
    """The rubric as a commented YAML file, each setting with its default."""
    lines = [_HEADER, f"version: {VERSION}"]
    for name in ("threshold", "decay_years", "count_records"):
        value, default = getattr(rubric, name), getattr(DEFAULT_RUBRIC, name)
        lines.append(_line(f"{name}: {_show(value)}", f"{_NOTES[name]}; default {_show(default)}"))
    for name, (keys, about) in TABLES.items():
        lines += ["", f"# {about}", f"{name}:"]
        table: Mapping[StrEnum, float] = getattr(rubric, name)
        for key in keys:
            default = _defaults(name)[key]
            lines.append(_line(f"  {key}: {_show(table[key])}", f"default {_show(default)}"))
    return "\n".join(lines) + "\n"


def _line(text: str, comment: str) -> str:
    return f"{text:<28} # {comment}"


def _show(value: float | int | bool | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else repr(value)


__all__ = [
    "read_rubric",
    "rubric_from_data",
    "rubric_from_json",
    "rubric_to_data",
    "rubric_to_json",
    "rubric_yaml",
]
