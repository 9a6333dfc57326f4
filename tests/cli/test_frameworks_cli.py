"""`skillgap framework ...` and `skillgap roles ...`, on real workspaces."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.domain import CompetencyRef, Occupation, OccupationSkill, Relation
from skillgap.services.bundles import demo_folder
from skillgap.store.schema import open_store

FRAMEWORK_YAML = demo_folder() / "framework.yaml"


def run(runner: CliRunner, workspace: Path, *args: str) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    return runner.invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = FRAMEWORK_YAML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "framework-v2.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_import_list_show_and_search(runner: CliRunner, workspace_path: Path) -> None:
    out = ok(
        run(runner, workspace_path, "framework", "import", str(FRAMEWORK_YAML), "--format", "yaml")
    )
    assert "Imported Tidewell Skills Framework as framework demo" in out
    listed = json.loads(ok(run(runner, workspace_path, "framework", "list", "--json")))
    assert [(f["id"], f["competencies"], f["retired"]) for f in listed] == [("demo", 42, 0)]
    shown = ok(run(runner, workspace_path, "framework", "show", "demo"))
    assert "Artificial intelligence" in shown and "42 competencies" in shown
    hits = json.loads(ok(run(runner, workspace_path, "framework", "search", "data viz", "--json")))
    assert hits[0]["competency"] == "demo:data-visualisation"


def test_a_dry_run_writes_nothing(runner: CliRunner, workspace_path: Path) -> None:
    out = ok(
        run(
            runner,
            workspace_path,
            "framework",
            "import",
            str(FRAMEWORK_YAML),
            "--format",
            "yaml",
            "--dry-run",
        )
    )
    assert "Would import (nothing written)" in out and not workspace_path.exists()


def test_a_new_version_shows_its_changes_and_keeps_what_is_in_use(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    ok(run(runner, workspace_path, "demo", "--yes"))
    v2 = edited(tmp_path, "name: Prompt engineering", "name: Prompt design")
    text = v2.read_text(encoding="utf-8")
    start = text.index("  - code: sql\n")
    v2.write_text(text[:start] + text[text.index("  - code:", start + 5) :], encoding="utf-8")
    out = ok(run(runner, workspace_path, "framework", "import", str(v2), "--format", "yaml"))
    assert "1 removed, 1 relabelled" in out
    assert "prompt-engineering: 'Prompt engineering' -> 'Prompt design'" in out
    assert "Still used sql (removed): role data-analyst" in out
    listed = json.loads(ok(run(runner, workspace_path, "framework", "list", "--json")))
    assert (listed[0]["competencies"], listed[0]["retired"]) == (41, 1)
    summary = json.loads(ok(run(runner, workspace_path, "summary", "--json")))
    assert summary["people_assessed"] == 58  # the analysis still reads the retired skill


def test_bad_framework_input_is_located(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    bad = edited(tmp_path, "kind: hard", "kind: squishy")
    result = run(runner, workspace_path, "framework", "import", str(bad), "--format", "yaml")
    assert result.exit_code == 1
    assert "framework-v2.yaml, field 'competencies[0].kind'" in result.stderr
    assert not workspace_path.exists()
    unknown = run(runner, workspace_path, "framework", "show", "nope")
    assert unknown.exit_code == 1 and "no workspace" in unknown.stderr


def test_roles_list_and_show_side_by_side(runner: CliRunner, workspace_path: Path) -> None:
    ok(run(runner, workspace_path, "demo", "--yes"))
    listed = ok(run(runner, workspace_path, "roles", "list"))
    assert "data-analyst" in listed and "2027-12-31" in listed
    shown = ok(run(runner, workspace_path, "roles", "show", "data-analyst"))
    assert "By 2027-12-31" in shown
    row = next(line for line in shown.splitlines() if "Generative AI use" in line)
    assert "-" in row.split("│")[3] and "3 Proficient (important)" in row  # new by 2027
    missing = run(runner, workspace_path, "roles", "show", "astronaut")
    assert missing.exit_code == 1 and "no role 'astronaut'" in missing.stderr


def add_occupation(workspace: Path, occupation: Occupation) -> None:
    store = open_store(load_settings({}, workspace=workspace))
    with store.transaction() as ws:
        ws.occupations.add(occupation)
    store.close()


def test_a_role_from_an_occupation(runner: CliRunner, workspace_path: Path) -> None:
    ok(run(runner, workspace_path, "demo", "--yes"))

    def skill(code: str, relation: Relation = Relation.ESSENTIAL) -> OccupationSkill:
        return OccupationSkill(CompetencyRef("demo", code), relation)

    add_occupation(
        workspace_path,
        Occupation(
            "demo",
            "occ-1",
            "Analytics translator",
            alt_titles=("data translator",),
            skills=(skill("sql"), skill("communication"), skill("statistics", Relation.OPTIONAL)),
        ),
    )
    found = ok(run(runner, workspace_path, "roles", "occupations", "translator"))
    assert "occ-1" in found and "Analytics translator" in found
    args = ["roles", "from-occupation", "occ-1", "--framework", "demo", "--id", "translator"]
    out = ok(run(runner, workspace_path, *args))
    assert "Made role translator (Analytics translator) with 3 requirements" in out
    again = run(runner, workspace_path, *args)
    assert again.exit_code == 1 and "exists already" in again.stderr
    ok(run(runner, workspace_path, *args, "--replace", "--name", "Translator"))
    listed = ok(run(runner, workspace_path, "roles", "list"))
    assert "Translator" in listed


@pytest.mark.parametrize("args", [["framework", "import", "x", "--format", "yaml"]])
def test_usage_errors_exit_2(runner: CliRunner, workspace_path: Path, args: list[str]) -> None:
    result = run(runner, workspace_path, *args)
    assert result.exit_code == 2


ESCO_FIXTURE = Path(__file__).resolve().parents[1] / "data" / "esco"


def test_esco_end_to_end_role_from_an_occupation(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    out = ok(
        run(
            runner,
            workspace_path,
            "framework",
            "import",
            str(ESCO_FIXTURE),
            "--format",
            "esco",
            "--version",
            "1.1.1",
        )
    )
    assert "as framework esco version 1.1.1" in out and "occupations" in out
    found = ok(run(runner, workspace_path, "roles", "occupations", "ICT teacher"))
    assert "0d595b87-a1fc-410c-abbe-88b92cb0d334" in found
    made = ok(
        run(
            runner,
            workspace_path,
            "roles",
            "from-occupation",
            "0d595b87-a1fc-410c-abbe-88b92cb0d334",
            "--framework",
            "esco",
            "--id",
            "ict-teacher",
        )
    )
    assert "Made role ict-teacher (ICT teacher secondary school)" in made
    assert "3 Proficient (important)" in made  # essential skills, no rating: level 3
    # a second version of the same release changes nothing
    again = ok(
        run(
            runner,
            workspace_path,
            "framework",
            "import",
            str(ESCO_FIXTURE),
            "--format",
            "esco",
            "--version",
            "1.1.2",
        )
    )
    assert "Changes since version 1.1.1: 0 added, 0 removed, 0 relabelled, 0 moved" in again


NICE_FIXTURE = next((Path(__file__).resolve().parents[1] / "data" / "nice").glob("*.json"))


def test_nice_to_case_and_back(runner: CliRunner, workspace_path: Path, tmp_path: Path) -> None:
    ok(run(runner, workspace_path, "framework", "import", str(NICE_FIXTURE), "--format", "nice"))
    package = tmp_path / "nice-case.json"
    assert "Wrote" in ok(
        run(runner, workspace_path, "framework", "export", "nice", "-o", str(package))
    )
    exported = json.loads(package.read_text(encoding="utf-8"))
    assert {"CFDocument", "CFItems", "CFAssociations"} <= exported.keys()
    ok(
        run(
            runner,
            workspace_path,
            "framework",
            "import",
            str(package),
            "--format",
            "case",
            "--id",
            "nice-case",
        )
    )
    listed = {
        f["id"]: f
        for f in json.loads(ok(run(runner, workspace_path, "framework", "list", "--json")))
    }
    # group-only items carry a skillgap extension, so they come back as groups, not skills
    assert listed["nice-case"]["competencies"] == listed["nice"]["competencies"]
    assert listed["nice-case"]["groups"] == listed["nice"]["groups"]
    again = tmp_path / "again.json"
    ok(run(runner, workspace_path, "framework", "export", "nice-case", "-o", str(again)))
    assert json.loads(again.read_text(encoding="utf-8")) == exported  # lossless
    bad = run(runner, workspace_path, "framework", "export", "nice", "--format", "esco")
    assert bad.exit_code == 2


TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "sheets" / "framework_template.csv"


def test_own_scales_and_framework_diff(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    scale = tmp_path / "acme.yaml"
    scale.write_text(
        "id: acme-4\nname: ACME four levels\nlevels:\n"
        "  - {value: 1, label: Learner, canonical: 1}\n"
        "  - {value: 2, label: Practitioner, canonical: 2.5}\n"
        "  - {value: 3, label: Senior, canonical: 4}\n"
        "  - {value: 4, label: Authority, canonical: 5}\n",
        encoding="utf-8",
    )
    assert "Stored scale acme-4" in ok(run(runner, workspace_path, "scales", "import", str(scale)))
    assert "acme-4" in ok(run(runner, workspace_path, "scales", "list"))
    args = ["--format", "csv", "--id", "ours", "--name", "Our skills"]
    missing = run(
        runner, workspace_path, "framework", "import", str(TEMPLATE), *args, "--scale", "nope"
    )
    assert missing.exit_code == 1 and "no proficiency scale 'nope'" in missing.stderr
    ok(
        run(
            runner, workspace_path, "framework", "import", str(TEMPLATE), *args, "--scale", "acme-4"
        )
    )
    assert "scale ACME four levels" in ok(run(runner, workspace_path, "framework", "show", "ours"))
    # a new version without --scale keeps the stored scale; diff writes nothing
    unchanged = ok(run(runner, workspace_path, "framework", "diff", str(TEMPLATE), *args))
    assert "Would import" in unchanged and "Scale changes" not in unchanged
    ok(run(runner, workspace_path, "framework", "import", str(TEMPLATE), *args))
    assert "scale ACME four levels" in ok(run(runner, workspace_path, "framework", "show", "ours"))
    moved = ok(
        run(runner, workspace_path, "framework", "import", str(TEMPLATE), *args, "--scale", "1-5")
    )
    assert "Scale changes from acme-4 to 1-5" in moved
    builtin = tmp_path / "builtin.yaml"
    builtin.write_text(scale.read_text().replace("acme-4", "kpm"), encoding="utf-8")
    clash = run(runner, workspace_path, "scales", "import", str(builtin))
    assert clash.exit_code == 1 and "built-in scale" in clash.stderr


def test_roles_import_all_or_nothing_or_skipping_the_invalid(
    runner: CliRunner, workspace_path: Path, tmp_path: Path
) -> None:
    ok(run(runner, workspace_path, "demo", "--yes"))
    roles = tmp_path / "roles.csv"
    roles.write_text(
        "role_id,role_name,competency,level,importance,horizon\n"
        "analyst-2,Analyst II,sql,4,critical,\n"
        "analyst-2,,Data visualisation,3,important,2027-12-31\n"
        "bad-role,Broken,sql,9,critical,\n"
        "bad-role,,no-such-skill,2,useful,\n",
        encoding="utf-8",
    )
    strict = run(runner, workspace_path, "roles", "import", str(roles), "--framework", "demo")
    assert strict.exit_code == 1
    assert "2 errors in roles.csv" in strict.stderr and "row 4" in strict.stderr
    assert "row 5" in strict.stderr
    assert "analyst-2" not in ok(run(runner, workspace_path, "roles", "list"))
    rejects = tmp_path / "bad-roles.csv"
    lenient = ok(
        run(
            runner,
            workspace_path,
            "roles",
            "import",
            str(roles),
            "--framework",
            "demo",
            "--skip-invalid",
            "--rejects",
            str(rejects),
        )
    )
    assert "Imported 1 roles: 1 new" in lenient and "2 errors" in lenient
    assert "bad-role" not in ok(run(runner, workspace_path, "roles", "list"))
    shown = ok(run(runner, workspace_path, "roles", "show", "analyst-2"))
    assert "By 2027-12-31" in shown
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "file,row,field,reason" and len(lines) == 3
