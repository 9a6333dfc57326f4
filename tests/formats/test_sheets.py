"""Reading CSV and XLSX tables: cells as text, formulas as data, mapping, hostile workbooks."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from skillgap.errors import ConfigError, InputError, InputErrors
from skillgap.formats import tabular, xlsx
from skillgap.formats.collect import ErrorList
from skillgap.formats.sheets import RowReader, parse_mapping, read_table
from skillgap.formats.tabular import as_date
from skillgap.formats.xlsx import cell_text

# --- helpers, shared with the other spreadsheet tests


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, title: str = "Sheet") -> Path:
    """A workbook of one sheet; a cell given as ``text("=...")`` is a text cell."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            if isinstance(value, Text):
                cell = ws.cell(row=r, column=c, value=str(value))
                cell.data_type = "s"  # what a spreadsheet program stores for '=... typed as text
            else:
                ws.cell(row=r, column=c, value=value)
    book.save(path)
    return path


class Text(str):
    """A cell value to store as text, even when it starts with '='."""


def rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Edits one XML part of a workbook in place."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            archive.writestr(info.filename, data)


SHEET = "xl/worksheets/sheet1.xml"


def rows_of(path: Path, **kwargs: object) -> list[tuple[int, dict[str, str]]]:
    return [(row.number, row.cells) for row in read_table(path, **kwargs)]  # type: ignore[arg-type]


# --- CSV


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        '\ufeffid , name\n1,  Ann \n\n , \n2,"Bo\nB"\n3,Cy\n',
    )
    table = read_table(path)
    assert table.header == ("id", "name")
    assert [(r.number, r.cells) for r in table] == [
        (2, {"id": "1", "name": "Ann"}),
        (5, {"id": "2", "name": "Bo\nB"}),
        (6, {"id": "3", "name": "Cy"}),
    ]
    assert table.rows[0].original == ("1", "Ann")
    assert table.rows[0].problems == ()


def test_csv_with_semicolons_or_tabs(tmp_path: Path) -> None:
    semi = write_csv(tmp_path / "s.csv", "id;name;note\n1;Ann;a, b\n")
    tabs = write_csv(tmp_path / "t.csv", "id\tname\n1\tAnn, B\n")
    assert rows_of(semi) == [(2, {"id": "1", "name": "Ann", "note": "a, b"})]
    assert rows_of(tabs) == [(2, {"id": "1", "name": "Ann, B"})]


def test_a_short_row_reads_empty_cells_and_a_long_one_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "id,name\n1\n2,Bo,extra\n3,Cy,\n")
    table = read_table(path)
    assert [r.cells for r in table] == [
        {"id": "1"},
        {"id": "2", "name": "Bo"},
        {"id": "3", "name": "Cy"},
    ]
    assert table.rows[0].original == ("1", "")
    assert [str(e) for e in table.rows[1].problems] == [
        "t.csv, row 3: has a value in column C, which has no name in row 1"
    ]
    assert table.rows[2].problems == ()  # an empty cell past the header is fine


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ('id,name\n1,Ann\n2,"Bo\n3,Cy\n', 3),  # a quote left open
        ('id,name\n"1\n2",Ann\n3,"Bo"x\n', 3),  # after a closing quote (rows are records)
    ],
)
def test_a_broken_csv_record_names_its_row(tmp_path: Path, text: str, row: int) -> None:
    path = write_csv(tmp_path / "t.csv", text)
    with pytest.raises(InputError, match=rf"^t.csv, row {row}: invalid CSV"):
        read_table(path)


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("id,name\n1,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"^t.csv: not UTF-8 text \(byte 12\)"):
        read_table(path)


def test_control_characters_are_problems_of_their_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "id,name\n1,A\x00n\n2,Bo\n")
    first, second = read_table(path)
    assert first.cells == {"id": "1"}  # the bad cell is not among the cells read
    assert first.original == ("1", "A\x00n")
    assert [str(e) for e in first.problems] == [
        "t.csv, row 2, field 'name': contains control character U+0000"
    ]
    assert second.problems == ()


# --- the header


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"^t.csv, row 1: row 1 is empty: it must name the columns$"),
        ("\n\nid\n1\n", r"^t.csv, row 1: row 1 is empty"),
        ("id,name,id\n1,a,b\n", r"^t.csv, row 1, field 'id': column 'id' appears twice$"),
        ("id,na\x07me\n", r"^t.csv, row 1: a column name contains control character U\+0007$"),
    ],
)
def test_header_problems(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises((InputError, InputErrors), match=message):
        read_table(write_csv(tmp_path / "t.csv", text))


def test_all_header_problems_at_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "a,a,b\x01,c\n")
    with pytest.raises(InputErrors) as caught:
        read_table(path, mapping={"zz": "x", "c": "a"})
    assert str(caught.value).splitlines() == [
        "4 errors in t.csv:",
        "  t.csv, row 1, field 'a': column 'a' appears twice",
        "  t.csv, row 1: a column name contains control character U+0001",
        "  t.csv, row 1: no column 'zz' to map",
        "  t.csv, row 1, field 'c': columns 'a' and 'c' would both be read as a",
    ]


