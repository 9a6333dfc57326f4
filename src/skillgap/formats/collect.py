"""Keeping every error of an input, to report them at once, and writing cells back safely."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from skillgap.errors import InputError, InputErrors
from skillgap.formats.tabular import CONTROL_CHARACTERS as _CONTROL

T = TypeVar("T")


# --- all the errors of a file at once


class ErrorList:
    """Gathers the errors of one input, to raise them together at the end."""

    def __init__(self) -> None:
        self._errors: list[InputError] = []

    def add(self, error: InputError) -> None:
        self._errors.append(error)

    def extend(self, errors: Iterable[InputError]) -> None:
        self._errors.extend(errors)

    def __len__(self) -> int:
        return len(self._errors)

    def __iter__(self) -> Iterator[InputError]:
        return iter(self._errors)

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Keeps an input error raised in the block (one, or all of an ``InputErrors``)."""
        try:
            yield
        except InputErrors as exc:
            self.extend(exc.errors)
        except InputError as exc:
            self.add(exc)

    def attempt(self, read: Callable[[], T]) -> T | None:
        """``read()``, or ``None`` when it raises an input error (kept)."""
        with self.collect():
            return read()
        return None

    def raise_if_any(self) -> None:
        """Raises ``InputErrors`` with every error kept, if any: file by file, in the order the
        files first gave an error, and by row within a file (file-wide errors first)."""
        if self._errors:
            order: dict[str, int] = {}
            for error in self._errors:
                order.setdefault(error.file, len(order))
            raise InputErrors(sorted(self._errors, key=lambda e: (order[e.file], e.row or 0)))


# --- writing cells back safely

#: A cell starting with one of these would be read as a formula by a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(cell: str) -> str:
    """A cell to write into a CSV a person may open in a spreadsheet: never a formula (OWASP:
    a leading quote), no control characters."""
    cell = _CONTROL.sub("\ufffd", cell)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def write_errors(errors: Sequence[InputError], path: Path) -> None:
    """The errors as a CSV a person can open in a spreadsheet: file, row, field, reason."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "row", "field", "reason"])
        for e in errors:
            row = "" if e.row is None else str(e.row)
            writer.writerow([safe_cell(e.file), row, safe_cell(e.field or ""), safe_cell(e.reason)])
