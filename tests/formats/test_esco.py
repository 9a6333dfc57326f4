"""The ESCO importer, on a fixture cut from the real v1.1.1 export (tests/data/esco, see its
README), and on the full release in /work/shared/data/esco when that folder is there."""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pytest

from skillgap.domain import (
    DEFAULT_SCALE,
    CompetencyRef,
    Framework,
    OccupationSkill,
    Relation,
    SkillKind,
)
from skillgap.errors import InputError, InputErrors, ValidationError
from skillgap.formats.esco import ATTRIBUTION, read_esco
from skillgap.formats.imports import FrameworkImport
from tests import shared_data
from tests.formats.editing import edit, rewrite_csv

DATA = Path(__file__).parents[1] / "data" / "esco"
FULL = shared_data.DATA / "esco"

SKILL = "http://data.europa.eu/esco/skill/"
OCCUPATION = "http://data.europa.eu/esco/occupation/"
# The four level-0 groups of the skill pillar.
SKILLS = "335228d2-297d-4e0e-a6ee-bc6a8dc110d9"
KNOWLEDGE = "c46fcb45-5c14-4ffa-abed-5a43f104bb22"
TRANSVERSAL = "04a13491-b58c-4d33-8b59-8fad0d55fe9e"
LANGUAGE = "e35a5936-091d-4e87-bafe-f264e55bd656"
LANGUAGES = "43f425aa-f45d-4bb4-a200-6f82fa211b66"  # L1, under LANGUAGE
MASTERING_LANGUAGES = "9adca63b-9c75-4804-8dab-d62872540a10"  # T1.1, under TRANSVERSAL
HUNGARIAN = "ddd3596a-43f3-402e-960a-5f79362a8609"  # in LANGUAGES and MASTERING_LANGUAGES
WRITE_HUNGARIAN = "01f10952-cb59-4347-9aee-d4fbc51c870a"  # broader: HUNGARIAN, a skill
MANAGE_QUALITY = "35ebe444-9ece-4fbc-a55d-e99ea37267ae"
KINDERGARTEN = "eeb3e7ea-56f4-422f-8a85-0438b25ff0ce"  # knowledge, in ISCED-F 0112
DIGITAL_DATA = "629685b8-5f9e-4522-8cff-b3e2c4ec625a"  # no skillType, no reuseLevel
TEACHER = "0d595b87-a1fc-410c-abbe-88b92cb0d334"
SPORTS_OFFICIAL = "388155cc-7ab8-46c7-8051-aefc7b276c84"
CATCHER = "a1acd539-c359-4af3-8a4a-07f1b611e368"
MISSING_OCCUPATION = "a9e54177-a185-404d-b6e6-15663d31137e"  # ESCO's own dangling reference

WARNINGS = (
    "skill groups in skillsHierarchy_en.csv but not in skillGroups_en.csv, taken from "
    "skillsHierarchy_en.csv (1); e.g. row 11 "
    f"{SKILL}1e924921-b7ff-4326-a698-c8275bbcf60d (positioning materials, tools or equipment)",
    "relations in occupationSkillRelations.csv naming an occupation not in "
    f"occupations_en.csv, skipped (2, 1 distinct); e.g. row 28 {OCCUPATION}{MISSING_OCCUPATION}",
    "relations in occupationSkillRelations.csv naming a skill not in skills_en.csv, skipped "
    f"(1, 1 distinct); e.g. row 13 {SKILL}d39a5880-7d0a-4573-9f70-a75ff875bf83",
    "text cells with control characters: UTF-8 read as Latin-1 decoded again, other control "
    "characters removed (3); e.g. skillGroups_en.csv row 4 field 'description'; "
    "skillsHierarchy_en.csv row 49 field 'Description'; occupations_en.csv row 2 field "
    "'description'",
)
NO_VERSION = (
    "the ESCO version is not in the CSV files: pass it (e.g. version='1.1.1'); recorded as "
    "'unknown'"
)


@pytest.fixture(scope="module")
def esco() -> FrameworkImport:
    return read_esco(DATA, version="1.1.1")


