"""Reading one table of an O*NET release, from the Excel edition (``<name>.xlsx``) or the
text edition (``<name>.txt``, tab-delimited UTF-8), through one interface.

Limits, as for every skillgap input: only regular files (not devices, pipes or folders),
at most ``tabular.MAX_FILE_BYTES`` on disk. A workbook is a zip archive: before openpyxl
opens it, the uncompressed sizes its members declare must add up to at most
``MAX_UNCOMPRESSED_BYTES`` (Python's zipfile never inflates a member past its declared size,
so the check bounds what is read). Workbooks are opened ``read_only`` and ``data_only``:
a cell is data, never a formula (a formula cell gives its cached value, none if it has
none; a text cell that starts with ``=`` stays text). XML is parsed by defusedxml (openpyxl
uses it when installed; skillgap depends on it), so entity expansion is refused.

Rows are numbered as a spreadsheet shows them (header row 1), blank rows skipped but
counted; at most ``MAX_COLUMNS`` columns and Excel's 1,048,576 rows are read.

Errors: a file that cannot be read (missing, not a regular file, too large, a zip bomb,
damaged XML, broken text) and a bad header (a missing or repeated column) raise one
``InputError`` at once. An error of one row is kept in the table's ``errors`` (shared by
every table of an import) and the row skipped, so that the readers can go on and report
every bad row of every file together (``ErrorList.raise_if_any``).
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat
import warnings
import zipfile
from collections.abc import Generator, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]  # openpyxl ships no types

from skillgap.errors import InputError
from skillgap.formats import tabular
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import CONTROL_CHARACTERS as _CONTROL
from skillgap.formats.tabular import read_text

MAX_UNCOMPRESSED_BYTES = 200 * 2**20
MAX_COLUMNS = 64
MAX_MEMBERS = 10_000
MAX_ROWS = 1_048_576  # Excel's limit

# As in tabular: C0 controls except tab, newline and carriage return, DEL, and C1 controls.
# Opening a FIFO for reading would wait for a writer: open without waiting, then refuse it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# Flag cells: Y flags; N, blank and the text edition's "n/a" do not.
_NOT_FLAGGED = frozenset({"N", "n", "", "n/a", "N/A"})


class Table:
    """One sheet: its file name, its columns, then its data rows; ``errors`` keeps the errors
    of bad rows (the readers add theirs), each row skipped."""

    def __init__(
        self,
        file: str,
        header: Sequence[object],
        required: Sequence[str],
        errors: ErrorList | None = None,
    ) -> None:
        self.file = file
        self.errors = ErrorList() if errors is None else errors
        self.columns: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = "" if cell is None else str(cell).strip()
            bad = _CONTROL.search(name)
            if bad:
                raise InputError(
                    f"a column name contains control character U+{ord(bad.group()):04X}",
                    file=file,
                    row=1,
                )
            if name and name in self.columns:
                raise InputError(f"column {name!r} appears twice", file=file, row=1, field=name)
            if name:
                self.columns[name] = index
        self.width = len(header)
        missing = [column for column in required if column not in self.columns]
        if missing:
            raise InputError(f"missing column(s): {', '.join(missing)}", file=file, row=1)
        self._rows: Iterator[Row] = iter(())

    def __iter__(self) -> Iterator[Row]:
        return self._rows


class Row:
    """One data row; values are read by column name, each error names file, row and field."""

    __slots__ = ("cells", "number", "table")

    def __init__(self, table: Table, number: int, cells: Sequence[object]) -> None:
        self.table = table
        self.number = number
        self.cells = cells

    def raw(self, column: str) -> object:
        return self.cells[self.table.columns[column]]

    def text(self, column: str) -> str:
        """A required text value, stripped (a number in a text column is read as text)."""
        value = self.optional(column)
        if not value:
            raise self.error(column, "is empty")
        return value

    def optional(self, column: str) -> str:
        value = self.cells[self.table.columns[column]]
        if value is None:
            return ""
        text = value.strip() if isinstance(value, str) else str(value).strip()
        bad = _CONTROL.search(text)
        if bad:
            raise self.error(column, f"contains control character U+{ord(bad.group()):04X}")
        return text

    def numeric(self, column: str) -> float:
        value = self.cells[self.table.columns[column]]
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str) and value.strip():
            try:
                number = float(value.strip())
            except ValueError:
                raise self.error(column, f"{value.strip()!r} is not a number") from None
        elif value is None or isinstance(value, str):
            raise self.error(column, "is empty")
        else:
            raise self.error(column, f"{value!r} is not a number")
        if not math.isfinite(number):
            raise self.error(column, f"{value!r} is not a number")
        return number

    def flag(self, column: str) -> bool:
        """``Y`` is true; ``N``, blank and ``n/a`` are false; anything else is an error."""
        value = self.cells[self.table.columns[column]]
        if value is None:
            return False
        text = str(value).strip()
        if text in ("Y", "y"):
            return True
        if text in _NOT_FLAGGED:
            return False
        raise self.error(column, f"{text!r} is not Y or N")

    def error(self, column: str, reason: str) -> InputError:
        return InputError(reason, file=self.table.file, row=self.number, field=column)


def find(folder: Path, name: str) -> Path | None:
    """``<name>.xlsx`` in ``folder``, else ``<name>.txt``; None when neither is there."""
    for suffix in (".xlsx", ".txt"):
        path = folder / f"{name}{suffix}"
        if os.path.lexists(path):
            return path
    return None


@contextmanager
def open_table(
    path: Path, required: Sequence[str], errors: ErrorList | None = None
) -> Iterator[Table]:
    """The table in ``path`` (.xlsx or .txt), its header checked for ``required``; the
    errors of its rows go to ``errors`` (a list of its own when None)."""
    if path.suffix == ".txt":
        yield _text_table(path, required, errors)
        return
    with ExitStack() as stack:
        stream = stack.enter_context(_open_regular(path))
        _check_archive(stream, path.name)
        yield _workbook_table(stream, path, required, stack, errors)


@contextmanager
def _open_regular(path: Path) -> Iterator[IO[bytes]]:
    name = path.name
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=name) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file", file=name)
        if info.st_size > tabular.MAX_FILE_BYTES:
            raise InputError(
                f"file is larger than {tabular.MAX_FILE_BYTES // 2**20} MiB", file=name
            )
        stream = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with stream:
        yield stream


def _check_archive(stream: IO[bytes], name: str) -> None:
    """Refuses what is not a zip archive, and an archive that would unpack too large."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InputError("is not an Excel workbook (.xlsx): not a zip archive", file=name) from None
    if len(members) > MAX_MEMBERS:
        raise InputError(f"is not an Excel workbook (more than {MAX_MEMBERS:,} parts)", file=name)
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"unpacks to {total // 2**20} MiB, more than the {MAX_UNCOMPRESSED_BYTES // 2**20} "
            "MiB allowed (refused: it may be a zip bomb)",
            file=name,
        )
    stream.seek(0)


