"""`skillgap verify` end to end: output forms, exit codes, documents folders, --at, zips."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.fetch import MemoryFetcher
from skillgap.formats.badges.baking import bake_png
from tests.trust import ob2_builders as ob

EXAMPLES = Path(__file__).parents[1] / "data" / "credentials" / "examples"
DCC_VALID = EXAMPLES / "dcc_v2-both-didKey_legacy-noStatus-noExpiry.json"
DCC_TAMPERED = EXAMPLES / "dcc_v2-ed25519-didKey_legacy-noStatus-noExpiry-tampered.json"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
CHECK_KEYS = {"name", "status", "message"}


def run(
    runner: CliRunner,
    *args: str,
    network: MemoryFetcher | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    surroundings = CliEnvironment(environ=env or {}, clock=FixedClock(NOW), network=network)
    return runner.invoke(cli, list(args), obj=surroundings, catch_exceptions=False)


def lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_json_has_one_object_per_input_and_exit_zero_when_all_valid(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = run(runner, "verify", "--json", "--offline", str(DCC_VALID))
    assert result.exit_code == 0, result.output
    (report,) = lines(result)
    assert report["status"] == "valid"
    assert report["path"] == str(DCC_VALID)
    assert report["format"] == "ob3.0"
    assert {"path", "format", "status", "checks", "recipient", "achievement"} <= report.keys()
    assert all(set(check) == CHECK_KEYS for check in report["checks"])  # type: ignore[union-attr]
    assert {check["status"] for check in report["checks"]} <= {"pass", "fail", "skip"}  # type: ignore[index, union-attr]
    assert not (tmp_path / "skillgap.db").exists()  # no workspace needed


def test_exit_one_when_any_input_is_not_valid(runner: CliRunner) -> None:
    result = run(runner, "verify", "--json", "--offline", str(DCC_VALID), str(DCC_TAMPERED))
    assert result.exit_code == 1
    assert [r["status"] for r in lines(result)] == ["valid", "invalid-signature"]


def test_human_output_names_the_failed_check(runner: CliRunner) -> None:
    result = run(runner, "verify", "--offline", str(DCC_TAMPERED))
    assert result.exit_code == 1
    assert "INVALID SIGNATURE" in result.stdout
    assert "FAIL proof" in result.stdout


def documents_folder(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """A --documents folder serving an OB 2.0 issuer, BadgeClass and hosted assertion."""
    folder = tmp_path / "documents"
    folder.mkdir()
    assertion = ob.assertion(expires="2026-06-01T00:00:00Z")
    index = {}
    for name, url, doc in [
        ("issuer.json", ob.ISSUER, ob.issuer()),
        ("badge.json", ob.BADGE, ob.badge_class()),
        ("assertion.json", assertion["id"], assertion),
    ]:
        (folder / name).write_text(json.dumps(doc))
        index[url] = {"file": name}
    index["https://badges.example.org/assertions/gone"] = {"status": 410}
    (folder / "index.json").write_text(json.dumps(index))
    return folder, assertion


def test_documents_folder_offline_and_at(runner: CliRunner, tmp_path: Path) -> None:
    folder, assertion = documents_folder(tmp_path)
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(assertion))
    args = ["verify", "--json", "--offline", "--documents", str(folder)]
    early = run(runner, *args, "--at", "2026-01-01", str(badge))
    assert [r["status"] for r in lines(early)] == ["valid"]
    assert early.exit_code == 0
    late = run(runner, *args, "--at", "2026-07-01T00:00:00Z", str(badge))
    assert [r["status"] for r in lines(late)] == ["expired"]
    assert run(runner, "verify", "--json", "--offline", str(badge)).exit_code == 1


def test_gone_hosted_assertion_from_the_documents_folder_is_revoked(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder, assertion = documents_folder(tmp_path)
    gone = dict(assertion, id="https://badges.example.org/assertions/gone")
    badge = tmp_path / "gone.json"
    badge.write_text(json.dumps(gone))
    result = run(runner, "verify", "--json", "--offline", "--documents", str(folder), str(badge))
    assert [r["status"] for r in lines(result)] == ["revoked"]


def test_a_backpack_zip_and_a_baked_image_are_each_verified(
    runner: CliRunner, tmp_path: Path
) -> None:
    from tests.formats.badges.test_baking import png  # a real PNG built there

    baked = bake_png(png(), DCC_VALID.read_text(), version="3.0")
    backpack = tmp_path / "backpack.zip"
    with zipfile.ZipFile(backpack, "w") as archive:
        archive.writestr("badges/one.json", DCC_VALID.read_text())
        archive.writestr("badges/two.png", baked)
        archive.writestr("../evil.json", "{}")
    result = run(runner, "verify", "--json", "--offline", str(backpack))
    reports = {r["path"]: r for r in lines(result)}
    assert reports[f"{backpack}!badges/one.json"]["status"] == "valid"
    assert reports[f"{backpack}!badges/two.png"]["status"] == "valid"
    assert set(reports[f"{backpack}!badges/two.png"]) == {
        "path",
        "format",
        "status",
        "checks",
        "recipient",
        "achievement",
    }
    assert [r["status"] for p, r in reports.items() if "evil" in p] == ["malformed"]
    assert result.exit_code == 1


def test_the_network_setting_off_means_offline(runner: CliRunner, tmp_path: Path) -> None:
    assertion = ob.assertion()
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(assertion))
    network = ob.hosting(assertion)
    online = run(runner, "verify", "--json", str(badge), network=network)
    assert [r["status"] for r in lines(online)] == ["valid"]
    off = run(
        runner, "verify", "--json", str(badge), network=network, env={"SKILLGAP_NETWORK": "off"}
    )
    assert [r["status"] for r in lines(off)] == ["unverifiable"]


def test_a_missing_file_and_a_bad_documents_index_are_clear(
    runner: CliRunner, tmp_path: Path
) -> None:
    missing = run(runner, "verify", "--json", "--offline", str(tmp_path / "nope.json"))
    assert missing.exit_code == 1
    assert [r["status"] for r in lines(missing)] == ["malformed"]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "index.json").write_text('{"https://x.example/a": {"file": "../../etc/passwd"}}')
    shutil.copy(DCC_VALID, tmp_path / "c.json")
    bad = run(runner, "verify", "--offline", "--documents", str(folder), str(tmp_path / "c.json"))
    assert bad.exit_code == 1
    assert bad.output.startswith("Error:")
    assert "index.json" in bad.output
