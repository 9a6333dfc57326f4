"""Reading the files of an ESCO export: finding them, checking headers, numbering records,
cleaning text, gathering the problems that become warnings rather than errors, and keeping
the errors of bad records to report them all at once."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skillgap.errors import InputError
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import CONTROL_CHARACTERS as _CONTROL
from skillgap.formats.tabular import Where, check_text, read_text

# As in tabular: C0 controls except tab, newline and carriage return, DEL, and C1 controls.
# UTF-8 read as Latin-1: a lead byte, then continuation bytes ("â\x80\x99" for U+2019).
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]{1,3}")
_C1 = re.compile("[\u0080-\u009f]")
# An ESCO concept URI: http://data.europa.eu/esco/skill/<uuid>, .../isced-f/<code>, ...
_URI = re.compile(r"https?://[^\s/]+(?:/[^\s/]+)*/([^\s/]+)")

EXAMPLES = 3


def find(folder: Path, names: Sequence[str], *, required: bool) -> Path | None:
    """The first of ``names`` present in ``folder`` (the v1.1 name first, then v1.2's)."""
    for name in names:
        path = folder / name
        if path.exists():
            return path
    if not required:
        return None
    also = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
    raise InputError(f"missing: an ESCO CSV export has this file{also}", file=names[0])


class Tally:
    """Counts one kind of problem and keeps a few examples, for one warning about them all."""

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[str] = []
        self._keys: set[str] = set()

    def add(self, example: str, key: str | None = None) -> None:
        """Counts one case; ``key`` (e.g. a URI) keeps examples distinct."""
        self.count += 1
        if key is None:
            if len(self.examples) < EXAMPLES:
                self.examples.append(example)
        elif key not in self._keys:
            self._keys.add(key)
            if len(self.examples) < EXAMPLES:
                self.examples.append(example)

    def warn(self, warnings: list[str], what: str) -> None:
        if self.count:
            distinct = f", {len(self._keys)} distinct" if self._keys else ""
            examples = "; ".join(self.examples)
            warnings.append(f"{what} ({self.count}{distinct}); e.g. {examples}")


@dataclass
class Notes:
    """What an import found wrong without stopping: warnings, the text it cleaned, and the
    errors of the records it skipped (all raised together once every file is read)."""

    warnings: list[str] = field(default_factory=list)
    cleaned: Tally = field(default_factory=Tally)
    errors: ErrorList = field(default_factory=ErrorList)


class Table:
    """One CSV file of the export: its columns, then its records, numbered as a spreadsheet
    numbers them (header row 1; row n+1 is the n-th record, whatever newlines it holds).

    Records come as lists padded to the header's width (ESCO leaves trailing empty cells
    out). A control character in a ``strict`` column (a URI, a type) is an error; in any
    other (labels, descriptions, notes) it is repaired, and counted in ``notes.cleaned``.

    Problems of the header, and CSV that cannot be parsed, raise ``InputError`` at once. An
    error of one record (more cells than columns, a control character in a strict column)
    goes to ``errors`` (``notes.errors``) and the record is skipped; readers of the records
    keep theirs there too, so every bad record of every file is reported together.
    """

    def __init__(
        self,
        path: Path,
        required: Sequence[str],
        *,
        strict: Collection[str],
        notes: Notes,
    ) -> None:
        self.file = path.name
        text = read_text(path)  # a regular file, at most MAX_FILE_BYTES, UTF-8
        self._dirty = _CONTROL.search(text) is not None
        self._strict = strict
        self._cleaned = notes.cleaned
        self.errors = notes.errors
        self._reader = csv.reader(_lines(text))
        try:
            header = [column.strip() for column in next(self._reader, [])]
        except csv.Error as exc:
            raise InputError(f"invalid CSV: {exc}", file=self.file, row=1) from None
        self.header = header
        self.columns: dict[str, int] = {}
        for index, column in enumerate(header):
            bad = _CONTROL.search(column)
            if bad:
                raise InputError(
                    f"a column name contains control character U+{ord(bad.group()):04X}",
                    file=self.file,
                    row=1,
                )
            if column and column in self.columns:
                raise InputError(
                    f"column {column!r} appears twice", file=self.file, row=1, field=column
                )
            self.columns[column] = index
        missing = [column for column in required if column not in self.columns]
        if missing:
            raise InputError(f"missing column(s): {', '.join(missing)}", file=self.file, row=1)

    def index(self, column: str) -> int | None:
        return self.columns.get(column)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        number = 1
        try:
            for number, record in enumerate(self._reader, start=2):
                if len(record) != width:
                    if len(record) > width:
                        self.errors.add(
                            InputError(
                                "has more cells than the header has columns",
                                file=self.file,
                                row=number,
                            )
                        )
                        continue
                    record.extend([""] * (width - len(record)))
                if not any(record):
                    continue  # a blank record: skipped, but counted
                if self._dirty and not self._clean(record, number):
                    continue
                yield number, record
        except csv.Error as exc:
            raise InputError(f"invalid CSV: {exc}", file=self.file, row=number + 1) from None

    def _clean(self, record: list[str], number: int) -> bool:
        """Repairs the record's text cells; False (the error kept) when a strict cell holds a
        control character."""
        dirty = [index for index, value in enumerate(record) if _CONTROL.search(value)]
        for index in dirty:
            column = self.header[index]
            if column in self._strict:
                try:
                    check_text(record[index], Where(self.file, column, number))  # raises
                except InputError as exc:
                    self.errors.add(exc)
                    return False
        for index in dirty:
            record[index] = _CONTROL.sub("", _MOJIBAKE.sub(_repair, record[index]))
            self._cleaned.add(f"{self.file} row {number} field {self.header[index]!r}")
        return True

    def where(self, column: str, number: int) -> Where:
        return Where(self.file, column, number)


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text``, each with its newline, for the csv module (which joins the
    lines of a quoted cell); no copy of the text is made."""
    start, end, find_ = 0, len(text), text.find
    while start < end:
        stop = find_("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start : stop + 1]
        start = stop + 1


def _repair(match: re.Match[str]) -> str:
    """UTF-8 that was decoded as Latin-1 (``â\\x80\\x99``), decoded again (U+2019)."""
    text = match.group()
    if not _C1.search(text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return text


def cell(record: list[str], index: int | None) -> str:
    """An optional column's value, stripped; "" when the file has no such column."""
    return record[index].strip() if index is not None else ""


def required(table: Table, record: list[str], column: str, number: int) -> str:
    value = record[table.columns[column]].strip()
    if not value:
        raise table.where(column, number).error("is empty")
    return value


def concept_code(table: Table, uri: str, column: str, number: int) -> str:
    """The stable last part of a concept URI: a UUID, or an ISCED-F code for some groups."""
    match = _URI.fullmatch(uri)
    if match is None:
        raise table.where(column, number).error(f"{uri!r} is not an ESCO concept URI")
    return match.group(1)


def labels(text: str, preferred: str) -> tuple[str, ...]:
    """A cell of newline-separated labels: stripped, without blanks, repeats or the
    preferred label itself."""
    if not text:
        return ()
    found = dict.fromkeys(label for part in text.split("\n") if (label := part.strip()))
    found.pop(preferred, None)
    return tuple(found)
