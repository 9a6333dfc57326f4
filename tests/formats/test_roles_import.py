"""Role profiles from YAML, CSV and XLSX files, read against a framework."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from skillgap.domain import (
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Requirement,
    Role,
)
from skillgap.errors import InputError, InputErrors
from skillgap.formats.bundle import read_bundle
from skillgap.formats.roles import read_roles_file
from skillgap.services.bundles import demo_folder
from tests.formats.test_sheets import write_csv, write_xlsx

FRAMEWORK = Framework(
    id="acme",
    name="Acme skills",
    groups=(CapabilityGroup("data", "Data"),),
    competencies=(
        Competency("acme", "sql", "SQL", group="data"),
        Competency("acme", "py", "Python"),
        Competency("acme", "py-snake", "python"),  # the same name in another case
        Competency("acme", "viz", "Data  Visualisation"),
        Competency("acme", "cobol", "COBOL", retired=True),
        Competency("acme", "a:b", "A colon code"),
    ),
)


def ref(code: str) -> CompetencyRef:
    return CompetencyRef("acme", code)


HEADER = "role_id,role_name,competency,level,importance,horizon,family,description\n"
ROWS = (
    "analyst,Data Analyst,sql,3,critical,,Data,Turns data into answers.\n"
    "analyst,,data visualisation,2,,now,,\n"
    "engineer,Data Engineer,acme:sql,4,important,2027-12-31,Data,\n"
    "analyst,Data Analyst,sql,4,critical,2027-12-31,,\n"
    "newcomer,New Role,,,,,,\n"
    "engineer,,cobol,1,useful,,,\n"
    "engineer,,a:b,0,useful,,,\n"
)
EXPECTED = (
    Role(
        id="analyst",
        name="Data Analyst",
        family="Data",
        description="Turns data into answers.",
        requirements=(
            Requirement(ref("sql"), 3, Importance.CRITICAL),
            Requirement(ref("viz"), 2, Importance.IMPORTANT),
            Requirement(ref("sql"), 4, Importance.CRITICAL, date(2027, 12, 31)),
        ),
    ),
    Role(
        id="engineer",
        name="Data Engineer",
        family="Data",
        requirements=(
            Requirement(ref("sql"), 4, Importance.IMPORTANT, date(2027, 12, 31)),
            Requirement(ref("cobol"), 1, Importance.USEFUL),
            Requirement(ref("a:b"), 0, Importance.USEFUL),
        ),
    ),
    Role(id="newcomer", name="New Role"),
)


def roles_errors(path: Path, framework: Framework = FRAMEWORK) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        read_roles_file(path, framework)
    return [str(e) for e in caught.value.errors]


# --- tables


def test_roles_from_csv(tmp_path: Path) -> None:
    assert read_roles_file(write_csv(tmp_path / "roles.csv", HEADER + ROWS), FRAMEWORK) == EXPECTED


def test_roles_from_xlsx_with_number_and_date_cells(tmp_path: Path) -> None:
    header: list[object] = [*HEADER.strip().split(",")]
    rows = [header]
    for line in ROWS.splitlines():
        cells: list[object] = [c or None for c in line.split(",")]
        if cells[3] is not None:
            cells[3] = int(str(cells[3]))
        if cells[5] not in (None, "now"):
            cells[5] = date.fromisoformat(str(cells[5]))
        rows.append(cells)
    path = write_xlsx(tmp_path / "roles.xlsx", rows)
    assert read_roles_file(path, FRAMEWORK) == EXPECTED


def test_only_the_required_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", "competency,level,role_name,role_id\nPYTHON,2,Dev,dev\n")
    with pytest.raises(InputErrors, match="ambiguous"):
        read_roles_file(path, FRAMEWORK)
    path = write_csv(tmp_path / "r.csv", "competency,level,role_name,role_id\nsql,2,Dev,dev\n")
    assert read_roles_file(path, FRAMEWORK) == (
        Role("dev", "Dev", requirements=(Requirement(ref("sql"), 2),)),
    )


def test_a_mapping_and_a_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [["Role", "Title", "Skill", "Level"], ["dev", "Dev", "SQL", 1]]
    )
    mapping = {"Role": "role_id", "Title": "role_name", "Skill": "competency", "Level": "level"}
    assert read_roles_file(path, FRAMEWORK, mapping=mapping, sheet="Sheet") == (
        Role("dev", "Dev", requirements=(Requirement(ref("sql"), 1),)),
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",Dev,sql,1,,", "row 2, field 'role_id': is empty"),
        (
            "dev,Dev,nosql,1,,",
            "row 2, field 'competency': unknown competency 'nosql': no code or name of "
            "framework 'acme'",
        ),
        (
            "dev,Dev,SQL-X,1,,",
            "row 2, field 'competency': unknown competency 'SQL-X': no code or name of "
            "framework 'acme'",
        ),
        (
            "dev,Dev,PY,1,,",
            "row 2, field 'competency': unknown competency 'PY': no code or name of framework "
            "'acme' (did you mean 'py'?)",
        ),
        (
            "dev,Dev,python,1,,",
            "row 2, field 'competency': competency name 'python' is ambiguous in framework "
            "'acme': it names py (Python), py-snake (python); give the code",
        ),
        (
            "dev,Dev,esco:sql,1,,",
            "row 2, field 'competency': competency 'esco:sql' is of framework 'esco'; these "
            "roles are read against framework 'acme'",
        ),
        (
            "dev,Dev,Cobol,1,,",  # a retired competency is found by its code only
            "row 2, field 'competency': unknown competency 'Cobol': no code or name of "
            "framework 'acme' (did you mean 'cobol'?)",
        ),
        (
            "dev,Dev,sql,6,,",
            "row 2, field 'level': level 6 is not on scale 'skillgap-0-5' (allowed: 0, 1, 2, "
            "3, 4, 5)",
        ),
        ("dev,Dev,sql,high,,", "row 2, field 'level': 'high' is not a whole number"),
        ("dev,Dev,sql,,,", "row 2, field 'level': is empty"),
        ("dev,Dev,,3,,", "row 2, field 'competency': is empty"),
        (
            "dev,Dev,sql,3,vital,",
            "row 2, field 'importance': 'vital' is not one of: critical, important, useful",
        ),
        (
            "dev,Dev,sql,3,,soon",
            "row 2, field 'horizon': 'soon' is not a date (expected YYYY-MM-DD)",
        ),
        ("dev,,sql,3,,", "row 2, field 'role_name': role 'dev' has no role_name"),
    ],
)
def test_each_error_names_file_row_and_column(tmp_path: Path, row: str, message: str) -> None:
    path = write_csv(
        tmp_path / "roles.csv",
        "role_id,role_name,competency,level,importance,horizon\n" + row + "\n",
    )
    assert roles_errors(path) == [f"roles.csv, {message}"]


def test_all_errors_of_a_file_at_once(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roles.csv",
        "role_id,role_name,competency,level,importance\n"
        "dev,Dev,sql,9,\n"
        "dev,Developer,sql,2,\n"
        "ops,Ops,sql,2,\n"
        "ops,Ops,SQL,3,often\n"
        "ops,Ops,nope,3,\n"
        "ops,Ops,sql,4,\n",
    )
    assert roles_errors(path) == [
        "roles.csv, row 2, field 'level': level 9 is not on scale 'skillgap-0-5' (allowed: "
        "0, 1, 2, 3, 4, 5)",
        "roles.csv, row 3, field 'role_name': role 'dev' has role_name 'Dev' on row 2",
        "roles.csv, row 5, field 'importance': 'often' is not one of: critical, important, useful",
        "roles.csv, row 6, field 'competency': unknown competency 'nope': no code or name of "
        "framework 'acme'",
        "roles.csv, row 7, field 'competency': role 'ops' requires acme:sql twice for horizon "
        "now (first at row 4)",
    ]


def test_missing_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roles.csv", "role,competency\n")
    with pytest.raises(InputErrors) as caught:
        read_roles_file(path, FRAMEWORK)
    assert [e.reason.split(" (")[0] for e in caught.value.errors] == [
        "missing column role_id",
        "missing column role_name",
        "missing column level",
    ]


def test_other_scales(tmp_path: Path) -> None:
    from skillgap.domain import KPM_SCALE

    kpm = Framework(id="k", name="K", scale=KPM_SCALE, competencies=(Competency("k", "x", "X"),))
    path = write_csv(
        tmp_path / "roles.csv", "role_id,role_name,competency,level\nr,R,x,3\nr,R,k:x,4,\n"
    )
    assert roles_errors(path, kpm) == [
        "roles.csv, row 3, field 'level': level 4 is not on scale 'kpm' (allowed: 0, 1, 2, 3)"
    ]


# --- YAML


def test_yaml_roles_read_as_a_bundle_reads_them() -> None:
    bundle = read_bundle(demo_folder())
    assert read_roles_file(demo_folder() / "roles.yaml", bundle.framework) == bundle.roles


def test_yaml_roles_may_name_competencies(tmp_path: Path) -> None:
    path = tmp_path / "team.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "roles": [
                    {
                        "id": "analyst",
                        "name": "Data Analyst",
                        "requirements": [
                            {"competency": "SQL", "level": 3, "importance": "critical"},
                            {"competency": "acme:viz", "level": 2, "horizon": date(2027, 1, 1)},
                            {"competency": "A colon code", "level": 4, "horizon": "now"},
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    assert read_roles_file(path, FRAMEWORK) == (
        Role(
            "analyst",
            "Data Analyst",
            requirements=(
                Requirement(ref("sql"), 3, Importance.CRITICAL),
                Requirement(ref("viz"), 2, horizon=date(2027, 1, 1)),
                Requirement(ref("a:b"), 4),
            ),
        ),
    )


def test_all_errors_of_a_yaml_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(
        "roles:\n"
        "  - id: a\n"
        "    name: A\n"
        "    requirements:\n"
        "      - {competency: sql, level: 9}\n"
        "      - {competency: nope, level: 1, importance: vital}\n"
        "      - {competency: sql, level: 1, when: now}\n"
        "  - id: b\n"
        "    requirements:\n"
        "      - {competency: sql, level: 1, horizon: 2027-01-01 10:00:00}\n"
        "  - id: a\n"
        "    name: A again\n"
        "  - id: c\n"
        "    name: C\n"
        "    requirements:\n"
        "      - {competency: sql, level: 1}\n"
        "      - {competency: SQL, level: 2}\n"
        "extra: 1\n",
        encoding="utf-8",
    )
    assert roles_errors(path) == [
        "roles.yaml, field 'extra': unknown key 'extra' (expected: roles)",
        "roles.yaml, field 'roles[0].requirements[0].level': level 9 is not on scale "
        "'skillgap-0-5' (allowed: 0, 1, 2, 3, 4, 5)",
        "roles.yaml, field 'roles[0].requirements[1].competency': unknown competency 'nope': "
        "no code or name of framework 'acme'",
        "roles.yaml, field 'roles[0].requirements[1].importance': 'vital' is not one of: "
        "critical, important, useful",
        "roles.yaml, field 'roles[0].requirements[2].when': unknown key 'when' (expected: "
        "competency, horizon, importance, level)",
        "roles.yaml, field 'roles[1].name': is missing",
        "roles.yaml, field 'roles[1].requirements[0].horizon': expected a date (YYYY-MM-DD), "
        "got a date and time",
        "roles.yaml, field 'roles[2].id': role id 'a' appears twice (first at roles[0].id)",
        "roles.yaml, field 'roles[3].requirements[1]': role 'c' requires acme:sql twice for "
        "horizon now (first at roles[3].requirements[0])",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("roles: 3\n", "roles.yaml, field 'roles': expected a list"),
        ("roles:\n  - 3\n", "roles.yaml, field 'roles[0]': expected a mapping of keys to values"),
        ("- a\n", "roles.yaml: expected a mapping of keys to values at the top"),
    ],
)
def test_yaml_shape_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((InputError, InputErrors)) as caught:
        read_roles_file(path, FRAMEWORK)
    assert str(caught.value) == message


def test_a_yaml_file_has_no_sheets(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text("roles: []\n", encoding="utf-8")
    assert read_roles_file(path, FRAMEWORK) == ()
    with pytest.raises(InputError, match="^roles.yaml: a YAML file has no sheets"):
        read_roles_file(path, FRAMEWORK, sheet="x")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("roles.json", r"^roles.json: unknown kind of roles file '.json' \(expected .yaml, .yml, "),
        ("roles.xls", r"^roles.xls: cannot read .xls files: save the sheet as .xlsx or .csv"),
    ],
)
def test_other_kinds_of_file(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_roles_file(path, FRAMEWORK)
