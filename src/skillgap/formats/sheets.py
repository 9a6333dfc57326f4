"""Reading spreadsheets safely: a CSV file or an XLSX sheet as a table of text cells, its
columns mapped to skillgap fields, and every error of a file gathered to report at once.

A table is a CSV file, or one sheet of an XLSX workbook (the first, or the one named). Row 1
is the header (the column names); every further row is a record, numbered as the spreadsheet
shows it. Blank rows are skipped but counted. A value in a column without a name is an error
of its row.

Cells are data, never formulas. Nothing is evaluated: a formula cell gives the value the
spreadsheet program computed and saved with the file (a formula no program ever computed, as
scripts write them, reads as empty), and a text cell starting with ``=`` is that text. Every
cell is read as text with surrounding spaces stripped:

- whole numbers without a decimal point (``3.0`` reads ``3``), other numbers as Python writes
  them (``0.25``); number formats (percentages, leading zeros, thousands separators) are not
  applied;
- dates as ``YYYY-MM-DD``, dates with a time of day as ``YYYY-MM-DD HH:MM:SS``, times as
  ``HH:MM:SS``; booleans as ``TRUE`` / ``FALSE``, as the spreadsheet shows them;
- a cell showing a spreadsheet error (``#N/A``, ``#REF!`` ...) is an error of its row, and so is
  a control character (the rule of ``tabular``: none but tab, newline and carriage return).

CSV files are UTF-8 (a byte-order mark is fine). Cells are separated by commas, or by
semicolons or tabs when the header row holds more of those than commas (spreadsheet programs
in many locales write ``;``). Quoting must be well formed: a quote left open is an error,
not a cell that swallows the rest of the file.

Limits: only regular files, of at most ``tabular.MAX_FILE_BYTES``; at most ``xlsx.MAX_ROWS`` rows.
An XLSX workbook is a zip archive: one holding a part that would unpack to more
than ``xlsx.MAX_XLSX_PART_BYTES`` (a zip bomb), or more than ``xlsx.MAX_XLSX_PARTS`` parts,
is refused before anything is unpacked. XML entities and DTDs are refused (openpyxl reads
through defusedxml).

Column mapping: real exports never match a template, so ``mapping`` renames columns of the
file to skillgap fields, ``{"Emp No": "employee_id"}``; a column mapped to ``""`` is left out
(to keep, say, salaries out of a person's attributes). ``parse_mapping`` reads the ``--map``
options of the command line (``--map "Emp No=employee_id"``). Errors name the column as the
file does (``Emp No``), since that is where the user looks.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from skillgap.errors import ConfigError, InputError, InputErrors, ValidationError
from skillgap.formats import tabular, xlsx
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import CONTROL_CHARACTERS as _CONTROL
from skillgap.formats.tabular import CsvRow, Where
from skillgap.formats.xlsx import (
    RawRow,
    check_zip,
    open_workbook,
    read_bytes,
    too_many_rows,
    xlsx_rows,
)

T = TypeVar("T")

SUFFIXES = (".csv", ".xlsx")
#: Spreadsheets skillgap cannot read, but can say how to save for it.
OTHER_SPREADSHEETS = (".xls", ".xlsm", ".ods", ".numbers")

_FIELD_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


# --- tables


@dataclass(frozen=True)
class SheetRow(CsvRow):
    """A data row. ``cells`` holds its good, non-dropped cells by skillgap field; ``original``
    every cell as read, in the order of ``Table.header``; ``problems`` the errors of cells the
    sheet itself refused (those cells are missing from ``cells``). Errors name the column as
    the file does."""

    original: tuple[str, ...] = ()
    problems: tuple[InputError, ...] = ()
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def where(self, field: str) -> Where:
        return Where(self.file, self.sources.get(field, field), self.number)


@dataclass(frozen=True)
class Table:
    file: str
    header: tuple[str, ...]  # row 1 as the file has it (empty names included)
    fields: tuple[str | None, ...]  # what each column is read as; None: no name, or left out
    rows: tuple[SheetRow, ...]

    def __iter__(self) -> Iterator[SheetRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, field: str) -> bool:
        return field in self.fields

    def source(self, field: str) -> str:
        """The file's name for the column read as ``field`` (``field`` if there is none)."""
        for name, mapped in zip(self.header, self.fields, strict=True):
            if mapped == field:
                return name
        return field

    def lookalike(self, field: str) -> str | None:
        """A column kept under its own name that looks like ``field`` ("Employee ID" for
        employee_id): probably meant as that field, when the file has no column for it."""
        if self.has(field):
            return None
        key = _squash(field)
        for name, mapped in zip(self.header, self.fields, strict=True):
            if mapped == name and _squash(name) == key:
                return name
        return None

    def missing(self, field: str, reason: str | None = None) -> InputError:
        """The error for a missing column ``field``, suggesting a column to map to it."""
        text = reason or f"missing column {field}"
        like = self.lookalike(field)
        if like is not None:
            text += f' (to read column {like!r} as {field}: --map "{like}={field}")'
        else:
            text += f' (to read a column of the file as {field}: --map "Column={field}")'
        return InputError(text, file=self.file, row=1)

    def require(self, *fields: str) -> None:
        """Raises ``InputErrors`` naming every field of ``fields`` the table has no column for."""
        errors = [self.missing(f) for f in fields if not self.has(f)]
        if errors:
            raise InputErrors(errors)


