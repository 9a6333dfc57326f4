"""Every error of a bundle at once: reading goes on past a bad item, across all the files, and
what refers to an item that had an error is not reported again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.errors import InputError, InputErrors
from skillgap.formats.bundle import read_bundle
from tests.formats.editing import append_row, edit, rewrite_yaml


def errors_of(folder: Path) -> list[InputError]:
    """The errors reading the bundle raises (item errors come together as InputErrors)."""
    with pytest.raises(InputError) as caught:
        read_bundle(folder)
    found = caught.value
    return found.errors if isinstance(found, InputErrors) else [found]


def _break_two_roles(data: dict[str, Any]) -> None:
    data["roles"][1]["requirements"][0]["level"] = 9
    data["roles"][3]["requirements"][2]["competency"] = "nope"


def test_errors_in_several_files_come_at_once_file_by_file(folder: Path) -> None:
    rewrite_yaml(folder / "roles.yaml", _break_two_roles)
    edit(folder / "people.csv", "2019-09-16", "16/09/2019")  # E1002, row 3
    row = append_row(folder / "claims.csv", "E1001,sql,7,kpm,self,E1001,2026-01-01")
    with pytest.raises(InputErrors) as caught:
        read_bundle(folder)
    assert str(caught.value).splitlines() == [
        "4 errors in claims.csv, people.csv, roles.yaml:",
        "  roles.yaml, field 'roles[1].requirements[0].level': level 9 is not on scale "
        "'skillgap-0-5' (allowed: 0, 1, 2, 3, 4, 5)",
        "  roles.yaml, field 'roles[3].requirements[2].competency': unknown competency 'nope' "
        "(not in framework 'demo')",
        "  people.csv, row 3, field 'hire_date': '16/09/2019' is not a date (expected YYYY-MM-DD)",
        f"  claims.csv, row {row}, field 'level': level 7 is not on scale 'kpm' "
        "(allowed: 0, 1, 2, 3)",
    ]
    assert [(e.file, e.row) for e in caught.value.errors] == [
        ("roles.yaml", None),
        ("roles.yaml", None),
        ("people.csv", 3),
        ("claims.csv", row),
    ]


def test_all_the_errors_of_one_row_and_one_item_are_reported(folder: Path) -> None:
    row = append_row(folder / "awards.csv", ",nope,E_NOPE,,2026-13-01,2026-02-30,")

    def misspell(data: dict[str, Any]) -> None:
        data["issuers"][0].update(teir="x", homepage="y", name=None)

    rewrite_yaml(folder / "issuers.yaml", misspell)
    found = [str(e) for e in errors_of(folder)]
    expected = "(expected: email, id, name, tier, url)"
    assert found == [
        f"issuers.yaml, field 'issuers[0].teir': unknown key 'teir' {expected}",
        f"issuers.yaml, field 'issuers[0].homepage': unknown key 'homepage' {expected}",
        "issuers.yaml, field 'issuers[0].name': is missing",
        f"awards.csv, row {row}, field 'award_id': is empty",
        f"awards.csv, row {row}, field 'achievement_id': unknown achievement 'nope'",
        f"awards.csv, row {row}, field 'employee_id': unknown person 'E_NOPE'",
        f"awards.csv, row {row}, field 'recipient': is empty",
        f"awards.csv, row {row}, field 'issued_on': '2026-13-01' is not a date (expected "
        "YYYY-MM-DD)",
        f"awards.csv, row {row}, field 'expires_on': '2026-02-30' is not a date (expected "
        "YYYY-MM-DD)",
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (  # sql: required by roles, rated in claims, aligned to by achievements
            "framework.yaml",
            "  - code: sql\n    name: SQL",
            "  - code: sql\n    name: [SQL]",
            r"^framework.yaml, field 'competencies\[\d+\].name': expected a single value",
        ),
        (  # E1001: manages people, rates claims, holds awards
            "people.csv",
            "E1001,Amara Okafor,amara.okafor@",
            "E1001,Amara Okafor,amara.okafor#",
            r"^people.csv, row 2, field 'email': 'amara.okafor#\S+' is not an e-mail address$",
        ),
        (  # a role that people have
            "roles.yaml",
            "  - id: data-analyst\n    name: Data Analyst",
            "  - id: data-analyst\n    name: Data Analyst\n    grade: 7",
            r"^roles.yaml, field 'roles\[0\].grade': unknown key 'grade'",
        ),
        (  # an issuer of achievements
            "issuers.yaml",
            "tier: industry-vendor",
            "tier: galactic",
            r"^issuers.yaml, field 'issuers\[0\].tier': 'galactic' is not one of",
        ),
        (  # an achievement awarded, and stacked into
            "achievements.yaml",
            "assessment: quiz",
            "assessment: vibes",
            r"^achievements.yaml, field 'achievements\[\d+\].assessment': 'vibes'",
        ),
    ],
)
def test_what_refers_to_an_item_with_errors_is_not_reported_again(
    folder: Path, file: str, old: str, new: str, message: str
) -> None:
    edit(folder / file, old, new)
    found = errors_of(folder)
    assert len(found) == 1, [str(e) for e in found]
    assert re.match(message, str(found[0]))


def test_a_bad_framework_id_leaves_references_unchecked(folder: Path) -> None:
    """Nothing can be found in a framework without an id: only the id is reported."""
    edit(folder / "framework.yaml", "id: demo", "id: 'de:mo'")
    found = errors_of(folder)
    assert [str(e) for e in found] == [
        "framework.yaml, field 'id': framework id 'de:mo' must not contain ':'"
    ]


def test_a_file_that_cannot_be_read_stops_with_the_errors_found_before_it(folder: Path) -> None:
    rewrite_yaml(folder / "roles.yaml", _break_two_roles)
    row = append_row(folder / "awards.csv", "A9999," + "x" * 200_000)  # over csv's cell limit
    append_row(folder / "claims.csv", "E1001,sql,7,kpm,self,E1001,2026-01-01")  # not read
    found = errors_of(folder)
    assert [(e.file, e.row) for e in found] == [
        ("roles.yaml", None),
        ("roles.yaml", None),
        ("awards.csv", row),
    ]
    assert found[2].reason.startswith("invalid CSV")


def test_a_missing_file_stops_with_the_errors_found_before_it(folder: Path) -> None:
    rewrite_yaml(folder / "roles.yaml", _break_two_roles)
    (folder / "issuers.yaml").unlink()
    found = errors_of(folder)
    assert [e.file for e in found] == ["roles.yaml", "roles.yaml", "issuers.yaml"]
    assert found[2].reason.startswith("cannot read the file")


def test_rows_with_cells_the_reader_refuses_are_reported_each(folder: Path) -> None:
    people = folder / "people.csv"
    edit(people, "Amara Okafor", "Amara \x1b[31mOkafor")  # row 2
    extra = append_row(people, "E9998,X,x@x.example,D,T,,,,,,surplus")
    duplicate = append_row(people, "E1003,Y,y@x.example,D,T,,,,")
    found = [str(e) for e in errors_of(folder)]
    assert found == [
        "people.csv, row 2, field 'name': contains control character U+001B",
        f"people.csv, row {extra}: has more cells than the header has columns",
        f"people.csv, row {duplicate}, field 'employee_id': employee id 'E1003' appears twice "
        "(first at row 4)",
    ]


def test_each_cycle_of_managers_is_reported_once(folder: Path) -> None:
    edit(folder / "people.csv", "Executive Office,,", "Executive Office,E1013,")  # E1001
    edit(folder / "people.csv", "2019-09-16", "someday")  # E1002, in the loop
    found = [str(e) for e in errors_of(folder)]
    assert found == [
        "people.csv, row 3, field 'hire_date': 'someday' is not a date (expected YYYY-MM-DD)"
    ]  # with E1002 unread, there is no loop left to report
    edit(folder / "people.csv", "someday", "2019-09-16")
    append_row(folder / "people.csv", "E9999,X,x@x.example,D,T,E9999,,,")
    found = [str(e) for e in errors_of(folder)]
    assert len(found) == 2
    assert "the manager tree has a cycle: E1001 -> E1013 -> E1002 -> E1001" in found[0]
    assert "cannot manage themselves" in found[1]


def test_more_than_twenty_errors_are_counted(folder: Path) -> None:
    for n in range(25):
        append_row(folder / "claims.csv", f"E1001,sql,{n + 10},skillgap-0-5,self,E1001,2026-01-01")
    with pytest.raises(InputErrors) as caught:
        read_bundle(folder)
    lines = str(caught.value).splitlines()
    assert lines[0] == "25 errors in claims.csv:"
    assert len(lines) == 22 and lines[-1] == "  ... and 5 more"
    assert len(caught.value.errors) == 25


def test_one_error_reads_as_that_error(folder: Path) -> None:
    edit(folder / "organisation.yaml", "snapshot_date: 2026-11-01", "snapshot_date: soon")
    with pytest.raises(InputError) as caught:
        read_bundle(folder)
    assert str(caught.value) == (
        "organisation.yaml, field 'snapshot_date': 'soon' is not a date (expected YYYY-MM-DD)"
    )
    assert (caught.value.file, caught.value.field) == ("organisation.yaml", "snapshot_date")


def test_the_command_line_lists_every_error_and_writes_nothing(
    folder: Path, tmp_path: Path
) -> None:
    rewrite_yaml(folder / "roles.yaml", _break_two_roles)
    edit(folder / "people.csv", "2019-09-16", "16/09/2019")
    workspace = tmp_path / "skillgap.db"
    env = CliEnvironment(environ={}, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "load", str(folder)], obj=env)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: 3 errors in people.csv, roles.yaml:",
        "  roles.yaml, field 'roles[1].requirements[0].level': level 9 is not on scale "
        "'skillgap-0-5' (allowed: 0, 1, 2, 3, 4, 5)",
        "  roles.yaml, field 'roles[3].requirements[2].competency': unknown competency 'nope' "
        "(not in framework 'demo')",
        "  people.csv, row 3, field 'hire_date': '16/09/2019' is not a date (expected YYYY-MM-DD)",
    ]
    assert not workspace.exists()
