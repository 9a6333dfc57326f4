"""Reading untrusted YAML and CSV safely, with errors that name the file, row and field.

Limits: only regular files are read (not devices or pipes), and at most ``MAX_FILE_BYTES``
of them; YAML is read with the safe loader (no Python objects); CSV cells are kept as text.
Text may not contain control characters other than tab, newline and carriage return.
Nothing here writes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from skillgap.errors import InputError, ValidationError

MAX_FILE_BYTES = 50 * 1024 * 1024

E = TypeVar("E", bound=StrEnum)

# C0 controls except tab, newline and carriage return (NUL included), DEL, and C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL = CONTROL_CHARACTERS
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Opening a FIFO for reading would wait for a writer: open without waiting, then refuse it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_text(path: Path) -> str:
    name = path.name
    try:
        fd = os.open(path, _OPEN_FLAGS)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError("is not a regular file", file=name)
            if info.st_size > MAX_FILE_BYTES:
                raise _too_large(name)
            with os.fdopen(fd, "rb", closefd=False) as stream:
                data = stream.read(MAX_FILE_BYTES + 1)  # the size may change, or be unknown
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=name) from None
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=name) from None


def _too_large(name: str) -> InputError:
    return InputError(f"file is larger than {MAX_FILE_BYTES // 2**20} MiB", file=name)


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character)
        reason = (
            _control_reason(char)
            if _CONTROL.match(char)
            else f"invalid YAML: character U+{ord(char):04X} is not allowed"
        )
        raise InputError(reason, file=path.name, row=line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", file=path.name, row=row) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of keys to values at the top", file=path.name)
    return data


@dataclass(frozen=True)
class CsvRow:
    """One data row; ``number`` counts rows as a spreadsheet does (header is row 1)."""

    file: str
    number: int
    cells: dict[str, str]

    def text(self, field: str, *, required: bool = True) -> str | None:
        value = (self.cells.get(field) or "").strip()
        if not value:
            if required:
                raise self.error(field, "is empty")
            return None
        return value

    def req(self, field: str) -> str:
        value = self.text(field)
        assert value is not None
        return value

    def where(self, field: str) -> Where:
        return Where(self.file, field, self.number)

    def error(self, field: str, reason: str) -> InputError:
        return self.where(field).error(reason)


def read_csv(path: Path, required: list[str]) -> Iterator[CsvRow]:
    """The data rows of a CSV file, numbered as a spreadsheet shows them.

    Row n+1 is the n-th record, whatever newlines its quoted cells hold; blank records are
    skipped but counted.
    """
    name = path.name
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    number = 0  # the last row read; an error in reading is in the next one
    try:
        header = next(reader, [])
        number = 1
        _check_header(header, required, name)
        for number, record in enumerate(reader, start=2):
            if len(record) > len(header):
                raise InputError(
                    "has more cells than the header has columns", file=name, row=number
                )
            cells = dict(zip(header, record, strict=False))
            if not any(value.strip() for value in cells.values()):
                continue
            for column, value in cells.items():
                if _CONTROL.search(value):
                    check_text(value, Where(name, column, number))
            yield CsvRow(name, number, cells)
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=name, row=number + 1) from None


def _check_header(header: list[str], required: list[str], file: str) -> None:
    seen: set[str] = set()
    for column in header:
        bad = _CONTROL.search(column)
        if bad:
            raise InputError(f"a column name {_control_reason(bad.group())}", file=file, row=1)
        if column and column in seen:
            raise InputError(f"column {column!r} appears twice", file=file, row=1, field=column)
        seen.add(column)
    missing = [col for col in required if col not in seen]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", file=file, row=1)


# Coercions, shared by the YAML and CSV paths: ``where`` says how to locate an error.


@dataclass(frozen=True)
class Where:
    file: str
    field: str
    row: int | None = None

    def error(self, reason: str) -> InputError:
        return InputError(reason, file=self.file, row=self.row, field=self.field)

    def at(self, field: str) -> Where:
        return Where(self.file, field, self.row)

    def sub(self, key: str | int) -> Where:
        """A part of this field: ``roles[2]`` then ``.sub("id")`` is ``roles[2].id``."""
        return self.at(f"{self.field}[{key}]" if isinstance(key, int) else f"{self.field}.{key}")

    @property
    def place(self) -> str:
        return f"row {self.row}" if self.row is not None else self.field


def check_text(value: str, where: Where) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise where.error(_control_reason(bad.group()))
    return value


def _control_reason(char: str) -> str:
    return f"contains control character U+{ord(char):04X}"


def _scalar(value: object, where: Where) -> object:
    """Refuses a structure where one value belongs (and before it is turned into text)."""
    if value is None:
        raise where.error("is missing")
    if isinstance(value, dict | list):
        raise where.error("expected a single value, got a structure")
    return value


def as_date(value: object, where: Where) -> date:
    if isinstance(_scalar(value, where), datetime):
        raise where.error("expected a date (YYYY-MM-DD), got a date and time")
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise where.error(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def as_int(value: object, where: Where) -> int:
    if isinstance(_scalar(value, where), bool):
        raise where.error(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise where.error(f"{value!r} is not a whole number") from None


def as_text(value: object, where: Where, *, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise where.error("is missing")
        return ""
    return check_text(str(_scalar(value, where)).strip(), where)


_FLAGS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def as_flag(value: str, where: Where) -> bool:
    """yes/no, true/false or 1/0, in any case."""
    try:
        return _FLAGS[value.strip().lower()]
    except KeyError:
        raise where.error(f"{value!r} is not one of: yes, no, true, false, 1, 0") from None


def as_enum(value: object, kind: type[E], where: Where) -> E:
    try:
        return kind(str(_scalar(value, where)).strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise where.error(f"{value!r} is not one of: {allowed}") from None


def as_list(value: object, where: Where) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.error("expected a list")
    return value


def list_items(data: Mapping[str, Any], key: str, file: str) -> list[tuple[Where, Any]]:
    """The items of the YAML list at ``key``, each with its place (``key[i]``)."""
    where = Where(file, key)
    return [(where.sub(i), item) for i, item in enumerate(as_list(data.get(key), where))]


def as_mapping(value: object, where: Where, keys: Collection[str]) -> Mapping[str, Any]:
    """A YAML mapping whose keys are all among ``keys`` (a misspelt key is an error, never
    silently ignored)."""
    if not isinstance(value, dict):
        raise where.error("expected a mapping of keys to values")
    for key in value:
        if key not in keys:
            expected = ", ".join(sorted(keys))
            raise where.sub(str(key)).error(f"unknown key {key!r} (expected: {expected})")
    return value


@contextmanager
def rules_at(where: Where) -> Iterator[None]:
    """Reports a domain rule broken inside the block at ``where``; located errors pass."""
    try:
        yield
    except InputError:
        raise
    except ValidationError as exc:
        raise where.error(str(exc)) from None


def unique(items: Iterable[tuple[str, Where]], what: str) -> None:
    """Refuses a value that appears twice, at its second place."""
    seen: dict[str, Where] = {}
    for value, where in items:
        if value in seen:
            raise where.error(f"{what} {value!r} appears twice (first at {seen[value].place})")
        seen[value] = where


def only_keys(data: Mapping[str, Any], keys: Collection[str], file: str) -> None:
    """A YAML file's top level may hold only ``keys`` (a misspelt key is an error)."""
    for key in data:
        if key not in keys:
            expected = ", ".join(sorted(keys))
            raise InputError(
                f"unknown key {key!r} (expected: {expected})", file=file, field=str(key)
            )