def read_table(
    path: Path, *, sheet: str | None = None, mapping: Mapping[str, str] | None = None
) -> Table:
    """The table in a .csv or .xlsx file (chosen by the file's suffix).

    Raises ``InputError`` when the file cannot be read as a table at all, ``InputErrors`` for
    the problems of its header and mapping (all of them). Problems of single cells do not
    raise: they are the ``problems`` of their rows, for the reader of the rows to report.
    """
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if sheet is not None:
            raise InputError("a CSV file has no sheets (a sheet is named)", file=name)
        return _table(name, _csv_rows(path), mapping or {})
    if suffix == ".xlsx":
        data = read_bytes(path)
        check_zip(data, name)
        with warnings.catch_warnings():  # openpyxl warns about features it does not read
            warnings.simplefilter("ignore")
            book = open_workbook(data, name)
            try:
                return _table(name, xlsx_rows(book, sheet, name), mapping or {})
            finally:
                book.close()
    if suffix in OTHER_SPREADSHEETS:
        raise InputError(
            f"cannot read {suffix} files: save the sheet as .xlsx or .csv (UTF-8)", file=name
        )
    raise InputError(
        f"unknown kind of table {suffix or '(no suffix)'!r} (expected .csv or .xlsx)", file=name
    )


# (number, cells as text, problems of cells by their index)


def _table(name: str, rows: Iterator[RawRow], mapping: Mapping[str, str]) -> Table:
    first = next(rows, None)
    if first is None or not any(first[1]):
        raise InputError("row 1 is empty: it must name the columns", file=name, row=1)
    header = tuple(first[1])
    errors = ErrorList()
    for index, flag in first[2].items():
        errors.add(InputError(f"column {_letter(index)} {flag}", file=name, row=1))
    fields = _map_columns(header, mapping, name, errors)
    errors.raise_if_any()
    sources = {f: h for h, f in zip(header, fields, strict=True) if f is not None}
    kept: list[SheetRow] = []
    for number, texts, flagged in rows:
        if not any(texts) and not flagged:
            continue
        cells: dict[str, str] = {}
        problems: list[InputError] = []
        for index, text in enumerate(texts):
            column = header[index] if index < len(header) else ""
            reason = flagged.get(index) or _control(text)
            if not column:
                if text:
                    unnamed = f"has a value in column {_letter(index)}, which has no name in row 1"
                    problems.append(InputError(unnamed, file=name, row=number))
                continue
            field = fields[index]
            if reason is not None:
                problems.append(InputError(reason, file=name, row=number, field=column))
            elif field is not None and text:
                cells[field] = text
        original = tuple(texts[: len(header)]) + ("",) * (len(header) - len(texts))
        kept.append(SheetRow(name, number, cells, original, tuple(problems), sources))
    return Table(name, header, fields, tuple(kept))


