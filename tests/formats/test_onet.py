"""The O*NET importer: a small release built from real O*NET 29.2 rows (same sheet names and
columns), its text edition, hostile workbooks, and the full release when it is at hand."""

from __future__ import annotations

import copy
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from skillgap.domain import (
    DEFAULT_SCALE,
    CompetencyRef,
    OccupationSkill,
    Relation,
    SkillKind,
)
from skillgap.errors import InputError, InputErrors, ValidationError
from skillgap.formats import tabular
from skillgap.formats.imports import FrameworkImport
from skillgap.formats.onet import attribution, read_onet
from tests import shared_data

FULL_RELEASE = shared_data.DATA / "onet"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

README = """O*NET 29.2 Database
February 2025 Release
---------------------

For documentation on the contents and structure of these files,
please visit:

https://www.onetcenter.org/dictionary/29.2/excel/

The content of the O*NET 29.2 Database is licensed under a Creative Commons Attribution 4.0 \
International License. For more information, please visit:

https://www.onetcenter.org/license_db.html
"""

RATING_HEADER = [
    "O*NET-SOC Code",
    "Title",
    "Element ID",
    "Element Name",
    "Scale ID",
    "Scale Name",
    "Data Value",
    "N",
    "Standard Error",
    "Lower CI Bound",
    "Upper CI Bound",
    "Recommend Suppress",
    "Not Relevant",
    "Date",
    "Domain Source",
]
CE, FM, CP, SD = (
    "Chief Executives",
    "Financial Managers",
    "Computer Programmers",
    "Software Developers",
)
IMP, LVL = ("IM", "Importance"), ("LV", "Level")
RC, CT, SP, PR = (
    "Reading Comprehension",
    "Critical Thinking",
    "Social Perceptiveness",
    "Programming",
)
CAE, TR = "Computers and Electronics", "Transportation"
DOC, DB = "Document management software", "Data base user interface and query software"

