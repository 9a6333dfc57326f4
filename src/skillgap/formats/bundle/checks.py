"""Reading a bundle on past its errors: every error of every file is kept in one ``ErrorList``
and raised together at the end (``ErrorList.raise_if_any``).

A file that cannot be read at all (missing, unreadable, not YAML or CSV, a missing column)
still stops the reading at once. Otherwise a bad item (a YAML list entry, a CSV row) is
reported and skipped, and reading goes on. An item that had an error is remembered by its
id (``Known.failed``): a reference to it from another item or file is not reported again,
as it is not wrong in itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, ParamSpec, TypeVar

from skillgap.errors import InputError
from skillgap.formats.collect import ErrorList
from skillgap.formats.sheets import SheetRow
from skillgap.formats.tabular import CONTROL_CHARACTERS, Where, check_text, read_text
from skillgap.formats.tabular import _check_header as check_header

P = ParamSpec("P")
T = TypeVar("T")
V = TypeVar("V")


def attempt(errors: ErrorList, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """``read(*args, **kwargs)``, or ``None`` when it raises an ``InputError`` (kept in
    ``errors``). As ``ErrorList.attempt``, without a closure for each value read."""
    try:
        return read(*args, **kwargs)
    except InputError as exc:
        errors.add(exc)
        return None


@dataclass(frozen=True)
class Known:
    """The ids of one kind of item: of those read well, and of those that had an error."""

    good: frozenset[str] = frozenset()
    failed: frozenset[str] = frozenset()

    def unknown(self, ident: str) -> bool:
        """Whether ``ident`` names no item at all: a reference to report. (A reference to an
        item that had an error is not reported: that error is.)"""
        return ident not in self.good and ident not in self.failed


@dataclass(frozen=True)
class Read(Generic[V]):
    """One item as read: its id (``None`` when that was unreadable), its value (``None``
    when the item had an error) and the place of its id."""

    id: str | None
    value: V | None
    where: Where


def settle(items: Iterable[Read[V]], what: str, errors: ErrorList) -> tuple[list[V], Known]:
    """The good values, their ids unique; an id that appears twice is an error at its second
    place (and that item is left out). Items that had errors count for ids all the same."""
    seen: dict[str, Where] = {}
    good: list[V] = []
    good_ids: set[str] = set()
    for item in items:
        if item.id is None:
            continue
        if item.id in seen:
            first = seen[item.id].place
            errors.add(item.where.error(f"{what} {item.id!r} appears twice (first at {first})"))
            continue
        seen[item.id] = item.where
        if item.value is not None:
            good.append(item.value)
            good_ids.add(item.id)
    return good, Known(frozenset(good_ids), frozenset(seen.keys() - good_ids))


def mapping_of(
    value: object, where: Where, keys: Collection[str], errors: ErrorList
) -> Mapping[str, Any] | None:
    """As ``tabular.as_mapping``, keeping its errors: ``None`` when ``value`` is no mapping;
    else the mapping, each key not among ``keys`` an error (its other keys are read all the
    same, so their errors are found too)."""
    if not isinstance(value, dict):
        errors.add(where.error("expected a mapping of keys to values"))
        return None
    top_keys(value, keys, where, errors)
    return value


def top_keys(
    data: Mapping[str, Any], keys: Collection[str], where: Where | str, errors: ErrorList
) -> None:
    """Each key of ``data`` not among ``keys`` is an error, at ``where`` (a YAML file's top
    level when ``where`` is the file's name)."""
    expected = ", ".join(sorted(keys))
    for key in data:
        if key not in keys:
            at = Where(where, str(key)) if isinstance(where, str) else where.sub(str(key))
            errors.add(at.error(f"unknown key {key!r} (expected: {expected})"))


def read_rows(path: Path, required: list[str]) -> Iterator[SheetRow]:
    """The data rows of a CSV file, as ``tabular.read_csv`` reads them (numbered as a
    spreadsheet shows them, blank records skipped but counted, cells stripped), except that
    a row with cells it refuses (a control character, more cells than the header has
    columns) is not an error raised: the errors are the row's ``problems``, to read with a
    ``RowReader``. A file that cannot be read, a bad header or broken quoting still raise.
    """
    name = path.name
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    number = 0  # the last row read; an error in reading is in the next one
    try:
        header = next(reader, [])
        number = 1
        check_header(header, required, name)
        for number, record in enumerate(reader, start=2):
            problems: list[InputError] = []
            if len(record) > len(header):
                problems.append(
                    InputError("has more cells than the header has columns", file=name, row=number)
                )
            cells = dict(zip(header, record, strict=False))
            if not problems and not any(value.strip() for value in cells.values()):
                continue
            for column, value in cells.items():
                if CONTROL_CHARACTERS.search(value):
                    try:
                        check_text(value, Where(name, column, number))
                    except InputError as exc:
                        problems.append(exc)
            stripped = {column: value.strip() for column, value in cells.items()}
            yield SheetRow(name, number, stripped, problems=tuple(problems))
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=name, row=number + 1) from None
