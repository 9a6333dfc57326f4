"""Files, folders and zip backpacks as inputs: every limit hit by a real file, every failure an
error Input (or a PayloadError) with a plain reason, never a hang."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import time
import zipfile
from pathlib import Path

import pytest

from skillgap.errors import SkillgapError
from skillgap.formats.badges import JSON_MAX_DEPTH, Input, PayloadError, iter_inputs, load_json
from skillgap.formats.badges.sources import json_depth


def outcomes(inputs: list[Input], root: Path | None = None) -> list[tuple[str, bytes | str]]:
    """(name, data or error) pairs, names relative to ``root`` to keep the tests readable."""
    prefix = f"{root}{os.sep}" if root else ""
    return [
        (i.name.removeprefix(prefix), i.data if i.data is not None else f"! {i.error}")
        for i in inputs
    ]


def make_zip(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- Input ----------------------------------------------------------------------------------


def test_an_input_has_data_or_an_error() -> None:
    with pytest.raises(ValueError, match="either data or an error"):
        Input("x")
    with pytest.raises(ValueError, match="either data or an error"):
        Input("x", data=b"", error="e")
    assert Input("x", data=b"").data == b""


# --- plain files and folders ----------------------------------------------------------------


def test_files_are_read_and_a_missing_one_is_an_error_input(tmp_path: Path) -> None:
    a = write(tmp_path / "a.json", b"{}")
    inputs = list(iter_inputs([tmp_path / "missing.json", a]))
    assert outcomes(inputs, tmp_path) == [
        ("missing.json", "! no such file or directory"),
        ("a.json", b"{}"),
    ]


def test_a_file_over_the_cap_does_not_stop_the_run(tmp_path: Path) -> None:
    big = write(tmp_path / "big.json", b"x" * 11)
    small = write(tmp_path / "small.json", b"y" * 10)
    inputs = list(iter_inputs([big, small], max_file_bytes=10))
    assert outcomes(inputs, tmp_path) == [
        ("big.json", "! file is larger than 10 bytes"),
        ("small.json", b"y" * 10),
    ]


def test_a_folder_is_walked_sorted_skipping_hidden_entries_and_outside_links(
    tmp_path: Path,
) -> None:
    root = tmp_path / "badges"
    outside = write(tmp_path / "secret.txt", b"not yours")
    write(root / "b.json", b"B")
    write(root / "a" / "z.json", b"Z")
    write(root / "a" / ".hidden.json", b"H")
    write(root / ".git" / "config", b"G")
    write(root / "c.dat", make_zip({"x.json": b"X"}))  # a zip, known by its bytes
    (root / "link_in").symlink_to(root / "b.json")
    (root / "link_out").symlink_to(outside)
    (root / "loop").symlink_to(root)  # back to the top: visited once, not forever
    (root / "a" / "up").symlink_to(root / "a")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe")  # opening it for reading would wait for a writer
    inputs = list(iter_inputs([root]))
    expected: list[tuple[str, bytes | str]] = [
        ("a/z.json", b"Z"),
        ("b.json", b"B"),
        ("c.dat!x.json", b"X"),
        ("link_in", b"B"),
        ("link_out", "! symbolic link to outside the folder; not followed"),
    ]
    if hasattr(os, "mkfifo"):
        expected.append(("pipe", "! not a regular file"))
    assert outcomes(inputs, root) == expected


def test_an_unreadable_folder_is_an_error_input(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    write(locked / "a.json", b"{}")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running with privileges that ignore permissions")
        assert outcomes(list(iter_inputs([tmp_path])), tmp_path) == [
            ("locked", "! cannot read (Permission denied)")
        ]
    finally:
        locked.chmod(stat.S_IRWXU)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    inputs = list(iter_inputs([Path("/dev/zero")]))  # endless: reading it would never finish
    assert outcomes(inputs) == [("/dev/zero", "! not a regular file")]


def test_the_file_count_is_capped(tmp_path: Path) -> None:
    for name in "abcde":
        write(tmp_path / f"{name}.json", b"{}")
    inputs = list(iter_inputs([tmp_path], max_files=3))
    assert outcomes(inputs, tmp_path) == [
        ("a.json", b"{}"),
        ("b.json", b"{}"),
        ("c.json", b"{}"),
        ("d.json", "! more than 3 files; stopped before this"),
    ]


# --- zip backpacks --------------------------------------------------------------------------


def test_a_backpack_is_expanded_with_member_names(tmp_path: Path) -> None:
    backpack = write(
        tmp_path / "backpack.zip",
        make_zip(
            {
                "badges/": b"",
                "badges/a.json": b"A",
                "badges/b.png": b"\x89PNG",
                "__MACOSX/badges/._a.json": b"junk",
                "badges/.DS_Store": b"junk",
            }
        ),
    )
    assert outcomes(list(iter_inputs([backpack])), tmp_path) == [
        ("backpack.zip!badges/a.json", b"A"),
        ("backpack.zip!badges/b.png", b"\x89PNG"),
    ]


def test_hostile_member_names_are_error_inputs(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link.json")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in [
            "../evil.json",
            "/abs.json",
            "a/../../evil.json",
            "..\\evil.json",
            "C:/x.json",
        ]:
            archive.writestr(name, b"{}")
        archive.writestr("a\x1b[31m.json", b"{}")
        archive.writestr(link, b"/etc/passwd")
        archive.writestr("fine.json", b"{}")
    path = write(tmp_path / "evil.zip", buffer.getvalue())
    assert outcomes(list(iter_inputs([path])), tmp_path) == [
        ("evil.zip!../evil.json", "! unsafe member name: '..' would climb out of the archive"),
        ("evil.zip!/abs.json", "! unsafe member name: it is an absolute path"),
        ("evil.zip!a/../../evil.json", "! unsafe member name: '..' would climb out of the archive"),
        ("evil.zip!..\\evil.json", "! unsafe member name: it contains a backslash"),
        ("evil.zip!C:/x.json", "! unsafe member name: it is an absolute path"),
        ("evil.zip!a?[31m.json", "! unsafe member name: it contains control characters"),
        ("evil.zip!link.json", "! zip member is a symbolic link; not followed"),
        ("evil.zip!fine.json", b"{}"),
    ]


def test_a_nested_zip_is_not_expanded(tmp_path: Path) -> None:
    inner = make_zip({"deep.json": b"{}"})
    path = write(tmp_path / "outer.zip", make_zip({"inner.bin": inner, "a.json": b"A"}))
    assert outcomes(list(iter_inputs([path])), tmp_path) == [
        ("outer.zip!inner.bin", "! nested zip archive; not expanded"),
        ("outer.zip!a.json", b"A"),
    ]


def test_a_zip_bomb_member_stops_at_the_cap_quickly(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bomb.json", "w") as member:
            for _ in range(40):
                member.write(bytes(2**20))  # 40 MiB of zeros, about 40 KiB deflated
        archive.writestr("after.json", b"{}")
    path = write(tmp_path / "bomb.zip", buffer.getvalue())
    assert path.stat().st_size < 200_000
    started = time.perf_counter()
    inputs = list(iter_inputs([path]))
    assert time.perf_counter() - started < 1
    assert outcomes(inputs, tmp_path) == [
        ("bomb.zip!bomb.json", "! zip member expands to more than 10 MiB"),
        ("bomb.zip!after.json", b"{}"),
    ]


def test_the_total_expanded_size_is_capped(tmp_path: Path) -> None:
    path = write(tmp_path / "many.zip", make_zip({f"{n}.json": b"x" * 1000 for n in range(5)}))
    inputs = list(iter_inputs([path], max_expanded_bytes=2500))
    assert outcomes(inputs, tmp_path) == [
        ("many.zip!0.json", b"x" * 1000),
        ("many.zip!1.json", b"x" * 1000),
        ("many.zip", "! zip archive expands to more than 2500 bytes; stopped"),
    ]


def test_the_member_count_is_capped_before_reading_the_directory(tmp_path: Path) -> None:
    path = write(tmp_path / "crowd.zip", make_zip({f"{n}.json": b"{}" for n in range(6)}))
    assert outcomes(list(iter_inputs([path], max_members=5)), tmp_path) == [
        ("crowd.zip", "! zip archive has more than 5 members (6)")
    ]


def test_the_archive_size_is_capped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "big.zip", make_zip({"a.json": os.urandom(5000)}, method=zipfile.ZIP_STORED)
    )
    assert outcomes(list(iter_inputs([path], max_archive_bytes=4096)), tmp_path) == [
        ("big.zip", "! zip archive is larger than 4096 bytes")
    ]


def patched(data: bytes, offsets: list[int], value: bytes) -> bytes:
    patched = bytearray(data)
    for at in offsets:
        patched[at : at + len(value)] = value
    return bytes(patched)


def test_headers_that_understate_a_size_are_not_trusted(tmp_path: Path) -> None:
    data = make_zip({"a.json": b"x" * 5000})
    central = data.index(b"PK\x01\x02")
    lying = patched(data, [22, central + 24], struct.pack("<I", 10))  # "10 bytes", both headers
    path = write(tmp_path / "lying.zip", lying)
    [single] = list(iter_inputs([path]))
    assert single.name.endswith("lying.zip!a.json")
    assert single.error is not None and single.error.startswith(
        "zip member cannot be read (Bad CRC"
    )


def test_an_encrypted_member_is_an_error_input(tmp_path: Path) -> None:
    data = make_zip({"a.json": b"{}"})
    central = data.index(b"PK\x01\x02")
    path = write(tmp_path / "locked.zip", patched(data, [6, central + 8], b"\x01"))
    assert outcomes(list(iter_inputs([path])), tmp_path) == [
        ("locked.zip!a.json", "! zip member is encrypted")
    ]


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda data: b"PK\x03\x04" + b"\x00" * 100, "no end of central directory record"),
        (lambda data: data[: len(data) // 2], "no end of central directory record"),
        (lambda data: data.replace(b"PK\x01\x02", b"XX\x01\x02"), "not a readable zip archive ("),
    ],
)
def test_a_corrupt_zip_is_one_error_input(tmp_path: Path, mangle: object, reason: str) -> None:
    data = make_zip({"a.json": b"{}", "b.json": b"{}"})
    path = write(tmp_path / "broken.zip", mangle(data))  # type: ignore[operator]
    [single] = list(iter_inputs([path]))
    assert single.name == str(path)
    assert single.error is not None and reason in single.error


def test_a_damaged_member_is_an_error_input(tmp_path: Path) -> None:
    data = make_zip({"a.json": b"hello world"}, method=zipfile.ZIP_STORED)
    path = write(tmp_path / "crc.zip", data.replace(b"hello world", b"HELLO world"))
    [single] = list(iter_inputs([path]))
    assert single.error is not None and "Bad CRC-32" in single.error


# --- JSON payloads --------------------------------------------------------------------------


def test_json_is_parsed_from_text_or_bytes() -> None:
    assert load_json('{"a": [1, 2.5, null]}', "x") == {"a": [1, 2.5, None]}
    assert load_json(b'\xef\xbb\xbf{"a": "\xc3\xa9"}', "x") == {"a": "é"}


def test_deep_nesting_is_refused_before_parsing_fast() -> None:
    for deep in (
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        "[" * 100_000,
    ):
        started = time.perf_counter()
        with pytest.raises(
            PayloadError, match=f"^cred.json: JSON nests deeper than {JSON_MAX_DEPTH} levels$"
        ):
            load_json(deep, "cred.json")
        assert time.perf_counter() - started < 0.5


def test_the_depth_limit_is_exact_and_strings_do_not_count() -> None:
    assert load_json("[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH, "x") is not None
    with pytest.raises(PayloadError, match="deeper than 64"):
        load_json("[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1), "x")
    text = json.dumps({"a": '\\"[[[' + "[" * 1000, "b": "}}}"})
    assert json_depth(text) == 1
    assert load_json(text, "x")["b"] == "}}}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"id": 1, "id": 2}', "^x: key 'id' appears twice in one object$"),
        ('[{"a": {"b": 1, "b": 1}}]', "key 'b' appears twice"),
        ('{"v": NaN}', "^x: NaN is not a number JSON allows$"),
        ("[Infinity]", "Infinity is not a number JSON allows"),
        ("[-Infinity]", "-Infinity is not a number JSON allows"),
        ("[1e999]", "'1e999' is not a number JSON allows"),
        (
            '{"a": 1,}',
            r"^x: invalid JSON: Expecting property name enclosed in double quotes \(line 1",
        ),
        ("[1] [2]", r"invalid JSON: Extra data \(line 1, column 5\)"),
        ("", "invalid JSON: Expecting value"),
        ("[" + "9" * 5000 + "]", "invalid JSON: Exceeds the limit"),
    ],
)
def test_ambiguous_or_invalid_json_is_refused(text: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_json(text, "x")


def test_bytes_must_be_utf8_and_within_the_size_cap() -> None:
    with pytest.raises(PayloadError, match=r"^x: not UTF-8 text \(byte 2\)$"):
        load_json(b'["\xff"]', "x")
    with pytest.raises(PayloadError, match="^x: JSON is larger than 10 MiB$") as caught:
        load_json(b" " * (10 * 2**20 + 1), "x")
    assert isinstance(caught.value, SkillgapError)
    assert isinstance(caught.value, ValueError)