# Each table: (sheet and file name, header, rows). Rows are real 29.2 rows except those for
# 99-9999.00 (no such occupation) and the ability 1.A.1.a.1 in Skills (no such row in O*NET).
TABLES: dict[str, tuple[list[str], list[list[Any]]]] = {
    "Occupation Data": (
        ["O*NET-SOC Code", "Title", "Description"],
        [
            ["11-1011.00", CE, "Determine and formulate policies and provide overall direction "
             "of companies or private and public sector organizations within guidelines set up "
             "by a board of directors or similar governing body."],
            ["11-3031.00", FM, "Plan, direct, or coordinate accounting, investing, banking, "
             "insurance, securities, and other financial activities of a branch, office, or "
             "department of an establishment."],
            ["15-1251.00", CP, "Create, modify, and test the code and scripts that allow "
             "computer applications to run."],
            ["15-1252.00", SD, "Research, design, and develop computer and network software or "
             "specialized utility programs."],
        ],
    ),
    "Content Model Reference": (
        ["Element ID", "Element Name", "Description"],
        [
            ["1.A.1.a.1", "Oral Comprehension", "The ability to listen to and understand "
             "information and ideas presented through spoken words and sentences."],
            ["2", "Worker Requirements", "Worker Requirements"],
            ["2.A", "Basic Skills", "Developed capacities that facilitate learning or the more "
             "rapid acquisition of knowledge"],
            ["2.A.1", "Content", "Background structures needed to work with and acquire more "
             "specific skills in a variety of different domains"],
            ["2.A.1.a", RC, "Understanding written sentences and paragraphs in work-related "
             "documents."],
            ["2.A.2", "Process", "Procedures that contribute to the more rapid acquisition of "
             "knowledge and skill across a variety of domains"],
            ["2.A.2.a", CT, "Using logic and reasoning to identify the strengths and weaknesses "
             "of alternative solutions, conclusions, or approaches to problems."],
            ["2.B", "Cross-Functional Skills", "Developed capacities that facilitate "
             "performance of activities that occur across jobs"],
            ["2.B.1", "Social Skills", "Developed capacities used to work with people to achieve "
             "goals"],
            ["2.B.1.a", SP, "Being aware of others' reactions and understanding why they react "
             "as they do."],
            ["2.B.3", "Technical Skills", "Developed capacities used to design, set-up, operate, "
             "and correct malfunctions involving application of machines or technological "
             "systems"],
            ["2.B.3.e", PR, "Writing computer programs for various purposes."],
            ["2.C", "Knowledge", "Organized sets of principles and facts applying in general "
             "domains"],
            ["2.C.3", "Engineering and Technology", "Knowledge of the design, development, and "
             "application of technology for specific purposes."],
            ["2.C.3.a", CAE, "Knowledge of circuit boards, processors, chips, electronic "
             "equipment, and computer hardware and software, including applications and "
             "programming."],
            ["2.C.10", TR, "Knowledge of principles and methods for moving people or goods by "
             "air, rail, sea, or road, including the relative costs and benefits."],
            ["2.D", "Education", "Prior educational experience required to perform in a job"],
            ["2.D.1", "Required Level of Education", "The level of education required to "
             "perform a job."],
        ],
    ),
    "Level Scale Anchors": (
        ["Element ID", "Element Name", "Scale ID", "Scale Name", "Anchor Value",
         "Anchor Description"],
        [
            ["1.A.1.a.1", "Oral Comprehension", *LVL, 2, "Understand a television commercial"],
            ["2.A.1.a", RC, *LVL, 2, "Read step-by-step instructions for completing a form"],
            ["2.A.1.a", RC, *LVL, 4, "Understand an email from management describing new "
             "personnel policies"],
            ["2.A.1.a", RC, *LVL, 6, "Read a scientific journal article describing surgical "
             "procedures"],
            ["2.C.3.a", CAE, *LVL, 1, "Operate a media player to watch a training video"],
            ["2.C.3.a", CAE, *LVL, 3, "Use a computer to format a document"],
            ["2.C.3.a", CAE, *LVL, 6, "Create a program to scan a computer for viruses"],
        ],
    ),
    "Skills": (
        RATING_HEADER,
        [  # spreadsheet rows 2 to 16
            ["11-1011.00", CE, "2.A.1.a", RC, *IMP, 4.12, 8, 0.125, 3.88, 4.37, "N", None,
             "08/2023", "Analyst"],
            ["11-1011.00", CE, "2.A.1.a", RC, *LVL, 4.62, 8, 0.183, 4.2664, 4.9836, "N", "N",
             "08/2023", "Analyst"],
            ["11-1011.00", CE, "2.A.2.a", CT, *IMP, 4.38, 8, 0.183, 4.0164, 4.7336, "N", None,
             "08/2023", "Analyst"],
            ["11-1011.00", CE, "2.A.2.a", CT, *LVL, 4.75, 8, 0.1637, 4.4292, 5.0708, "N", "N",
             "08/2023", "Analyst"],
            ["11-1011.00", CE, "2.B.1.a", SP, *IMP, 4.12, 8, 0.125, 3.88, 4.37, "N", None,
             "08/2023", "Analyst"],
            ["11-1011.00", CE, "2.B.1.a", SP, *LVL, 4.25, 8, 0.1637, 3.9292, 4.5708, "N", "N",
             "08/2023", "Analyst"],
            ["11-3031.00", FM, "2.B.3.e", PR, *IMP, 1.88, 8, 0.295, 1.2967, 2.4533, "N", None,
             "08/2022", "Analyst"],
            ["11-3031.00", FM, "2.B.3.e", PR, *LVL, 1.62, 8, 0.5957, 0.4573, 2.7927, "Y", "N",
             "08/2022", "Analyst"],  # row 9: suppressed
            ["15-1251.00", CP, "2.A.1.a", RC, *IMP, 3.38, 8, 0.375, 2.64, 4.11, "N", None,
             "08/2018", "Analyst"],
            ["15-1251.00", CP, "2.A.1.a", RC, *LVL, 3.5, 8, 0.5, 2.52, 4.48, "N", "N",
             "08/2018", "Analyst"],
            ["15-1251.00", CP, "2.B.3.e", PR, *IMP, 4.75, 8, 0.1637, 4.4292, 5, "N", None,
             "08/2018", "Analyst"],
            ["15-1251.00", CP, "2.B.3.e", PR, *LVL, 4.88, 8, 0.125, 4.63, 5.12, "N", "N",
             "08/2018", "Analyst"],
            ["99-9999.00", "Nobody", "2.A.1.a", RC, *IMP, 3, 8, 0, 3, 3, "N", None,
             "08/2018", "Analyst"],  # row 14: unknown occupation
            ["99-9999.00", "Nobody", "2.A.1.a", RC, *LVL, 3, 8, 0, 3, 3, "N", "N",
             "08/2018", "Analyst"],
            ["15-1251.00", CP, "1.A.1.a.1", "Oral Comprehension", *IMP, 3.5, 8, 0, 3.5, 3.5,
             "N", None, "08/2018", "Analyst"],  # row 16: an ability, not a skill
        ],
    ),
    "Knowledge": (
        RATING_HEADER,
        [  # spreadsheet rows 2 to 11
            ["11-1011.00", CE, "2.C.3.a", CAE, *IMP, 3.82, 28, 0.3764, 3.0447, 4.5893, "N",
             None, "08/2023", "Incumbent"],
            ["11-1011.00", CE, "2.C.3.a", CAE, *LVL, 5.19, 28, 0.6031, 3.9537, 6.4287, "N",
             "N", "08/2023", "Incumbent"],
            ["11-1011.00", CE, "2.C.10", TR, *IMP, 2.26, 28, 0.2505, 1.7457, 2.7735, "N", None,
             "08/2023", "Incumbent"],
            ["11-1011.00", CE, "2.C.10", TR, *LVL, 2.32, 28, 0.2929, 1.7148, 2.9167, "N", "N",
             "08/2023", "Incumbent"],
            ["11-3031.00", FM, "2.C.10", TR, *IMP, 1.35, 17, 0.2372, 1, 1.852, "N", None,
             "08/2022", "Incumbent"],
            ["11-3031.00", FM, "2.C.10", TR, *LVL, 0.5, 17, 0.2888, 0, 1.109, "Y", "Y",
             "08/2022", "Incumbent"],  # row 7: not relevant (and suppressed)
            ["15-1251.00", CP, "2.C.3.a", CAE, *IMP, 4.87, 22, 0.0907, 4.684, 5, "N", None,
             "08/2018", "Incumbent"],
            ["15-1251.00", CP, "2.C.3.a", CAE, *LVL, 6.16, 22, 0.4037, 5.3207, 6.9996, "N",
             "N", "08/2018", "Incumbent"],
            ["15-1251.00", CP, "2.C.10", TR, *IMP, 1.69, 22, 0.4099, 1, 2.5418, "N", None,
             "08/2018", "Incumbent"],
            ["15-1251.00", CP, "2.C.10", TR, *LVL, 0.82, 22, 0.4159, 0, 1.6812, "Y", "N",
             "08/2018", "Incumbent"],  # row 11: suppressed
        ],
    ),
    "Technology Skills": (
        ["O*NET-SOC Code", "Title", "Example", "Commodity Code", "Commodity Title",
         "Hot Technology", "In Demand"],
        [  # spreadsheet rows 2 to 10
            ["11-1011.00", CE, "Adobe Acrobat", 43232202, DOC, "Y", "N"],
            ["11-1011.00", CE, "Microsoft Access", 43232306, DB, "Y", "N"],
            ["15-1251.00", CP, "Adobe Acrobat", 43232202, DOC, "Y", "N"],
            ["15-1251.00", CP, "Microsoft SQL Server", 43232306, DB, "Y", "Y"],
            ["15-1251.00", CP, "Oracle JDBC", 43232306, DB, "N", "N"],
            ["15-1251.00", CP, "Virage VS Archive", 43232202, DOC, "N", "N"],
            ["15-1252.00", SD, "Microsoft Access", 43232306, DB, "Y", "N"],
            ["15-1252.00", SD, "Structured query language SQL", 43232306, DB, "Y", "Y"],
            ["99-9999.00", "Nobody", "FileMaker Pro", 43232306, DB, "N", "N"],  # row 10
        ],
    ),
}  # fmt: skip


