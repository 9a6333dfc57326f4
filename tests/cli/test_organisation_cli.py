"""`skillgap gaps` for groups, `skillgap priorities` and `skillgap bench-strength` on the demo
organisation's bundle (Tidewell Logistics, as of 2026-11-01): every scope in every format,
formula-safe CSV, usage errors, and privacy."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.services.bundles import demo_folder

SCOPES = [
    ("--org",),
    ("--department", "Security"),
    ("--team", "Security Operations"),
    ("--role", "data-analyst"),
]
PEOPLE = (demo_folder() / "people.csv").read_text(encoding="utf-8")
NAMES = [row["name"] for row in csv.DictReader(io.StringIO(PEOPLE))]


def load(folder: Path, workspace: Path) -> Path:
    result = run(workspace, "load", str(folder), "--yes")
    assert result.exit_code == 0, result.output
    return workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's bundle in one workspace for the module: every command here only reads."""
    return load(demo_folder(), tmp_path_factory.mktemp("org") / "demo.db")


def run(workspace: Path, *args: str, environ: dict[str, str] | None = None) -> Result:
    env = CliEnvironment(
        environ=environ or {}, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
    )
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def out(workspace: Path, *args: str, environ: dict[str, str] | None = None) -> str:
    result = run(workspace, *args, environ=environ)
    assert result.exit_code == 0, result.output
    return result.stdout


def data(workspace: Path, *args: str, **kwargs: Any) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(out(workspace, *args, "--format", "json", **kwargs))
    return found


def sheet(workspace: Path, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out(workspace, *args, "--format", "csv"))))


def usage(workspace: Path, *args: str) -> str:
    result = run(workspace, *args)
    assert result.exit_code == 2, result.output
    return result.stderr


def no_person_in(text: str) -> None:
    assert not re.search(r"\bE1\d{3}\b", text), "an employee id in an aggregate"
    assert not [name for name in NAMES if name in text], "a person's name in an aggregate"


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s[0])
def test_each_scope_in_each_format(demo: Path, scope: tuple[str, ...]) -> None:
    found = data(demo, "gaps", *scope)
    assert found["scope"]["kind"] == scope[0].removeprefix("--").replace("org", "organisation")
    assert found["as_of"] == found["at"] == "2026-11-01" and found["suppressed"] is None
    assert 0 < found["readiness"]["people_assessed"] <= found["people"]
    assert found["competencies"] and found["capabilities"]
    assert all(r["people_in_scope"] >= 5 for r in found["competencies"] if not r["suppressed"])
    rows = sheet(demo, "gaps", *scope)
    assert rows[0]["table"] == "readiness"
    assert {r["table"] for r in rows} >= {"readiness", "competency", "capability"}
    shown = [r for r in rows if r["table"] == "competency" and not r["suppressed"]]
    assert [r["competency"] for r in shown] == [
        r["competency"] for r in found["competencies"] if not r["suppressed"]
    ]
    text = out(demo, "gaps", *scope)
    assert f"{found['scope']['name']}" in text and "Per competency" in text
    assert "Per capability group" in text
    for output in (json.dumps(found), text, out(demo, "gaps", *scope, "--admin")):
        no_person_in(output)


def test_the_organisation_adds_its_breakdown_future_gaps_and_single_points(demo: Path) -> None:
    org = data(demo, "gaps", "--org")
    summary = json.loads(out(demo, "summary", "--json"))
    assert org["readiness"]["mean_readiness"] == pytest.approx(summary["readiness_now"], abs=0.05)
    assert org["breakdown"]["by"] == "department"
    readiness = {g["group"]: g["mean_readiness"] for g in org["breakdown"]["groups"]}
    assert readiness == pytest.approx(
        {d["name"]: d["readiness"] for d in summary["departments"]}, abs=0.05
    )
    assert {f["horizon"] for f in org["future_gaps"]} == {"2027-12-31", "2028-06-30"}
    points = {p["competency"]: p for p in org["single_points_of_failure"]}
    assert points["demo:warehouse-operations"]["holders"] == 0
    assert all("holder" not in p for p in points.values())
    text = out(demo, "gaps", "--org")
    assert "Single points of failure" in text and "Future gaps" in text
    assert "Per department" in text
    security = data(demo, "gaps", "--department", "Security")["single_points_of_failure"]
    assert security and all("holder" not in p for p in security)  # the department's own
    within = {p["competency"]: p for p in security}
    for ref, point in within.items():  # needs of its roles, its people counted
        if ref in points:
            assert point["people_requiring"] <= points[ref]["people_requiring"]
    assert set(within) != set(points)
    ahead = data(demo, "gaps", "--department", "Security", "--horizon", "next")
    assert ahead["at"] == "2027-12-31" and ahead["future_gaps"] is None
    future = data(demo, "gaps", "--role", "data-engineer", "--horizon", "future", "--admin")
    assert future["at"] == "2026-11-01" and future["future_gaps"]
    assert data(demo, "gaps", "--org", "--view", "best")["view"] == "best-available"


