"""`skillgap snapshot`, `skillgap snapshots list` and `skillgap progress` end to end on the
demo organisation (as of its snapshot date 2026-11-01), with a ratings import in between."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def run(workspace: Path, *args: str) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(NOW))
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def out(workspace: Path, *args: str) -> str:
    result = run(workspace, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def data(workspace: Path, *args: str) -> Any:
    return json.loads(out(workspace, *args, "--json"))


def rate_data_visualisation(ws: Path, tmp_path: Path) -> None:
    """A ratings import: a manager rates E1057's data visualisation (a critical gap) at 4."""
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(
        "employee_id,competency,level,source,rated_on\n"
        "E1057,data-visualisation,4,manager,2026-10-20\n",
        encoding="utf-8",
    )
    out(ws, "ratings", "import", str(ratings), "--framework", "demo")


def test_demo_snapshot_import_progress(tmp_path: Path) -> None:
    ws = tmp_path / "demo.db"
    out(ws, "demo", "--yes")
    [demo] = data(ws, "snapshots", "list")
    assert (demo["id"], demo["reason"], demo["as_of"], demo["people"]) == (
        "S000001",
        "demo",
        "2026-11-01",
        58,
    )
    assert demo["taken_at"] == NOW.isoformat()

    # a manager rates E1057's data visualisation (a critical gap) at 4: a ratings import
    gaps = data(ws, "gaps", "E1057", "--view", "best-available")
    [line] = [
        r for r in gaps["now"]["requirements"] if r["competency"] == "demo:data-visualisation"
    ]
    assert (line["required"], line["held"]) == (3.0, None)
    rate_data_visualisation(ws, tmp_path)
    listed = data(ws, "snapshots", "list")
    assert [(s["id"], s["reason"]) for s in listed] == [
        ("S000001", "demo"),
        ("S000002", "import: ratings"),
    ]
    assert listed[1]["open_gaps"]["best_available"] == demo["open_gaps"]["best_available"] - 1
    assert listed[1]["open_gaps"]["verified"] == demo["open_gaps"]["verified"]  # a claim

    best = data(ws, "progress", "--since", "2026-11-01", "--view", "best-available")
    [closed] = best["overall"]["gaps_closed"]
    assert closed == {
        "person": "E1057",
        "name": closed["name"],
        "department": closed["department"],
        "role": closed["role"],
        "competency": "demo:data-visualisation",
        "competency_name": "Data visualisation",
        "importance": "critical",
        "required_before": 3.0,
        "required_after": 3.0,
        "held_before": None,
        "held_after": 4.0,
        "cause": "level-rose",
    }
    assert best["overall"]["gaps_opened"] == []
    assert best["overall"]["readiness"]["change"] > 0
    verified = data(ws, "progress", "--since", "2026-11-01")
    assert verified["overall"]["gaps_closed"] == [] and verified["view"] == "verified"

    # a snapshot at the roles' 2027 horizon: requirements rise, gaps open
    taken = data(ws, "snapshot", "--as-of", "2027-12-31")
    assert (taken["id"], taken["as_of"], taken["reason"]) == ("S000003", "2027-12-31", "manual")
    assert taken["previous"]["id"] == "S000002" and taken["change"]["opened"] > 0

    text = out(ws, "progress", "--since", "2026-01-01")
    for expected in ("Readiness over time", "Each period", "Gaps closed", "Gaps opened"):
        assert expected in text
    assert "newly required" in text
    series = data(ws, "progress", "--since", "2026-01-01")["series"]
    assert [s["as_of"] for s in series] == ["2026-11-01", "2026-11-01", "2027-12-31"]


def test_progress_by_department(tmp_path: Path) -> None:
    ws = tmp_path / "demo.db"
    out(ws, "demo", "--yes")
    out(ws, "snapshot", "--as-of", "2027-12-31")
    everyone = data(ws, "progress")
    security = data(ws, "progress", "--department", "Security")
    headcount = everyone["series"][0]["departments"]["Security"]["people"]
    assert [s["people"] for s in security["series"]] == [headcount, headcount]
    assert {c["department"] for c in security["overall"]["gaps_opened"]} == {"Security"}
    assert set(security["series"][0]["departments"]) == {"Security"}
    result = run(ws, "progress", "--department", "Sales")
    assert result.exit_code == 1
    assert "no department 'Sales'" in result.output and "Security" in result.output


def test_one_persons_progress(tmp_path: Path) -> None:
    """E1057's manager rating closes a gap (best-available view), the 2027 horizon opens
    some: each period between snapshots, as the whole organisation's progress tells it."""
    ws = tmp_path / "demo.db"
    out(ws, "demo", "--yes")
    rate_data_visualisation(ws, tmp_path)
    out(ws, "snapshot", "--as-of", "2027-12-31")
    mine = data(ws, "progress", "--person", "E1057", "--view", "best-available")
    everyone = data(ws, "progress", "--view", "best-available")
    assert (mine["person"], mine["view"], mine["since"]) == ("E1057", "best-available", None)
    assert [(p["from"], p["to"]) for p in mine["periods"]] == [
        ("S000001", "S000002"),
        ("S000002", "S000003"),
    ]
    for period, whole in zip(mine["periods"], everyone["periods"], strict=True):
        for key in ("gaps_closed", "gaps_opened"):
            assert period[key] == [c for c in whole[key] if c["person"] == "E1057"]
        [moved] = [p for p in whole["people"] if p["name"] == "E1057"]
        assert period["readiness"] == {k: moved[k] for k in ("before", "after", "change")}
    assert [c["competency"] for c in mine["periods"][0]["gaps_closed"]] == [
        "demo:data-visualisation"
    ]
    text = out(ws, "progress", "--person", "E1057", "--view", "best-available")
    assert "S000001 (2026-11-01) to S000002 (2026-11-01)" in text
    assert "Data visualisation" in text and "level held rose" in text
    later = out(ws, "progress", "--person", "E1057", "--since", "2027-06-01")
    assert "No change recorded for" in later
    for args, message in (
        (("--person", "E9999"), "no person with employee id 'E9999'"),
        (("--person", "E1057", "--department", "Security"), "cannot be used together"),
    ):
        result = run(ws, "progress", *args)
        assert result.exit_code != 0 and message in result.output


def test_an_empty_history_and_an_empty_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "empty.db"
    out(ws, "init")
    assert "No snapshots" in out(ws, "progress", "--since", "2026-01-01")
    assert "No snapshots yet" in out(ws, "snapshots", "list")
    assert data(ws, "progress")["series"] == []
    result = run(ws, "snapshot")
    assert result.exit_code == 1 and "nothing to snapshot" in result.output


def test_one_snapshot_says_take_another(tmp_path: Path) -> None:
    ws = tmp_path / "demo.db"
    out(ws, "demo", "--yes")
    text = out(ws, "progress")
    assert "One snapshot only" in text and "S000001" in text
    assert "S000001" in out(ws, "snapshots", "list")
    shown = out(ws, "snapshot")
    assert "Snapshot S000002 as of 2026-11-01 (manual)" in shown
    assert "Since S000001 (as of 2026-11-01, demo): 0 gaps closed, 0 opened" in shown
