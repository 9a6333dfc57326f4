"""The learning catalog from files, and back to YAML.

Three sources give one result, a ``CatalogRead`` (the items, and warnings about them):

- a table (``.csv`` / ``.xlsx``, read as ``sheets`` says: column mapping, formulas never
  evaluated), one row per item:

      id              required: the item's id in the catalog
      name            required
      provider        required: who runs it (a vendor, a school, the organisation's academy)
      kind            course, certification, assessment, micro-credential, programme or
                      on-the-job (empty: course)
      internal        yes/no, true/false or 1/0 (empty: no)
      competencies    what it evidences, FRAMEWORK:CODE@LEVEL separated by ";"
                      ("demo:sql@3; demo:statistics@2"); CODE@LEVEL when read against one
                      framework. A competency must be known, its level on its scale, 1 or more
      hours, cost     numbers of 0 or more (empty: 0, and a warning)
      issuer_tier     industry-vendor, accredited, internal-board, known or unknown
      assessment      performance, portfolio, practical-exam, proctored-exam, unproctored-test,
                      quiz, attendance or unknown (empty: read from the description by
                      ``infer_assessment``)
      prerequisites   ids of other items of the catalog, separated by ";"
      valid_for_days  how long the credential it ends in stays valid (empty: for ever)
      achievement_id  the credential completing it ends in (an award of it marks it done)
      url, description

- YAML (``.yaml`` / ``.yml``): ``items:``, a list of mappings with those keys (``competencies``
  and ``prerequisites`` as lists, or as text separated by ";"), as ``catalog_yaml`` writes;
- Open Badges achievement definitions (``read_badge_catalog``), one per JSON file: an OB 2.0
  BadgeClass, an OB 3.0 Achievement, or an OB 3.0 AchievementCredential (its
  ``credentialSubject.achievement``). An alignment names a competency as
  ``analysis.alignment`` matches exactly (its targetUrl is the competency's URI, or its
  targetCode a code of the framework its targetFramework names), or by a targetCode of
  FRAMEWORK:CODE; its level is the alignment's ``level``, or a ``@LEVEL`` ending its
  targetCode, else the caller's default. Other alignments are left out, with a warning.

Every error of an input is reported at once (``InputErrors``), each naming the file, the row
(or the YAML or JSON place) and the field: a bad cell, an unknown competency, an id given
twice, an unknown prerequisite, prerequisites that loop. Files are read as untrusted input,
with the limits of ``tabular`` and ``sheets`` (and ``badges.sources.load_json`` for JSON).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from skillgap.domain import AssessmentType, CompetencyRef, IssuerTier
from skillgap.domain.catalog import MAX_COST, MAX_HOURS, CatalogItem, ItemKind, Outcome
from skillgap.domain.credentials import MAX_VALIDITY_DAYS
from skillgap.errors import InputError, ValidationError
from skillgap.formats.catalog_lookup import CompetencyLookup
from skillgap.formats.catalog_reading import CatalogRead, Reading, finish_reading
from skillgap.formats.collect import ErrorList
from skillgap.formats.sheets import OTHER_SPREADSHEETS, SUFFIXES, RowReader, read_table
from skillgap.formats.tabular import (
    Where,
    as_enum,
    as_flag,
    as_int,
    as_mapping,
    as_text,
    list_items,
    only_keys,
    read_yaml_mapping,
)

FIELDS = (
    "id", "name", "provider", "kind", "internal", "competencies", "hours", "cost",
    "issuer_tier", "assessment", "prerequisites", "valid_for_days", "achievement_id", "url",
    "description",
)  # fmt: skip
REQUIRED = ("id", "name", "provider")
YAML_SUFFIXES = (".yaml", ".yml")


# --- the values of one field, from a cell (text) or a YAML value

Parse = Callable[[object, Where], Any]


def _split(value: object, where: Where) -> list[str]:
    """A YAML list of texts, or one text separated by ";"."""
    if isinstance(value, list):
        return [as_text(v, where.sub(i)) for i, v in enumerate(value)]
    return [part.strip() for part in as_text(value, where).split(";") if part.strip()]


def _ids(value: object, where: Where) -> tuple[str, ...]:
    ids = _split(value, where)
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise where.error(f"names {twice[0]!r} twice")
    return tuple(ids)


def _outcomes(lookup: CompetencyLookup) -> Parse:
    def parse(value: object, where: Where) -> tuple[Outcome, ...]:
        outcomes: dict[CompetencyRef, Outcome] = {}
        for text in _split(value, where):
            try:
                outcome = lookup.parse_outcome(text)
            except ValidationError as exc:
                raise where.error(str(exc)) from None
            if outcome.competency in outcomes:
                raise where.error(f"names {outcome.competency} twice")
            outcomes[outcome.competency] = outcome
        return tuple(outcomes.values())

    return parse


def _amount(limit: float) -> Parse:
    def parse(value: object, where: Where) -> float:
        text = as_text(value, where)
        try:
            if "_" in text:  # float() would read 1_000
                raise ValueError(text)
            number = float(text)
        except ValueError:
            raise where.error(f"{text!r} is not a number") from None
        if not (math.isfinite(number) and 0 <= number <= limit):
            raise where.error(f"{text!r} is not a number from 0 to {limit:,.0f}")
        return number

    return parse


def _days(value: object, where: Where) -> int:
    days = as_int(value, where)
    if not 1 <= days <= MAX_VALIDITY_DAYS:
        raise where.error(f"{days} is not a number of days from 1 to {MAX_VALIDITY_DAYS}")
    return days


def _flag(value: object, where: Where) -> bool:
    return value if isinstance(value, bool) else as_flag(as_text(value, where), where)


def _parsers(lookup: CompetencyLookup) -> dict[str, Parse]:
    return {
        **dict.fromkeys(
            ("id", "name", "provider", "achievement_id", "url", "description"), as_text
        ),
        "kind": lambda v, w: as_enum(v, ItemKind, w),
        "internal": _flag,
        "competencies": _outcomes(lookup),
        "hours": _amount(MAX_HOURS),
        "cost": _amount(MAX_COST),
        "issuer_tier": lambda v, w: as_enum(v, IssuerTier, w),
        "assessment": lambda v, w: as_enum(v, AssessmentType, w),
        "prerequisites": _ids,
        "valid_for_days": _days,
    }


# --- tables and YAML


def _read_table(
    path: Path, parsers: Mapping[str, Parse], sheet: str | None, mapping: Mapping[str, str] | None
) -> Reading:
    table = read_table(path, sheet=sheet, mapping=mapping)
    table.require(*REQUIRED)
    reading = Reading()
    for row in table:
        r = RowReader(row)
        values = {n: r.get(n, parse, required=n in REQUIRED) for n, parse in parsers.items()}
        if r.ok:
            place = f"{row.file}, row {row.number}"
            reading.add(values, row.where("id"), row.where("prerequisites"), place)
        else:
            reading.failed.add(row.cells.get("id", "").strip())
        reading.errors.extend(r.errors)
    return reading


def _read_yaml(path: Path, parsers: Mapping[str, Parse]) -> Reading:
    file = path.name
    data = read_yaml_mapping(path)
    reading = Reading()
    errors = reading.errors
    errors.attempt(lambda: only_keys(data, {"items"}, file))
    for w, entry in errors.attempt(lambda: list_items(data, "items", file)) or []:
        m = errors.attempt(lambda: as_mapping(entry, w, FIELDS))  # noqa: B023
        if m is None:
            continue
        before = len(errors)
        values = {name: _yaml_value(m, name, parse, w, errors) for name, parse in parsers.items()}
        if len(errors) > before:
            reading.failed.add(str(m.get("id")).strip())
        else:
            reading.add(values, w.sub("id"), w.sub("prerequisites"), f"{file}, {w.field}")
    return reading


def _yaml_value(m: Mapping[str, Any], name: str, parse: Parse, w: Where, errors: ErrorList) -> Any:
    value = m.get(name)
    if name not in REQUIRED and (value is None or value == "" or value == []):
        return None
    return errors.attempt(lambda: parse(value, w.sub(name)))


# --- the catalog as a whole


def read_catalog_file(
    path: Path,
    lookup: CompetencyLookup,
    *,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> CatalogRead:
    """The catalog in a .yaml/.yml, .csv or .xlsx file (by its suffix).

    Raises ``InputError`` for a file that cannot be read at all, ``InputErrors`` with every
    error otherwise."""
    suffix = path.suffix.lower()
    parsers = _parsers(lookup)
    if suffix in YAML_SUFFIXES:
        if sheet is not None or mapping:
            raise InputError("a YAML file has no sheets or columns to map", file=path.name)
        reading = _read_yaml(path, parsers)
    elif suffix in (*SUFFIXES, *OTHER_SPREADSHEETS):
        reading = _read_table(path, parsers, sheet, mapping)
    else:
        raise InputError(
            f"unknown kind of catalog file {suffix or '(no suffix)'!r} "
            "(expected .yaml, .yml, .csv or .xlsx)",
            file=path.name,
        )
    return finish_reading(reading)


# --- writing


def catalog_yaml(items: Iterable[CatalogItem]) -> str:
    """The catalog as the YAML ``read_catalog_file`` reads back (``catalog export``)."""
    data = {"items": [_item_data(item) for item in items]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _item_data(item: CatalogItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "provider": item.provider,
        "kind": item.kind.value,
        "internal": item.internal,
        "competencies": [f"{o.competency}@{o.level}" for o in item.outcomes],
        "hours": _number(item.hours),
        "cost": _number(item.cost),
        "issuer_tier": item.issuer_tier.value,
        "assessment": item.assessment.value,
    }
    optional = {
        "prerequisites": list(item.prerequisites),
        "valid_for_days": item.valid_for_days,
        "achievement_id": item.achievement_id,
        "url": item.url,
        "description": item.description,
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value
