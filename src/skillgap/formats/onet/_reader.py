"""``read_onet``: a folder holding an O*NET database release -> a FrameworkImport."""

from __future__ import annotations

import re
from pathlib import Path

from skillgap.domain import (
    DEFAULT_SCALE,
    ONET_LEVEL_SCALE,
    CapabilityGroup,
    Competency,
    Framework,
    Occupation,
    OccupationSkill,
)
from skillgap.errors import InputError, ValidationError
from skillgap.formats.collect import ErrorList
from skillgap.formats.imports import FrameworkImport
from skillgap.formats.onet._content import (
    ANCHOR_COLUMNS,
    CONTENT_MODEL_COLUMNS,
    ELEMENT_ID,
    build,
    competency_elements,
    read_anchors,
    read_content_model,
)
from skillgap.formats.onet._notes import Notes, Tally
from skillgap.formats.onet._ratings import RATING_COLUMNS, SOC_CODE, read_ratings
from skillgap.formats.onet._sheets import Table, find, open_table
from skillgap.formats.onet._technology import GROUP, TECHNOLOGY_COLUMNS, read_technology
from skillgap.formats.tabular import Where, read_text, rules_at

LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://www.onetcenter.org/license_db.html"
DATABASE_URI = "https://www.onetcenter.org/database.html"
OCCUPATION_URI = "https://www.onetonline.org/link/summary/{}"
ATTRIBUTION = (
    "This product includes information from the O*NET {version} Database by the U.S. "
    "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under "
    "the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. skillgap has modified all "
    "or some of this information. USDOL/ETA has not approved, endorsed, or tested these "
    "modifications."
)

CONTENT_MODEL = "Content Model Reference"
ANCHORS = "Level Scale Anchors"
OCCUPATION_DATA = "Occupation Data"
TECHNOLOGY = "Technology Skills"
RATINGS = (("Skills", "skill", "a skill"), ("Knowledge", "knowledge", "a knowledge element"))
README = "Read Me.txt"
TITLE = "Title"
DESCRIPTION = "Description"

_SOC_CODE = re.compile(r"[0-9]{2}-[0-9]{4}\.[0-9]{2}")
_RELEASE = re.compile(r"O\*NET\s+([0-9]+(?:\.[0-9]+)*)\s+Database")


def attribution(version: str) -> str:
    """The notice O*NET's licence asks for, for this release."""
    return ATTRIBUTION.format(version=version)


def read_onet(
    folder: Path,
    *,
    framework_id: str = "onet",
    occupations: bool = True,
    technology: bool = True,
    version: str | None = None,
) -> FrameworkImport:
    """Reads an O*NET database release (Excel or text edition) in ``folder``.

    ``version`` is the release (e.g. "29.2"); by default it is read from ``Read Me.txt``.
    ``occupations=False`` reads only the framework (no Occupation Data, Skills or
    Knowledge); ``technology=False`` leaves Technology Skills out.

    A file that cannot be read, or has a bad header, raises ``InputError`` at once (with
    the errors found before it, as ``InputErrors``, if there are some). A bad row is
    skipped and the reading goes on: the errors of every bad row of every file are raised
    together, as one ``InputErrors``, before the framework is built.
    """
    if not framework_id or ":" in framework_id:
        raise ValidationError(f"framework id {framework_id!r} must be non-empty and without ':'")
    if not folder.is_dir():
        raise InputError("is not a folder holding an O*NET release", file=str(folder))
    notes: Notes = []
    version = _version(folder, version, notes)
    errors = ErrorList()
    try:
        read = _read(folder, framework_id, occupations, technology, notes, errors)
    except InputError as stop:  # a file that cannot be read on: reported after the others
        if not len(errors):
            raise
        errors.add(stop)
        errors.raise_if_any()
        raise
    errors.raise_if_any()  # every bad row of every file, before the framework is built
    groups, competencies, rows, skills, model_file, occupation_file = read

    framework = _framework(framework_id, version, groups, competencies, model_file)
    built = []
    for code, (title, description, number) in rows.items():
        with rules_at(Where(occupation_file, SOC_CODE, number)):
            built.append(
                Occupation(
                    framework=framework_id,
                    code=code,
                    title=title,
                    description=description,
                    uri=OCCUPATION_URI.format(code),
                    level_scale=ONET_LEVEL_SCALE.id,
                    skills=tuple(skills.get(code, ())),
                )
            )
    return FrameworkImport(framework, tuple(built), tuple(notes))


_Read = tuple[
    list[CapabilityGroup],
    list[Competency],
    dict[str, tuple[str, str, int]],
    dict[str, list[OccupationSkill]],
    str,
    str,
]