# --- column mapping


def test_a_mapping_renames_and_drops_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "Emp No,Full Name,Salary,team\nE1,Ann,100,T\n")
    table = read_table(path, mapping={"Emp No": "employee_id", "Full Name": "name", "Salary": ""})
    assert table.fields == ("employee_id", "name", None, "team")
    (row,) = table
    assert row.cells == {"employee_id": "E1", "name": "Ann", "team": "T"}
    assert row.original == ("E1", "Ann", "100", "T")
    # errors name the column as the file does
    assert str(row.error("employee_id", "bad")) == "t.csv, row 2, field 'Emp No': bad"
    assert table.source("name") == "Full Name"


def test_a_mapping_may_swap_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "a,b\n1,2\n")
    assert rows_of(path, mapping={"a": "b", "b": "a"}) == [(2, {"b": "1", "a": "2"})]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Emp no": "employee_id"}, "no column 'Emp no' to map (did you mean 'Emp No'?)"),
        ({"EmpNo": "employee_id"}, "no column 'EmpNo' to map (did you mean 'Emp No'?)"),
        ({"Salary": "x"}, "no column 'Salary' to map"),
        ({"Emp No": "team"}, "columns 'Emp No' and 'team' would both be read as team"),
    ],
)
def test_mapping_errors(tmp_path: Path, mapping: dict[str, str], message: str) -> None:
    path = write_csv(tmp_path / "t.csv", "Emp No,team\nE1,T\n")
    with pytest.raises(InputErrors) as caught:
        read_table(path, mapping=mapping)
    assert [e.reason for e in caught.value.errors] == [message]


def test_missing_columns_suggest_a_mapping(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path / "t.csv", "Employee ID,x\n"))
    with pytest.raises(InputErrors) as caught:
        table.require("employee_id", "name")
    assert str(caught.value).splitlines() == [
        "2 errors in t.csv:",
        "  t.csv, row 1: missing column employee_id (to read column 'Employee ID' as "
        'employee_id: --map "Employee ID=employee_id")',
        "  t.csv, row 1: missing column name (to read a column of the file as name: "
        '--map "Column=name")',
    ]


def test_parse_mapping() -> None:
    assert parse_mapping(["Emp No=employee_id", " Mgr = manager_id ", "a=b=c", "Salary="]) == {
        "Emp No": "employee_id",
        "Mgr": "manager_id",
        "a=b": "c",
        "Salary": "",
    }
    assert parse_mapping([]) == {}


def test_parse_mapping_reports_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_mapping(
            ["Emp No", "=name", "x=full name", "A=a", "A=b", "B=a", "C=\x01c", "D=e", "D=e"]
        )
    assert str(caught.value).splitlines() == [
        "--map 'Emp No': expected COLUMN=FIELD, e.g. --map \"Emp No=employee_id\"",
        "--map '=name': no column name before '='",
        "--map 'x=full name': 'full name' is not a field name (letters, digits, '_', '.', '-')",
        "--map 'A=b': column 'A' is mapped twice",
        "--map 'B=a': 'a' is given by 'A=a' already",
        "--map 'C=\\x01c': contains control character U+0001",
        "--map 'D=e': column 'D' is mapped twice",
    ]


# --- XLSX


def test_xlsx_cells_are_read_as_text_predictably(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            ["id", "n", "when", "flag", "note"],
            [7, 3.0, date(2020, 1, 2), True, "  padded  "],
            [8.5, 0.25, datetime(2020, 1, 2, 9, 30), False, time(14, 5)],
            [None, None, None, None, None],
            ["E3", 12345678901, datetime(2021, 3, 4), None, 1e-05],
        ],
    )
    table = read_table(path)
    assert [(r.number, r.cells) for r in table] == [
        (2, {"id": "7", "n": "3", "when": "2020-01-02", "flag": "TRUE", "note": "padded"}),
        (
            3,
            {"id": "8.5", "n": "0.25", "when": "2020-01-02 09:30:00", "flag": "FALSE"}
            | {"note": "14:05:00"},
        ),
        (5, {"id": "E3", "n": "12345678901", "when": "2021-03-04", "note": "1e-05"}),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (3, "3"),
        (-3.0, "-3"),
        (2.5, "2.5"),
        (1e20, "1e+20"),
        (True, "TRUE"),
        (date(2026, 1, 31), "2026-01-31"),
        (datetime(2026, 1, 31, 0, 0), "2026-01-31"),
        (datetime(2026, 1, 31, 8, 0, 1), "2026-01-31 08:00:01"),
        (" x ", "x"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_an_excel_date_reads_as_a_date(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["hire_date"], [date(2019, 9, 16)]])
    (row,) = read_table(path)
    assert as_date(row.req("hire_date"), row.where("hire_date")) == date(2019, 9, 16)


def test_formulas_are_never_evaluated(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            ["text", "cached", "uncached"],
            [Text("=1+1"), "=2+2", "=3+3"],
            [Text('=HYPERLINK("http://evil.example","x")'), Text("+1"), Text("@SUM(A1)")],
        ],
    )
    # Put a cached result, as a spreadsheet program saves one, on the formula in B2: a
    # wrong one, to show it is read, not computed.
    # (openpyxl writes an empty value as <v /> or <v></v>, depending on whether lxml is there.)
    rewrite_part(
        path, SHEET, lambda xml: re.sub(r"<f>2\+2</f><v( ?/>|></v>)", "<f>2+2</f><v>5</v>", xml)
    )
    assert [r.cells for r in read_table(path)] == [
        {"text": "=1+1", "cached": "5"},  # a formula without a saved result reads as empty
        {"text": '=HYPERLINK("http://evil.example","x")', "cached": "+1", "uncached": "@SUM(A1)"},
    ]


