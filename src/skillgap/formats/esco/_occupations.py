"""The occupation pillar: occupations and the skills each needs, essential or optional."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from skillgap.domain import CompetencyRef, Occupation, OccupationSkill, Relation
from skillgap.errors import InputError
from skillgap.formats.esco._source import Notes, Table, Tally, concept_code, labels, required
from skillgap.formats.tabular import Where, rules_at

OCCUPATION_TYPE = "Occupation"
OCCUPATION_COLUMNS = ["conceptType", "conceptUri", "preferredLabel", "altLabels", "description"]
RELATION_COLUMNS = ["occupationUri", "relationType", "skillUri"]
# Where a control character is an error (elsewhere it is cleaned): URIs and types.
_OCCUPATION_STRICT = {"conceptType", "conceptUri"}
_RELATION_STRICT = {"occupationUri", "relationType", "skillType", "skillUri"}
_RELATIONS = {relation.value: relation for relation in Relation}
# Kept in Occupation.extra when present: ESCO's occupation code and ISCO group, and more.
_OCCUPATION_EXTRA = ("code", "iscoGroup", "regulatedProfessionNote", "status")


class _Occupation(NamedTuple):
    uri: str
    code: str
    title: str
    description: str
    alt_titles: tuple[str, ...]
    where: Where
    extra: dict[str, str]


def read_occupations(
    framework_id: str,
    occupations_path: Path,
    relations_path: Path,
    skill_codes: dict[str, str],
    notes: Notes,
) -> tuple[Occupation, ...]:
    occupations = _read_occupations(occupations_path, notes)
    skills = _read_relations(framework_id, relations_path, occupations, skill_codes, notes)
    result = []
    for occupation in occupations.values():
        with rules_at(occupation.where):
            result.append(
                Occupation(
                    framework=framework_id,
                    code=occupation.code,
                    title=occupation.title,
                    description=occupation.description,
                    uri=occupation.uri,
                    alt_titles=occupation.alt_titles,
                    extra=occupation.extra,
                    skills=tuple(skills.get(occupation.uri, ())),
                )
            )
    return tuple(result)


def _read_occupations(path: Path, notes: Notes) -> dict[str, _Occupation]:
    table = Table(path, OCCUPATION_COLUMNS, strict=_OCCUPATION_STRICT, notes=notes)
    col = table.columns
    concept_type, alt, description = col["conceptType"], col["altLabels"], col["description"]
    occupations: dict[str, _Occupation] = {}
    seen: dict[str, int] = {}
    other = Tally()
    for number, record in table:
        try:
            uri = required(table, record, "conceptUri", number)
            if record[concept_type].strip() != OCCUPATION_TYPE:
                other.add(f"row {number} {record[concept_type].strip()!r}")
                continue
            code = concept_code(table, uri, "conceptUri", number)
            if code in seen:
                raise table.where("conceptUri", number).error(
                    f"{uri!r} gives code {code!r}, as row {seen[code]} did"
                )
            seen[code] = number
            title = required(table, record, "preferredLabel", number)
        except InputError as exc:
            table.errors.add(exc)  # the record is skipped; its code, once read, is taken
            continue
        occupations[uri] = _Occupation(
            uri=uri,
            code=code,
            title=title,
            description=record[description].strip(),
            alt_titles=labels(record[alt], title),
            where=table.where("conceptUri", number),
            extra={
                name: record[col[name]].strip()
                for name in _OCCUPATION_EXTRA
                if name in col and record[col[name]].strip()
            },
        )
    other.warn(notes.warnings, f"rows of {path.name} skipped: conceptType is not {OCCUPATION_TYPE}")
    return occupations


def _read_relations(
    framework_id: str,
    path: Path,
    occupations: dict[str, _Occupation],
    skill_codes: dict[str, str],
    notes: Notes,
) -> dict[str, list[OccupationSkill]]:
    """Each occupation's skills, in file order. An OccupationSkill is immutable, so one
    instance serves every occupation that needs the same skill in the same way."""
    table = Table(path, RELATION_COLUMNS, strict=_RELATION_STRICT, notes=notes)
    col = table.columns
    occupation_at, relation_at, skill_at = (
        col["occupationUri"],
        col["relationType"],
        col["skillUri"],
    )
    shared: dict[tuple[str, Relation], OccupationSkill] = {}
    skills: dict[str, list[OccupationSkill]] = {}
    listed: set[tuple[str, str]] = set()
    no_occupation, no_skill, twice = Tally(), Tally(), Tally()
    for number, record in table:
        occupation = record[occupation_at].strip()
        relation = record[relation_at].strip()
        skill = record[skill_at].strip()
        if not (occupation and relation and skill):
            column = next(c for c in RELATION_COLUMNS if not record[col[c]].strip())
            table.errors.add(table.where(column, number).error("is empty"))
            continue
        kind = _RELATIONS.get(relation) or _RELATIONS.get(relation.lower())
        if kind is None:
            allowed = ", ".join(_RELATIONS)
            table.errors.add(
                table.where("relationType", number).error(f"{relation!r} is not one of: {allowed}")
            )
            continue
        if occupation not in occupations:
            no_occupation.add(f"row {number} {occupation}", occupation)
            continue
        code = skill_codes.get(skill)
        if code is None:
            no_skill.add(f"row {number} {skill}", skill)
            continue
        item = shared.get((code, kind))
        if item is None:
            item = shared[code, kind] = OccupationSkill(CompetencyRef(framework_id, code), kind)
        if (occupation, skill) in listed:
            twice.add(f"row {number} {occupation} {skill}")
            continue
        listed.add((occupation, skill))
        skills.setdefault(occupation, []).append(item)
    no_occupation.warn(
        notes.warnings,
        f"relations in {path.name} naming an occupation not in occupations_en.csv, skipped",
    )
    no_skill.warn(
        notes.warnings, f"relations in {path.name} naming a skill not in skills_en.csv, skipped"
    )
    twice.warn(
        notes.warnings,
        f"relations in {path.name} repeating an occupation and skill already related, skipped "
        "(the first kept)",
    )
    return skills
