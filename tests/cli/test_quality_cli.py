"""`skillgap rubric|issuers|achievements|alignments` on the demo organisation, and the
quality profile in `skillgap why`."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock

CORVID = "https://credentials.corvidlabs.example"
HANDLER = f"{CORVID}/achievements/certified-incident-handler"
QUICKCERT = "https://quickcert-academy.example/issuer"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quality") / "demo.db"
    result = run(path, "demo", "--yes")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace each test may change."""
    return Path(shutil.copy(pristine, tmp_path / "demo.db"))


def run(workspace: Path, *args: str, environ: dict[str, str] | None = None) -> Result:
    env = CliEnvironment(
        environ=environ or {"USER": "tester"},
        clock=FixedClock(datetime(2026, 11, 25, 10, tzinfo=UTC)),
    )
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def out(workspace: Path, *args: str) -> str:
    result = run(workspace, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def data(workspace: Path, *args: str) -> Any:
    return json.loads(out(workspace, *args, "--json"))


def reasons(credential: dict[str, Any]) -> list[str]:
    return [r["code"] for r in credential["reasons"]]


def award(credential: dict[str, Any]) -> str:
    """The demo's award id (A0059) in the id of its credential (``urn:example:A0059``): the
    demo imports its awards as signed credentials."""
    return str(credential["award_id"]).removeprefix("urn:example:")


def test_the_rubric_is_shown_exported_set_and_its_history_kept(demo: Path, tmp_path: Path) -> None:
    shown = data(demo, "rubric", "show")
    assert shown["custom"] is False and shown["rubric"]["threshold"] == 0.65
    assert shown["rubric"]["assessment"]["quiz"] == 0.0
    assert "threshold: 0.65" in out(demo, "rubric", "export", "--defaults")
    target = tmp_path / "rubric.yaml"
    assert out(demo, "rubric", "export", "--out", str(target)) == f"Wrote {target}.\n"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("threshold: 0.65", "threshold: 0.8"), encoding="utf-8")
    before = data(demo, "summary")["credentials"]

    said = out(demo, "rubric", "set", str(target), "--by", "Skills board")

    assert "Rubric set: 1 settings changed." in said and "threshold: 0.65 -> 0.8" in said
    after = data(demo, "summary")["credentials"]
    assert (before["counted"], after["counted"]) == (133, 113)
    assert after["excluded"]["below-threshold"] == 20  # unproctored tests, known providers
    [entry] = data(demo, "rubric", "history")
    assert (entry["by"], entry["action"], entry["source"]) == (
        "Skills board",
        "rubric",
        str(target),
    )
    assert entry["changes"] == [{"field": "threshold", "old": 0.65, "new": 0.8}]
    assert "Skills board" in out(demo, "rubric", "history")
    assert "(set for this workspace)" in out(demo, "rubric", "show")


