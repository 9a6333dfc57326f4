"""Reading XLSX workbooks as untrusted input: regular files within the size limit, zip-bomb
and entity safe (openpyxl reads through defusedxml), the sheet's claimed size ignored, cells
as data (never formulas) turned into text predictably."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from skillgap.errors import InputError
from skillgap.formats import tabular

MAX_ROWS = 1_048_576  # as many as a spreadsheet program holds in one sheet
MAX_XLSX_PART_BYTES = 200 * 1024 * 1024
MAX_XLSX_PARTS = 10_000
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx

#: A row as read: its number (header row 1), its cells as text, and cells the reader refused.
RawRow = tuple[int, list[str], dict[int, str]]


def too_many_rows(name: str) -> InputError:
    return InputError(f"has more than {MAX_ROWS} rows", file=name)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, by the rules of ``tabular.read_text``: regular files, size limit."""
    name = path.name
    limit = tabular.MAX_FILE_BYTES
    too_large = InputError(f"file is larger than {limit // 2**20} MiB", file=name)
    try:
        fd = os.open(path, _OPEN_FLAGS)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError("is not a regular file", file=name)
            if info.st_size > limit:
                raise too_large
            with os.fdopen(fd, "rb", closefd=False) as stream:
                data = stream.read(limit + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=name) from None
    if len(data) > limit:
        raise too_large
    return data


def check_zip(data: bytes, name: str) -> None:
    """Refuses what is no zip archive, and archives that would unpack to too much.

    The sizes checked are those the archive declares; reading a part never unpacks more than
    its declared size (``zipfile`` stops there, and the checksum then fails).
    """
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            "is an encrypted workbook or an old .xls file: save it as a plain .xlsx", file=name
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise InputError(f"is not an XLSX workbook (not a zip archive: {exc})", file=name) from None
    if len(parts) > MAX_XLSX_PARTS:
        raise InputError(f"is not an XLSX workbook (more than {MAX_XLSX_PARTS} parts)", file=name)
    limit = MAX_XLSX_PART_BYTES
    for part in parts:
        if part.file_size > limit:
            raise InputError(
                f"refused: part {part.filename!r} would unpack to {part.file_size} bytes, "
                f"more than {limit // 2**20} MiB (a zip bomb?)",
                file=name,
            )


def open_workbook(data: bytes, name: str) -> Any:
    # Imported here: only XLSX reading needs it. (openpyxl ships no types; the second code
    # keeps this line right once types-openpyxl is installed.)
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a hostile or broken file may fail anywhere inside openpyxl
        raise InputError(f"is not a readable XLSX workbook ({_describe(exc)})", file=name) from None


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    text = text if len(text) <= 200 else text[:200] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def xlsx_rows(book: Any, sheet: str | None, name: str) -> Iterator[RawRow]:
    sheets = list(book.worksheets)  # worksheets only, not chart sheets
    if sheet is None:
        if not sheets:
            raise InputError("the workbook has no worksheet", file=name)
        ws = sheets[0]
    else:
        found = [s for s in sheets if s.title == sheet]
        if not found:
            titles = ", ".join(repr(s.title) for s in sheets)
            raise InputError(f"no sheet {sheet!r} (sheets: {titles})", file=name)
        ws = found[0]
    # Forget the size the sheet claims: its rows and columns are read as they are, so a
    # claimed size of a million rows by 16384 columns costs nothing.
    ws.reset_dimensions()
    number = 0
    try:
        for number, row in enumerate(ws.iter_rows(), start=1):
            if number > MAX_ROWS:
                raise too_many_rows(name)
            texts: list[str] = []
            flagged: dict[int, str] = {}
            for index, cell in enumerate(row):
                if cell.data_type == "e":
                    flagged[index] = f"shows the spreadsheet error {cell.value}"
                texts.append(cell_text(cell.value))
            yield number, texts, flagged
    except InputError:
        raise
    except Exception as exc:  # a hostile or broken sheet may fail anywhere inside openpyxl
        raise InputError(
            f"is not a readable XLSX workbook ({_describe(exc)})", file=name, row=number + 1
        ) from None


def cell_text(value: object) -> str:
    """A spreadsheet cell's value as text, by the rules in the module's description."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()
