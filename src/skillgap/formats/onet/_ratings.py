"""Skills.xlsx and Knowledge.xlsx: each occupation's importance (IM) and level (LV) ratings."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from skillgap.domain import CompetencyRef, OccupationSkill, Relation
from skillgap.errors import InputError
from skillgap.formats.onet._content import ELEMENT_ID, SCALE_ID
from skillgap.formats.onet._notes import Notes, Tally
from skillgap.formats.onet._sheets import Row, Table

SOC_CODE = "O*NET-SOC Code"
DATA_VALUE = "Data Value"
RECOMMEND_SUPPRESS = "Recommend Suppress"
NOT_RELEVANT = "Not Relevant"
RATING_COLUMNS = (SOC_CODE, ELEMENT_ID, SCALE_ID, DATA_VALUE, RECOMMEND_SUPPRESS, NOT_RELEVANT)

#: The two scales of a rating file and their ranges (Scales Reference: IM 1-5, LV 0-7).
SCALES = {"IM": (1.0, 5.0), "LV": (0.0, 7.0)}
#: Importance at or above which a skill is essential to the occupation (3 = "Important").
ESSENTIAL_IMPORTANCE = 3.0


class _Pair:
    """The IM and LV rows of one (occupation, element)."""

    __slots__ = ("importance", "level", "not_relevant", "rows", "suppressed")

    def __init__(self) -> None:
        self.importance: float | None = None
        self.level: float | None = None
        self.rows: dict[str, int] = {}  # scale -> row number
        self.suppressed: tuple[str, ...] = ()  # the scales flagged Recommend Suppress
        self.not_relevant = 0  # the row flagged Not Relevant, if any


def read_ratings(
    table: Table,
    framework_id: str,
    occupations: Collection[str],
    order: Mapping[str, int],
    what: str,
    notes: Notes,
) -> dict[str, list[OccupationSkill]]:
    """Each known occupation's skills of this file, in outline order.

    ``order`` holds the competencies of this file's type (skills or knowledge) and their
    positions. Rows of another occupation, element or scale are skipped, with a warning; a
    bad row is skipped, its error kept in ``table.errors``.
    """
    file = table.file
    pairs: dict[str, dict[str, _Pair]] = {}
    unknown_occupation, unknown_element, other_scale = Tally(), Tally(), Tally()
    for row in table:
        try:
            code = row.text(SOC_CODE)
            if code not in occupations:
                unknown_occupation.add(f"{code} (row {row.number})", code)
                continue
            element = row.text(ELEMENT_ID)
            if element not in order:
                unknown_element.add(f"{element} (row {row.number})", element)
                continue
            scale = row.text(SCALE_ID)
            if scale not in SCALES:
                other_scale.add(f"{scale} (row {row.number})", scale)
                continue
            pair = pairs.setdefault(code, {}).setdefault(element, _Pair())
            _rate(pair, row, scale)
        except InputError as exc:
            table.errors.add(exc)
    unknown_occupation.warn(notes, f"{file}: rows skipped, O*NET-SOC code not in Occupation Data")
    unknown_element.warn(notes, f"{file}: rows skipped, Element ID not {what} of the content model")
    other_scale.warn(notes, f"{file}: rows skipped, Scale ID neither IM nor LV")
    return _skills(pairs, framework_id, order, file, notes)


def _rate(pair: _Pair, row: Row, scale: str) -> None:
    """Records one rating; a bad one raises, having taken its scale (a second rating of the
    scale is an error still) and changed nothing else."""
    if scale in pair.rows:
        raise row.error(
            SCALE_ID,
            f"a second {scale} rating of this occupation and element (first at row "
            f"{pair.rows[scale]})",
        )
    pair.rows[scale] = row.number
    value = row.numeric(DATA_VALUE)
    low, high = SCALES[scale]
    if not low <= value <= high:
        raise row.error(DATA_VALUE, f"{value:g} is outside the {scale} scale ({low:g}-{high:g})")
    suppress, not_relevant = row.flag(RECOMMEND_SUPPRESS), row.flag(NOT_RELEVANT)
    if scale == "IM":
        pair.importance = value
    else:
        pair.level = value
    if suppress:
        pair.suppressed += (scale,)
    if not_relevant:
        pair.not_relevant = row.number


def _skills(
    pairs: dict[str, dict[str, _Pair]],
    framework_id: str,
    order: Mapping[str, int],
    file: str,
    notes: Notes,
) -> dict[str, list[OccupationSkill]]:
    """The rules: a pair rated Not Relevant is left out; a rating O*NET recommends
    suppressing (low precision) is read as unknown (None); essential when the importance is
    known and at least 3, else optional."""
    not_relevant, suppressed, one_sided = Tally(), Tally(), Tally()
    skills: dict[str, list[OccupationSkill]] = {}
    for code, elements in pairs.items():
        kept = []
        for element in sorted(elements, key=order.__getitem__):
            pair = elements[element]
            example = f"{code} {element}"
            if pair.not_relevant:
                not_relevant.add(f"{example} (row {pair.not_relevant})")
                continue
            if len(pair.rows) < len(SCALES):
                one_sided.add(f"{example} (row {min(pair.rows.values())})")
            for scale in pair.suppressed:
                suppressed.add(f"{example} {scale} (row {pair.rows[scale]})")
            importance = None if "IM" in pair.suppressed else pair.importance
            level = None if "LV" in pair.suppressed else pair.level
            essential = importance is not None and importance >= ESSENTIAL_IMPORTANCE
            kept.append(
                OccupationSkill(
                    CompetencyRef(framework_id, element),
                    Relation.ESSENTIAL if essential else Relation.OPTIONAL,
                    importance,
                    level,
                )
            )
        skills[code] = kept
    not_relevant.warn(notes, f"{file}: ratings flagged Not Relevant = Y, left out")
    suppressed.warn(
        notes, f"{file}: ratings flagged Recommend Suppress = Y (low precision), kept as unknown"
    )
    one_sided.warn(notes, f"{file}: skills rated on only one of IM and LV")
    return skills
