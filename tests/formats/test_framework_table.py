"""A home-made framework from skillgap's CSV / XLSX template."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgap.domain import BUILTIN_SCALES, CapabilityGroup, Competency, SkillKind
from skillgap.errors import InputError, InputErrors, ValidationError
from skillgap.formats.framework_table import COLUMNS, read_framework_table
from skillgap.formats.imports import FrameworkImport
from tests.formats.test_sheets import write_csv

DATA = Path(__file__).parent.parent / "data" / "sheets"
HEADER = ",".join(COLUMNS) + "\n"


def read(path: Path, **kwargs: str) -> FrameworkImport:
    return read_framework_table(path, framework_id="acme", name="Acme skills", **kwargs)


def errors_of(rows: str, tmp_path: Path, header: str = HEADER) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        read(write_csv(tmp_path / "fw.csv", header + rows))
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_example_template(suffix: str) -> None:
    found = read(DATA / f"framework_template{suffix}", version="2026.1", scale="1-5")
    fw = found.framework
    assert (fw.id, fw.name, fw.version, fw.scale, fw.source) == (
        "acme",
        "Acme skills",
        "2026.1",
        BUILTIN_SCALES["1-5"],
        f"framework_template{suffix}",
    )
    assert fw.groups == (
        CapabilityGroup("data", "Data"),
        CapabilityGroup("data-eng", "Data engineering", parent="data"),
        CapabilityGroup("data-viz", "Data visualisation", parent="data"),
        CapabilityGroup("people", "People skills"),
    )
    assert fw.competencies == (
        Competency(
            "acme",
            "sql",
            "SQL",
            "Query and shape data with SQL.",
            group="data-eng",
            alt_labels=("SQL queries", "T-SQL"),
        ),
        Competency(
            "acme",
            "pipelines",
            "Data pipelines",
            "Build, schedule and monitor data pipelines.",
            group="data-eng",
            alt_labels=("ETL", "ELT"),
        ),
        Competency(
            "acme",
            "dashboards",
            "Dashboards",
            "Design dashboards people act on.",
            group="data-viz",
            uri="https://example.org/skills/dashboards",
        ),
        Competency(
            "acme",
            "communication",
            "Communication",
            "Explain clearly to any audience.",
            group="people",
            kind=SkillKind.SOFT,
        ),
    )
    assert fw.top_group("sql") == CapabilityGroup("data", "Data")
    assert found.warnings == ()
    assert found.occupations == ()


def test_only_code_and_name(tmp_path: Path) -> None:
    found = read(write_csv(tmp_path / "fw.csv", "name,code\nSQL,sql\nPython,py\n"))
    assert found.framework.competencies == (
        Competency("acme", "sql", "SQL"),
        Competency("acme", "py", "Python"),
    )
    assert found.framework.groups == ()


def test_groups_without_names_are_named_by_their_code(tmp_path: Path) -> None:
    no_column = read(
        write_csv(tmp_path / "a.csv", "code,name,group,parent_group\nsql,SQL,db,data\n")
    )
    assert no_column.framework.groups == (
        CapabilityGroup("data", "data"),
        CapabilityGroup("db", "db", parent="data"),
    )
    assert no_column.warnings == ()
    named = read(write_csv(tmp_path / "b.csv", HEADER + "sql,SQL,,db,Databases,data,,,\n"))
    assert named.framework.groups == (
        CapabilityGroup("data", "data"),
        CapabilityGroup("db", "Databases", parent="data"),
    )
    assert named.warnings == ("b.csv: group 'data' has no group_name; it is named 'data'",)


def test_a_parent_named_on_a_later_row(tmp_path: Path) -> None:
    rows = "sql,SQL,,db,Databases,data,,,\n,,,data,Data,,,,\npy,Python,,db,,,,,\n"
    fw = read(write_csv(tmp_path / "fw.csv", HEADER + rows)).framework
    assert fw.groups == (
        CapabilityGroup("data", "Data"),
        CapabilityGroup("db", "Databases", parent="data"),
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (",SQL,,,,,,,", "fw.csv, row 2, field 'code': is empty"),
        (",,,,Data,,,,", "fw.csv, row 2, field 'group_name': is given, but group is empty"),
        (",,,,,,soft,,", "fw.csv, row 2, field 'code': is empty"),
        ("sql,,,,,,,,", "fw.csv, row 2, field 'name': is empty"),
        (
            "sql,SQL,,,,,tough,,",
            "fw.csv, row 2, field 'kind': 'tough' is not one of: hard, soft",
        ),
        ("sql,SQL,,,Data,,,,", "fw.csv, row 2, field 'group_name': is given, but group is empty"),
        (
            "sql,SQL,,,,data,,,",
            "fw.csv, row 2, field 'parent_group': is given, but group is empty",
        ),
        (
            "sql,SQL,,data,,data,,,",
            "fw.csv, row 2, field 'parent_group': group 'data' cannot be its own parent",
        ),
        (
            "sql,S\x1bQL,,,,,,,",
            "fw.csv, row 2, field 'name': contains control character U+001B",
        ),
    ],
)
def test_each_error_names_file_row_and_column(tmp_path: Path, rows: str, message: str) -> None:
    assert errors_of(rows + "\n", tmp_path) == [message]


def test_all_errors_of_a_file_at_once(tmp_path: Path) -> None:
    rows = (
        "sql,SQL,,db,Databases,,,,\n"
        "py,Python,,db,Data bases,,,,\n"
        "sql,Structured query language,,,,,,,\n"
        "viz,,,,,,,,\n"
        "ml,ML,,a,,b,,,\n"
        ",,,b,B,a,,,\n"
    )
    assert errors_of(rows, tmp_path) == [
        "fw.csv, row 2, field 'code': code 'sql' is also on row 4",
        "fw.csv, row 3, field 'group_name': group 'db' has group_name 'Databases' on row 2",
        "fw.csv, row 4, field 'code': code 'sql' is also on row 2",
        "fw.csv, row 5, field 'name': is empty",
        "fw.csv, row 6, field 'parent_group': the parent groups form a loop: b -> a -> b",
        "fw.csv, row 7, field 'parent_group': the parent groups form a loop: b -> a -> b",
    ]


def test_missing_columns(tmp_path: Path) -> None:
    assert errors_of("", tmp_path, header="Code,label\n") == [
        "fw.csv, row 1: missing column code (to read column 'Code' as code: --map \"Code=code\")",
        "fw.csv, row 1: missing column name (to read a column of the file as name: "
        '--map "Column=name")',
    ]


def test_a_mapping(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fw.csv", "Skill ID,Skill,Area\nsql,SQL,Data\n")
    found = read_framework_table(
        path,
        framework_id="acme",
        name="Acme",
        mapping={"Skill ID": "code", "Skill": "name", "Area": "group"},
    )
    assert found.framework.competencies == (Competency("acme", "sql", "SQL", group="Data"),)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"framework_id": "a:b"}, "framework id 'a:b' must be non-empty and without ':'"),
        ({"framework_id": " "}, "framework id ' ' must be non-empty and without ':'"),
        ({"name": ""}, "a framework needs a name"),
        ({"scale": "1-10"}, "unknown scale '1-10' \\(known: skillgap-0-5, kpm"),
    ],
)
def test_wrong_options(kwargs: dict[str, str], message: str) -> None:
    options = {"framework_id": "acme", "name": "Acme"} | kwargs
    with pytest.raises(ValidationError, match=f"^{message}") as caught:
        read_framework_table(DATA / "framework_template.csv", **options)
    assert not isinstance(caught.value, InputError)


def test_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="^fw.json: unknown kind of table"):
        read(write_csv(tmp_path / "fw.json", "{}"))