def _read(
    folder: Path,
    framework_id: str,
    occupations: bool,
    technology: bool,
    notes: Notes,
    errors: ErrorList,
) -> _Read:
    """Reads every file: the groups and competencies, the occupations' rows and skills, and
    the names of the content model and occupation files. Bad rows go to ``errors``."""
    with open_table(_path(folder, CONTENT_MODEL), CONTENT_MODEL_COLUMNS, errors) as table:
        model_file = table.file
        elements = read_content_model(table)
    types = competency_elements(elements)
    if not types:
        raise InputError("names no skill or knowledge element (2.A, 2.B, 2.C)", file=model_file)
    with open_table(_path(folder, ANCHORS), ANCHOR_COLUMNS, errors) as table:
        anchors = read_anchors(table, set(types))
    groups, competencies = build(framework_id, elements, types, anchors, notes, model_file)

    occupation_file = f"{OCCUPATION_DATA}.xlsx"
    rows: dict[str, tuple[str, str, int]] = {}
    skills: dict[str, list[OccupationSkill]] = {}
    if occupations:
        columns = (SOC_CODE, TITLE, DESCRIPTION)
        with open_table(_path(folder, OCCUPATION_DATA), columns, errors) as table:
            occupation_file = table.file
            rows = _occupation_rows(table)
        for name, skill_type, what in RATINGS:
            order = {e: i for i, e in enumerate(e for e, t in types.items() if t == skill_type)}
            with open_table(_path(folder, name), RATING_COLUMNS, errors) as table:
                rated = read_ratings(table, framework_id, rows, order, what, notes)
            for code, listed in rated.items():
                skills.setdefault(code, []).extend(listed)
        unrated = Tally()
        for code in rows:
            if code not in skills:
                unrated.add(code)
        unrated.warn(notes, f"{occupation_file}: occupations without skill or knowledge ratings")
    if technology:
        with open_table(_path(folder, TECHNOLOGY), TECHNOLOGY_COLUMNS, errors) as table:
            tech = read_technology(table, framework_id, rows if occupations else None, notes)
        groups.append(GROUP)
        competencies.extend(tech.competencies)
        for code, listed in tech.skills.items():
            skills.setdefault(code, []).extend(listed)
    return groups, competencies, rows, skills, model_file, occupation_file


def _version(folder: Path, given: str | None, notes: Notes) -> str:
    found = None
    if (folder / README).exists():
        match = _RELEASE.search(read_text(folder / README))
        found = match.group(1) if match else None
    if given is not None:
        if not given.strip():
            raise ValidationError("an O*NET version must not be empty")
        if found is not None and found != given:
            notes.append(f"{README} names O*NET {found}; imported as version {given}, as asked")
        return given
    if found is None:
        raise InputError(
            "does not say which O*NET release this is ('O*NET 29.2 Database'); give the version",
            file=README,
        )
    return found


def _path(folder: Path, name: str) -> Path:
    path = find(folder, name)
    if path is None:
        raise InputError("missing: an O*NET release has it (as .xlsx or .txt)", file=f"{name}.xlsx")
    return path


def _occupation_rows(table: Table) -> dict[str, tuple[str, str, int]]:
    """O*NET-SOC code -> title, description and row number, in file order; a bad row is
    skipped, its error kept in ``table.errors``."""
    rows: dict[str, tuple[str, str, int]] = {}
    first: dict[str, int] = {}  # every code read, of good rows and bad
    for row in table:
        try:
            code = row.text(SOC_CODE)
            if not _SOC_CODE.fullmatch(code):
                raise row.error(SOC_CODE, f"{code!r} is not an O*NET-SOC code (15-1252.00)")
            if code in first:
                raise row.error(SOC_CODE, f"{code!r} appears twice (first at row {first[code]})")
            first[code] = row.number
            rows[code] = (row.text(TITLE), row.optional(DESCRIPTION), row.number)
        except InputError as exc:
            table.errors.add(exc)
    return rows


def _framework(
    framework_id: str,
    version: str,
    groups: list[CapabilityGroup],
    competencies: list[Competency],
    model_file: str,
) -> Framework:
    notice = attribution(version)
    with rules_at(Where(model_file, ELEMENT_ID)):  # what the rows did not already refuse
        return Framework(
            id=framework_id,
            name="O*NET",
            version=version,
            description=notice,
            source=f"O*NET {version} Database (USDOL/ETA)",
            scale=DEFAULT_SCALE,
            groups=tuple(groups),
            competencies=tuple(competencies),
            uri=DATABASE_URI,
            extra={"licence": LICENCE, "licence_url": LICENCE_URL, "attribution": notice},
        )
