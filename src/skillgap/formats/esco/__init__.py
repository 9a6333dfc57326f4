"""Importing ESCO (European Skills, Competences, Qualifications and Occupations) from the
CSV export the European Commission publishes, English edition, v1.1.x or v1.2.x.

Attribution, required by the ESCO licence (the Commission's reuse policy, Decision
2011/833/EU, i.e. CC BY 4.0): "This service uses the ESCO classification of the European
Commission." skillgap re-formats the data as described below; ``ATTRIBUTION`` is that
sentence, and every imported framework carries it in its description.

Files, in one folder (the later name is the v1.2 one; the first present is read):

- ``skills_en.csv``: the skills (required);
- ``skillGroups_en.csv``: the skill groups (required);
- ``broaderRelationsSkillPillar.csv`` or ``broaderRelationsSkillPillar_en.csv``: each
  group's parent, each skill's broader groups and skills (required);
- ``skillsHierarchy_en.csv``: the 4-level tree of groups (optional; it adds the groups
  missing from skillGroups_en.csv (7 in v1.1.1), the ESCO group codes, and a parent for a
  group the broader relations give none);
- ``occupations_en.csv`` and ``occupationSkillRelations.csv`` or
  ``occupationSkillRelations_en.csv`` (required unless ``occupations=False``).

Only the columns used must be there; any others (v1.2's label columns) are ignored.

Rules:

- Codes are the last part of the concept URI: the UUID of a skill or occupation, the UUID
  or ISCED-F code (``0613``) of a skill group. ``uri`` keeps the whole URI.
- Groups keep the whole skill pillar tree. Its roots are the level-0 groups "skills" (S),
  "knowledge" (K), "transversal skills and competences" (T) and "language skills and
  knowledge" (L), so ``Framework.top_group`` rolls up to those four; a finer roll-up
  walks the parents to level 1 (S1 ... S8, T1 ... T6, L1, L2, and under K the ISCED-F
  broad fields, codes 00 ... 10 and 99).
- A skill's group is the nearest skill group by broader relations, through broader skills
  when a skill's broader concept is another skill; among groups equally near, the one
  with the smallest URI. A skill no relation leads to a group has none (a warning).
- Kind: a skill whose reuseLevel is "transversal" is SOFT, unless it sits under the language
  pillar (L): ESCO marks language skills ("write Hungarian") transversal too, but they are
  hard skills. Every other skill is HARD (95 soft skills of 13,896 in v1.1.1).
- Alternative labels and titles: the altLabels cell split at newlines, stripped, without
  blanks, repeats or the preferred label.
- ``extra`` keeps, when not empty: for a skill hiddenLabels, status, modifiedDate,
  scopeNote, definition; for a group its ESCO code, altLabels, hiddenLabels, status,
  modifiedDate, scopeNote. Not kept: inScheme (the collections have files of their own)
  and the occupation columns Occupation has no place for (iscoGroup, code...).
- Text: ESCO has a few cells of UTF-8 decoded as Latin-1 ("studentsâ\\x80\\x99"); in
  labels, descriptions and notes such text is decoded again ("students\u2019") and any other
  control character removed, with one warning. In a URI or a type it is an error.
- Errors name the file, the row as a spreadsheet numbers it, and the field. A file that
  cannot be read as a table (missing, not UTF-8, broken CSV quoting) or a bad header (a
  missing or repeated column) stops the import at once, with one InputError. Every error
  of a record (an empty or malformed required value, a control character in a URI or a
  type, more cells than columns, two concepts with one code, a relationType other than
  essential or optional) and every cycle of groups is kept, the record skipped, and the
  reading goes on: once all files are read, they are raised together as one InputErrors,
  file by file and row by row, and nothing is imported. Warnings, never errors:
  relations naming a concept that is not there (one warning per kind, with a count and
  three examples), skills without a group, rows of another conceptType.
- Version: the ``version`` argument, else a ``v1.2.0``-like part of the folder's name, else
  "unknown" (with a warning): the CSV files do not say.
"""

from __future__ import annotations

import re
from pathlib import Path

