"""The skill pillar: skill groups and their tree, skills, and each skill's group."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from skillgap.domain import CapabilityGroup, Competency, SkillKind
from skillgap.errors import InputError
from skillgap.formats.esco._source import (
    Notes,
    Table,
    Tally,
    cell,
    concept_code,
    labels,
    required,
)
from skillgap.formats.tabular import Where

SKILL_TYPE = "KnowledgeSkillCompetence"
TRANSVERSAL = "transversal"
LEVELS = 4  # skillsHierarchy_en.csv: Level 0 (S, K, T, L) to Level 3

SKILL_COLUMNS = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "description",
]
GROUP_COLUMNS = ["conceptUri", "preferredLabel"]
BROADER_COLUMNS = ["conceptUri", "broaderUri"]
HIERARCHY_COLUMNS = [f"Level {level} URI" for level in range(LEVELS)]

# Kept in ``extra`` when not empty: the source columns skillgap does not model.
_SKILL_EXTRA = ("hiddenLabels", "status", "modifiedDate", "scopeNote", "definition")
_GROUP_EXTRA = ("code", "altLabels", "hiddenLabels", "status", "modifiedDate", "scopeNote")
_LABEL_LISTS = {"altLabels", "hiddenLabels"}
# Where a control character is an error (elsewhere it is cleaned): URIs and types.
_SKILL_STRICT = {"conceptType", "conceptUri", "skillType", "reuseLevel"}
_GROUP_STRICT = {"conceptType", "conceptUri"}
_BROADER_STRICT = {"conceptType", "conceptUri", "broaderType", "broaderUri"}


def kind(reuse_level: str, *, language: bool = False) -> SkillKind:
    """ESCO's transversal skills are soft skills, except language skills (under the "L"
    pillar), which are hard ones; every other skill is a hard one."""
    return SkillKind.SOFT if reuse_level == TRANSVERSAL and not language else SkillKind.HARD


def _root_code(group_uri: str | None, groups: dict[str, _Group]) -> str | None:
    seen: set[str] = set()
    while group_uri is not None and group_uri in groups and group_uri not in seen:
        seen.add(group_uri)
        parent = groups[group_uri].parent
        if parent is None:
            code = groups[group_uri].extra.get("code")  # ESCO's own code: S, K, T or L
            return str(code) if code is not None else None
        group_uri = parent
    return None


@dataclass
class _Group:
    uri: str
    code: str
    name: str
    description: str
    extra: dict[str, Any]
    parent: str | None = None  # a URI
    parent_at: Where | None = None  # where the parent came from
    candidates: list[tuple[str, Where]] = field(default_factory=list)


class _Skill(NamedTuple):
    uri: str
    code: str
    name: str
    description: str
    alt_labels: tuple[str, ...]
    skill_type: str
    reuse_level: str
    extra: dict[str, Any]
    where: Where


@dataclass
class SkillPillar:
    groups: tuple[CapabilityGroup, ...]
    competencies: tuple[Competency, ...]
    codes: dict[str, str]  # skill URI -> competency code


def read_skill_pillar(
    framework_id: str,
    skills_path: Path,
    groups_path: Path,
    broader_path: Path,
    hierarchy_path: Path | None,
    notes: Notes,
) -> SkillPillar:
    groups = _read_groups(groups_path, notes)
    if hierarchy_path is not None:
        _read_hierarchy(hierarchy_path, groups, notes)
    skills = _read_skills(skills_path, notes)
    skill_broader = _read_broader(broader_path, groups, skills, notes)
    _choose_parents(groups, notes)
    codes = {uri: group.code for uri, group in groups.items()}
    no_group = Tally()
    competencies = []
    for skill in skills.values():
        group_uri = _nearest_group(skill.uri, skill_broader, groups)
        if group_uri is None:
            no_group.add(f"{skill.where.place} {skill.uri}")
        competencies.append(
            Competency(
                framework=framework_id,
                code=skill.code,
                name=skill.name,
                description=skill.description,
                group=codes[group_uri] if group_uri is not None else None,
                kind=kind(skill.reuse_level, language=_root_code(group_uri, groups) == "L"),
                uri=skill.uri,
                alt_labels=skill.alt_labels,
                skill_type=skill.skill_type,
                reuse_level=skill.reuse_level,
                extra=skill.extra,
            )
        )
    no_group.warn(
        notes.warnings,
        f"skills in {skills_path.name} that no broader relation leads to a skill group, "
        "left without a group",
    )
    capability_groups = tuple(
        CapabilityGroup(
            code=group.code,
            name=group.name,
            description=group.description,
            parent=codes[group.parent] if group.parent is not None else None,
            uri=group.uri,
            extra=group.extra,
        )
        for group in groups.values()
    )
    return SkillPillar(
        capability_groups, tuple(competencies), {s.uri: s.code for s in skills.values()}
    )


def _extra(table: Table, record: list[str], columns: tuple[str, ...]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for column in columns:
        value = cell(record, table.index(column))
        if not value:
            continue
        if column in _LABEL_LISTS:
            extra[column] = list(labels(value, ""))
        else:
            extra[column] = sys.intern(value) if column == "status" else value
    return extra


def _read_groups(path: Path, notes: Notes) -> dict[str, _Group]:
    table = Table(path, GROUP_COLUMNS, strict=_GROUP_STRICT, notes=notes)
    description = table.index("description")
    groups: dict[str, _Group] = {}
    seen: dict[str, int] = {}  # code -> row
    for number, record in table:
        try:
            uri = required(table, record, "conceptUri", number)
            code = concept_code(table, uri, "conceptUri", number)
            _unique(table, seen, code, uri, number)
            name = required(table, record, "preferredLabel", number)
        except InputError as exc:
            table.errors.add(exc)  # the record is skipped; its code, once read, is taken
            continue
        groups[uri] = _Group(
            uri=uri,
            code=code,
            name=name,
            description=cell(record, description),
            extra=_extra(table, record, _GROUP_EXTRA),
        )
    return groups


def _unique(table: Table, seen: dict[str, int], code: str, uri: str, number: int) -> None:
    if code in seen:
        raise table.where("conceptUri", number).error(
            f"{uri!r} gives code {code!r}, as row {seen[code]} did"
        )
    seen[code] = number


def _read_hierarchy(path: Path, groups: dict[str, _Group], notes: Notes) -> None:
    """Adds the groups only the hierarchy names (ESCO v1.1.1 has 7), and the ESCO codes
    (S1.2, T3...) missing from skillGroups_en.csv; a parent given here is used only for
    a group that broaderRelationsSkillPillar.csv gives none."""
    table = Table(path, HIERARCHY_COLUMNS, strict=HIERARCHY_COLUMNS, notes=notes)
    hierarchy = _Hierarchy(table, groups)
    for number, record in table:
        try:
            hierarchy.read(record, number)
        except InputError as exc:
            table.errors.add(exc)  # the levels read before the error are kept
    hierarchy.added.warn(
        notes.warnings,
        f"skill groups in {path.name} but not in skillGroups_en.csv, taken from {path.name}",
    )


class _Hierarchy:
    """Reads the records of skillsHierarchy_en.csv into ``groups``."""

    def __init__(self, table: Table, groups: dict[str, _Group]) -> None:
        self.table = table
        self.groups = groups
        self.uris = [table.columns[f"Level {level} URI"] for level in range(LEVELS)]
        self.terms = [table.index(f"Level {level} preferred term") for level in range(LEVELS)]
        self.level_codes = [table.index(f"Level {level} code") for level in range(LEVELS)]
        self.description, self.scope = table.index("Description"), table.index("Scope note")
        self.codes = {group.code for group in groups.values()}
        self.added = Tally()

    def read(self, record: list[str], number: int) -> None:
        table, groups = self.table, self.groups
        filled = [record[index].strip() for index in self.uris]
        depth = _depth(table, filled, number)
        parent: str | None = None
        for level, uri in enumerate(filled[:depth]):
            group = groups.get(uri)
            if group is None:
                column = f"Level {level} URI"
                code = concept_code(table, uri, column, number)
                if code in self.codes:
                    raise table.where(column, number).error(
                        f"{uri!r} gives code {code!r}, as another skill group does"
                    )
                name = cell(record, self.terms[level])
                if not name:
                    raise table.where(f"Level {level} preferred term", number).error("is empty")
                self.codes.add(code)
                group = groups[uri] = _Group(uri, code, name, "", {})
                self.added.add(f"row {number} {uri} ({name})")
            if level == depth - 1:  # the row describes its deepest group
                if not group.description:
                    group.description = cell(record, self.description)
                if "scopeNote" not in group.extra and cell(record, self.scope):
                    group.extra["scopeNote"] = cell(record, self.scope)
            esco_code = cell(record, self.level_codes[level])
            if esco_code and "code" not in group.extra:
                group.extra["code"] = esco_code
            if parent is not None and group.parent is None:
                group.parent, group.parent_at = parent, table.where(f"Level {level} URI", number)
            parent = uri


def _depth(table: Table, filled: list[str], number: int) -> int:
    """How many levels a hierarchy row names; they must start at level 0, without gaps."""
    depth = 0
    while depth < LEVELS and filled[depth]:
        depth += 1
    if depth == 0 or any(filled[depth:]):
        reason = "is empty" if depth == 0 else "is empty, but a deeper level is given"
        raise table.where(f"Level {depth} URI", number).error(reason)
    return depth


def _read_skills(path: Path, notes: Notes) -> dict[str, _Skill]:
    table = Table(path, SKILL_COLUMNS, strict=_SKILL_STRICT, notes=notes)
    col = table.columns
    concept_type, skill_type, reuse_level = col["conceptType"], col["skillType"], col["reuseLevel"]
    alt, description = col["altLabels"], col["description"]
    skills: dict[str, _Skill] = {}
    seen: dict[str, int] = {}
    other = Tally()
    for number, record in table:
        try:
            uri = required(table, record, "conceptUri", number)
            if record[concept_type].strip() != SKILL_TYPE:
                other.add(f"row {number} {record[concept_type].strip()!r}")
                continue
            code = concept_code(table, uri, "conceptUri", number)
            _unique(table, seen, code, uri, number)
            name = required(table, record, "preferredLabel", number)
        except InputError as exc:
            table.errors.add(exc)  # the record is skipped; its code, once read, is taken
            continue
        skills[uri] = _Skill(
            uri=uri,
            code=code,
            name=name,
            description=record[description].strip(),
            alt_labels=labels(record[alt], name),
            skill_type=sys.intern(record[skill_type].strip()),
            reuse_level=sys.intern(record[reuse_level].strip()),
            extra=_extra(table, record, _SKILL_EXTRA),
            where=table.where("conceptUri", number),
        )
    other.warn(notes.warnings, f"rows of {path.name} skipped: conceptType is not {SKILL_TYPE}")
    return skills


def _read_broader(
    path: Path, groups: dict[str, _Group], skills: dict[str, _Skill], notes: Notes
) -> dict[str, list[str]]:
    """Records each group's parent candidates; returns each skill's broader concepts (known
    skills and groups only)."""
    table = Table(path, BROADER_COLUMNS, strict=_BROADER_STRICT, notes=notes)
    skill_broader: dict[str, list[str]] = {}
    unknown_concept, unknown_broader = Tally(), Tally()
    for number, record in table:
        try:
            uri = required(table, record, "conceptUri", number)
            broader = required(table, record, "broaderUri", number)
        except InputError as exc:
            table.errors.add(exc)
            continue
        if uri in skills:
            if broader in skills or broader in groups:
                skill_broader.setdefault(uri, []).append(broader)
                continue
        elif uri in groups:
            if broader in groups:
                groups[uri].candidates.append((broader, table.where("broaderUri", number)))
                continue
        else:
            unknown_concept.add(f"row {number} {uri}", uri)
            continue
        unknown_broader.add(f"row {number} {broader}", broader)
    unknown_concept.warn(
        notes.warnings,
        f"rows of {path.name} about a concept that is neither a skill nor a skill group, skipped",
    )
    unknown_broader.warn(
        notes.warnings,
        f"rows of {path.name} whose broader concept is not a skill group (nor, for a "
        "skill, a skill), skipped",
    )
    return skill_broader


def _choose_parents(groups: dict[str, _Group], notes: Notes) -> None:
    """One parent per group (the smallest URI if several), then no cycles: each cycle is
    an error (in ``notes.errors``) where the parent closing it was given."""
    several = Tally()
    for group in groups.values():
        if group.candidates:
            group.parent, group.parent_at = min(group.candidates, key=lambda c: c[0])
            if len({uri for uri, _ in group.candidates}) > 1:
                several.add(f"{group.uri} (kept {group.parent})")
    several.warn(notes.warnings, "skill groups with several broader groups, the smallest URI kept")
    done: set[str] = set()
    for start in groups:
        path: list[str] = []
        on_path: set[str] = set()
        uri: str | None = start
        while uri is not None and uri not in done:
            if uri in on_path:
                at = groups[uri].parent_at
                assert at is not None
                notes.errors.add(at.error(f"skill groups form a cycle at {groups[uri].code!r}"))
                break
            on_path.add(uri)
            path.append(uri)
            uri = groups[uri].parent
        done.update(path)


def _nearest_group(
    uri: str, broader: dict[str, list[str]], groups: dict[str, _Group]
) -> str | None:
    """The skill group nearest to a skill by broader relations, through broader skills
    when need be; among groups equally near, the one with the smallest URI."""
    frontier = broader.get(uri)
    seen = {uri}
    while frontier:
        found = [concept for concept in frontier if concept in groups]
        if found:
            return min(found)
        following: list[str] = []
        for concept in frontier:
            for next_ in broader.get(concept, ()):
                if next_ not in seen:
                    seen.add(next_)
                    following.append(next_)
        frontier = following
    return None
