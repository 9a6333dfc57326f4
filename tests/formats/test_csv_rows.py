"""CSV rows as a spreadsheet numbers them; the active column; claim ids that follow the row."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgap.errors import InputError
from skillgap.formats.bundle import Bundle, read_bundle
from tests.formats.editing import append_row, edit, rewrite_csv

# --- (d) the active column


def test_the_active_column_sets_active_and_is_no_attribute(folder: Path) -> None:
    values = ["yes", "No", "TRUE", "false", "1", "0", "", " Yes "]

    def add_active(rows: list[dict[str, str]]) -> None:
        for row, value in zip(rows, values, strict=False):
            row["active"] = value

    rewrite_csv(folder / "people.csv", add_active)
    people = read_bundle(folder).people
    expected = [True, False, True, False, True, False, True, True]
    assert [p.active for p in people[: len(values)]] == expected
    assert all(p.active for p in people[len(values) :])
    assert all("active" not in p.attributes for p in people)
    assert people[0].attributes == {"location": "Rotterdam"}


@pytest.mark.parametrize("value", ["maybe", "y", "2", "active"])
def test_other_active_values_are_refused(folder: Path, value: str) -> None:
    def add_active(rows: list[dict[str, str]]) -> None:
        for row in rows:
            row["active"] = "yes"
        rows[3]["active"] = value

    rewrite_csv(folder / "people.csv", add_active)
    with pytest.raises(InputError, match=rf"^people.csv, row 5, field 'active': '{value}' is not"):
        read_bundle(folder)


# --- (e) row numbers as a spreadsheet shows them


def test_rows_are_counted_as_records_not_lines(folder: Path) -> None:
    people = folder / "people.csv"
    edit(people, "Rotterdam", '"Rotterdam\nHarbour\nOffice"')  # row 2 spans three lines
    # after a blank record (skipped, but a row all the same)
    lines = append_row(people, "\nE9999,New Person,new@x.example,Data,Team,,no-such-role,,")
    with pytest.raises(InputError, match=rf"people.csv, row {lines - 2}, field 'role_id'"):
        read_bundle(folder)


def test_claim_ids_and_provenance_follow_the_row(folder: Path) -> None:
    claims = folder / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("E1003,", '"E1003",', 1).replace(",E1003,", ',"E1\n0\n03",')
    claims.write_text("".join([lines[0], "\n", *lines[1:]]), encoding="utf-8")
    first, second = read_bundle(folder).claims[:2]
    assert first.id == "claim-00000003" and first.provenance.endswith("(claims.csv row 3)")
    assert second.id == "claim-00000004" and second.provenance.endswith("(claims.csv row 4)")


def test_claim_ids_sort_in_file_order(demo_bundle: Bundle) -> None:
    ids = [c.id for c in demo_bundle.claims]
    assert ids[0] == "claim-00000002" and ids == sorted(ids) and len(set(ids)) == len(ids)


def test_a_header_naming_a_column_twice_is_refused(folder: Path) -> None:
    edit(folder / "people.csv", ",location\n", ",location,team\n")
    with pytest.raises(
        InputError, match=r"^people.csv, row 1, field 'team': column 'team' appears"
    ):
        read_bundle(folder)


def test_a_broken_csv_record_names_its_row(folder: Path) -> None:
    row = append_row(folder / "awards.csv", "A9999," + "x" * 200_000)
    with pytest.raises(InputError, match=rf"^awards.csv, row {row}: invalid CSV"):
        read_bundle(folder)