def test_one_person_keeps_working_with_the_new_options(demo: Path) -> None:
    assert data(demo, "gaps", "--person", "E1057") == json.loads(
        out(demo, "gaps", "E1057", "--json")
    )
    rows = sheet(demo, "gaps", "E1057")
    assert {r["table"] for r in rows} == {"now", "horizon"}
    assert {r["employee_id"] for r in rows} == {"E1057"}
    statistics = next(r for r in rows if r["competency"] == "demo:statistics")
    assert (statistics["required"], statistics["status"]) == ("2.0", "missing")


def test_csv_cells_are_formula_safe(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(demo_folder(), folder)
    people = folder / "people.csv"
    people.write_text(PEOPLE.replace(",Security,", ",=HYPERLINK(1),"), encoding="utf-8")
    workspace = load(folder, tmp_path / "ws.db")
    rows = sheet(workspace, "gaps", "--department", "=HYPERLINK(1)")
    assert rows and {r["group"] for r in rows if r["table"] == "competency"} == {"'=HYPERLINK(1)"}
    org = sheet(workspace, "gaps", "--org")
    assert "'=HYPERLINK(1)" in {r["group"] for r in org if r["table"] == "department"}
    for raw in (
        out(workspace, "gaps", "--org", "--format", "csv"),
        out(workspace, "priorities", "--format", "csv"),
        out(workspace, "bench-strength", "--format", "csv"),
    ):
        cells = [cell for row in csv.reader(io.StringIO(raw)) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "@", "+") or c.startswith("-")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gaps",), "say whose gaps"),
        (("gaps", "--team", "Analytics", "--department", "Security"), "not --team and"),
        (("gaps", "--org", "--role", "data-analyst"), "not --org and --role together"),
        (("gaps", "E1057", "--team", "Analytics"), "--team is for a group's gaps"),
        (("gaps", "E1057", "--org"), "--org is for a group's gaps"),
        (("gaps", "E1057", "--person", "E1057"), "name the person once"),
        (("gaps", "E1057", "--admin"), "--admin and --min-group-size are for a group"),
        (("gaps", "E1057", "--horizon", "future"), "'future' is for a group's gaps"),
        (("gaps", "--org", "--horizon", "soon"), "neither 'next' nor a date"),
        (("gaps", "--org", "--json", "--format", "csv"), "--json is --format json"),
        (("gaps", "--org", "--min-group-size", "1"), "1 is not in the range 2<=x<=1000"),
        (("priorities", "--top", "0"), "0 is not in the range"),
        (("bench-strength", "--level", "0"), "0 is not in the range"),
    ],
)
def test_conflicting_options_are_usage_errors(
    demo: Path, args: tuple[str, ...], message: str
) -> None:
    assert message in " ".join(usage(demo, *args).split())


def test_small_groups_are_hidden_unless_admin(demo: Path) -> None:
    lab = data(demo, "gaps", "--team", "ML Lab")
    assert (lab["people"], lab["suppressed"], lab["min_group_size"]) == (3, "small-group", 5)
    assert lab["readiness"] == {"group": "ML Lab", "suppressed": "small-group"}
    assert lab["competencies"] == lab["capabilities"] == []
    assert "Not shown: a group of fewer than 5 people" in out(demo, "gaps", "--team", "ML Lab")
    admin = data(demo, "gaps", "--team", "ML Lab", "--admin")
    assert admin["admin"] is True and admin["suppressed"] is None
    assert all(r["suppressed"] is None for r in admin["competencies"])
    assert admin["readiness"]["people_assessed"] == 3
    assert data(demo, "gaps", "--team", "ml lab", "--min-group-size", "3")["suppressed"] is None
    # in a department, small teams and competencies few people need are markers
    team = data(demo, "gaps", "--department", "Data & Analytics")
    hidden = {g["group"]: g for g in team["breakdown"]["groups"] if g["suppressed"]}
    assert set(hidden) == {"Data Engineering", "ML Lab"}
    assert hidden["ML Lab"]["group_size"] is None and hidden["ML Lab"]["mean_readiness"] is None
    few = [r for r in team["competencies"] if r["suppressed"]]
    assert few and {r["suppressed"] for r in few} == {"few-people"}
    assert all(r["people_in_scope"] is None and r["name"] for r in few)
    text = out(demo, "gaps", "--department", "Data & Analytics")
    assert "rows hidden: in a group of fewer than 5 people" in " ".join(text.split())
    # the setting, and the flag over it
    nine = {"SKILLGAP_MIN_GROUP_SIZE": "10"}
    assert data(demo, "gaps", "--department", "Security", environ=nine)["suppressed"] == (
        "small-group"
    )
    assert (
        data(demo, "gaps", "--department", "Security", "--min-group-size", "9")["suppressed"]
        is None
    )
    bad = run(demo, "gaps", "--org", environ={"SKILLGAP_MIN_GROUP_SIZE": "none"})
    assert bad.exit_code == 1 and "SKILLGAP_MIN_GROUP_SIZE='none'" in bad.stderr


