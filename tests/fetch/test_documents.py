"""DirectoryFetcher against a real folder: answers, lookups, and hostile index entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skillgap.errors import FetchError, InputError
from skillgap.fetch.documents import DirectoryFetcher

DID = "did:web:issuer.example"
DID_URL = "https://issuer.example/.well-known/did.json"


def folder(path: Path, index: dict[str, Any], files: dict[str, bytes] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, body in (files or {}).items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(body)
    (path / "index.json").write_text(json.dumps(index))
    return path


def refused(path: Path, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        DirectoryFetcher(path, **kwargs)
    assert caught.value.file.endswith("index.json")
    return caught.value


def test_answers_listed_urls_with_status_and_content_type(tmp_path: Path) -> None:
    docs = folder(
        tmp_path,
        {
            "https://a.example/status": {"file": "status.jwt"},
            "https://a.example/ctx": {"file": "sub/ctx.jsonld", "status": 203},
            "https://a.example/img": {"file": "badge.png", "content_type": "image/x-custom"},
            "https://gone.example/x": {"status": 410},
        },
        {"status.jwt": b"eyJ.a.b", "sub/ctx.jsonld": b"{}", "badge.png": b"\x89PNG"},
    )
    fetcher = DirectoryFetcher(docs)

    status = fetcher.fetch("https://a.example/status")
    assert (status.status, status.content_type, status.body) == (200, "application/jwt", b"eyJ.a.b")
    ctx = fetcher.fetch("https://a.example/ctx")
    assert (ctx.status, ctx.content_type) == (203, "application/ld+json")
    assert fetcher.fetch("https://a.example/img").content_type == "image/x-custom"
    gone = fetcher.fetch("https://gone.example/x")
    assert (gone.url, gone.status, gone.body, gone.ok) == (
        "https://gone.example/x",
        410,
        b"",
        False,
    )


def test_did_web_by_did_first_then_by_its_url(tmp_path: Path) -> None:
    by_url = DirectoryFetcher(
        folder(tmp_path / "u", {DID_URL: {"file": "d.json"}}, {"d.json": b"1"})
    )
    assert by_url.fetch(DID).body == b"1"
    assert by_url.fetch(DID).url == DID
    assert by_url.fetch(DID + "#key-1").body == b"1"

    both = DirectoryFetcher(
        folder(
            tmp_path / "b",
            {DID: {"file": "did.json"}, DID_URL: {"file": "url.json"}},
            {"did.json": b"did", "url.json": b"url"},
        )
    )
    assert both.fetch(DID).body == b"did"
    assert both.fetch(DID_URL).body == b"url"


def test_fragment_is_stripped_for_lookup(tmp_path: Path) -> None:
    fetcher = DirectoryFetcher(
        folder(tmp_path, {"https://a.example/k": {"file": "k.json"}}, {"k.json": b"{}"})
    )
    document = fetcher.fetch("https://a.example/k#frag")
    assert (document.url, document.body) == ("https://a.example/k#frag", b"{}")


def test_unknown_url_is_a_fetch_error_naming_the_folder(tmp_path: Path) -> None:
    fetcher = DirectoryFetcher(folder(tmp_path, {}))
    with pytest.raises(FetchError, match="not in the documents folder") as caught:
        fetcher.fetch("https://elsewhere.example/")
    assert str(tmp_path) in caught.value.reason
    with pytest.raises(FetchError):
        fetcher.fetch("did:web:")  # malformed DID: no URL to fall back to


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("../secret.json", "cannot contain '..'"),
        ("sub/../../secret.json", "cannot contain '..'"),
        ("/etc/passwd", "relative to the folder"),
        ("missing.json", "not found"),
        ("", "non-empty relative path"),
        (7, "non-empty relative path"),
    ],
)
def test_file_paths_that_leave_the_folder_or_do_not_exist(
    tmp_path: Path, file: object, message: str
) -> None:
    (tmp_path / "secret.json").write_text("{}")
    error = refused(folder(tmp_path / "docs", {"https://a.example/": {"file": file}}))
    assert message in error.reason
    assert error.field == "https://a.example/"


def test_symlink_escaping_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.json").write_text("{}")
    docs = folder(tmp_path / "docs", {"https://a.example/": {"file": "link.json"}})
    (docs / "link.json").symlink_to(tmp_path / "secret.json")
    assert "leads outside" in refused(docs).reason


def test_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    docs = folder(tmp_path, {"https://a.example/": {"file": "link.json"}}, {"real.json": b"ok"})
    (docs / "link.json").symlink_to(docs / "real.json")
    assert DirectoryFetcher(docs).fetch("https://a.example/").body == b"ok"


def test_directory_is_not_a_regular_file(tmp_path: Path) -> None:
    docs = folder(tmp_path, {"https://a.example/": {"file": "sub"}})
    (docs / "sub").mkdir()
    assert "not a regular file" in refused(docs).reason


def test_oversized_file_refused_on_load_and_if_it_grows_later(tmp_path: Path) -> None:
    docs = folder(tmp_path, {"https://a.example/": {"file": "a.json"}}, {"a.json": b"x" * 11})
    assert "larger than 10 bytes" in refused(docs, max_file_bytes=10).reason

    (docs / "a.json").write_bytes(b"x" * 10)
    fetcher = DirectoryFetcher(docs, max_file_bytes=10)
    (docs / "a.json").write_bytes(b"x" * 11)
    with pytest.raises(FetchError, match="larger than 10 bytes"):
        fetcher.fetch("https://a.example/")


@pytest.mark.parametrize(
    ("index", "message", "field"),
    [
        (b"[1, 2]", "must be a JSON object", None),
        (b"{not json", "not valid JSON", None),
        (b"\xff\xfe", "not valid JSON", None),
        (b'{"https://a/": {"status": 410}, "https://a/": {"status": 404}}', "twice", "https://a/"),
        (b'{"ftp://a/": {"status": 410}}', "http(s) URLs or DIDs", "ftp://a/"),
        (b'{"https://a/": "a.json"}', "must be an object", "https://a/"),
        (b'{"https://a/": {"status": 410, "fiel": "a"}}', "unknown field(s) fiel", "https://a/"),
        (b'{"https://a/": {"status": "200"}}', "HTTP status", "https://a/"),
        (b'{"https://a/": {"status": true}}', "HTTP status", "https://a/"),
        (b'{"https://a/": {"status": 200}}', "needs a file", "https://a/"),
        (b'{"https://a/": {"status": 404, "content_type": 3}}', "media type", "https://a/"),
    ],
)
def test_bad_index_names_index_json_and_the_key(
    tmp_path: Path, index: bytes, message: str, field: str | None
) -> None:
    (tmp_path / "index.json").write_bytes(index)
    error = refused(tmp_path)
    assert message in error.reason
    assert error.field == field
    assert "index.json" in str(error)


def test_unknown_extension_needs_a_content_type(tmp_path: Path) -> None:
    docs = folder(tmp_path, {"https://a.example/": {"file": "a.bin"}}, {"a.bin": b"?"})
    assert "give content_type" in refused(docs).reason


def test_missing_folder_index_and_oversized_index(tmp_path: Path) -> None:
    assert "does not exist" in refused(tmp_path / "nowhere").reason
    assert "needs an index.json" in refused(tmp_path).reason
    folder(tmp_path, {"https://a.example/": {"status": 410}})
    assert "larger than 10 bytes" in refused(tmp_path, max_index_bytes=10).reason
