"""`skillgap ratings import`: claims from CSV/XLSX, and what they change in the summary."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from openpyxl import Workbook

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock

HEADER = "employee_id,competency,level,scale,source,rated_on,rated_by\n"


def run(runner: CliRunner, workspace: Path, *args: str) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    return runner.invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def summary(runner: CliRunner, workspace: Path, view: str) -> dict[str, Any]:
    result = run(runner, workspace, "summary", "--json", "--view", view)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_ratings_are_claims_not_evidence(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    assert run(runner, workspace_path, "demo", "--yes").exit_code == 0
    verified = summary(runner, workspace_path, "verified")
    best = summary(runner, workspace_path, "best-available")
    # Every demo person rates themselves Expert at every competency their role needs.
    rows = [
        f"{p['employee_id']},{g['competency']},5,,self,2026-10-30,"
        for p in best["furthest_from_role"]
        for g in p["gaps"]
    ]
    path = tmp_path / "ratings.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = run(runner, workspace_path, "ratings", "import", str(path), "--framework", "demo")
    assert result.exit_code == 0, result.output
    assert f"Ratings: {len(rows)} added, 0 already held." in result.stdout
    again = run(runner, workspace_path, "ratings", "import", str(path), "--framework", "demo")
    assert f"Ratings: 0 added, {len(rows)} already held." in again.stdout
    assert summary(runner, workspace_path, "verified")["readiness_now"] == verified["readiness_now"]
    assert (
        summary(runner, workspace_path, "best-available")["readiness_now"] > best["readiness_now"]
    )


def test_every_error_at_once_or_skipped(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    assert run(runner, workspace_path, "demo", "--yes").exit_code == 0
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "E1019,Generative AI use,4,,self,2026-10-01,\n"
        + "E1019,demo:sql,2,kpm,manager,2026-10-02,E1002\n"
        + "E9999,sql,2,,self,2026-10-01,\n"
        + "E1019,sql,9,,boss,2026-13-01,\n",
        encoding="utf-8",
    )
    strict = run(runner, workspace_path, "ratings", "import", str(path), "--framework", "demo")
    assert strict.exit_code == 1
    for text in (
        "4 errors in r.csv",
        "row 4, field 'employee_id': no person 'E9999'",
        "row 5, field 'level': level 9 is not on scale",
        "'boss' is not one of: self, manager",
        "row 5, field 'rated_on'",
    ):
        assert text in strict.stderr, text
    lenient = run(
        runner,
        workspace_path,
        "ratings",
        "import",
        str(path),
        "--framework",
        "demo",
        "--skip-invalid",
    )
    assert "Ratings: 2 added" in lenient.stdout and "2 rows rejected" in lenient.stdout
    assert (tmp_path / "r.rejects.csv").exists()


def test_an_xlsx_survey_with_mapped_columns(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    assert run(runner, workspace_path, "demo", "--yes").exit_code == 0
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Emp", "Skill", "Rating", "Who", "When"])
    sheet.append(["E1019", "Prompt engineering", 3, "self", datetime(2026, 9, 1)])
    sheet.append(["E1019", '=HYPERLINK("x")', 1, "self", datetime(2026, 9, 1)])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    maps = [
        "--map",
        "Emp=employee_id",
        "--map",
        "Skill=competency",
        "--map",
        "Rating=level",
        "--map",
        "Who=source",
        "--map",
        "When=rated_on",
    ]
    result = run(
        runner, workspace_path, "ratings", "import", str(path), "--framework", "demo", *maps
    )
    assert result.exit_code == 1
    # a formula cell is never evaluated: without a value saved by a spreadsheet it is empty
    assert "survey.xlsx, row 3, field 'Skill': is empty" in result.stderr


def test_ratings_on_an_own_scale_reach_the_summary(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    assert run(runner, workspace_path, "demo", "--yes").exit_code == 0
    scale = tmp_path / "acme.yaml"
    scale.write_text(
        "id: acme-3\nname: ACME\nlevels:\n  - {value: 1, label: Low, canonical: 1}\n"
        "  - {value: 2, label: Mid, canonical: 3}\n  - {value: 3, label: High, canonical: 5}\n",
        encoding="utf-8",
    )
    assert run(runner, workspace_path, "scales", "import", str(scale)).exit_code == 0
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "E1019,sql,3,acme-3,self,2026-10-01,\n", encoding="utf-8")
    assert (
        run(runner, workspace_path, "ratings", "import", str(path), "--framework", "demo").exit_code
        == 0
    )
    result = run(runner, workspace_path, "summary", "--json", "--view", "best-available")
    assert result.exit_code == 0, result.output
    why = run(runner, workspace_path, "why", "E1019", "sql")
    assert why.exit_code == 0 and "acme-3" in why.stdout
