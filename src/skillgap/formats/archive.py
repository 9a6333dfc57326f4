"""A ZIP archive unpacked into a folder, read as hostile input: for what is uploaded as a
zipped folder (an ESCO or O*NET framework, an organisation bundle). The checks are those of
credential backpacks (``formats.badges.sources``), which read each member into memory
instead; here each member is written to the folder, counted in bytes actually expanded."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from skillgap.errors import InputError, InputErrors
from skillgap.formats.badges.sources import (
    ZIP_MAGIC,
    ZipLimits,
    directory_problem,
    hidden,
    member_problem,
)
from skillgap.formats.tabular import CONTROL_CHARACTERS, MAX_FILE_BYTES

#: A zipped folder's limits: its files each as large as a table may be (tabular.py).
FOLDER_LIMITS = ZipLimits(
    file_bytes=MAX_FILE_BYTES,
    archive_bytes=MAX_FILE_BYTES * 4,
    members=1_000,
    expanded_bytes=256 * 2**20,
)
_BLOCK = 1024 * 1024
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def unpack_zip(
    archive: Path, into: Path, *, name: str, what: str, limits: ZipLimits | None = None
) -> Path:
    """The ZIP at ``archive`` unpacked into the empty folder ``into``, read as hostile input
    with the checks of credential backpacks (formats/badges/sources.py): the archive's size
    and member count read from its end record before it is parsed; no absolute, climbing,
    backslashed or control-character names, links or encrypted members; each file and the
    whole counted in bytes actually expanded. Hidden entries (``.x``, ``__MACOSX``) are
    skipped. Every problem of the names is reported at once (``InputErrors``, each naming
    ``name!member``). Answers the folder holding the files: ``into``, or the one folder it
    holds when the archive is a ZIP of the folder itself."""
    limits = limits or FOLDER_LIMITS
    with archive.open("rb") as stream:
        if stream.read(4) not in ZIP_MAGIC:
            raise InputError(f"not a ZIP archive: expected {what}, zipped", file=name)
        problem = directory_problem(stream, limits)
        if problem:
            raise InputError(problem, file=name)
        try:
            with zipfile.ZipFile(stream) as zipped:
                _unpack(zipped, into, name, limits)
        except (*_UNREADABLE, ValueError, struct.error) as exc:
            raise InputError(f"not a readable zip archive ({exc})", file=name) from None
    entries = [p for p in into.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    if not entries:
        raise InputError(f"the ZIP archive holds no files: expected {what}", file=name)
    return into


def _unpack(zipped: zipfile.ZipFile, into: Path, name: str, limits: ZipLimits) -> None:
    members = zipped.infolist()
    if len(members) > limits.members:
        raise InputError(f"zip archive has more than {limits.members} members", file=name)
    errors: list[InputError] = []
    files: dict[PurePosixPath, zipfile.ZipInfo] = {}
    for info in members:
        member = f"{name}!{CONTROL_CHARACTERS.sub('?', info.filename)}"
        problem = member_problem(info) or _name_problem(info.filename)
        if problem is not None:
            errors.append(InputError(problem, file=member))
        elif not (info.is_dir() or hidden(info.filename)):
            path = PurePosixPath(info.filename)
            if path in files:
                errors.append(InputError("the archive holds this name twice", file=member))
            files[path] = info
    folders = {parent for path in files for parent in path.parents}
    errors += [
        InputError("the archive holds a file and a folder of this name", file=f"{name}!{path}")
        for path in files
        if path in folders
    ]
    if errors:
        raise InputErrors(errors)
    root = into.resolve()
    expanded = 0
    for path, info in files.items():
        target = root.joinpath(*path.parts)
        if root not in target.parents:  # not expected after the name checks: a last guard
            raise InputError("unsafe member name", file=f"{name}!{path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipped.open(info) as source, target.open("xb") as out:
            expanded += _copy(source, out, expanded, f"{name}!{path}", limits)


def _name_problem(filename: str) -> str | None:
    parts = PurePosixPath(filename).parts
    if not parts:
        return "unsafe member name: it is empty"
    too_long = len(filename.encode("utf-8")) > 1024 or len(parts) > 32
    if too_long or any(len(part.encode("utf-8")) > 255 for part in parts):
        return "unsafe member name: too long or too deep"
    return None


def _copy(source: IO[bytes], out: IO[bytes], before: int, member: str, limits: ZipLimits) -> int:
    """Copies one member in blocks, stopping one byte past its limit or the archive's."""
    limit = min(limits.file_bytes, limits.expanded_bytes - before)
    used = 0
    while block := source.read(min(_BLOCK, limit + 1 - used)):
        used += len(block)
        if used > limit:
            if used + before > limits.expanded_bytes:
                total = limits.expanded_bytes // 2**20
                raise InputError(f"the zip archive expands to more than {total} MiB", file=member)
            size = limits.file_bytes // 2**20
            raise InputError(f"zip member expands to more than {size} MiB", file=member)
        out.write(block)
    return used
