"""Reading untrusted YAML and CSV safely, with errors that name the file, row and field.

Limits: a file larger than ``MAX_FILE_BYTES`` is refused before it is parsed; YAML is read
with the safe loader (no Python objects); CSV cells are kept as text. Nothing here writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from skillgap.errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024

E = TypeVar("E", bound=StrEnum)


def read_text(path: Path) -> str:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=name) from None
    if size > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES // 2**20} MiB", file=name)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=name) from None


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(read_text(path))
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
    """One data row; ``number`` counts lines as a spreadsheet does (header is row 1)."""

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

    def error(self, field: str, reason: str) -> InputError:
        return InputError(reason, file=self.file, row=self.number, field=field)


def read_csv(path: Path, required: list[str]) -> Iterator[CsvRow]:
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [col for col in required if col not in header]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", file=path.name, row=1)
    try:
        for record in reader:
            if None in record:
                raise InputError(
                    "has more cells than the header has columns",
                    file=path.name,
                    row=reader.line_num,
                )
            cells = {k: v for k, v in record.items() if k is not None and v is not None}
            if not any(value.strip() for value in cells.values()):
                continue
            yield CsvRow(path.name, reader.line_num, cells)
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=path.name, row=reader.line_num) from None


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


def as_date(value: object, where: Where) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise where.error(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def as_int(value: object, where: Where) -> int:
    if isinstance(value, bool):
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
    if isinstance(value, dict | list):
        raise where.error("expected text, got a structure")
    return str(value).strip()


def as_enum(value: object, kind: type[E], where: Where) -> E:
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise where.error(f"{value!r} is not one of: {allowed}") from None


def as_list(value: object, where: Where) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.error("expected a list")
    return value


def as_mapping(value: object, where: Where) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise where.error("expected a mapping of keys to values")
    return value


def rule_broken(error: Exception, where: Where) -> InputError:
    """A domain rule broken by a value read from ``where``."""
    return where.error(str(error))


def unique(values: list[str], where: Where, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise where.error(f"{what} {value!r} appears twice")
        seen.add(value)