@pytest.fixture
def framework(esco: FrameworkImport) -> Framework:
    return esco.framework


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the fixture, to edit."""
    folder = tmp_path / "esco"
    shutil.copytree(DATA, folder)
    return folder


# --- the framework


def test_the_framework(esco: FrameworkImport, framework: Framework) -> None:
    assert (framework.id, framework.name, framework.version) == ("esco", "ESCO", "1.1.1")
    assert framework.source == "ESCO v1.1.1 CSV export"
    assert framework.uri == "http://data.europa.eu/esco/concept-scheme/skills"
    assert framework.scale == DEFAULT_SCALE
    assert framework.description.endswith(ATTRIBUTION)
    assert ATTRIBUTION == "This service uses the ESCO classification of the European Commission."
    assert (len(framework.competencies), len(framework.groups), len(esco.occupations)) == (
        35,
        48,
        3,
    )
    assert esco.warnings == WARNINGS


def test_a_skill_has_every_field(framework: Framework) -> None:
    skill = framework.competency(MANAGE_QUALITY)
    assert skill.framework == "esco"
    assert skill.uri == SKILL + MANAGE_QUALITY
    assert skill.name == "manage quality"
    assert skill.description == "Pursue excellence in workplace processes, products and activities."
    # The cell holds the preferred label too; it is not an alternative to itself.
    assert skill.alt_labels == (
        "oversee quality",
        "apply quality standards",
        "monitor quality",
        "managing quality",
        "attend to quality",
        "work to agreed standards",
    )
    assert (skill.skill_type, skill.reuse_level, skill.kind) == (
        "skill/competence",
        "transversal",
        SkillKind.SOFT,
    )
    assert skill.group == "14c41899-0224-4cbc-bd8c-e946ada2da87"
    assert skill.extra == {
        "hiddenLabels": [
            "quality oriented",
            "quality assurance and control",
            "pronounced quality awareness",
            "quality awareness",
            "quality-oriented way of working",
            "quality management",
            "service quality",
        ],
        "status": "released",
        "modifiedDate": "2021-09-17T16:09:25.491Z",
    }
    assert not skill.retired


def test_codes_are_the_uuids_of_the_uris(framework: Framework) -> None:
    for skill in framework.competencies:
        assert skill.uri == SKILL + skill.code
        assert len(skill.code) == 36
    assert [c.code for c in framework.competencies[:3]] == [
        WRITE_HUNGARIAN,
        "064565c0-4a4c-4a1f-b014-09227ffd5a9f",
        "078098e1-01f7-4654-9ddd-016f4063b54d",
    ]  # file order


def test_transversal_skills_are_soft_except_languages(framework: Framework) -> None:
    soft = {c.name for c in framework.competencies if c.kind is SkillKind.SOFT}
    transversal = {c.name for c in framework.competencies if c.reuse_level == "transversal"}
    assert transversal == {"manage quality", "write Hungarian", "Hungarian"}
    assert soft == {"manage quality"}  # the language skills sit under the L pillar: hard


def test_knowledge_and_a_skill_without_a_type(framework: Framework) -> None:
    knowledge = framework.competency(KINDERGARTEN)
    assert (knowledge.skill_type, knowledge.kind, knowledge.group) == (
        "knowledge",
        SkillKind.HARD,
        "0112",
    )
    top = framework.top_group(KINDERGARTEN)
    assert top is not None and (top.code, top.name) == (KNOWLEDGE, "knowledge")
    untyped = framework.competency(DIGITAL_DATA)
    assert (untyped.skill_type, untyped.reuse_level, untyped.kind) == ("", "", SkillKind.HARD)


# --- groups


def test_the_roots_are_the_four_level_0_groups(framework: Framework) -> None:
    roots = {(g.code, g.name, g.extra.get("code")) for g in framework.groups if g.parent is None}
    assert roots == {
        (SKILLS, "skills", "S"),
        (KNOWLEDGE, "knowledge", "K"),
        (TRANSVERSAL, "transversal skills and competences", "T"),
        (LANGUAGE, "language skills and knowledge", "L"),
    }


def test_a_group_and_its_parents(framework: Framework) -> None:
    group = framework.group("0112")  # an ISCED-F field: its code is the ISCED-F code
    assert group.uri == "http://data.europa.eu/esco/isced-f/0112"
    assert group.name == "training for pre-school teachers"
    assert group.extra == {"status": "released"}
    # ESCO ends the description with a stray U+009D: removed.
    assert group.description.endswith("detailed field 0922 'Child care and youth services'.")
    chain = []
    code: str | None = "0112"
    while code is not None:
        chain.append(code)
        code = framework.group(code).parent
    assert chain == ["0112", "011", "01", KNOWLEDGE]


def test_a_group_with_esco_codes_and_labels(framework: Framework) -> None:
    group = framework.group(MASTERING_LANGUAGES)
    assert group.name == "mastering languages"
    assert group.parent == "b94686e3-cce5-47a2-a8d8-402a0d0ed44e"  # T1 core skills
    assert group.extra["code"] == "T1.1"
    assert group.extra["altLabels"] == [
        "language proficiency",
        "language skills",
        "talent for languages",
        "multilinguism",
    ]


def test_a_group_only_the_hierarchy_names(framework: Framework) -> None:
    group = framework.group("1e924921-b7ff-4326-a698-c8275bbcf60d")
    assert group.name == "positioning materials, tools or equipment"
    assert group.description == (
        "Placing workpieces, materials, tools or equipment in the correct position for "
        "assembly or further work."
    )
    assert group.parent == "03e0b95b-67d1-457a-b3f7-06c407cf6bec"  # S6 handling and moving
    assert group.extra == {"code": "S6.8"}


def test_without_the_hierarchy_file(copy: Path) -> None:
    (copy / "skillsHierarchy_en.csv").unlink()
    result = read_esco(copy, version="1")
    framework = result.framework
    assert len(framework.groups) == 47  # not the hierarchy-only group
    assert "code" not in framework.group("0112").extra
    assert framework.group(MASTERING_LANGUAGES).extra["code"] == "T1.1"  # skillGroups_en.csv
    assert result.warnings[0] == (
        "rows of broaderRelationsSkillPillar.csv about a concept that is neither a skill nor a "
        f"skill group, skipped (1, 1 distinct); e.g. row 10 {SKILL}"
        "1e924921-b7ff-4326-a698-c8275bbcf60d"
    )


# --- a skill's group


def test_a_skill_under_a_skill_takes_the_nearest_group(framework: Framework) -> None:
    # write Hungarian -> Hungarian (a skill) -> languages (L1) and mastering languages (T1.1)
    assert framework.competency(WRITE_HUNGARIAN).group == LANGUAGES
    top = framework.top_group(WRITE_HUNGARIAN)
    assert top is not None and top.code == LANGUAGE


def test_of_groups_equally_near_the_smallest_uri_wins(framework: Framework, copy: Path) -> None:
    assert framework.competency(HUNGARIAN).group == LANGUAGES
    path = copy / "broaderRelationsSkillPillar.csv"
    rewrite_csv(path, lambda rows: rows.reverse())
    assert read_esco(copy).framework.competency(HUNGARIAN).group == LANGUAGES


def test_a_direct_group_is_nearer_than_a_broader_skill(framework: Framework) -> None:
    # assess the quality of sport competitions: a group, and two broader skills
    assert framework.competency("34d2a9d8-6cc3-4e67-a7b3-f921722605a3").group == (
        "1f2950c0-ef1e-44b4-9a55-125ccd7b78af"
    )


def test_a_group_further_up_the_skills(copy: Path) -> None:
    # Hungarian's own groups gone: Hungarian and write Hungarian find none.

    def drop_hungarian(rows: list[dict[str, str]]) -> None:
        rows[:] = [row for row in rows if row["conceptUri"] != SKILL + HUNGARIAN]

    rewrite_csv(copy / "broaderRelationsSkillPillar.csv", drop_hungarian)
    result = read_esco(copy, version="1")
    assert result.framework.competency(HUNGARIAN).group is None
    assert result.framework.competency(WRITE_HUNGARIAN).group is None
    assert result.framework.top_group(HUNGARIAN) is None
    assert result.warnings[1] == (
        "skills in skills_en.csv that no broader relation leads to a skill group, left without "
        f"a group (2); e.g. row 2 {SKILL}{WRITE_HUNGARIAN}; row 33 {SKILL}{HUNGARIAN}"
    )


# --- occupations


def test_occupations(esco: FrameworkImport) -> None:
    teacher, official, catcher = esco.occupations
    assert [o.code for o in esco.occupations] == [TEACHER, SPORTS_OFFICIAL, CATCHER]
    assert teacher.framework == "esco"
    assert teacher.id == f"esco:{TEACHER}"
    assert teacher.uri == OCCUPATION + TEACHER
    assert teacher.title == "ICT teacher secondary school"
    assert teacher.alt_titles[:3] == (
        "high school information and communication technology teacher",
        "teacher of ICT in high school",
        "computing teacher",
    )
    assert len(teacher.alt_titles) == 11
    assert teacher.level_scale is None
    # "studentsâ\x80\x99" in the file: UTF-8 read as Latin-1, decoded again.
    assert "monitor the students\u2019 progress" in teacher.description
    assert catcher.title == "catcher"
    assert catcher.alt_titles == (
        "poultry gatherer",
        "poultry herder",
        "chicken gatherer",
        "chicken catcher",
        "chicken herder",
    )  # without "catcher", the title, which the cell also holds
    assert catcher.skills == (
        _need("064565c0-4a4c-4a1f-b014-09227ffd5a9f", Relation.ESSENTIAL),
        _need("0e9fbf47-0cec-4d82-97f9-12a3334819fe", Relation.ESSENTIAL),
        _need("912f7556-6b75-4d73-9658-4e710050199d", Relation.ESSENTIAL),
        _need("3b246ee4-6382-41fd-9b16-89e558abee24", Relation.OPTIONAL),
    )
    relations = [s.relation for s in teacher.skills]
    assert relations == [Relation.ESSENTIAL] * 8 + [Relation.OPTIONAL] * 4  # one dangled
    assert len(official.skills) == 9
    assert all(s.importance is None and s.level is None for s in official.skills)


def _need(code: str, relation: Relation) -> OccupationSkill:
    return OccupationSkill(CompetencyRef("esco", code), relation)


def test_every_occupation_skill_is_in_the_framework(esco: FrameworkImport) -> None:
    for occupation in esco.occupations:
        for skill in occupation.skills:
            assert esco.framework.has(skill.competency.code)


def test_without_occupations_their_files_are_not_needed(copy: Path) -> None:
    (copy / "occupations_en.csv").unlink()
    (copy / "occupationSkillRelations.csv").unlink()
    result = read_esco(copy, occupations=False, version="1.1.1")
    assert result.occupations == ()
    assert len(result.framework.competencies) == 35
    assert result.warnings == (
        WARNINGS[0],
        "text cells with control characters: UTF-8 read as Latin-1 decoded again, other "
        "control characters removed (2); e.g. skillGroups_en.csv row 4 field 'description'; "
        "skillsHierarchy_en.csv row 49 field 'Description'",
    )


def test_a_repeated_relation_keeps_the_first(copy: Path) -> None:
    path = copy / "occupationSkillRelations.csv"
    rewrite_csv(path, lambda rows: rows.append({**rows[25], "relationType": "essential"}))
    result = read_esco(copy, version="1")
    catcher = result.occupations[2]
    assert catcher.skills[3] == _need("3b246ee4-6382-41fd-9b16-89e558abee24", Relation.OPTIONAL)
    assert result.warnings[3] == (
        "relations in occupationSkillRelations.csv repeating an occupation and skill already "
        f"related, skipped (the first kept) (1); e.g. row 30 {OCCUPATION}{CATCHER} "
        f"{SKILL}3b246ee4-6382-41fd-9b16-89e558abee24"
    )


# --- versions, names, layouts


def test_the_version_may_come_from_the_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "ESCO dataset - v1.2.0 - classification - en - csv"
    shutil.copytree(DATA, folder)
    result = read_esco(folder)
    assert result.framework.version == "1.2.0"
    assert NO_VERSION not in result.warnings


def test_an_unknown_version_is_said(copy: Path) -> None:
    result = read_esco(copy, occupations=False)
    assert (result.framework.version, result.framework.source) == ("unknown", "ESCO CSV export")
    assert result.warnings[-1] == NO_VERSION


def test_another_framework_id(copy: Path) -> None:
    result = read_esco(copy, framework_id="esco-en", version="1")
    assert result.framework.id == "esco-en"
    assert {c.framework for c in result.framework.competencies} == {"esco-en"}
    assert result.occupations[2].skills[0].competency.framework == "esco-en"


def test_the_v1_2_file_names_and_columns(copy: Path) -> None:
    (copy / "broaderRelationsSkillPillar.csv").rename(copy / "broaderRelationsSkillPillar_en.csv")
    relations = copy / "occupationSkillRelations_en.csv"
    (copy / "occupationSkillRelations.csv").rename(relations)

    def add_labels(rows: list[dict[str, str]]) -> None:
        for row in rows:
            row["occupationLabel"] = "an occupation"
            row["skillLabel"] = "a skill"

    rewrite_csv(relations, add_labels)
    result = read_esco(copy, version="1.2.0")
    expected = read_esco(DATA, version="1.2.0")
    assert result.framework == expected.framework
    assert result.occupations == expected.occupations
    assert result.warnings[2] == WARNINGS[2].replace(
        "occupationSkillRelations.csv", "occupationSkillRelations_en.csv"
    )


def test_blank_records_are_skipped_but_counted(copy: Path) -> None:
    path = copy / "occupationSkillRelations.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r\n\r\n", 1))  # after the header
    result = read_esco(copy, version="1")
    assert "e.g. row 29 " in result.warnings[1]  # was row 28


# --- errors


@pytest.mark.parametrize(
    ("name", "also"),
    [
        ("skills_en.csv", ""),
        ("skillGroups_en.csv", ""),
        ("broaderRelationsSkillPillar.csv", " (or broaderRelationsSkillPillar_en.csv)"),
        ("occupations_en.csv", ""),
        ("occupationSkillRelations.csv", " (or occupationSkillRelations_en.csv)"),
    ],
)
def test_a_missing_file(copy: Path, name: str, also: str) -> None:
    (copy / name).unlink()
    with pytest.raises(InputError) as caught:
        read_esco(copy)
    assert (caught.value.file, caught.value.row) == (name, None)
    assert str(caught.value) == f"{name}: missing: an ESCO CSV export has this file{also}"


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^nowhere: is not a folder"):
        read_esco(tmp_path / "nowhere")


def test_a_bad_framework_id() -> None:
    with pytest.raises(ValidationError, match="must be non-empty and without ':'"):
        read_esco(DATA, framework_id="es:co")


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("skills_en.csv", "preferredLabel"),
        ("skills_en.csv", "reuseLevel"),
        ("skillGroups_en.csv", "conceptUri"),
        ("broaderRelationsSkillPillar.csv", "broaderUri"),
        ("skillsHierarchy_en.csv", "Level 2 URI"),
        ("occupations_en.csv", "altLabels"),
        ("occupationSkillRelations.csv", "relationType"),
    ],
)
def test_a_missing_column(copy: Path, name: str, column: str) -> None:
    edit(copy / name, column, "renamed")
    with pytest.raises(InputError) as caught:
        read_esco(copy)
    assert (caught.value.file, caught.value.row) == (name, 1)
    assert caught.value.reason == f"missing column(s): {column}"


def test_a_column_twice(copy: Path) -> None:
    edit(copy / "skills_en.csv", "hiddenLabels", "altLabels")
    with pytest.raises(InputError, match=r"^skills_en.csv, row 1, field 'altLabels': column"):
        read_esco(copy)


# Row numbers as a spreadsheet shows them: skills_en.csv records span several lines.
@pytest.mark.parametrize(
    ("name", "old", "new", "where", "reason"),
    [
        (
            "skills_en.csv",
            f"{SKILL}{MANAGE_QUALITY},",
            ",",
            "skills_en.csv, row 13, field 'conceptUri'",
            "is empty",
        ),
        (
            "skills_en.csv",
            f"{SKILL}{MANAGE_QUALITY},",
            "urn:esco:35ebe444,",
            "skills_en.csv, row 13, field 'conceptUri'",
            "'urn:esco:35ebe444' is not an ESCO concept URI",
        ),
        (
            "skills_en.csv",
            "transversal,manage quality,",
            "transversal, ,",
            "skills_en.csv, row 13, field 'preferredLabel'",
            "is empty",
        ),
        (
            "skills_en.csv",
            f"{SKILL}{MANAGE_QUALITY},",
            f"{SKILL}{MANAGE_QUALITY}\x07,",
            "skills_en.csv, row 13, field 'conceptUri'",
            "contains control character U+0007",
        ),
        (
            "occupationSkillRelations.csv",
            f"{CATCHER},optional,",
            f"{CATCHER},required,",
            "occupationSkillRelations.csv, row 27, field 'relationType'",
            "'required' is not one of: essential, optional",
        ),
        (
            "occupationSkillRelations.csv",
            f"{OCCUPATION}{CATCHER},optional,",
            ",optional,",
            "occupationSkillRelations.csv, row 27, field 'occupationUri'",
            "is empty",
        ),
        (
            "occupationSkillRelations.csv",
            "skill/3b246ee4-6382-41fd-9b16-89e558abee24",
            "skill/3b246ee4-6382-41fd-9b16-89e558abee24,extra",
            "occupationSkillRelations.csv, row 27",
            "has more cells than the header has columns",
        ),
        (
            "broaderRelationsSkillPillar.csv",
            f"SkillGroup,{SKILL}{KNOWLEDGE}",
            "SkillGroup,",
            "broaderRelationsSkillPillar.csv, row 2, field 'broaderUri'",
            "is empty",
        ),
        (
            "skillGroups_en.csv",
            "SkillGroup,http://data.europa.eu/esco/isced-f/011,",
            "SkillGroup,http://data.europa.eu/esco/isced-f/01,",
            "skillGroups_en.csv, row 3, field 'conceptUri'",
            "'http://data.europa.eu/esco/isced-f/01' gives code '01', as row 2 did",
        ),
        (
            "occupations_en.csv",
            f"{OCCUPATION}{CATCHER},9212,catcher",
            f"{OCCUPATION}{TEACHER},9212,catcher",
            "occupations_en.csv, row 4, field 'conceptUri'",
            f"'{OCCUPATION}{TEACHER}' gives code '{TEACHER}', as row 2 did",
        ),
    ],
)
def test_a_bad_row(copy: Path, name: str, old: str, new: str, where: str, reason: str) -> None:
    edit(copy / name, old, new)
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    assert [str(e) for e in caught.value.errors] == [f"{where}: {reason}"]
    assert str(caught.value) == f"{where}: {reason}"  # one error reads as itself


def test_a_skill_twice(copy: Path) -> None:
    path = copy / "skills_en.csv"
    rewrite_csv(path, lambda rows: rows.append(rows[11]))  # manage quality, again
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == ("skills_en.csv", 37, "conceptUri")
    assert error.reason.endswith(f"gives code '{MANAGE_QUALITY}', as row 13 did")


def test_a_cycle_of_groups(copy: Path) -> None:
    # 01 -> knowledge becomes 01 -> 0112, which is under 011, under 01.
    edit(
        copy / "broaderRelationsSkillPillar.csv",
        f"isced-f/01,SkillGroup,{SKILL}{KNOWLEDGE}",
        "isced-f/01,SkillGroup,http://data.europa.eu/esco/isced-f/0112",
    )
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    assert str(caught.value) == (
        "broaderRelationsSkillPillar.csv, row 2, field 'broaderUri': skill groups form a cycle "
        "at '01'"
    )


def test_a_gap_in_the_hierarchy(copy: Path) -> None:
    path = copy / "skillsHierarchy_en.csv"

    def gap(rows: list[dict[str, str]]) -> None:
        rows[6]["Level 1 URI"] = ""  # row 8 names levels 0, 1 and 2

    rewrite_csv(path, gap)
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == ("skillsHierarchy_en.csv", 8, "Level 1 URI")
    assert error.reason == "is empty, but a deeper level is given"


def test_every_bad_row_of_a_file_is_reported_at_once(copy: Path) -> None:
    def spoil(rows: list[dict[str, str]]) -> None:
        rows[0]["conceptUri"] = "urn:esco:01f10952"  # row 2, write Hungarian
        rows[5]["preferredLabel"] = " "  # row 7, assign homework
        rows[20]["conceptUri"] = SKILL + MANAGE_QUALITY  # row 22: manage quality is row 13
        rows[30]["skillType"] = "skill/\x07competence"  # row 32: a control character

    rewrite_csv(copy / "skills_en.csv", spoil)
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    assert [(e.file, e.row, e.field) for e in caught.value.errors] == [
        ("skills_en.csv", 2, "conceptUri"),
        ("skills_en.csv", 7, "preferredLabel"),
        ("skills_en.csv", 22, "conceptUri"),
        ("skills_en.csv", 32, "skillType"),
    ]
    assert str(caught.value) == "\n".join(
        [
            "4 errors in skills_en.csv:",
            "  skills_en.csv, row 2, field 'conceptUri': 'urn:esco:01f10952' is not an ESCO "
            "concept URI",
            "  skills_en.csv, row 7, field 'preferredLabel': is empty",
            f"  skills_en.csv, row 22, field 'conceptUri': '{SKILL}{MANAGE_QUALITY}' gives code "
            f"'{MANAGE_QUALITY}', as row 13 did",
            "  skills_en.csv, row 32, field 'skillType': contains control character U+0007",
        ]
    )


def test_bad_rows_of_every_file_are_reported_together(copy: Path) -> None:
    def no_label(rows: list[dict[str, str]]) -> None:
        rows[1]["preferredLabel"] = ""  # row 3, isced-f/011

    def gap(rows: list[dict[str, str]]) -> None:
        rows[6]["Level 1 URI"] = ""  # row 8 names levels 0, 1 and 2

    def relations(rows: list[dict[str, str]]) -> None:
        rows[5]["skillUri"] = ""  # row 7
        rows[0]["relationType"] = "required"  # row 2

    rewrite_csv(copy / "skillGroups_en.csv", no_label)
    rewrite_csv(copy / "skillsHierarchy_en.csv", gap)
    edit(copy / "occupations_en.csv", f"{OCCUPATION}{CATCHER},", "catcher,")  # row 4
    rewrite_csv(copy / "occupationSkillRelations.csv", relations)
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    # File by file, in the order they are read; row by row within a file.
    assert [str(e) for e in caught.value.errors] == [
        "skillGroups_en.csv, row 3, field 'preferredLabel': is empty",
        "skillsHierarchy_en.csv, row 8, field 'Level 1 URI': is empty, but a deeper level is given",
        "occupations_en.csv, row 4, field 'conceptUri': 'catcher' is not an ESCO concept URI",
        "occupationSkillRelations.csv, row 2, field 'relationType': 'required' is not one of: "
        "essential, optional",
        "occupationSkillRelations.csv, row 7, field 'skillUri': is empty",
    ]
    assert str(caught.value).startswith("5 errors:\n  skillGroups_en.csv, row 3, ")


def test_a_file_that_cannot_be_read_on_comes_after_the_bad_rows_before_it(copy: Path) -> None:
    edit(copy / "skills_en.csv", "transversal,manage quality,", "transversal, ,")  # row 13
    edit(copy / "broaderRelationsSkillPillar.csv", "broaderUri", "renamed")
    with pytest.raises(InputErrors) as caught:
        read_esco(copy)
    assert [str(e) for e in caught.value.errors] == [
        "skills_en.csv, row 13, field 'preferredLabel': is empty",
        "broaderRelationsSkillPillar.csv, row 1: missing column(s): broaderUri",
    ]


def test_a_control_character_in_text_is_removed(copy: Path) -> None:
    edit(copy / "skills_en.csv", "Pursue excellence", "Pursue\x0b excellence")
    result = read_esco(copy, version="1")
    description = result.framework.competency(MANAGE_QUALITY).description
    assert description == "Pursue excellence in workplace processes, products and activities."
    assert result.warnings[3] == (
        "text cells with control characters: UTF-8 read as Latin-1 decoded again, other "
        "control characters removed (4); e.g. skillGroups_en.csv row 4 field 'description'; "
        "skillsHierarchy_en.csv row 49 field 'Description'; skills_en.csv row 13 field "
        "'description'"
    )


def test_invalid_utf8(copy: Path) -> None:
    path = copy / "occupations_en.csv"
    path.write_bytes(path.read_bytes().replace(b"catcher", b"catch\xffer", 1))
    with pytest.raises(InputError, match=r"^occupations_en.csv: not UTF-8 text"):
        read_esco(copy)


def test_the_fixture_keeps_the_original_layout() -> None:
    """Records end in CRLF; label cells hold newlines; the fixture stays small."""
    text = (DATA / "skills_en.csv").read_bytes()
    assert text.startswith(b"conceptType,conceptUri,skillType,reuseLevel,preferredLabel,")
    assert b'manage quality,"oversee quality\napply quality standards\n' in text
    assert text.endswith(b"\r\n")
    assert sum(p.stat().st_size for p in DATA.glob("*.csv")) < 100_000
    rows = list(csv.reader(io.StringIO(text.decode(), newline="")))
    assert len(rows) == 36


# --- the full release


@pytest.mark.skipif(not FULL.is_dir(), reason=f"the full ESCO release is not in {FULL}")
def test_the_full_release() -> None:
    started = time.perf_counter()
    result = read_esco(FULL, version="1.1.1")
    elapsed = time.perf_counter() - started
    framework = result.framework
    assert len(framework.competencies) == 13_896
    assert len(framework.groups) == 647  # 640 + 7 only skillsHierarchy_en.csv names
    assert len(result.occupations) == 3_007
    assert sum(len(o.skills) for o in result.occupations) == 123_855 - 67
    assert sum(1 for c in framework.competencies if c.group is None) == 0
    # 440 transversal skills, of which 345 are language skills (hard)
    assert sum(1 for c in framework.competencies if c.reuse_level == "transversal") == 440
    assert sum(1 for c in framework.competencies if c.kind is SkillKind.SOFT) == 95
    assert {g.name for g in framework.groups if g.parent is None} == {
        "skills",
        "knowledge",
        "transversal skills and competences",
        "language skills and knowledge",
    }
    musical_staff = "0005c151-5b5a-4a66-8aac-60e734beb1ab"  # manage musical staff
    assert framework.group(framework.competency(musical_staff).group or "").extra["code"] == (
        "S4.8.1"
    )
    top = framework.top_group(musical_staff)
    assert top is not None and (top.name, top.extra["code"]) == ("skills", "S")
    assert [w.split(" (")[0] for w in result.warnings] == [
        "skill groups in skillsHierarchy_en.csv but not in skillGroups_en.csv, taken from "
        "skillsHierarchy_en.csv",
        "relations in occupationSkillRelations.csv naming an occupation not in "
        "occupations_en.csv, skipped",
        "text cells with control characters: UTF-8 read as Latin-1 decoded again, other "
        "control characters removed",
    ]
    assert "(67, 1 distinct)" in result.warnings[1]
    assert elapsed < 10, f"took {elapsed:.1f} s"