def test_spreadsheet_errors_are_problems_of_their_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["id", "name"], ["E1", "Ann"], ["E2", "x"]])
    rewrite_part(
        path,
        SHEET,
        lambda xml: xml.replace(
            '<c r="B3" t="inlineStr"><is><t>x</t></is></c>', '<c r="B3" t="e"><v>#N/A</v></c>'
        ),
    )
    first, second = read_table(path)
    assert first.problems == ()
    assert second.cells == {"id": "E2"}
    assert second.original == ("E2", "#N/A")
    assert [str(e) for e in second.problems] == [
        "t.xlsx, row 3, field 'name': shows the spreadsheet error #N/A"
    ]


def test_a_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["a"])
    first.append(["first"])
    second = book.create_sheet("People")
    second.append(["a"])
    second.append(["second"])
    book.save(path)
    assert rows_of(path) == [(2, {"a": "first"})]
    assert rows_of(path, sheet="People") == [(2, {"a": "second"})]
    with pytest.raises(
        InputError, match=r"^t.xlsx: no sheet 'Staff' \(sheets: 'Sheet', 'People'\)"
    ):
        read_table(path, sheet="Staff")


def test_a_claimed_size_of_a_whole_sheet_costs_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["a", "b"], ["1", "2"]])
    rewrite_part(path, SHEET, lambda xml: xml.replace('ref="A1:B2"', 'ref="A1:XFD1048576"'))
    assert rows_of(path) == [(2, {"a": "1", "b": "2"})]


def test_rows_past_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 10)
    path = write_xlsx(tmp_path / "t.xlsx", [["a"], ["1"]])
    rewrite_part(
        path,
        SHEET,
        lambda xml: xml.replace('r="A2"', 'r="A2000"').replace('<row r="2"', '<row r="2000"'),
    )
    with pytest.raises(InputError, match=r"^t.xlsx: has more than 10 rows$"):
        read_table(path)
    csv_path = write_csv(tmp_path / "t.csv", "a\n" + "1\n" * 10)
    with pytest.raises(InputError, match=r"^t.csv: has more than 10 rows$"):
        read_table(csv_path)


# --- hostile or wrong files


