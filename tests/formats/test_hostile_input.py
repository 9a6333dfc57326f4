"""Hostile or careless files: dates with times, links, devices, pipes, control characters."""

from __future__ import annotations

import contextlib
import os
import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from skillgap.errors import InputError
from skillgap.formats import tabular
from skillgap.formats.bundle import read_bundle
from skillgap.formats.tabular import Where, as_date, read_text
from tests.formats.editing import edit

# --- (a) a date and time where a date belongs


def test_a_date_and_time_is_not_a_date() -> None:
    with pytest.raises(InputError, match=r"f, field 'x': expected a date \(YYYY-MM-DD\), got a"):
        as_date(datetime(2026, 6, 1, 10, 0), Where("f", "x"))
    assert as_date(date(2026, 6, 1), Where("f", "x")) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("organisation.yaml", "2026-11-01", "2026-06-01 10:00:00", "snapshot_date"),
        (
            "roles.yaml",
            "horizon: 2027-12-31",
            "horizon: 2027-01-01 09:00:00",
            r"roles\[\d+\]\.requirements\[\d+\]\.horizon",
        ),
    ],
)
def test_yaml_timestamps_are_refused_where_a_date_belongs(
    folder: Path, file: str, old: str, new: str, field: str
) -> None:
    edit(folder / file, old, new)
    with pytest.raises(InputError, match=rf"^{file}, field '{field}': expected a date \(YYYY"):
        read_bundle(folder)


# --- (b) files that are not regular files, or lie outside the bundle


def test_a_link_to_a_device_is_not_read(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    link = tmp_path / "people.csv"
    link.symlink_to("/dev/zero")  # size 0, endless: reading it all would exhaust memory
    with pytest.raises(InputError, match="people.csv: is not a regular file"):
        read_text(link)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "roles.yaml").mkdir()
    with pytest.raises(InputError, match="roles.yaml: is not a regular file"):
        read_text(tmp_path / "roles.yaml")


def test_reading_stops_at_the_limit_whatever_size_the_file_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maps = Path("/proc/self/maps")  # a regular file whose reported size is 0
    if not maps.exists():
        pytest.skip("no /proc here")
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match="maps: file is larger than"):
        read_text(maps)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(folder: Path) -> None:
    pipe = folder / "claims.csv"
    pipe.unlink()
    os.mkfifo(pipe)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_bundle(folder)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # it waits on the pipe: let it go, then fail
        with contextlib.suppress(OSError):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
        pytest.fail("the reader waited for a writer on a named pipe")
    assert len(outcome) == 1 and isinstance(outcome[0], InputError)
    assert str(outcome[0]) == "claims.csv: is not a regular file"


def test_links_out_of_the_bundle_are_refused(folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.csv"
    (folder / "people.csv").rename(elsewhere)
    (folder / "people.csv").symlink_to(elsewhere)
    with pytest.raises(InputError, match="^people.csv: is a link to a file outside the bundle"):
        read_bundle(folder)


def test_links_within_the_bundle_are_followed(folder: Path) -> None:
    (folder / "data").mkdir()
    (folder / "people.csv").rename(folder / "data" / "people.csv")
    (folder / "people.csv").symlink_to(Path("data") / "people.csv")
    assert len(read_bundle(folder).people) == 60


def test_a_loop_of_links_is_refused(folder: Path) -> None:
    (folder / "roles.yaml").unlink()
    (folder / "roles.yaml").symlink_to("loop.yaml")
    (folder / "loop.yaml").symlink_to("roles.yaml")
    with pytest.raises(InputError, match="^roles.yaml: cannot read the file"):
        read_bundle(folder)


# --- (c) control characters


@pytest.mark.parametrize(
    ("old", "new", "field", "code"),
    [
        ("Amara Okafor", "Amara \x1b[31mOkafor", "name", "001B"),  # an ANSI escape
        ("Rotterdam", "Rotter\x00dam", "location", "0000"),  # NUL: PostgreSQL cannot store it
        ("Executive Office", "Executive\x9bOffice", "team", "009B"),  # C1
        ("Corporate", "Corp\x07orate", "department", "0007"),
    ],
)
def test_control_characters_in_csv_cells_are_refused(
    folder: Path, old: str, new: str, field: str, code: str
) -> None:
    edit(folder / "people.csv", old, new)
    with pytest.raises(
        InputError,
        match=rf"^people.csv, row 2, field '{field}': contains control character U\+{code}$",
    ):
        read_bundle(folder)


def test_control_characters_in_a_csv_header_are_refused(folder: Path) -> None:
    edit(folder / "people.csv", ",location", ",loca\x1btion")
    with pytest.raises(InputError, match=r"^people.csv, row 1: .*control character U\+001B"):
        read_bundle(folder)


@pytest.mark.parametrize(
    ("escape", "code"), [(r"\e[2J", "001B"), (r"\0", "0000"), (r"\x9b", "009B"), (r"\N", "0085")]
)
def test_control_characters_in_yaml_text_are_refused(folder: Path, escape: str, code: str) -> None:
    edit(folder / "organisation.yaml", "name: Tidewell Logistics", f'name: "Tidewell{escape} x"')
    with pytest.raises(
        InputError, match=rf"^organisation.yaml, field 'name': contains control character U\+{code}"
    ):
        read_bundle(folder)


def test_raw_control_characters_in_a_yaml_file_name_the_line(folder: Path) -> None:
    edit(folder / "framework.yaml", "name: Tidewell", "name: Tide\x1bwell")
    with pytest.raises(
        InputError, match=r"^framework.yaml, row 2: contains control character U\+001B"
    ):
        read_bundle(folder)


def test_tabs_and_line_breaks_are_kept(folder: Path) -> None:
    edit(folder / "organisation.yaml", "name: Tidewell Logistics", 'name: "Tidewell\\tLogistics"')
    edit(folder / "people.csv", "Amara Okafor", '"Amara\r\nOkafor"')
    bundle = read_bundle(folder)
    assert bundle.organisation == "Tidewell\tLogistics"
    assert bundle.people[0].name == "Amara\r\nOkafor"


def test_a_structure_is_not_turned_into_text(folder: Path) -> None:
    """A YAML alias can make a small file hold a vast structure: it is refused, not printed."""
    edit(folder / "framework.yaml", "kind: hard", "kind: [a, [b, c]]")
    with pytest.raises(InputError, match=r"competencies\[\d+\]\.kind': expected a single value"):
        read_bundle(folder)