def test_a_bad_rubric_file_is_refused_with_its_lines(demo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("threshold: high\nissuer:\n  unknown: 0.7\nextra: 1\n", encoding="utf-8")
    result = run(demo, "rubric", "set", str(bad))
    assert result.exit_code == 1
    assert "Error: 2 errors in bad.yaml" in result.stderr
    assert "bad.yaml, row 1, field 'threshold': 'high' is not a number from 0 to 1" in (
        result.stderr
    )
    assert "bad.yaml, row 4, field 'extra': unknown key 'extra'" in result.stderr
    assert data(demo, "rubric", "history") == []


def test_the_issuer_registry_decides_trust_but_a_quiz_still_proves_nothing(demo: Path) -> None:
    unknown = data(demo, "issuers", "list", "--tier", "unknown")
    assert sorted(i["name"] for i in unknown) == [
        "GlobalCertHub",
        "Quickcert Academy Online",
        "SkillBadge Express",
    ]
    assert all(i["trusted"] is False and i["score"] == 0 for i in unknown)

    said = out(demo, "issuers", "set-tier", QUICKCERT, "known")

    assert "Quickcert Academy Online: tier: unknown -> known (by tester)." in said
    [quickcert] = [i for i in data(demo, "issuers", "list") if i["id"] == QUICKCERT]
    assert (quickcert["tier"], quickcert["score"]) == ("known", 0.6)
    # the Generative AI Power User is a quiz: trusted issuer or not, it does not count
    why = data(demo, "why", "E1026", "generative-ai-use")
    power_user = [c for c in why["credentials"] if c["achievement"] == "Generative AI Power User"]
    assert power_user and all(reasons(c) == ["weak-assessment"] for c in power_user)
    [entry] = data(demo, "rubric", "history")
    assert (entry["action"], entry["subject"], entry["by"]) == ("issuer-tier", QUICKCERT, "tester")
    assert "Nothing to change" in out(demo, "issuers", "set-tier", QUICKCERT, "known")


def test_achievements_show_their_weight_and_checks(demo: Path) -> None:
    rows = {a["name"]: a for a in data(demo, "achievements", "list")}
    assert len(rows) == 48  # the bundle's 45 and the 3 the demo's pathways award
    ninja = rows["Certified Cyber Ninja"]["quality"]
    assert ninja["passes"] is False and ninja["vetoed_by"] == ["assessment", "issuer"]
    assert [c["name"] for c in ninja["checks"]] == [
        "alignment",
        "assessment",
        "issuer",
        "stackability",
    ]
    mastery = rows["Applied AI - Mastery"]["quality"]
    assert (mastery["weight"], mastery["passes"]) == (0.98, True)
    assert (
        mastery["checks"][3]["explanation"] == "completes a pathway (1 credential stacks into it)"
    )
    text = out(demo, "achievements", "list")
    assert "Applied AI - Mastery" in text and "0.98" in text
    shown = out(demo, "achievements", "show", HANDLER)
    assert "Corvid Certified Incident Handler" in shown and "stacks into 1 credential" in shown
    assert "Alignments" in shown and "vulnerability-management" in shown


def test_a_reviewer_sets_an_assessment_type(demo: Path) -> None:
    cloud = "https://globalcerthub.example/credentials/cloud-master-professional"
    said = out(demo, "achievements", "set-assessment", cloud, "proctored-exam", "--by", "ana")
    assert "assessment: unknown -> proctored-exam (by ana)" in said
    [row] = [a for a in data(demo, "achievements", "list") if a["id"] == cloud]
    assert row["assessment"] == "proctored-exam"
    assert row["quality"]["vetoed_by"] == ["issuer"]  # GlobalCertHub is still unknown
    assert "set by ana on 2026-11-25" in row["quality"]["checks"][1]["explanation"]
    assert "Decisions:" in out(demo, "achievements", "show", cloud)
    result = run(demo, "achievements", "set-assessment", cloud, "exam")
    assert result.exit_code == 2  # not a type: Click's usage error


def test_confirming_a_suggested_alignment_makes_it_count(demo: Path) -> None:
    queue = data(demo, "alignments", "review")
    assert len(queue) == 21 and all(item["score"] is not None for item in queue)
    [item] = [i for i in queue if i["achievement_id"] == HANDLER]
    assert (item["position"], item["competency"], item["level"]) == (
        2,
        "demo:vulnerability-management",
        2,
    )
    before = data(demo, "why", "E1041", "demo:vulnerability-management")
    assert {award(c): c["counts"] for c in before["credentials"]}["A0059"] is False

    said = out(demo, "alignments", "confirm", HANDLER, "2", "--level", "2")

    assert "status: suggested -> confirmed (by tester)" in said
    after = data(demo, "why", "E1041", "demo:vulnerability-management")
    a0059 = {award(c): c for c in after["credentials"]}["A0059"]
    assert a0059["counts"] is True and a0059["alignment_status"] == "confirmed"
    assert len(data(demo, "alignments", "review")) == 20

    said = out(demo, "alignments", "reject", HANDLER, "2", "--by", "ben")

    assert "status: confirmed -> unmapped (by ben)" in said
    gone = data(demo, "why", "E1041", "demo:vulnerability-management")
    assert "A0059" not in {award(c) for c in gone["credentials"]}
    assert [e["action"] for e in data(demo, "rubric", "history")] == [
        "alignment-confirmed",
        "alignment-rejected",
    ]
    result = run(demo, "alignments", "confirm", HANDLER, "9")
    assert result.exit_code == 1 and "no position 9" in result.stderr


def test_why_shows_each_credentials_weight_and_four_checks(demo: Path) -> None:
    text = out(demo, "why", "E1045", "Security awareness")
    assert "Quality of each credential" in text
    assert "Certified Cyber Ninja: weight 0.35 (vetoed: assessment, issuer)" in text
    assert "a quiz (the criteria say 'quiz'): not proof of the skill" in text
    why = data(demo, "why", "E1045", "Security awareness")
    essentials = {award(c): c for c in why["credentials"]}["A0160"]
    profile = essentials["quality"]
    assert (profile["weight"], profile["threshold"], profile["passes"]) == (0.53, 0.65, False)
    assert [(c["name"], c["score"], c["vetoes"]) for c in profile["checks"]] == [
        ("alignment", 1.0, False),
        ("assessment", 0.0, True),
        ("issuer", 0.9, False),
        ("stackability", 0.5, False),
    ]
    assert essentials["lapses_on"] is None


def test_decay_lapses_old_evidence(demo: Path, tmp_path: Path) -> None:
    rubric = tmp_path / "decay.yaml"
    rubric.write_text("decay_years: 2\n", encoding="utf-8")
    out(demo, "rubric", "set", str(rubric))
    summary = data(demo, "summary")["credentials"]
    assert summary["excluded"]["lapsed"] > 0 and summary["counted"] < 133
    why = data(demo, "why", "E1041", "demo:vulnerability-management")
    a0094 = {award(c): c for c in why["credentials"]}["A0094"]
    assert a0094["lapses_on"] is not None


def test_who_made_a_change_defaults_to_the_os_user(demo: Path) -> None:
    result = run(demo, "issuers", "set-tier", QUICKCERT, "known", environ={"LOGNAME": "sam"})
    assert result.exit_code == 0, result.output
    [entry] = data(demo, "rubric", "history")
    assert entry["by"] == "sam"