def _workbook_table(
    stream: IO[bytes],
    path: Path,
    required: Sequence[str],
    stack: ExitStack,
    errors: ErrorList | None,
) -> Table:
    name = path.name
    try:
        with warnings.catch_warnings():  # openpyxl warns of features it ignores (styles ...)
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl
        raise InputError(
            f"cannot be read as an Excel workbook ({_reason(exc)})", file=name
        ) from None
    stack.callback(book.close)
    sheets = book.worksheets
    if not sheets:
        raise InputError("has no worksheet", file=name)
    # The sheet named as the file (O*NET's layout), else the first one.
    sheet = next((s for s in sheets if s.title == path.stem), sheets[0])
    sheet.reset_dimensions()  # read every row, whatever size the file claims
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    except Exception as exc:
        raise InputError(f"cannot be read ({_reason(exc)})", file=name, row=1) from None
    header = list(first)
    while header and header[-1] is None:
        header.pop()
    table = Table(name, header, required, errors)
    rows = _sheet_rows(table, sheet)
    stack.callback(rows.close)  # ends its warnings filter with the table, read or not
    table._rows = rows
    return table


def _sheet_rows(table: Table, sheet: Any) -> Generator[Row, None, None]:
    width = table.width
    number = 1
    with warnings.catch_warnings():  # openpyxl warns of sheet features it drops
        warnings.simplefilter("ignore")
        try:
            for number, cells in enumerate(
                sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
            ):
                if number > MAX_ROWS:
                    raise InputError(
                        f"has more than {MAX_ROWS:,} rows", file=table.file, row=number
                    )
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue  # a blank row: skipped, but counted
                yield Row(table, number, cells)
        except InputError:
            raise
        except Exception as exc:  # damaged XML or cells, found while streaming
            raise InputError(
                f"cannot be read ({_reason(exc)})", file=table.file, row=number + 1
            ) from None


def _text_table(path: Path, required: Sequence[str], errors: ErrorList | None) -> Table:
    text = read_text(path)  # a regular file, at most MAX_FILE_BYTES, UTF-8
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError(f"invalid tab-delimited text: {exc}", file=path.name, row=1) from None
    table = Table(path.name, header, required, errors)
    table._rows = _text_rows(table, reader)
    return table


def _text_rows(table: Table, reader: Iterator[list[str]]) -> Iterator[Row]:
    width = table.width
    number = 1
    try:
        for number, record in enumerate(reader, start=2):
            if len(record) > width:
                table.errors.add(
                    InputError(
                        "has more cells than the header has columns", file=table.file, row=number
                    )
                )
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < width:
                record.extend([""] * (width - len(record)))
            yield Row(table, number, record)
    except csv.Error as exc:
        raise InputError(
            f"invalid tab-delimited text: {exc}", file=table.file, row=number + 1
        ) from None


def _reason(exc: BaseException) -> str:
    """The root cause (openpyxl wraps the XML parser's error in a ValueError), in one line."""
    while isinstance(exc.__cause__, Exception):
        exc = exc.__cause__
    lines = str(exc).strip().splitlines()
    detail = lines[0][:200] if lines else ""
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