def _map_columns(
    header: tuple[str, ...], mapping: Mapping[str, str], file: str, errors: ErrorList
) -> tuple[str | None, ...]:
    def fail(reason: str, column: str | None = None) -> None:
        errors.add(InputError(reason, file=file, row=1, field=column))

    seen: set[str] = set()
    for column in header:
        bad = _control(column)
        if bad is not None:
            fail(f"a column name {bad}")
        elif column and column in seen:
            fail(f"column {column!r} appears twice", column)
        seen.add(column)
    wanted = {source.strip(): field.strip() for source, field in mapping.items()}
    for source in wanted:
        if source not in seen or not source:
            fail(f"no column {source!r} to map{_did_you_mean(source, header)}")
    fields = tuple((wanted.get(column, column) or None) if column else None for column in header)
    taken: dict[str, str] = {}
    for column, field in zip(header, fields, strict=True):
        if field is None:
            continue
        if field in taken and taken[field] != column:  # the same name twice is reported above
            other = taken[field]
            fail(f"columns {other!r} and {column!r} would both be read as {field}", column)
        taken[field] = column
    return fields


def _did_you_mean(name: str, header: Sequence[str]) -> str:
    named = [h for h in header if h]
    same = [h for h in named if _squash(h) == _squash(name)]
    close = same or difflib.get_close_matches(name, named, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _letter(index: int) -> str:
    """A spreadsheet's name for the column at ``index`` (0: A, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _control(text: str) -> str | None:
    bad = _CONTROL.search(text)
    return None if bad is None else f"contains control character U+{ord(bad.group()):04X}"


# --- CSV


def _csv_rows(path: Path) -> Iterator[RawRow]:
    name = path.name
    text = tabular.read_text(path)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)  # commas on a tie
    # strict: a quote left open is an error, not a cell swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0  # the last row read; an error in reading is in the next one
    try:
        for number, record in enumerate(reader, start=1):
            if number > xlsx.MAX_ROWS:
                raise too_many_rows(name)
            yield number, [cell.strip() for cell in record], {}
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=name, row=number + 1) from None


# --- the --map option


def parse_mapping(options: Iterable[str]) -> dict[str, str]:
    """``--map`` options, ``"Emp No=employee_id"``, as {column of the file: field}.

    The field follows the last ``=``: letters, digits, ``_``, ``.`` and ``-``; nothing after
    the ``=`` leaves the column out. Spaces around either side are ignored. Every problem is
    reported at once, as a ``ConfigError``.
    """
    mapping: dict[str, str] = {}
    given: dict[str, str] = {}  # field: the option that gave it
    problems: list[str] = []
    for option in options:
        column, sep, field = (part.strip() for part in option.rpartition("="))
        shown = f"--map {option!r}"
        if not sep:
            problems.append(f'{shown}: expected COLUMN=FIELD, e.g. --map "Emp No=employee_id"')
        elif not column:
            problems.append(f"{shown}: no column name before '='")
        elif _CONTROL.search(option):
            problems.append(f"{shown}: {_control(option)}")
        elif field and not _FIELD_NAME.fullmatch(field):
            problems.append(
                f"{shown}: {field!r} is not a field name (letters, digits, '_', '.', '-')"
            )
        elif column in mapping:
            problems.append(f"{shown}: column {column!r} is mapped twice")
        elif field and field in given:
            problems.append(f"{shown}: {field!r} is given by {given[field]!r} already")
        else:
            mapping[column] = field
            if field:
                given[field] = option
    if problems:
        raise ConfigError("\n".join(problems))
    return mapping


# --- reading a row's fields, keeping every error


class RowReader:
    """Reads the fields of one row, keeping each field's error and reading on.

    ``errors`` starts with the row's ``problems``; a field with an error is not read again
    (``None``), so one mistake gives one error.
    """

    def __init__(self, row: SheetRow) -> None:
        self.row = row
        self.errors: list[InputError] = list(row.problems)
        self._bad = {e.field for e in row.problems}

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, field: str, reason: str) -> None:
        where = self.row.where(field)
        self.errors.append(where.error(reason))
        self._bad.add(where.field)

    def failed(self, field: str) -> bool:
        return self.row.where(field).field in self._bad

    def text(self, field: str, *, required: bool = False) -> str | None:
        return self.get(field, lambda text, where: text, required=required)

    def get(
        self, field: str, parse: Callable[[str, Where], T], *, required: bool = False
    ) -> T | None:
        """``parse`` of the field's text, or ``None`` when empty or wrong (the error kept)."""
        if self.failed(field):
            return None
        text = self.row.cells.get(field, "")
        if not text:
            if required:
                self.fail(field, "is empty")
            return None
        where = self.row.where(field)
        try:
            return parse(text, where)
        except InputError as exc:
            self.errors.append(exc)
        except ValidationError as exc:
            self.errors.append(where.error(str(exc)))
        self._bad.add(where.field)
        return None
