"""Self and manager ratings from a CSV file or an XLSX sheet: claimed levels, never verified.

Columns (after ``--map``):

    employee_id   required: a person the workspace holds
    competency    required: CODE of the default framework, FRAMEWORK:CODE, or the exact name
    level         required: a level on ``scale``
    scale         optional: the scale the level is on (default: the competency's framework's)
    source        required: self or manager
    rated_on      required: YYYY-MM-DD, or a date cell
    rated_by      optional: the rater's employee id (for a manager rating)
    confidence    optional: 0-1 (default: self 0.4, manager 0.6)

Each rating's id is derived from what it says (person, competency, level, scale, source,
rater, date), so importing the same file twice stores each rating once. Every error of the
file is reported at once; with ``skip_invalid`` the bad rows come back as rejects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from skillgap.domain import (
    CompetencyRef,
    Framework,
    Observation,
    ProficiencyScale,
    SourceKind,
)
from skillgap.formats.collect import ErrorList
from skillgap.formats.people import RejectedRow
from skillgap.formats.roles import CompetencyFinder
from skillgap.formats.sheets import RowReader, read_table
from skillgap.formats.tabular import Where, as_date

REQUIRED = ("employee_id", "competency", "level", "source", "rated_on")
CLAIMS = (SourceKind.SELF, SourceKind.MANAGER)


@dataclass(frozen=True)
class RatingsImport:
    ratings: tuple[Observation, ...]
    rejects: tuple[RejectedRow, ...] = ()


def read_ratings_table(
    path: Path,
    *,
    frameworks: Mapping[str, Framework],
    default_framework: str,
    scales: Mapping[str, ProficiencyScale],
    people: set[str],
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    skip_invalid: bool = False,
) -> RatingsImport:
    table = read_table(path, sheet=sheet, mapping=mapping)
    table.require(*REQUIRED)
    finders = {fw_id: CompetencyFinder(fw) for fw_id, fw in frameworks.items()}
    ratings: list[Observation] = []
    rejects: list[RejectedRow] = []
    errors = ErrorList()
    for row in table:
        r = RowReader(row)
        rating = _rating(r, finders, default_framework, frameworks, scales, people)
        if r.ok and rating is not None:
            ratings.append(rating)
        elif skip_invalid:
            rejects.append(
                RejectedRow(table.file, row.number, table.header, row.original, tuple(r.errors))
            )
        errors.extend(r.errors)
    if not skip_invalid:
        errors.raise_if_any()
    return RatingsImport(tuple(ratings), tuple(rejects))


def _rating(
    r: RowReader,
    finders: Mapping[str, CompetencyFinder],
    default_framework: str,
    frameworks: Mapping[str, Framework],
    scales: Mapping[str, ProficiencyScale],
    people: set[str],
) -> Observation | None:
    person = r.text("employee_id", required=True)
    if person is not None and person not in people:
        r.fail("employee_id", f"no person {person!r} in the workspace")
        person = None

    def competency(text: str, where: Where) -> CompetencyRef:
        framework, sep, _ = text.partition(":")
        finder = finders.get(framework) if sep else None
        return (finder or finders[default_framework])(text, where)

    ref = r.get("competency", competency, required=True)
    source = r.get("source", _source, required=True)
    scale_id = r.text("scale") or (frameworks[ref.framework].scale.id if ref else None)
    scale = scales.get(scale_id) if scale_id else None
    if scale_id is not None and scale is None:
        r.fail("scale", f"unknown scale {scale_id!r} (known: {', '.join(sorted(scales))})")
    level = r.get("level", lambda text, where: _level(text, where, scale), required=True)
    rated_on: date | None = r.get("rated_on", as_date, required=True)
    confidence = r.get("confidence", _confidence)
    rater = r.text("rated_by")
    if None in (person, ref, source, scale, level, rated_on) or not r.ok:
        return None
    assert person and ref and source and scale and level is not None and rated_on
    key = "|".join(
        [person, str(ref), str(level), scale.id, source.value, rater or "", str(rated_on)]
    )
    return Observation(
        id="rating-" + hashlib.sha256(key.encode()).hexdigest()[:20],
        person_id=person,
        competency=ref,
        level=level,
        scale_id=scale.id,
        source=source,
        observed_on=rated_on,
        confidence=source.default_confidence if confidence is None else confidence,
        provenance=f"{source.value} rating"
        + (f" by {rater}" if rater and source is SourceKind.MANAGER else "")
        + f" ({r.row.file} row {r.row.number})",
    )


def _source(text: str, where: Where) -> SourceKind:
    value = text.strip().lower()
    if value not in {kind.value for kind in CLAIMS}:
        raise where.error(f"{text!r} is not one of: self, manager")
    return SourceKind(value)


def _level(text: str, where: Where, scale: ProficiencyScale | None) -> int:
    try:
        level = int(text)
    except ValueError:
        raise where.error(f"{text!r} is not a whole number") from None
    if scale is not None:
        scale.level(level)  # a ValidationError naming the allowed levels
    return level


def _confidence(text: str, where: Where) -> float:
    try:
        value = float(text)
    except ValueError:
        raise where.error(f"{text!r} is not a number from 0 to 1") from None
    if not 0 <= value <= 1:
        raise where.error(f"{value} is not within 0-1")
    return value
