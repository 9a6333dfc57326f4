"""The catalog, pathways, plan, candidates, hiring-needs, policy and audit commands on the
demo workspace (as `skillgap demo` leaves it): JSON shapes, usage errors, audit records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock

ENVIRON = {"USER": "tester"}


def run(workspace: Path, *args: str) -> Result:
    env = CliEnvironment(environ=ENVIRON, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def ok(workspace: Path, *args: str) -> str:
    result = run(workspace, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def data(workspace: Path, *args: str) -> Any:
    return json.loads(ok(workspace, *args, "--json"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("plans") / "demo.db"
    text = ok(workspace, "demo", "--yes")
    assert "Catalog: 46 learning items" in text
    assert "The smallest next steps for the person furthest from their role" in text
    assert "Training priorities" in text
    return workspace


def test_catalog_list_and_export(demo: Path, tmp_path: Path) -> None:
    items = data(demo, "catalog", "list")
    assert len(items) == 46
    quiz = next(i for i in items if i["id"] == "cyber-ninja-quiz")
    assert not quiz["credible"] and quiz["quality"]["vetoed_by"]
    credible = data(demo, "catalog", "list", "--credible")
    assert all(i["credible"] for i in credible) and len(credible) < len(items)
    out = tmp_path / "catalog.yaml"
    assert "Wrote the catalog" in ok(demo, "catalog", "export", "-o", str(out))
    assert "46 updated" in ok(demo, "catalog", "import", str(out))


def test_catalog_import_reports_located_errors(demo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,provider,cost\nx,X,P,-5\n", encoding="utf-8")
    result = run(demo, "catalog", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.csv, row 2, field 'cost'" in result.output


def test_pathways_show_progress_and_queue(demo: Path) -> None:
    listed = data(demo, "pathways", "show")
    assert [p["id"] for p in listed] == ["cloud-platform", "data-analyst", "security-operations"]
    shown = data(demo, "pathways", "show", "security-operations")
    assert [s["rule"] for s in shown["steps"]] == ["any", "any", "n-of"]
    progress = data(demo, "pathways", "progress", "--pathway", "security-operations",
                    "--person", "E1038")  # fmt: skip
    assert progress["rows"][0]["complete"] and progress["steps"]
    queue = data(demo, "pathways", "queue")
    assert [a["id"] for a in queue] == ["security-operations/E1038"]
    assert "No one has completed a pathway" in ok(demo, "pathways", "award")


def test_person_plan_json(demo: Path) -> None:
    plan = data(demo, "plan", "--person", "E1027", "--budget", "1500", "--no-save")
    assert plan["id"] == "unsaved" and plan["cost"] <= 1500
    assert plan["solver"] in ("optimal", "greedy")
    assert all(line["due"] >= line["start"] for line in plan["lines"])
    assert all(gap["reason"] for gap in plan["open_gaps"])


def test_plan_usage_errors(demo: Path) -> None:
    result = run(demo, "plan")
    assert result.exit_code == 2 and "exactly one of" in result.output
    result = run(demo, "plan", "--department", "Security")
    assert result.exit_code == 2 and "needs --budget" in result.output
    result = run(demo, "plan", "--person", "E9999")
    assert result.exit_code == 1 and "no person with employee id 'E9999'" in result.output


def test_group_plan_is_saved_and_tracked(demo: Path) -> None:
    plan = data(demo, "plan", "--team", "Security Operations", "--budget", "3000")
    assert plan["scope"] == "team" and plan["cost"] <= 3000 and plan["reasoning"]
    listed = data(demo, "plans", "list")
    assert plan["id"] in [p["id"] for p in listed]
    status = data(demo, "plans", "show", plan["id"])
    assert status["done"] == 0 and len(status["tracking"]) == len(plan["lines"])


def test_candidates_hiring_policy_and_audit(demo: Path) -> None:
    found = data(demo, "candidates", "--role", "security-analyst", "--limit", "3")
    assert [c["rank"] for c in found["candidates"]] == [1, 2, 3]
    assert all(c["plan"] is not None for c in found["candidates"])
    needs = data(demo, "hiring-needs", "--role", "data-analyst")
    assert all("Skills: " in n["posting"] for n in needs["needs"])
    assert "Must have" in ok(demo, "hiring-needs", "--postings")
    check = data(demo, "policy", "check")
    assert {r["rule"] for r in check["rules"]} == {
        "critical-credential-premium", "future-skills-recognition", "senior-promotion-criterion",
    }  # fmt: skip
    assert "rules:" in ok(demo, "policy", "show")
    audit = data(demo, "audit", "--action", "policy check")
    assert audit[0]["id"] == check["audit_entry"] and audit[0]["actor"] == "tester"
    everything = {e["action"] for e in data(demo, "audit", "--limit", "500")}
    assert {"candidates", "hiring needs", "policy check", "plan", "pathway complete"} <= everything