from skillgap.domain import DEFAULT_SCALE, Framework
from skillgap.errors import InputError, ValidationError
from skillgap.formats.esco._occupations import read_occupations
from skillgap.formats.esco._skills import SkillPillar, kind, read_skill_pillar
from skillgap.formats.esco._source import Notes, find
from skillgap.formats.imports import FrameworkImport
from skillgap.formats.tabular import Where, rules_at

ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
URI = "http://data.europa.eu/esco/concept-scheme/skills"

SKILLS = ("skills_en.csv",)
GROUPS = ("skillGroups_en.csv",)
BROADER = ("broaderRelationsSkillPillar.csv", "broaderRelationsSkillPillar_en.csv")
HIERARCHY = ("skillsHierarchy_en.csv",)
OCCUPATIONS = ("occupations_en.csv",)
RELATIONS = ("occupationSkillRelations.csv", "occupationSkillRelations_en.csv")

_VERSION = re.compile(r"(?<![0-9A-Za-z])v(\d+\.\d+(?:\.\d+)?)(?![0-9.])", re.IGNORECASE)


def read_esco(
    folder: Path,
    *,
    framework_id: str = "esco",
    occupations: bool = True,
    version: str | None = None,
) -> FrameworkImport:
    """The ESCO framework (skills and skill groups) and, with ``occupations``, the ESCO
    occupations with their essential and optional skills, from the folder of a CSV export."""
    if not framework_id or ":" in framework_id:
        raise ValidationError(f"framework id {framework_id!r} must be non-empty and without ':'")
    if not folder.is_dir():
        raise InputError("is not a folder (expected the ESCO CSV export)", file=folder.name)
    paths = {name: find(folder, names, required=True) for name, names in _required(occupations)}
    notes = Notes()
    try:
        pillar = read_skill_pillar(
            framework_id,
            _path(paths, "skills"),
            _path(paths, "groups"),
            _path(paths, "broader"),
            find(folder, HIERARCHY, required=False),
            notes,
        )
        found = tuple(
            read_occupations(
                framework_id,
                _path(paths, "occupations"),
                _path(paths, "relations"),
                pillar.codes,
                notes,
            )
            if occupations
            else ()
        )
    except InputError as stop:  # a file that cannot be read on: reported after the others
        if not len(notes.errors):
            raise
        notes.errors.add(stop)
        notes.errors.raise_if_any()
        raise
    notes.errors.raise_if_any()  # every bad record of every file, before the framework
    notes.cleaned.warn(
        notes.warnings,
        "text cells with control characters: UTF-8 read as Latin-1 decoded again, "
        "other control characters removed",
    )
    version = version or _version(folder)
    if version is None:
        notes.warnings.append(
            "the ESCO version is not in the CSV files: pass it (e.g. version='1.1.1'); "
            "recorded as 'unknown'"
        )
    framework = _framework(framework_id, version, pillar)
    return FrameworkImport(framework, found, tuple(notes.warnings))


def _required(occupations: bool) -> list[tuple[str, tuple[str, ...]]]:
    files = [("skills", SKILLS), ("groups", GROUPS), ("broader", BROADER)]
    if occupations:
        files += [("occupations", OCCUPATIONS), ("relations", RELATIONS)]
    return files


def _path(paths: dict[str, Path | None], name: str) -> Path:
    path = paths[name]
    assert path is not None  # found with required=True
    return path


def _version(folder: Path) -> str | None:
    match = _VERSION.search(folder.resolve().name)
    return match.group(1) if match else None


def _framework(framework_id: str, version: str | None, pillar: SkillPillar) -> Framework:
    # The readers refuse duplicate codes, unknown parents and cycles with a location; a
    # rule they missed is still reported against the skills file.
    with rules_at(Where(SKILLS[0], "conceptUri")):
        return Framework(
            id=framework_id,
            name="ESCO",
            version=version or "unknown",
            description=(
                "European Skills, Competences, Qualifications and Occupations: the skill "
                f"pillar, in English. {ATTRIBUTION}"
            ),
            source=f"ESCO v{version} CSV export" if version else "ESCO CSV export",
            scale=DEFAULT_SCALE,
            groups=pillar.groups,
            competencies=pillar.competencies,
            uri=URI,
        )


__all__ = ["ATTRIBUTION", "kind", "read_esco"]
