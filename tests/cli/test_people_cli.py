"""`skillgap people ...` on real workspaces and files."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock

HEADER = "Emp No,Full Name,Mail,Department,Team,Boss,Job,Start,Location\n"


def run(runner: CliRunner, workspace: Path, *args: str) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    return runner.invoke(cli, ["--workspace", str(workspace), *args], obj=env)


MAP = [
    "--map",
    "Emp No=employee_id",
    "--map",
    "Full Name=name",
    "--map",
    "Mail=email",
    "--map",
    "Department=department",
    "--map",
    "Team=team",
    "--map",
    "Boss=manager_id",
    "--map",
    "Job=role",
    "--map",
    "Start=hire_date",
]


def export(tmp_path: Path, *rows: str, name: str = "hr.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def people(runner: CliRunner, workspace: Path, *extra: str) -> list[dict[str, Any]]:
    result = run(runner, workspace, "people", "list", "--json", *extra)
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


BOSS = "P1,Ada Boss,ada@x.example,Data,Lead,,,2020-01-01,Rotterdam"
ANA = "P2,Ana Lyst,ana@x.example,Data,BI,P1,,2021-02-03,Antwerp"
BEN = "P3,Ben Dev,ben@x.example,Tech,Apps,P1,,2022-03-04,Rotterdam"


def test_import_with_a_column_map_then_update(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    result = run(
        runner, workspace_path, "people", "import", str(export(tmp_path, BOSS, ANA, BEN)), *MAP
    )
    assert result.exit_code == 0, result.output
    assert "3 added, 0 updated, 0 unchanged" in result.stdout
    listed = {p["employee_id"]: p for p in people(runner, workspace_path)}
    assert listed["P2"]["manager_id"] == "P1" and listed["P2"]["emails"] == ["ana@x.example"]
    shown = run(runner, workspace_path, "people", "show", "P2").stdout
    assert "Reports to:     Ada Boss (P1)" in shown and "Location:       Antwerp" in shown
    moved = ANA.replace("Data,BI", "Data,Platform")
    again = run(
        runner, workspace_path, "people", "import", str(export(tmp_path, BOSS, moved)), *MAP
    )
    assert "0 added, 1 updated, 1 unchanged" in again.stdout
    assert {p["employee_id"] for p in people(runner, workspace_path)} == {"P1", "P2", "P3"}


def test_a_full_import_marks_missing_people_inactive(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    run(runner, workspace_path, "people", "import", str(export(tmp_path, BOSS, ANA, BEN)), *MAP)
    result = run(
        runner, workspace_path, "people", "import", str(export(tmp_path, BOSS, ANA)), *MAP, "--full"
    )
    assert "1 marked inactive" in result.stdout
    assert {p["employee_id"] for p in people(runner, workspace_path)} == {"P1", "P2"}
    everyone = {p["employee_id"]: p["active"] for p in people(runner, workspace_path, "--inactive")}
    assert everyone == {"P1": True, "P2": True, "P3": False}


def test_every_error_is_reported_and_nothing_written(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    bad = export(
        tmp_path,
        BOSS,
        ANA.replace("ana@x.example", "not-an-email"),
        BEN.replace(",P1,", ",P9,"),
        "P4,Cy Clone,ada@x.example,Data,BI,P1,,2023-13-01,Rotterdam",
    )
    result = run(runner, workspace_path, "people", "import", str(bad), *MAP)
    assert result.exit_code == 1
    err = result.stderr
    assert err.startswith("Error: ") and "errors in hr.csv" in err
    for text in ("row 3", "row 4", "no employee 'P9'", "row 5", "'2023-13-01'"):
        assert text in err, text
    assert not workspace_path.exists()


def test_skip_invalid_writes_a_safe_reject_file(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    bad = export(tmp_path, BOSS, ANA, 'P5,=HYPERLINK("http://x"),p5@x.example,Data,BI,P9,,,')
    rejects = tmp_path / "rejected.csv"
    result = run(
        runner,
        workspace_path,
        "people",
        "import",
        str(bad),
        *MAP,
        "--skip-invalid",
        "--rejects",
        str(rejects),
    )
    assert result.exit_code == 0, result.output
    assert "2 added" in result.stdout and "1 rows rejected" in result.stdout
    with rejects.open(encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["Full Name"].startswith("'=")  # no formula when opened in a spreadsheet
    assert "no employee 'P9'" in row["reject_reason"]


def test_a_manager_loop_through_stored_people_is_refused(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    run(runner, workspace_path, "people", "import", str(export(tmp_path, BOSS, ANA)), *MAP)
    loop = BOSS.replace(",Lead,,", ",Lead,P2,")  # P1 now reports to P2, who reports to P1
    result = run(runner, workspace_path, "people", "import", str(export(tmp_path, loop)), *MAP)
    assert result.exit_code == 1 and "cycle" in result.stderr
    assert {p["manager_id"] for p in people(runner, workspace_path)} == {None, "P1"}


def test_unknown_roles_are_reported_once_the_workspace_has_roles(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    assert run(runner, workspace_path, "demo", "--yes").exit_code == 0
    row = "P7,New Hire,new@x.example,Data,BI,E1001,astronaut,2026-01-01,Rotterdam"
    result = run(runner, workspace_path, "people", "import", str(export(tmp_path, row)), *MAP)
    assert result.exit_code == 1 and "astronaut" in result.stderr
    fine = row.replace("astronaut", "data-analyst")
    ok = run(runner, workspace_path, "people", "import", str(export(tmp_path, fine)), *MAP)
    assert ok.exit_code == 0, ok.output
    assert any(
        p["employee_id"] == "P7" for p in people(runner, workspace_path, "--role", "data-analyst")
    )