def write_table(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> Path:
    """One table as O*NET ships it: ``<name>.xlsx``, one sheet named ``name``."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = name
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = folder / f"{name}.xlsx"
    book.save(path)
    return path


def write_text_table(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> Path:
    """The text edition: tab-delimited UTF-8, ``n/a`` for a blank."""
    lines = ["\t".join(header)]
    lines += ["\t".join("n/a" if v is None else str(v) for v in row) for row in rows]
    path = folder / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tables() -> dict[str, tuple[list[str], list[list[Any]]]]:
    return copy.deepcopy(TABLES)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onet") / "db_29_2_excel"
    folder.mkdir()
    for name, (header, rows) in TABLES.items():
        write_table(folder, name, header, rows)
    (folder / "Read Me.txt").write_text(README, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def imported(base: Path) -> FrameworkImport:
    return read_onet(base)


@pytest.fixture
def release(base: Path, tmp_path: Path) -> Path:
    """A private copy of the small release, to edit."""
    return Path(shutil.copytree(base, tmp_path / "release"))


def skill(
    code: str, relation: Relation, importance: float | None = None, level: float | None = None
) -> OccupationSkill:
    return OccupationSkill(CompetencyRef("onet", code), relation, importance, level)


ESS, OPT = Relation.ESSENTIAL, Relation.OPTIONAL

# --- what the small release reads as


def test_the_framework_is_the_content_model(imported: FrameworkImport) -> None:
    fw = imported.framework
    assert (fw.id, fw.name, fw.version, fw.scale) == ("onet", "O*NET", "29.2", DEFAULT_SCALE)
    assert fw.description == attribution("29.2")
    assert fw.description.startswith("This product includes information from the O*NET 29.2")
    assert fw.extra["licence"] == "CC-BY-4.0"
    assert [(g.code, g.name, g.parent) for g in fw.groups] == [
        ("2.A", "Basic Skills", None),
        ("2.A.1", "Content", "2.A"),
        ("2.A.2", "Process", "2.A"),
        ("2.B", "Cross-Functional Skills", None),
        ("2.B.1", "Social Skills", "2.B"),
        ("2.B.3", "Technical Skills", "2.B"),
        ("2.C", "Knowledge", None),
        ("2.C.3", "Engineering and Technology", "2.C"),
        ("technology", "Technology skills", None),
    ]
    assert [(c.code, c.name, c.group, c.kind, c.skill_type) for c in fw.competencies] == [
        ("2.A.1.a", RC, "2.A.1", SkillKind.HARD, "skill"),
        ("2.A.2.a", CT, "2.A.2", SkillKind.SOFT, "skill"),
        ("2.B.1.a", SP, "2.B.1", SkillKind.SOFT, "skill"),
        ("2.B.3.e", PR, "2.B.3", SkillKind.HARD, "skill"),
        ("2.C.3.a", CAE, "2.C.3", SkillKind.HARD, "knowledge"),
        ("2.C.10", TR, "2.C", SkillKind.HARD, "knowledge"),
        ("tech-43232202", DOC, "technology", SkillKind.HARD, "technology"),
        ("tech-43232306", DB, "technology", SkillKind.HARD, "technology"),
    ]
    reading = fw.competency("2.A.1.a")
    assert reading.description == (
        "Understanding written sentences and paragraphs in work-related documents."
    )
    assert reading.uri == "https://www.onetonline.org/find/descriptor/result/2.A.1.a"
    assert reading.extra == {
        "level_anchors": [
            [2, "Read step-by-step instructions for completing a form"],
            [4, "Understand an email from management describing new personnel policies"],
            [6, "Read a scientific journal article describing surgical procedures"],
        ]
    }
    assert fw.competency("2.C.10").extra == {}  # no anchors in this release's sample
    assert fw.top_group("2.B.1.a").code == "2.B"


def test_technology_commodities_list_their_examples(imported: FrameworkImport) -> None:
    fw = imported.framework
    documents, databases = fw.competency("tech-43232202"), fw.competency("tech-43232306")
    assert documents.alt_labels == ("Adobe Acrobat", "Virage VS Archive")
    # Hot technologies first, then by how many occupations list them, then by name; the
    # example of an unknown occupation still names the commodity.
    assert databases.alt_labels == (
        "Microsoft Access",
        "Microsoft SQL Server",
        "Structured query language SQL",
        "FileMaker Pro",
        "Oracle JDBC",
    )
    assert databases.extra == {"unspsc_commodity": "43232306", "examples": 5}
    assert databases.uri is None and databases.description == ""


def test_occupations_carry_importance_and_level(imported: FrameworkImport) -> None:
    by_code = {o.code: o for o in imported.occupations}
    assert list(by_code) == ["11-1011.00", "11-3031.00", "15-1251.00", "15-1252.00"]
    chief = by_code["11-1011.00"]
    assert (chief.framework, chief.title, chief.level_scale) == ("onet", CE, "onet-lv")
    assert chief.uri == "https://www.onetonline.org/link/summary/11-1011.00"
    assert chief.description.startswith("Determine and formulate policies")
    assert chief.skills == (
        skill("2.A.1.a", ESS, 4.12, 4.62),
        skill("2.A.2.a", ESS, 4.38, 4.75),
        skill("2.B.1.a", ESS, 4.12, 4.25),
        skill("2.C.3.a", ESS, 3.82, 5.19),
        skill("2.C.10", OPT, 2.26, 2.32),  # importance below 3: optional
        skill("tech-43232202", OPT),
        skill("tech-43232306", OPT),  # hot technology, but not in demand for this one
    )
    # The suppressed LV is unknown; the Not Relevant Transportation is left out.
    assert by_code["11-3031.00"].skills == (skill("2.B.3.e", OPT, 1.88, None),)
    assert by_code["15-1251.00"].skills == (
        skill("2.A.1.a", ESS, 3.38, 3.5),
        skill("2.B.3.e", ESS, 4.75, 4.88),
        skill("2.C.3.a", ESS, 4.87, 6.16),
        skill("2.C.10", OPT, 1.69, None),
        skill("tech-43232202", OPT),
        skill("tech-43232306", ESS),  # Microsoft SQL Server is in demand for it
    )
    assert by_code["15-1252.00"].skills == (skill("tech-43232306", ESS),)


def test_every_skip_and_flag_is_one_warning(imported: FrameworkImport) -> None:
    assert imported.warnings == (
        "Skills.xlsx: rows skipped, O*NET-SOC code not in Occupation Data (2); "
        "e.g. 99-9999.00 (row 14)",
        "Skills.xlsx: rows skipped, Element ID not a skill of the content model (1); "
        "e.g. 1.A.1.a.1 (row 16)",
        "Skills.xlsx: ratings flagged Recommend Suppress = Y (low precision), kept as unknown "
        "(1); e.g. 11-3031.00 2.B.3.e LV (row 9)",
        "Knowledge.xlsx: ratings flagged Not Relevant = Y, left out (1); "
        "e.g. 11-3031.00 2.C.10 (row 7)",
        "Knowledge.xlsx: ratings flagged Recommend Suppress = Y (low precision), kept as "
        "unknown (1); e.g. 15-1251.00 2.C.10 LV (row 11)",
        "Occupation Data.xlsx: occupations without skill or knowledge ratings (1); e.g. 15-1252.00",
        "Technology Skills.xlsx: rows linking no occupation, O*NET-SOC code not in "
        "Occupation Data (1); e.g. 99-9999.00 (row 10)",
    )


def test_the_text_edition_reads_the_same(tmp_path: Path, imported: FrameworkImport) -> None:
    for name, (header, rows) in TABLES.items():
        write_text_table(tmp_path, name, header, rows)
    (tmp_path / "Read Me.txt").write_text(README, encoding="utf-8")
    text = read_onet(tmp_path)
    assert text.framework == imported.framework
    assert text.occupations == imported.occupations
    assert text.warnings == tuple(w.replace(".xlsx", ".txt") for w in imported.warnings)


def test_the_framework_alone_needs_no_occupation_files(release: Path) -> None:
    for name in ("Occupation Data", "Skills", "Knowledge", "Technology Skills"):
        (release / f"{name}.xlsx").unlink()
    result = read_onet(release, framework_id="onet-29", occupations=False, technology=False)
    assert result.occupations == () and result.warnings == ()
    assert result.framework.id == "onet-29"
    assert [c.code for c in result.framework.competencies] == [
        "2.A.1.a", "2.A.2.a", "2.B.1.a", "2.B.3.e", "2.C.3.a", "2.C.10",
    ]  # fmt: skip
    assert all(c.framework == "onet-29" for c in result.framework.competencies)


def test_technology_without_occupations_names_the_commodities(release: Path) -> None:
    result = read_onet(release, occupations=False)
    assert result.occupations == () and result.warnings == ()
    assert result.framework.competency("tech-43232306").alt_labels[0] == "Microsoft Access"


# --- the release's version


def test_a_given_version_wins_and_a_different_read_me_is_a_warning(release: Path) -> None:
    result = read_onet(release, version="29.3", technology=False)
    assert result.framework.version == "29.3"
    assert result.framework.description == attribution("29.3")
    assert result.warnings[0] == "Read Me.txt names O*NET 29.2; imported as version 29.3, as asked"


def test_without_read_me_the_version_must_be_given(release: Path) -> None:
    (release / "Read Me.txt").unlink()
    with pytest.raises(InputError, match=r"^Read Me.txt: does not say which O\*NET release"):
        read_onet(release, occupations=False)
    assert read_onet(release, occupations=False, version="29.2").framework.version == "29.2"


def test_the_framework_id_must_be_usable(release: Path) -> None:
    with pytest.raises(ValidationError, match="framework id 'o:net'"):
        read_onet(release, framework_id="o:net")


# --- bad files and bad rows: located errors


def test_a_missing_workbook_is_named(release: Path) -> None:
    (release / "Skills.xlsx").unlink()
    with pytest.raises(InputError, match=r"^Skills.xlsx: missing: an O\*NET release has it") as e:
        read_onet(release)
    assert (e.value.file, e.value.row) == ("Skills.xlsx", None)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder holding an O"):
        read_onet(tmp_path / "nowhere")


def test_a_missing_column_is_an_error_of_row_1(release: Path) -> None:
    header, rows = tables()["Knowledge"]
    column = header.index("Data Value")
    write_table(release, "Knowledge", header[:column] + header[column + 1 :],
                [row[:column] + row[column + 1 :] for row in rows])  # fmt: skip
    with pytest.raises(InputError, match=r"^Knowledge.xlsx, row 1: missing column\(s\): Data"):
        read_onet(release)


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "reason"),
    [
        ("Skills", 3, "Data Value", "high", "'high' is not a number"),
        ("Skills", 3, "Data Value", None, "is empty"),
        ("Skills", 3, "Data Value", 7.5, "7.5 is outside the LV scale (0-7)"),
        ("Skills", 2, "Data Value", 0.5, "0.5 is outside the IM scale (1-5)"),
        ("Skills", 3, "Scale ID", "IM", "a second IM rating of this occupation and element"),
        ("Knowledge", 1, "Not Relevant", "maybe", "'maybe' is not Y or N"),
        ("Occupation Data", 2, "O*NET-SOC Code", "11-1011.00", "'11-1011.00' appears twice"),
        ("Occupation Data", 2, "O*NET-SOC Code", "151251", "'151251' is not an O*NET-SOC code"),
        ("Occupation Data", 2, "Title", "  ", "is empty"),
        ("Content Model Reference", 3, "Element ID", "2.A.", "'2.A.' is not an outline position"),
        ("Level Scale Anchors", 1, "Anchor Value", "two", "'two' is not a number"),
        ("Technology Skills", 4, "Commodity Code", "4323", "'4323' is not a UNSPSC commodity"),
        ("Technology Skills", 4, "Hot Technology", "Hot", "'Hot' is not Y or N"),
    ],
)
def test_a_bad_cell_is_an_error_of_its_row_and_column(
    release: Path, table: str, index: int, column: str, value: object, reason: str
) -> None:
    header, rows = tables()[table]
    rows[index][header.index(column)] = value
    write_table(release, table, header, rows)
    with pytest.raises(InputErrors) as caught:
        read_onet(release)
    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == (f"{table}.xlsx", index + 2, column)
    assert error.reason.startswith(reason)
    assert str(caught.value) == str(error)  # one error reads as itself


def test_blank_rows_are_skipped_but_counted(release: Path) -> None:
    header, rows = tables()["Skills"]
    rows[5][header.index("Data Value")] = "high"  # row 7, then row 9 after two blank rows
    rows[1:1] = [[None] * len(header), [""] * len(header)]
    write_table(release, "Skills", header, rows)
    with pytest.raises(InputErrors, match=r"^Skills.xlsx, row 9, field 'Data Value': 'high' is"):
        read_onet(release)


def test_a_bad_cell_of_the_text_edition_names_its_line(release: Path) -> None:
    header, rows = tables()["Skills"]
    rows[5][header.index("Data Value")] = "4,25"
    (release / "Skills.xlsx").unlink()
    write_text_table(release, "Skills", header, rows)
    with pytest.raises(InputErrors, match=r"^Skills.txt, row 7, field 'Data Value': '4,25' is"):
        read_onet(release)


def test_control_characters_are_refused(release: Path) -> None:
    header, rows = tables()["Occupation Data"]
    rows[2][1] = "Computer\x07Programmers"
    (release / "Occupation Data.xlsx").unlink()
    write_text_table(release, "Occupation Data", header, rows)
    with pytest.raises(InputErrors, match=r"^Occupation Data.txt, row 4, field 'Title': contains"):
        read_onet(release)


def test_every_bad_row_of_every_workbook_is_reported_at_once(release: Path) -> None:
    header, rows = tables()["Skills"]
    rows[1][header.index("Data Value")] = "high"  # row 3
    rows[4][header.index("Data Value")] = 7.5  # row 6, an IM rating
    rows[6][header.index("Not Relevant")] = "maybe"  # row 8
    write_table(release, "Skills", header, rows)
    header, rows = tables()["Technology Skills"]
    rows[3][header.index("Commodity Code")] = "4323"  # row 5
    write_table(release, "Technology Skills", header, rows)
    with pytest.raises(InputErrors) as caught:
        read_onet(release)
    assert [(e.file, e.row, e.field) for e in caught.value.errors] == [
        ("Skills.xlsx", 3, "Data Value"),
        ("Skills.xlsx", 6, "Data Value"),
        ("Skills.xlsx", 8, "Not Relevant"),
        ("Technology Skills.xlsx", 5, "Commodity Code"),
    ]
    assert str(caught.value) == "\n".join(
        [
            "4 errors in Skills.xlsx, Technology Skills.xlsx:",
            "  Skills.xlsx, row 3, field 'Data Value': 'high' is not a number",
            "  Skills.xlsx, row 6, field 'Data Value': 7.5 is outside the IM scale (1-5)",
            "  Skills.xlsx, row 8, field 'Not Relevant': 'maybe' is not Y or N",
            "  Technology Skills.xlsx, row 5, field 'Commodity Code': '4323' is not a UNSPSC "
            "commodity code (8 digits)",
        ]
    )


def test_bad_rows_of_the_text_edition_are_reported_together(release: Path) -> None:
    header, rows = tables()["Knowledge"]
    rows[0][header.index("O*NET-SOC Code")] = ""  # row 2
    rows[3].append("extra")  # row 5
    rows[8][header.index("Scale ID")] = "LV"  # row 10: 15-1251.00 2.C.10 rated LV twice
    (release / "Knowledge.xlsx").unlink()
    write_text_table(release, "Knowledge", header, rows)
    header, rows = tables()["Occupation Data"]
    rows[1][header.index("O*NET-SOC Code")] = "11-1011.00"  # row 3
    write_table(release, "Occupation Data", header, rows)
    with pytest.raises(InputErrors) as caught:
        read_onet(release)
    assert [str(e) for e in caught.value.errors] == [
        "Occupation Data.xlsx, row 3, field 'O*NET-SOC Code': '11-1011.00' appears twice "
        "(first at row 2)",
        "Knowledge.txt, row 2, field 'O*NET-SOC Code': is empty",
        "Knowledge.txt, row 5: has more cells than the header has columns",
        "Knowledge.txt, row 11, field 'Scale ID': a second LV rating of this occupation and "
        "element (first at row 10)",
    ]


def test_a_file_that_cannot_be_read_on_comes_after_the_bad_rows_before_it(
    release: Path,
) -> None:
    header, rows = tables()["Skills"]
    rows[1][header.index("Data Value")] = "high"  # row 3
    write_table(release, "Skills", header, rows)
    (release / "Technology Skills.xlsx").unlink()
    with pytest.raises(InputErrors) as caught:
        read_onet(release)
    assert [str(e) for e in caught.value.errors] == [
        "Skills.xlsx, row 3, field 'Data Value': 'high' is not a number",
        "Technology Skills.xlsx: missing: an O*NET release has it (as .xlsx or .txt)",
    ]


# --- cells are data, never formulas


def test_a_text_cell_that_looks_like_a_formula_stays_text(release: Path) -> None:
    header, rows = tables()["Occupation Data"]
    path = write_table(release, "Occupation Data", header, rows)
    book = openpyxl.load_workbook(path)
    cell = book.active["B5"]  # the title of 15-1252.00
    cell.value = '=HYPERLINK("http://example.com","x")'
    cell.data_type = "s"  # written as text, as a hostile file would hold it
    book.save(path)
    by_code = {o.code: o for o in read_onet(release, technology=False).occupations}
    assert by_code["15-1252.00"].title == '=HYPERLINK("http://example.com","x")'


def test_a_formula_cell_is_never_evaluated(release: Path) -> None:
    header, rows = tables()["Skills"]
    rows[8][header.index("Data Value")] = "=1+2"  # 15-1251.00 2.A.1.a IM, row 10: a formula
    path = write_table(release, "Skills", header, rows)
    with pytest.raises(InputErrors) as caught:  # saved without a computed value: empty
        read_onet(release)
    [error] = caught.value.errors
    assert (error.row, error.field) == (10, "Data Value")
    assert error.reason == "is empty"
    _rewrite_member(path, "xl/worksheets/sheet1.xml", b"<f>1+2</f><v />", b"<f>1+2</f><v>4.5</v>")
    by_code = {o.code: o for o in read_onet(release).occupations}  # the saved value, not 3
    assert by_code["15-1251.00"].skills[0] == skill("2.A.1.a", ESS, 4.5, 3.5)


# --- hostile files


def test_a_zip_bomb_is_refused_before_it_is_opened(release: Path) -> None:
    path = release / "Skills.xlsx"
    path.unlink()
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        chunk = b"<c/>" * 2**18  # 1 MiB, compressed to a few KiB
        for _ in range(201):
            member.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(InputError, match=r"^Skills.xlsx: unpacks to 201 MiB, more than the 200"):
        read_onet(release)


def test_what_is_not_a_workbook_is_refused(release: Path) -> None:
    (release / "Skills.xlsx").write_text("O*NET-SOC Code\tTitle\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^Skills.xlsx: is not an Excel workbook"):
        read_onet(release)


def test_a_damaged_workbook_is_an_input_error(release: Path) -> None:
    path = release / "Knowledge.xlsx"
    _rewrite_member(path, "xl/worksheets/sheet1.xml", b"</sheetData>", b"</sheetDat>")
    with pytest.raises(InputError, match=r"^Knowledge.xlsx, row \d+: cannot be read \(ParseError"):
        read_onet(release)


def test_xml_entities_are_refused(release: Path) -> None:
    path = release / "Occupation Data.xlsx"
    _rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        b"<worksheet ",
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet ',
    )
    with pytest.raises(InputError, match=r"^Occupation Data.xlsx: cannot be .*EntitiesForbidden"):
        read_onet(release)


def test_openpyxl_warnings_about_parts_it_ignores_stay_quiet(release: Path) -> None:
    path = release / "Occupation Data.xlsx"  # warns at opening, then while reading the sheet
    _rewrite_member(path, "xl/styles.xml", None, b'<styleSheet xmlns="%s"/>' % MAIN_NS)
    ext = b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"/></extLst>'
    _rewrite_member(path, "xl/worksheets/sheet1.xml", b"</worksheet>", ext + b"</worksheet>")
    assert len(read_onet(release, technology=False).occupations) == 4  # warnings are errors


def test_only_regular_files_are_read(release: Path) -> None:
    (release / "Skills.xlsx").unlink()
    (release / "Skills.xlsx").mkdir()
    with pytest.raises(InputError, match=r"^Skills.xlsx: is not a regular file"):
        read_onet(release)


def test_a_workbook_over_the_size_limit_is_refused(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 4096)
    with pytest.raises(InputError, match=r"^Content Model Reference.xlsx: file is larger than"):
        read_onet(release)


def _rewrite_member(path: Path, member: str, old: bytes | None, new: bytes) -> None:
    """Replaces bytes in one member of a zip archive (a crafted workbook); with ``old``
    None, the whole member."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    if old is None:
        parts[member] = new
    else:
        # openpyxl writes an empty value as <v /> or <v></v>, depending on whether lxml is there
        variants = [old, old.replace(b"<v />", b"<v></v>")]
        found = next((v for v in variants if v in parts[member]), None)
        assert found is not None, f"{old!r} not in {member}"
        parts[member] = parts[member].replace(found, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


# --- the full O*NET 29.2 release


@pytest.fixture(scope="module")
def full() -> FrameworkImport:
    if not (FULL_RELEASE / "Skills.xlsx").exists():
        pytest.skip(f"the O*NET 29.2 release is not at {FULL_RELEASE}")
    return read_onet(FULL_RELEASE)


def test_the_full_release(full: FrameworkImport) -> None:
    fw = full.framework
    assert (fw.name, fw.version) == ("O*NET", "29.2")
    types = Counter(c.skill_type for c in fw.competencies)
    assert types == {"skill": 35, "knowledge": 33, "technology": 135}
    assert sorted(c.name for c in fw.competencies if c.kind is SkillKind.SOFT) == [
        "Active Learning", "Coordination", "Critical Thinking", "Instructing",
        "Learning Strategies", "Monitoring", "Negotiation", "Persuasion",
        "Service Orientation", "Social Perceptiveness",
    ]  # fmt: skip
    assert all(len(c.extra["level_anchors"]) == 3 for c in fw.competencies[:68])
    assert len(fw.groups) == 19
    assert len(full.occupations) == 1016
    rated = [o for o in full.occupations if any(s.importance is not None for s in o.skills)]
    assert len(rated) == 879
    by_code = {o.code: o for o in full.occupations}
    # Skills.xlsx rows 7422 (IM) and 7423 (LV): Computer Programmers, Reading Comprehension.
    programmers = {s.competency.code: s for s in by_code["15-1251.00"].skills}
    assert programmers["2.A.1.a"] == skill("2.A.1.a", ESS, 3.38, 3.5)
    assert programmers["2.C.3.a"] == skill("2.C.3.a", ESS, 4.87, 6.16)  # Knowledge 7014-5
    assert programmers["tech-43232306"].relation is ESS
    links = sum(1 for o in full.occupations for s in o.skills if s.competency.code[:5] == "tech-")
    assert links == 12895  # distinct (occupation, commodity) pairs
    assert [re.sub(r" \([0-9,]+\); e\.g\. .*", "", w) for w in full.warnings] == [
        "Skills.xlsx: ratings flagged Not Relevant = Y, left out",
        "Skills.xlsx: ratings flagged Recommend Suppress = Y (low precision), kept as unknown",
        "Knowledge.xlsx: ratings flagged Not Relevant = Y, left out",
        "Knowledge.xlsx: ratings flagged Recommend Suppress = Y (low precision), kept as unknown",
        "Occupation Data.xlsx: occupations without skill or knowledge ratings",
    ]
    assert "(3,302)" in full.warnings[0] and "(137)" in full.warnings[4]
