"""People from an HR export: mapping, validation of the whole file, rejects, the IBM sample."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from skillgap.domain import Person
from skillgap.errors import InputError, InputErrors
from skillgap.formats.bundle import read_bundle
from skillgap.formats.people import PeopleImport, RejectedRow, read_people_table, write_rejects
from skillgap.formats.sheets import parse_mapping, read_table
from skillgap.services.bundles import demo_folder
from tests import shared_data
from tests.formats.test_sheets import Text, write_csv, write_xlsx

DATA = Path(__file__).parent.parent / "data" / "sheets"
IBM = shared_data.DATA / "ibm_hr_attrition" / "WA_Fn-UseC_-HR-Employee-Attrition.csv"

EXPORT_MAP = parse_mapping(
    [
        "Emp No=employee_id",
        "Full Name=name",
        "Work Email=email",
        "Department=department",
        "Team=team",
        "Manager=manager_id",
        "Job=role",
        "Start Date=hire_date",
        "Status=active",
    ]
)
HEADER = "employee_id,name,email,manager_id,hire_date\n"


def people(text: str, tmp_path: Path, **kwargs: object) -> PeopleImport:
    return read_people_table(write_csv(tmp_path / "people.csv", HEADER + text), **kwargs)  # type: ignore[arg-type]


def errors_of(text: str, tmp_path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        people(text, tmp_path, **kwargs)
    return [str(e) for e in caught.value.errors]


# --- what is read


def test_an_hr_export_with_a_mapping() -> None:
    found = read_people_table(DATA / "people_export.csv", mapping=EXPORT_MAP)
    assert found.people == (
        Person(
            employee_id="E1001",
            name="Amara Okafor",
            emails=("amara.okafor@tidewell.example",),
            department="Corporate",
            team="Executive Office",
            hire_date=date(2015, 3, 2),
            attributes={"Location": "Rotterdam"},
        ),
        Person(
            employee_id="E1002",
            name="Tomás Herrera",
            emails=("tomas.herrera@tidewell.example", "tomas@tidewell.example"),
            department="Technology",
            team="Office of the CTO",
            manager_id="E1001",
            role_id="cto",
            hire_date=date(2019, 9, 16),
            attributes={"Location": "Lisbon", "Cost Centre": "CC-20"},
        ),
        Person(
            employee_id="E1003",
            name="Priya Raman",
            emails=("priya.raman@tidewell.example",),
            department="Data & Analytics",
            team="Analytics",
            manager_id="E1002",
            role_id="data-engineer",
            active=False,
            hire_date=date(2018, 5, 7),
            attributes={"Location": "Rotterdam", "Cost Centre": "CC-31"},
        ),
    )
    assert [p.attributes for p in found.people] == [
        {"Location": "Rotterdam"},
        {"Location": "Lisbon", "Cost Centre": "CC-20"},
        {"Location": "Rotterdam", "Cost Centre": "CC-31"},
    ]
    assert found.rejects == ()
    assert found.warnings == ()
    assert dict(found.rows) == {"E1001": 2, "E1002": 3, "E1003": 5}


def test_a_bundle_people_file_reads_as_the_bundle_reads_it() -> None:
    bundle = read_bundle(demo_folder())
    roles = {r.id for r in bundle.roles}
    found = read_people_table(demo_folder() / "people.csv", known_roles=roles)
    assert found.people == bundle.people
    assert [p.attributes for p in found.people] == [p.attributes for p in bundle.people]


def test_the_same_export_as_xlsx_reads_the_same(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO((DATA / "people_export.csv").read_text("utf-8"))))
    cells: list[list[object]] = [[c or None for c in row] for row in rows]
    for row in cells[1:]:
        if row:
            row[7] = date.fromisoformat(str(row[7]))  # a date cell, as Excel stores one
    path = write_xlsx(tmp_path / "people.xlsx", cells)
    from_xlsx = read_people_table(path, mapping=EXPORT_MAP)
    from_csv = read_people_table(DATA / "people_export.csv", mapping=EXPORT_MAP)
    assert from_xlsx.people == from_csv.people
    assert [p.attributes for p in from_xlsx.people] == [p.attributes for p in from_csv.people]


def test_first_and_last_names_make_a_name(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        "employee_id,first_name,last_name,role_id\nE1,Ann,Lee,dev\nE2,,Cher,\nE3,Bo,,\n",
    )
    found = read_people_table(path)
    assert [(p.name, p.role_id, p.attributes) for p in found.people] == [
        ("Ann Lee", "dev", {}),
        ("Cher", None, {}),
        ("Bo", None, {}),
    ]


def test_a_name_column_wins_over_first_and_last_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv", "employee_id,name,first_name,last_name\nE1,A. Lee,Ann,Lee\nE2,,Bo,Ek\n"
    )
    assert [p.name for p in read_people_table(path).people] == ["A. Lee", "Bo Ek"]


def test_numeric_ids_from_a_workbook_read_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["employee_id", "name", "manager_id", "active"],
            [1, "Ann", None, True],
            [2, "Bo", 1.0, 0],
        ],
    )
    found = read_people_table(path)
    assert [(p.employee_id, p.manager_id, p.active) for p in found.people] == [
        ("1", None, True),
        ("2", "1", False),
    ]


def test_columns_that_look_like_fields_are_warned_about(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", "employee_id,name,E-mail,Department\nE1,Ann,a@x.org,R&D\n")
    found = read_people_table(path)
    assert found.people[0].attributes == {"E-mail": "a@x.org", "Department": "R&D"}
    assert found.warnings == (
        "p.csv: column 'E-mail' is kept as an attribute; to read it as email: "
        '--map "E-mail=email"',
        "p.csv: column 'Department' is kept as an attribute; to read it as department: "
        '--map "Department=department"',
    )


def test_formula_text_is_kept_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [["employee_id", "name", "note"], ["E1", Text('=HYPERLINK("http://x.example")'), "=1+1"]],
    )
    (person,) = read_people_table(path).people
    assert person.name == '=HYPERLINK("http://x.example")'
    assert person.attributes == {}  # a formula never computed has no value


# --- every error, located


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (",Ann,,,", "people.csv, row 2, field 'employee_id': is empty"),
        ("E1,,,,", "people.csv, row 2, field 'name': is empty"),
        (
            "E1,Ann,ann.example,,",
            "people.csv, row 2, field 'email': 'ann.example' is not an e-mail",
        ),
        (
            'E1,Ann,"a@x.org, b@, c d@x.org",,',
            "people.csv, row 2, field 'email': 'b@', 'c d@x.org' are not e-mail addresses",
        ),
        (
            "E1,Ann,,,2020-02-30",
            "people.csv, row 2, field 'hire_date': '2020-02-30' is not a date",
        ),
        (
            "E1,Ann,,,03/02/2015",
            "people.csv, row 2, field 'hire_date': '03/02/2015' is not a date",
        ),
        (
            "E1,Ann,,E1,",
            "people.csv, row 2, field 'manager_id': person 'E1' cannot manage themselves",
        ),
        (
            "E1,Ann,,,\nE2,Bo,,E0093,",
            "people.csv, row 3, field 'manager_id': no employee 'E0093' in this file",
        ),
        (
            "E1,Ann,,,\nE1,Bo,,,",
            "people.csv, row 2, field 'employee_id': employee id 'E1' is also on row 3",
        ),
    ],
)
def test_each_error_names_file_row_and_column(tmp_path: Path, rows: str, message: str) -> None:
    found = errors_of(rows, tmp_path)
    assert found[0].startswith(message)


def test_a_duplicate_names_every_row_it_is_on(tmp_path: Path) -> None:
    rows = "E1,Ann,a@x.org,,\nE2,Bo,A@X.org,,\nE1,Cy,,,\nE3,Di,,,\nE1,Ed,,,\n"
    assert errors_of(rows, tmp_path) == [
        "people.csv, row 2, field 'employee_id': employee id 'E1' is also on rows 4, 6",
        "people.csv, row 2, field 'email': e-mail 'a@x.org' is also on row 3",
        "people.csv, row 3, field 'email': e-mail 'a@x.org' is also on row 2",
        "people.csv, row 4, field 'employee_id': employee id 'E1' is also on rows 2, 6",
        "people.csv, row 6, field 'employee_id': employee id 'E1' is also on rows 2, 4",
    ]


def test_a_loop_of_managers_names_its_rows(tmp_path: Path) -> None:
    rows = "E0,Boss,,,\nE1,Ann,,E3,\nE2,Bo,,E1,\nE3,Cy,,E2,\nE4,Di,,E3,\n"
    loop = "E1 (row 3) -> E3 (row 5) -> E2 (row 4) -> E1 (row 3)"
    assert errors_of(rows, tmp_path) == [
        f"people.csv, row 3, field 'manager_id': the managers form a loop: {loop}",
        f"people.csv, row 4, field 'manager_id': the managers form a loop: {loop}",
        f"people.csv, row 5, field 'manager_id': the managers form a loop: {loop}",
    ]


def test_all_errors_of_a_file_at_once(tmp_path: Path) -> None:
    rows = "E1,Ann,,,\nE2,,,E1,\nE3,Cy,cy@,,\nE4,Di,,E1,\nE5,Ed,,E9,2021-01-01\n"
    with pytest.raises(InputErrors) as caught:
        people(rows, tmp_path)
    assert str(caught.value) == (
        "3 errors in people.csv:\n"
        "  people.csv, row 3, field 'name': is empty\n"
        "  people.csv, row 4, field 'email': 'cy@' is not an e-mail address\n"
        "  people.csv, row 6, field 'manager_id': no employee 'E9' in this file"
    )


def test_several_errors_of_one_row(tmp_path: Path) -> None:
    assert errors_of(",,bad,E1,tomorrow", tmp_path) == [
        "people.csv, row 2, field 'employee_id': is empty",
        "people.csv, row 2, field 'name': is empty",
        "people.csv, row 2, field 'email': 'bad' is not an e-mail address",
        "people.csv, row 2, field 'hire_date': 'tomorrow' is not a date (expected YYYY-MM-DD)",
        "people.csv, row 2, field 'manager_id': no employee 'E1' in this file",
    ]


def test_errors_name_the_column_as_the_file_does(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.xlsx.csv", "Emp No,Full Name,Mgr\nE1,Ann,E0093\n")
    with pytest.raises(InputErrors) as caught:
        read_people_table(
            path, mapping={"Emp No": "employee_id", "Full Name": "name", "Mgr": "manager_id"}
        )
    assert str(caught.value) == (
        "people.xlsx.csv, row 2, field 'Mgr': no employee 'E0093' in this file"
    )


def test_errors_in_a_workbook(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "people.xlsx",
        [
            ["employee_id", "name", "manager_id", "hire_date"],
            ["E1", "Ann", None, date(2020, 1, 1)],
            *[[f"E{n}", f"P{n}", "E1", None] for n in range(2, 16)],
            ["E17", "Zed", "E0093", "2020-01-01 10:00"],
        ],
    )
    with pytest.raises(InputErrors) as caught:
        read_people_table(path)
    assert [str(e) for e in caught.value.errors] == [
        "people.xlsx, row 17, field 'hire_date': '2020-01-01 10:00' is not a date "
        "(expected YYYY-MM-DD)",
        "people.xlsx, row 17, field 'manager_id': no employee 'E0093' in this file",
    ]


def test_managers_may_be_stored_already(tmp_path: Path) -> None:
    found = people("E2,Bo,,E0093,", tmp_path, known_ids={"E0093"})
    assert [p.manager_id for p in found.people] == ["E0093"]
    assert errors_of("E2,Bo,,E0094,", tmp_path, known_ids={"E0093"}) == [
        "people.csv, row 2, field 'manager_id': no employee 'E0094' in this file or the workspace"
    ]


def test_roles_are_checked_only_when_known(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "employee_id,name,role\nE1,Ann,dev\nE2,Bo,ops\n")
    assert [p.role_id for p in read_people_table(path).people] == ["dev", "ops"]
    with pytest.raises(InputErrors) as caught:
        read_people_table(path, known_roles={"dev"})
    assert str(caught.value) == "people.csv, row 3, field 'role': unknown role 'ops'"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "name,email",
            "people.csv, row 1: missing column employee_id (to read a column of the file as "
            'employee_id: --map "Column=employee_id")',
        ),
        (
            "employee_id,first_name",
            "people.csv, row 1: missing column name (or first_name and last_name) (to read a "
            'column of the file as name: --map "Column=name")',
        ),
        (
            "Employee ID,Name",
            "people.csv, row 1: missing column employee_id (to read column 'Employee ID' as "
            'employee_id: --map "Employee ID=employee_id")',
        ),
        (
            "employee_id,name,role,role_id",
            "people.csv, row 1: columns role and role_id both give the role: keep one",
        ),
    ],
)
def test_missing_columns(tmp_path: Path, header: str, message: str) -> None:
    path = write_csv(tmp_path / "people.csv", header + "\n")
    with pytest.raises(InputErrors) as caught:
        read_people_table(path)
    assert message in [line.strip() for line in str(caught.value).splitlines()]


def test_bad_active_values(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "employee_id,name,active\nE1,Ann,maybe\n")
    with pytest.raises(InputErrors, match=r"row 2, field 'active': 'maybe' is not one of: yes, no"):
        read_people_table(path)


def test_a_file_that_cannot_be_read_is_one_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^p.xlsx: is not an XLSX workbook"):
        read_people_table(write_csv(tmp_path / "p.xlsx", "employee_id,name\n"))


# --- skipping invalid rows


SKIP_ROWS = (
    "E1,Ann,,,\n"
    "E2,Bo,bo@,E1,\n"  # bad e-mail
    "E3,Cy,,E2,\n"  # managed by E2: rejected too
    "E4,Di,,E3,\n"  # and so on down
    "E5,Ed,,E1,\n"
    "E6,Flo,,E5,2020-99-99\n"  # bad date
)


def test_skip_invalid_rejects_bad_rows_and_the_people_below_them(tmp_path: Path) -> None:
    found = people(SKIP_ROWS, tmp_path, skip_invalid=True)
    assert [p.employee_id for p in found.people] == ["E1", "E5"]
    assert [(r.row, r.reasons) for r in found.rejects] == [
        (3, ("column 'email': 'bo@' is not an e-mail address",)),
        (4, ("column 'manager_id': manager 'E2' (row 3) is rejected",)),
        (5, ("column 'manager_id': manager 'E3' (row 4) is rejected",)),
        (7, ("column 'hire_date': '2020-99-99' is not a date (expected YYYY-MM-DD)",)),
    ]
    assert found.rejects[0].cells == {
        "employee_id": "E2",
        "name": "Bo",
        "email": "bo@",
        "manager_id": "E1",
        "hire_date": "",
    }
    assert dict(found.rows) == {"E1": 2, "E5": 6}


def test_without_skip_invalid_the_root_errors_only(tmp_path: Path) -> None:
    assert errors_of(SKIP_ROWS, tmp_path) == [
        "people.csv, row 3, field 'email': 'bo@' is not an e-mail address",
        "people.csv, row 7, field 'hire_date': '2020-99-99' is not a date (expected YYYY-MM-DD)",
    ]


def test_a_rejected_manager_who_is_stored_keeps_the_people_below(tmp_path: Path) -> None:
    found = people(SKIP_ROWS, tmp_path, skip_invalid=True, known_ids={"E2"})
    assert [p.employee_id for p in found.people] == ["E1", "E3", "E4", "E5"]
    assert [r.row for r in found.rejects] == [3, 7]


def test_skip_invalid_rejects_every_row_of_a_duplicate_and_of_a_loop(tmp_path: Path) -> None:
    rows = "E1,Ann,,,\nE1,Bo,,,\nE2,Cy,,E1,\nE3,Di,,E4,\nE4,Ed,,E3,\nE5,Flo,,,\n"
    found = people(rows, tmp_path, skip_invalid=True)
    assert [p.employee_id for p in found.people] == ["E5"]
    loop = "column 'manager_id': the managers form a loop: E3 (row 5) -> E4 (row 6) -> E3 (row 5)"
    assert [(r.row, r.reasons) for r in found.rejects] == [
        (2, ("column 'employee_id': employee id 'E1' is also on row 3",)),
        (3, ("column 'employee_id': employee id 'E1' is also on row 2",)),
        (4, ("column 'manager_id': manager 'E1' (row 2) is rejected",)),
        (5, (loop,)),
        (6, (loop,)),
    ]


def test_header_errors_are_raised_even_when_skipping(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "id,name\n1,Ann\n")
    with pytest.raises(InputErrors, match="missing column employee_id"):
        read_people_table(path, skip_invalid=True)


def test_a_cell_the_sheet_refuses_rejects_its_row(tmp_path: Path) -> None:
    found = people("E1,Ann,,,\nE2,B\x00o,,,\n", tmp_path, skip_invalid=True)
    assert [p.employee_id for p in found.people] == ["E1"]
    assert [(r.row, r.reasons) for r in found.rejects] == [
        (3, ("column 'name': contains control character U+0000",))
    ]


# --- the reject file


def test_the_reject_file_is_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    rows = (
        'E1,"=HYPERLINK(""http://evil.example"",""click"")",x,,\n'
        "E2,+cmd,@SUM(A1),-2+3,\n"
        'E3,"\tTab",,,\n'
        "E4,Fine,fine@x.org,E9,\n"
    )
    found = people(rows, tmp_path, skip_invalid=True)
    out = tmp_path / "rejects.csv"
    write_rejects(found.rejects, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
    written = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert written == [
        ["employee_id", "name", "email", "manager_id", "hire_date", "reject_reason"],
        [
            "E1",
            '\'=HYPERLINK("http://evil.example","click")',
            "x",
            "",
            "",
            "row 2: column 'email': 'x' is not an e-mail address",
        ],
        [
            "E2",
            "'+cmd",
            "'@SUM(A1)",
            "'-2+3",
            "",
            "row 3: column 'email': '@sum(a1)' is not an e-mail address; "
            "column 'manager_id': no employee '-2+3' in this file",
        ],
        [
            "E4",
            "Fine",
            "fine@x.org",
            "E9",
            "",
            "row 5: column 'manager_id': no employee 'E9' in this file",
        ],
    ]
    # (E3's tab is stripped as the cell is read, so it is no reject)
    assert [p.name for p in found.people] == ["Tab"]


def test_every_dangerous_start_is_quoted(tmp_path: Path) -> None:
    values = ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "ok", "\x00bad")
    reject = RejectedRow(
        "f.csv", 2, tuple(f"c{i}" for i in range(len(values))), values, (InputError("x", file="f"),)
    )
    out = tmp_path / "r.csv"
    write_rejects([reject], out)
    (_, row) = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert row == ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", "ok", "\ufffdbad", "row 2: x"]


def test_a_fixed_reject_file_imports_again(tmp_path: Path) -> None:
    found = people("E1,Ann,,,\nE2,Bo,bo@,E1,\n", tmp_path, skip_invalid=True)
    out = tmp_path / "rejects.csv"
    write_rejects(found.rejects, out)
    assert out.read_text("utf-8-sig").splitlines() == [
        "employee_id,name,email,manager_id,hire_date,reject_reason",
        "E2,Bo,bo@,E1,,row 3: column 'email': 'bo@' is not an e-mail address",
    ]
    out.write_text(out.read_text("utf-8-sig").replace("bo@,", "bo@x.org,"), "utf-8-sig")
    again = read_people_table(out, known_ids={"E1"})
    assert [(p.employee_id, p.emails, p.attributes) for p in again.people] == [
        ("E2", ("bo@x.org",), {})  # reject_reason is no attribute
    ]
    # a reject file of a reject file has one reject_reason column
    second = read_people_table(out, skip_invalid=True)
    write_rejects(second.rejects, out)
    assert read_table(out).header == (
        "employee_id",
        "name",
        "email",
        "manager_id",
        "hire_date",
        "reject_reason",
    )


# --- the IBM HR sample (1,470 fictional employees), when it is here

IBM_MAP = [
    "EmployeeNumber=employee_id",
    "Department=department",
    "JobRole=role",
    "MonthlyIncome=",  # kept out of the attributes
    "MonthlyRate=",
    "DailyRate=",
    "HourlyRate=",
]


@pytest.mark.skipif(not IBM.exists(), reason="the IBM HR sample is not here")
def test_the_ibm_sample_needs_names(tmp_path: Path) -> None:
    """The sample has no names; skillgap needs one for each person, and says so."""
    with pytest.raises(InputErrors) as caught:
        read_people_table(IBM, mapping=parse_mapping(IBM_MAP))
    assert str(caught.value) == (
        "WA_Fn-UseC_-HR-Employee-Attrition.csv, row 1: missing column name (or first_name "
        'and last_name) (to read a column of the file as name: --map "Column=name")'
    )


@pytest.mark.skipif(not IBM.exists(), reason="the IBM HR sample is not here")
def test_the_ibm_sample_with_names_added(tmp_path: Path) -> None:
    """With a name column added (as an export with names has one), every row reads."""
    lines = IBM.read_text(encoding="utf-8-sig").splitlines()
    named = [lines[0] + ",Given Name,Family Name"]
    named += [f"{line},Person,No {n}" for n, line in enumerate(lines[1:], start=1)]
    path = write_csv(tmp_path / "ibm.csv", "\n".join(named) + "\n")
    mapping = parse_mapping([*IBM_MAP, "Given Name=first_name", "Family Name=last_name"])
    found = read_people_table(path, mapping=mapping)
    assert len(found.people) == 1470
    assert found.warnings == ()
    first = found.people[0]
    assert (first.employee_id, first.name, first.department, first.role_id) == (
        "1",
        "Person No 1",
        "Sales",
        "Sales Executive",
    )
    assert first.manager_id is None and first.emails == ()
    assert len(first.attributes) == 35 - 7  # 35 columns, less 3 mapped and 4 left out
    assert first.attributes["Age"] == "41"
    assert "MonthlyIncome" not in first.attributes
    assert {p.department for p in found.people} == {
        "Sales",
        "Research & Development",
        "Human Resources",
    }
    known = {"Sales Executive", "Research Scientist"}
    with pytest.raises(InputErrors) as caught:
        read_people_table(path, mapping=mapping, known_roles=known)
    assert len(caught.value.errors) == 1470 - 326 - 292  # every other role is unknown
    assert str(caught.value).splitlines()[-1] == f"  ... and {1470 - 326 - 292 - 20} more"