def _patch_declared_size(data: bytes, part: str, size: int) -> bytes:
    """The archive with ``part`` declaring ``size`` bytes unpacked in the central directory."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        name = bytes(out[at + 46 : at + 46 + name_length]).decode()
        if name == part:
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 46)
    raise AssertionError(f"{part} not found")


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bomb.xlsx", [["a"], ["1"]])
    path.write_bytes(_patch_declared_size(path.read_bytes(), SHEET, 300 * 2**20))
    assert path.stat().st_size < 10_000  # a small file that claims to unpack to 300 MiB
    with pytest.raises(
        InputError,
        match=r"^bomb.xlsx: refused: part 'xl/worksheets/sheet1.xml' would unpack to "
        r"314572800 bytes, more than 200 MiB \(a zip bomb\?\)$",
    ):
        read_table(path)


def test_a_highly_compressed_part_over_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_XLSX_PART_BYTES", 100_000)
    path = write_xlsx(tmp_path / "bomb.xlsx", [["a"], ["1"]])
    pad = "<!--" + " " * 200_000 + "-->"  # compresses to a few hundred bytes
    rewrite_part(path, SHEET, lambda xml: xml + pad)
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError, match=r"^bomb.xlsx: refused: part 'xl/worksheets/sheet1.xml'"):
        read_table(path)


def test_a_part_that_unpacks_to_more_than_it_declares_is_not_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["a"], ["1"]])
    path.write_bytes(_patch_declared_size(path.read_bytes(), SHEET, 10))
    with pytest.raises(InputError, match=r"^t.xlsx(, row \d+)?: is not a readable XLSX workbook"):
        read_table(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"id,name\n1,Ann\n", r"^t.xlsx: is not an XLSX workbook \(not a zip archive"),
        (xlsx._OLE_MAGIC + b"\0" * 600, r"^t.xlsx: is an encrypted workbook or an old .xls"),
        (b"", r"^t.xlsx: is not an XLSX workbook \(not a zip archive"),
    ],
)
def test_what_is_no_workbook(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_a_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match=r"^t.xlsx: is not a readable XLSX workbook \(\w+"):
        read_table(path)


def test_entities_in_a_workbook_are_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["a"], ["1"]])
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    rewrite_part(path, SHEET, lambda xml: xml.replace("<worksheet", doctype + "<worksheet", 1))
    with pytest.raises(InputError, match=r"^t.xlsx(, row 1)?: is not a readable XLSX workbook"):
        read_table(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_only_regular_files_within_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    folder = tmp_path / f"t{suffix}"
    folder.mkdir()
    with pytest.raises(InputError, match=rf"^t{suffix}: is not a regular file$"):
        read_table(folder)
    big = tmp_path / f"big{suffix}"
    big.write_bytes(b"x" * 200)
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match=rf"^big{suffix}: file is larger than 0 MiB$"):
        read_table(big)
    with pytest.raises(InputError, match=rf"^none{suffix}: cannot read the file"):
        read_table(tmp_path / f"none{suffix}")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("t.xls", r"^t.xls: cannot read .xls files: save the sheet as .xlsx or .csv \(UTF-8\)$"),
        ("t.ods", r"^t.ods: cannot read .ods files"),
        ("t.txt", r"^t.txt: unknown kind of table '.txt' \(expected .csv or .xlsx\)$"),
        ("t", r"^t: unknown kind of table '\(no suffix\)'"),
    ],
)
def test_other_kinds_of_file(tmp_path: Path, name: str, message: str) -> None:
    path = write_csv(tmp_path / name, "a\n1\n")
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_a_csv_file_has_no_sheets(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^t.csv: a CSV file has no sheets"):
        read_table(write_csv(tmp_path / "t.csv", "a\n"), sheet="x")


def test_uppercase_suffixes_are_fine(tmp_path: Path) -> None:
    assert rows_of(write_csv(tmp_path / "T.CSV", "a\n1\n")) == [(2, {"a": "1"})]
    assert rows_of(write_xlsx(tmp_path / "T.XLSX", [["a"], [1]])) == [(2, {"a": "1"})]


# --- collecting errors


def test_input_errors_show_the_first_twenty_and_count_the_rest() -> None:
    errors = [InputError(f"bad {n}", file="p.csv", row=n) for n in range(2, 27)]
    text = str(InputErrors(errors))
    lines = text.splitlines()
    assert lines[0] == "25 errors in p.csv:"
    assert lines[1] == "  p.csv, row 2: bad 2"
    assert lines[20] == "  p.csv, row 21: bad 21"
    assert lines[21:] == ["  ... and 5 more"]
    assert str(InputErrors(errors[:1])) == "p.csv, row 2: bad 2"
    with pytest.raises(ValueError, match="at least one"):
        InputErrors([])


def test_an_error_list_sorts_by_row_and_keeps_everything() -> None:
    errors = ErrorList()
    errors.raise_if_any()  # nothing to raise
    errors.add(InputError("c", file="f", row=5))
    with errors.collect():
        raise InputErrors([InputError("a", file="f", row=3), InputError("b", file="f", row=9)])
    assert errors.attempt(lambda: int("4")) == 4
    assert errors.attempt(lambda: _fail(InputError("d", file="f"))) is None
    assert len(errors) == 4
    with pytest.raises(InputErrors) as caught:
        errors.raise_if_any()
    assert [e.reason for e in caught.value.errors] == ["d", "a", "c", "b"]


def _fail(error: Exception) -> int:
    raise error


def test_a_row_reader_keeps_one_error_per_field(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "id,when,name,x\n,2020-13-01,A\x02,\n")
    (row,) = read_table(path)
    r = RowReader(row)
    assert r.text("id", required=True) is None
    assert r.get("when", as_date) is None
    assert r.text("name", required=True) is None  # its problem is reported once
    assert r.text("x") is None
    assert r.get("when", as_date) is None  # not read again
    assert [str(e) for e in r.errors] == [
        "t.csv, row 2, field 'name': contains control character U+0002",
        "t.csv, row 2, field 'id': is empty",
        "t.csv, row 2, field 'when': '2020-13-01' is not a date (expected YYYY-MM-DD)",
    ]
    assert not r.ok