def test_priorities(demo: Path) -> None:
    found = data(demo, "priorities")
    rows = found["priorities"]
    assert len(rows) == 10 and [r["rank"] for r in rows] == list(range(1, 11))
    first = rows[0]
    assert (first["competency"], first["horizon"], first["people_short"]) == (
        "demo:communication",
        None,
        30,
    )
    for r in rows:
        assert r["score"] == pytest.approx(
            r["importance"] * r["people_short"] * r["gap_size"] * r["urgency"], rel=1e-2
        )
        assert r["explanation"].endswith(f"= {r['score']:.2f}")
        assert r["people_required"] >= 5
    assert found["hidden"] and all(h["suppressed"] == "few-people" for h in found["hidden"])
    assert found["needs"] + len(found["hidden"]) == data(demo, "priorities", "--admin")["needs"]
    assert {r["horizon"] for r in data(demo, "priorities", "--horizon", "now")["priorities"]} == {
        None
    }
    future = data(demo, "priorities", "--horizon", "future", "--top", "3")["priorities"]
    assert len(future) == 3 and None not in {r["horizon"] for r in future}
    corporate = data(demo, "priorities", "--department", "Corporate")
    assert corporate["scope"] == {"kind": "department", "name": "Corporate"}
    team = data(demo, "priorities", "--team", "Network Planning", "--admin")
    assert team["scope"] == {"kind": "team", "name": "Network Planning"} and team["priorities"]
    assert all(r["people_required"] <= 5 for r in team["priorities"])  # its 5 people
    both = run(demo, "priorities", "--team", "Network Planning", "--department", "Operations")
    assert both.exit_code != 0 and "a department or a team, not both" in both.output
    text = out(demo, "priorities")
    assert "Score = importance x people short x mean gap x urgency" in text
    assert "Communication" in text and "Top 10 of" in text
    rows_csv = sheet(demo, "priorities")
    assert rows_csv[0]["table"] == "priority" and rows_csv[0]["competency"] == "demo:communication"
    no_person_in(out(demo, "priorities", "--admin", "--top", "100", "--format", "json"))


def test_bench_strength(demo: Path) -> None:
    sql = data(demo, "bench-strength", "--competency", "sql")["bench"]
    assert [(b["level"], b["people"]) for b in sql][-2:] == [(4.0, 1), (5.0, 0)]
    assert [b["people"] for b in sql] == sorted((b["people"] for b in sql), reverse=True)
    assert {b["required_by"] for b in sql} == {18}
    four = sheet(demo, "bench-strength", "--level", "4")
    assert {r["level"] for r in four} == {"4.0"} and four[0]["table"] == "bench"
    text = out(demo, "bench-strength")
    assert "Bench strength: Tidewell Logistics" in text and "Thinnest bench first" in text
    no_person_in(text + out(demo, "bench-strength", "--json", "--admin"))
    hidden = data(demo, "bench-strength", "--min-group-size", "100")
    assert hidden["suppressed"] == "small-group" and hidden["bench"] == []


def test_unknown_groups_are_one_line_errors(demo: Path) -> None:
    result = run(demo, "gaps", "--department", "Sales")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no active person in department 'Sales' (departments:")
    result = run(demo, "gaps", "--org", "--horizon", "2026-10-01")
    assert result.exit_code == 1 and "is not after the analysis date" in result.stderr
