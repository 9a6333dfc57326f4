"""Where credential payloads come from: files, folders and zip backpacks, read as hostile input.

``iter_inputs`` turns the paths a user names into ``Input`` values, one per file or archive
member, in a stable order. A file that cannot be read becomes an ``Input`` carrying an error
instead of an exception, so one bad file among thousands is reported and the run goes on. Every
read is bounded: file size, number of files, and for zips the archive size, member count,
member size and total expanded size, counted in bytes actually decompressed (headers lie).
Zip member names are checked even though nothing is written to disk: a name such as
``../evil.json`` says the archive was made to attack something, and it is shown to the user.

``load_json`` parses a payload with the checks JSON parsers skip: size, nesting depth (counted
before parsing, so a deep document cannot exhaust the stack), duplicate keys and NaN/Infinity.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from skillgap.errors import ValidationError
from skillgap.formats.tabular import CONTROL_CHARACTERS

__all__ = [
    "JSON_MAX_DEPTH",
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_EXPANDED_BYTES",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_JSON_BYTES",
    "Input",
    "PayloadError",
    "iter_inputs",
    "json_depth",
    "load_json",
]

MAX_FILE_BYTES = 10 * 2**20  # a file, or one zip member once expanded
MAX_FILES = 100_000
MAX_ARCHIVE_BYTES = 200 * 2**20  # a zip file as stored
MAX_ARCHIVE_MEMBERS = 10_000
MAX_EXPANDED_BYTES = 200 * 2**20  # all members of one zip, expanded
MAX_JSON_BYTES = 10 * 2**20
JSON_MAX_DEPTH = 64

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive
_READ_BLOCK = 64 * 1024
# What reading a corrupt, truncated or exotic (unsupported method) member may raise.
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
)
_DIRECTORY_BYTES_PER_MEMBER = 1024  # generous: a central directory entry is 46 bytes + name
# Opening a FIFO for reading would wait for a writer: open without waiting, then refuse it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class PayloadError(ValidationError, ValueError):
    """A payload that is not acceptable JSON; the message names the input and the reason."""


@dataclass(frozen=True)
class Input:
    """One file or zip member: ``data`` when it was read, else ``error`` saying why not.

    ``name`` is for display: the path as given (``badges/a.json``), and for a zip member the
    archive and member joined by ``!`` (``backpack.zip!badges/a.json``)."""

    name: str
    data: bytes | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.error is None):
            raise ValueError("an Input has either data or an error")


@dataclass(frozen=True)
class ZipLimits:
    file_bytes: int
    archive_bytes: int
    members: int
    expanded_bytes: int


def iter_inputs(
    paths: Sequence[Path],
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_files: int = MAX_FILES,
    max_archive_bytes: int = MAX_ARCHIVE_BYTES,
    max_members: int = MAX_ARCHIVE_MEMBERS,
    max_expanded_bytes: int = MAX_EXPANDED_BYTES,
) -> Iterator[Input]:
    """Every input under ``paths``: files as they are, folders walked (sorted, depth first,
    hidden entries skipped), zip archives (recognised by their first bytes) expanded.

    Past ``max_files`` inputs, one last error ``Input`` says the run stopped there."""
    limits = ZipLimits(max_file_bytes, max_archive_bytes, max_members, max_expanded_bytes)
    with closing(_inputs(paths, limits)) as inputs:
        for count, item in enumerate(inputs, start=1):
            if count > max_files:
                yield Input(item.name, error=f"more than {max_files} files; stopped before this")
                return
            yield item


def _inputs(paths: Sequence[Path], limits: ZipLimits) -> Generator[Input, None, None]:
    for path in paths:
        try:
            is_folder = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError as exc:
            yield Input(str(path), error=_os_reason(exc))
            continue
        yield from _walk(path, limits) if is_folder else _file(path, str(path), limits)


def _walk(root: Path, limits: ZipLimits) -> Iterator[Input]:
    """Depth first, names sorted; iterative, so a deep tree cannot exhaust the stack. A link
    is followed only when it stays inside ``root``; each real folder is visited once."""
    root_real = os.path.realpath(root)
    visited = {root_real}
    stack = [_listing(str(root))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, Input):
            yield entry
            continue
        if entry.name.startswith("."):
            continue
        real = os.path.realpath(entry.path)
        if entry.is_symlink() and not _inside(real, root_real):
            yield Input(entry.path, error="symbolic link to outside the folder; not followed")
        elif _is_dir(entry):
            if real not in visited:  # a link back up would loop; a second link repeats
                visited.add(real)
                stack.append(_listing(entry.path))
        else:
            yield from _file(Path(entry.path), entry.path, limits)


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive (Windows)
        return False


def _listing(folder: str) -> Iterator[os.DirEntry[str] | Input]:
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except OSError as exc:
        yield Input(folder, error=_os_reason(exc))
        return
    yield from listed


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _file(path: Path, name: str, limits: ZipLimits) -> Iterator[Input]:
    """A regular file's bytes, or the members of the zip archive it is."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before opening: a device may react
            yield Input(name, error="not a regular file")
            return
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        yield Input(name, error=_os_reason(exc))
        return
    with os.fdopen(fd, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check above
                yield Input(name, error="not a regular file")
                return
            data = stream.read(4)
            is_zip = data in ZIP_MAGIC
            if not is_zip:
                data += stream.read(limits.file_bytes + 1 - len(data))
        except OSError as exc:
            yield Input(name, error=_os_reason(exc))
            return
        if is_zip:
            yield from _archive(stream, name, limits)
        elif len(data) > limits.file_bytes:
            yield Input(name, error=f"file is larger than {_size(limits.file_bytes)}")
        else:
            yield Input(name, data=data)


def _archive(stream: IO[bytes], name: str, limits: ZipLimits) -> Iterator[Input]:
    """The members of a zip archive; a problem with the archive itself is one error Input."""
    archive = _open_archive(stream, limits)
    if isinstance(archive, str):
        yield Input(name, error=archive)
        return
    with archive:
        members = archive.infolist()
        if len(members) > limits.members:
            yield Input(name, error=f"zip archive has more than {limits.members} members")
            return
        expanded = 0
        for info in members:
            member = f"{name}!{_printable(info.filename)}"
            problem = member_problem(info)
            if problem:
                yield Input(member, error=problem)
                continue
            if info.is_dir() or hidden(info.filename):
                continue
            budget = limits.expanded_bytes - expanded
            data, problem, used = _read_member(archive, info, min(limits.file_bytes, budget))
            expanded += used
            if expanded > limits.expanded_bytes:
                total = _size(limits.expanded_bytes)
                yield Input(name, error=f"zip archive expands to more than {total}; stopped")
                return
            if problem == "too large":
                problem = f"zip member expands to more than {_size(limits.file_bytes)}"
            yield Input(member, data=data, error=problem)


def _open_archive(stream: IO[bytes], limits: ZipLimits) -> zipfile.ZipFile | str:
    """The open archive, or why it cannot be read."""
    try:
        problem = directory_problem(stream, limits)
        return problem if problem else zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        return f"not a readable zip archive ({exc})"


def directory_problem(stream: IO[bytes], limits: ZipLimits) -> str | None:
    """Check the archive's size, and its end record's member count and directory size, before
    ``zipfile`` builds an object per member (millions of tiny entries would exhaust memory)."""
    size = stream.seek(0, os.SEEK_END)
    if size > limits.archive_bytes:
        return f"zip archive is larger than {_size(limits.archive_bytes)}"
    tail_size = min(size, 22 + 65535)  # the end record, and a comment of at most 64 KiB
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return "not a readable zip archive (no end of central directory record)"
    count, directory = struct.unpack_from("<HI", tail, at + 10)
    if count == 0xFFFF or directory == 0xFFFFFFFF:  # ZIP64: the real numbers are elsewhere
        if at < 20 or tail[at - 20 : at - 16] != b"PK\x06\x07":
            return "not a readable zip archive (ZIP64 locator missing)"
        (record_at,) = struct.unpack_from("<Q", tail, at - 12)
        stream.seek(record_at)
        record = stream.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            return "not a readable zip archive (ZIP64 end record missing)"
        count, directory = struct.unpack_from("<QQ", record, 32)
    if count > limits.members:
        return f"zip archive has more than {limits.members} members ({count})"
    if directory > limits.members * _DIRECTORY_BYTES_PER_MEMBER:
        return f"zip archive's directory is {directory} bytes, too large for its members"
    stream.seek(0)
    return None


def member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name:
        return "unsafe member name: it contains a backslash"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "unsafe member name: it is an absolute path"
    if ".." in name.split("/"):
        return "unsafe member name: '..' would climb out of the archive"
    if CONTROL_CHARACTERS.search(name):
        return "unsafe member name: it contains control characters"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "zip member is a symbolic link; not followed"
    if info.flag_bits & 0x1:
        return "zip member is encrypted"
    return None


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
) -> tuple[bytes | None, str | None, int]:
    """(data, error, bytes expanded): read in blocks and stop one byte past ``limit``."""
    blocks: list[bytes] = []
    used = 0
    try:
        with archive.open(info) as member:
            while used <= limit:
                block = member.read(min(_READ_BLOCK, limit + 1 - used))
                if not block:
                    break
                if not blocks and block[:4] in ZIP_MAGIC:
                    return None, "nested zip archive; not expanded", len(block)
                blocks.append(block)
                used += len(block)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
    ) as e:
        return None, f"zip member cannot be read ({e})", used
    if used > limit:
        return None, "too large", used
    return b"".join(blocks), None, used


def hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/"))


def _printable(name: str) -> str:
    return CONTROL_CHARACTERS.sub("?", name)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read ({exc.strerror or exc})"


def _size(limit: int) -> str:
    return f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit} bytes"


# --- JSON --------------------------------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DELTA = tuple(1 if byte in b"[{" else -1 for byte in range(256))  # only brackets are left


def json_depth(text: str) -> int:
    """How deeply ``text``'s arrays and objects nest, counted without parsing: strings are
    cut out, then the brackets left are summed; all in C loops, so 10 MiB takes well under a
    second and no recursion happens. Malformed text gets a number too; parsing rejects it."""
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii")
    return max(accumulate(map(_DELTA.__getitem__, skeleton)), default=0)


def load_json(source: str | bytes, name: str) -> Any:
    """Parse a JSON payload, or raise ``PayloadError`` naming ``name`` and the reason."""
    if len(source) > MAX_JSON_BYTES:
        raise PayloadError(f"{name}: JSON is larger than {_size(MAX_JSON_BYTES)}")
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    else:
        text = source
    if json_depth(text) > JSON_MAX_DEPTH:
        raise PayloadError(f"{name}: JSON nests deeper than {JSON_MAX_DEPTH} levels")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise PayloadError(f"{name}: key {_short(key)} appears twice in one object")
            result[key] = value
        return result

    def constant(literal: str) -> Any:
        raise PayloadError(f"{name}: {literal} is not a number JSON allows")

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):  # 1e999 overflows to infinity
            constant(_short(literal))
        return value

    try:
        return json.loads(
            text, object_pairs_hook=pairs, parse_constant=constant, parse_float=number
        )
    except PayloadError:
        raise
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"{name}: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # an integer with more digits than Python converts
        raise PayloadError(f"{name}: invalid JSON: {exc}") from None
    except RecursionError:  # not expected after the depth check; kept as a last guard
        raise PayloadError(f"{name}: JSON nests too deeply") from None


def _short(text: str, limit: int = 60) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"
