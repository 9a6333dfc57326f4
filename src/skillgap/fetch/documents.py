"""A folder of documents standing in for the network: ``skillgap verify --documents DIR``.

An air-gapped verifier is handed the issuers' DID documents, status lists and badge images as
files. ``DIR/index.json`` says which URL (or DID) each file answers for::

    {
      "https://issuer.example/status/1": {"file": "status-1.jwt"},
      "did:web:issuer.example": {"file": "did.json", "content_type": "application/did+json"},
      "https://gone.example/badge": {"status": 410}
    }

The folder may come from anyone, so it is read as hostile input: the index is validated when
the fetcher is built (errors name ``index.json`` and the key), and every ``file`` must be a
regular file inside the folder, below a size cap, after symlinks are resolved.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from skillgap.errors import FetchError, InputError
from skillgap.fetch import Document, did_web_url

__all__ = ["CONTENT_TYPES", "DirectoryFetcher"]

MiB = 1024 * 1024

#: Content types by file extension, for entries that do not name one.
CONTENT_TYPES: dict[str, str] = {
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".jwt": "application/jwt",
    ".txt": "text/plain",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}

_FIELDS = frozenset({"file", "status", "content_type"})


@dataclass(frozen=True)
class _Entry:
    path: Path | None
    status: int
    content_type: str


class DirectoryFetcher:
    """Answers from the files listed in ``directory/index.json``; anything else is a FetchError.

    A ``did:web`` DID is looked up as itself first, then at its ``did_web_url``; a URL with a
    fragment is also looked up without it. ``Document.url`` is what was asked for.
    """

    INDEX = "index.json"

    def __init__(
        self,
        directory: Path,
        *,
        max_file_bytes: int = 5 * MiB,
        max_index_bytes: int = 20 * MiB,
    ) -> None:
        self.directory = directory
        self.max_file_bytes = max_file_bytes
        self._index_name = str(directory / self.INDEX)
        self._root = self._resolve_root()
        self._entries = self._load(max_index_bytes)

    def fetch(self, url: str) -> Document:
        for key in self._keys(url):
            entry = self._entries.get(key)
            if entry is not None:
                return Document(url, entry.status, entry.content_type, self._read(url, entry))
        raise FetchError(url, f"not in the documents folder {self.directory}")

    @staticmethod
    def _keys(url: str) -> list[str]:
        """The index keys that may answer ``url``, most specific first."""
        keys = [url]
        bare = url.split("#", 1)[0]
        if bare != url:
            keys.append(bare)
        if bare.startswith("did:web:"):
            with contextlib.suppress(ValueError):  # a malformed DID: only its own key answers
                keys.append(did_web_url(bare))
        return keys

    def _read(self, url: str, entry: _Entry) -> bytes:
        if entry.path is None:
            return b""
        # Checked on load, read again now: the file may have grown since.
        try:
            with entry.path.open("rb") as handle:
                body = handle.read(self.max_file_bytes + 1)
        except OSError as error:
            raise FetchError(url, f"cannot read {entry.path}: {error.strerror}") from None
        if len(body) > self.max_file_bytes:
            raise FetchError(url, f"{entry.path} is larger than {self.max_file_bytes} bytes")
        return body

    # -- loading and validating the index -------------------------------------------------

    def _error(self, reason: str, key: str | None = None) -> InputError:
        return InputError(reason, file=self._index_name, field=key)

    def _resolve_root(self) -> Path:
        if not self.directory.is_dir():
            raise self._error(f"the documents folder {self.directory} does not exist")
        return self.directory.resolve(strict=True)

    def _load(self, max_index_bytes: int) -> dict[str, _Entry]:
        index = self._root / self.INDEX
        if not index.is_file():
            raise self._error("not found: the documents folder needs an index.json")
        if index.stat().st_size > max_index_bytes:
            raise self._error(f"larger than {max_index_bytes} bytes")
        try:
            data = json.loads(index.read_bytes(), object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as error:
            raise self._error(f"not valid JSON: {error.msg} (line {error.lineno})") from None
        except UnicodeDecodeError:
            raise self._error("not valid JSON: not UTF-8 text") from None
        except _DuplicateKey as error:
            raise self._error("the key appears twice", error.key) from None
        except (RecursionError, ValueError) as error:  # absurd nesting, 5,000-digit numbers
            raise self._error(f"not usable JSON: {str(error)[:120]}") from None
        if not isinstance(data, dict):
            raise self._error("must be a JSON object mapping URLs or DIDs to entries")
        return {key: self._entry(key, value) for key, value in data.items()}

    def _entry(self, key: str, value: Any) -> _Entry:
        if not key.startswith(("https://", "http://", "did:")):
            raise self._error("keys must be http(s) URLs or DIDs", key)
        if not isinstance(value, dict):
            raise self._error('must be an object such as {"file": "doc.json"}', key)
        unknown = sorted(set(value) - _FIELDS)
        if unknown:
            raise self._error(f"unknown field(s) {', '.join(unknown)}", key)
        status = value.get("status", 200)
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise self._error(f"status must be an HTTP status (100-599), not {status!r}", key)
        file = value.get("file")
        if file is None and 200 <= status < 300:
            raise self._error(f"a status {status} entry needs a file", key)
        path = None if file is None else self._checked_file(key, file)
        content_type = value.get("content_type")
        if content_type is None:
            content_type = self._default_type(key, path)
        elif not isinstance(content_type, str) or "/" not in content_type:
            raise self._error(f"content_type must be a media type, not {content_type!r}", key)
        return _Entry(path, status, content_type)

    def _checked_file(self, key: str, file: Any) -> Path:
        """``file`` resolved, or an InputError if it could lead outside the folder."""
        if not isinstance(file, str) or not file.strip():
            raise self._error("file must be a non-empty relative path", key)
        relative = PurePosixPath(file)
        if relative.is_absolute() or "\\" in file or ":" in file:
            raise self._error(f"file {file!r} must be a path relative to the folder", key)
        if ".." in relative.parts:
            raise self._error(f"file {file!r} cannot contain '..'", key)
        try:
            path = (self._root / relative).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            raise self._error(f"file {file!r} not found in {self.directory}", key) from None
        if not path.is_relative_to(self._root):
            raise self._error(f"file {file!r} leads outside the documents folder", key)
        if not path.is_file():
            raise self._error(f"file {file!r} is not a regular file", key)
        if path.stat().st_size > self.max_file_bytes:
            raise self._error(f"file {file!r} is larger than {self.max_file_bytes} bytes", key)
        return path

    def _default_type(self, key: str, path: Path | None) -> str:
        if path is None:
            return "application/json"
        try:
            return CONTENT_TYPES[path.suffix.lower()]
        except KeyError:
            raise self._error(
                f"cannot tell the content type of {path.name!r}: give content_type", key
            ) from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object hook that refuses a repeated key instead of silently keeping the last."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result
