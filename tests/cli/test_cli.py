"""The skillgap command, driven as a user would (Click's runner, real workspaces)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap import __version__
from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.services.bundles import demo_folder
from skillgap.store.schema import head_revision, migrate
from skillgap.store.sql import create_engine


def run(
    runner: CliRunner,
    *args: str,
    env: dict[str, str] | None = None,
    input: str | None = None,
    interactive: bool = False,
) -> Result:
    surroundings = CliEnvironment(
        environ=env or {},
        clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)),
        interactive=lambda: interactive,
    )
    return runner.invoke(cli, list(args), obj=surroundings, input=input, catch_exceptions=False)


def ws(path: Path) -> list[str]:
    return ["--workspace", str(path)]


def status_json(runner: CliRunner, path: Path) -> dict[str, Any]:
    result = run(runner, *ws(path), "status", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [[], ["init"], ["demo"], ["load"], ["status"], ["summary"]])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: list[str]) -> None:
    result = run(runner, *command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "skillgap" in result.output


def test_init_creates_then_reports_up_to_date(runner: CliRunner, workspace_path: Path) -> None:
    first = run(runner, *ws(workspace_path), "init")
    assert first.exit_code == 0 and "Created a workspace" in first.output
    assert workspace_path.exists()
    second = run(runner, *ws(workspace_path), "init")
    assert "is up to date" in second.output
    status = status_json(runner, workspace_path)
    assert status["schema"] == head_revision() and not any(status["counts"].values())


def test_a_missing_workspace_is_one_clear_error(runner: CliRunner, workspace_path: Path) -> None:
    result = run(runner, *ws(workspace_path), "status")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: no workspace at")
    assert "skillgap init" in result.stderr and "Traceback" not in result.output
    assert not workspace_path.exists()


def test_demo_prints_the_real_summary(runner: CliRunner, workspace_path: Path) -> None:
    result = run(runner, *ws(workspace_path), "demo", "--yes")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for section in (
        "Top gaps now",
        "Gaps per department",
        "Furthest from their role",
        "What to try next",
        "count as verified evidence",
    ):
        assert section in out
    status = status_json(runner, workspace_path)
    assert status["organisation"] and status["counts"]["people"] >= 50
    for department in status["departments"]:
        assert department in out


def test_demo_json_agrees_with_the_workspace(runner: CliRunner, workspace_path: Path) -> None:
    result = run(runner, *ws(workspace_path), "demo", "--yes", "--json")
    data = json.loads(result.stdout)
    status = status_json(runner, workspace_path)
    assert data["credentials"]["total"] == status["counts"]["awards"]
    assert data["people_assessed"] + data["people_without_role"] == status["counts"]["people"]
    assert len(data["furthest_from_role"]) == 3
    readiness = [p["readiness"] for p in data["furthest_from_role"]]
    assert readiness == sorted(readiness)
    assert {d["name"] for d in data["departments"]} == set(status["departments"])


def test_demo_rerun_asks_and_resets(runner: CliRunner, workspace_path: Path) -> None:
    run(runner, *ws(workspace_path), "demo", "--yes")
    before = status_json(runner, workspace_path)
    refused = run(runner, *ws(workspace_path), "demo")  # no terminal, no --yes
    assert refused.exit_code == 1 and "pass --yes" in refused.stderr
    again = run(runner, *ws(workspace_path), "demo", "--yes")
    assert again.exit_code == 0
    assert status_json(runner, workspace_path)["counts"] == before["counts"]


def test_summary_views_and_dates(runner: CliRunner, workspace_path: Path) -> None:
    run(runner, *ws(workspace_path), "demo", "--yes")

    def summary(*extra: str) -> dict[str, Any]:
        result = run(runner, *ws(workspace_path), "summary", "--json", *extra)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    verified, best = summary(), summary("--view", "best-available")
    assert verified["view"] == "verified" and best["view"] == "best-available"
    assert best["readiness_now"] > verified["readiness_now"]  # ratings count there
    assert verified["unbacked_claims"] > 0 and best["unbacked_claims"] is None
    later = summary("--as-of", "2028-01-15")
    assert later["as_of"] == "2028-01-15"
    assert (
        later["credentials"]["excluded"]["expired"] > verified["credentials"]["excluded"]["expired"]
    )
    earlier = summary("--as-of", "2023-01-01")
    assert earlier["credentials"]["issued_later"] > 0
    assert earlier["credentials"]["total"] < verified["credentials"]["total"]
    assert earlier["credentials"]["total"] + earlier["credentials"]["issued_later"] == (
        verified["credentials"]["total"] + verified["credentials"]["issued_later"]
    )
    assert len(summary("--top", "2")["top_gaps_now"]) == 2


def test_a_broken_bundle_leaves_the_workspace_as_it_was(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    run(runner, *ws(workspace_path), "demo", "--yes")
    before = status_json(runner, workspace_path)
    broken = tmp_path / "broken"
    shutil.copytree(demo_folder(), broken)
    claims = broken / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8") + "E1001,sql,9,skillgap-0-5,self,,2026-01-01\n"
    )
    result = run(runner, *ws(workspace_path), "load", str(broken), "--yes")
    assert result.exit_code == 1
    assert "Error: claims.csv, row" in result.stderr and "field 'level'" in result.stderr
    assert status_json(runner, workspace_path) == before


def test_load_refuses_to_mix_organisations(runner: CliRunner, workspace_path: Path) -> None:
    run(runner, *ws(workspace_path), "demo", "--yes")
    result = run(runner, *ws(workspace_path), "load", str(demo_folder()))
    assert result.exit_code == 1 and "already holds data" in result.stderr


def test_load_into_a_new_workspace(runner: CliRunner, workspace_path: Path) -> None:
    result = run(runner, *ws(workspace_path), "load", str(demo_folder()))
    assert result.exit_code == 0 and "Loaded" in result.output
    assert status_json(runner, workspace_path)["counts"]["awards"] > 100


def test_workspace_from_the_environment(runner: CliRunner, workspace_path: Path) -> None:
    env = {"SKILLGAP_WORKSPACE": str(workspace_path)}
    assert run(runner, "init", env=env).exit_code == 0
    assert workspace_path.exists()
    url_env = {"SKILLGAP_DATABASE_URL": f"sqlite:///{workspace_path}"}
    assert "up to date" in run(runner, "init", env=url_env).output


def test_conflicting_locations_are_refused(runner: CliRunner, workspace_path: Path) -> None:
    result = run(runner, *ws(workspace_path), "--database-url", "sqlite://", "status")
    assert result.exit_code == 1 and "either --workspace or --database-url" in result.stderr


def test_an_older_workspace_is_migrated_on_open(runner: CliRunner, workspace_path: Path) -> None:
    engine = create_engine(load_settings({}, workspace=workspace_path))
    migrate(engine, "0001")
    engine.dispose()
    result = run(runner, *ws(workspace_path), "status", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schema"] == head_revision()


@pytest.mark.postgres
def test_demo_on_postgresql(runner: CliRunner, postgres_databases: Any) -> None:
    url = postgres_databases.create()
    result = run(runner, "--database-url", url, "demo", "--yes", "--json")
    assert result.exit_code == 0, result.output
    on_postgres = json.loads(result.stdout)
    status = run(runner, "--database-url", url, "status", "--json")
    assert json.loads(status.stdout)["counts"]["awards"] == on_postgres["credentials"]["total"]


@pytest.mark.postgres
def test_demo_is_the_same_on_sqlite_and_postgresql(
    runner: CliRunner, workspace_path: Path, postgres_databases: Any
) -> None:
    url = postgres_databases.create()
    pg = json.loads(run(runner, "--database-url", url, "demo", "--yes", "--json").stdout)
    lite = json.loads(run(runner, *ws(workspace_path), "demo", "--yes", "--json").stdout)
    assert pg == lite


@pytest.mark.parametrize(("answer", "replaced"), [("y\n", True), ("n\n", False)])
def test_load_asks_at_a_terminal_before_replacing(
    runner: CliRunner, workspace_path: Path, tmp_path: Path, answer: str, replaced: bool
) -> None:
    run(runner, *ws(workspace_path), "demo", "--yes")
    smaller = tmp_path / "smaller"
    shutil.copytree(demo_folder(), smaller)
    claims = smaller / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").splitlines()[0] + "\n")
    result = run(runner, *ws(workspace_path), "load", str(smaller), input=answer, interactive=True)
    assert "Replace everything in" in result.output
    assert result.exit_code == (0 if replaced else 1)
    assert ("Aborted" in result.output) is not replaced
    observations = status_json(runner, workspace_path)["counts"]["observations"]
    assert (observations == 0) is replaced


def test_runs_as_a_real_process(workspace_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "skillgap", "--workspace", str(workspace_path), "init"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "Created a workspace" in done.stdout
    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "skillgap",
            "--workspace",
            str(workspace_path.parent / "x" / "y.db"),
            "status",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1 and failed.stderr.startswith("Error: ")
    assert "Traceback" not in failed.stderr


def test_a_bad_bundle_creates_no_workspace(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    missing = run(runner, *ws(workspace_path), "load", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and "is not a folder" in missing.stderr
    broken = tmp_path / "broken"
    shutil.copytree(demo_folder(), broken)
    (broken / "claims.csv").unlink()
    result = run(runner, *ws(workspace_path), "load", str(broken))
    assert result.exit_code == 1 and "claims.csv" in result.stderr
    assert not workspace_path.exists()


def test_another_applications_database_is_never_touched(
    runner: CliRunner, workspace_path: Path
) -> None:
    import sqlite3

    with sqlite3.connect(workspace_path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    for command in (["init"], ["demo", "--yes"], ["status"]):
        result = run(runner, *ws(workspace_path), *command)
        assert result.exit_code == 1, command
        assert "holds tables of another application" in result.stderr
    with sqlite3.connect(workspace_path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert names == {"invoices"}


@pytest.mark.parametrize(
    "url", ["foo://x", "mysql://x@y/z", "postgresql://u:secret@127.0.0.1:abc/x"]
)
def test_unsupported_database_urls_are_one_line_errors(runner: CliRunner, url: str) -> None:
    result = run(runner, "--database-url", url, "status")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "secret" not in result.stderr and "Traceback" not in result.output
