"""`skillgap issuer …`, `issue` and `revoke` end to end on a SQLite workspace file, checked
with `skillgap verify --offline --documents` exactly as an air-gapped verifier would run it."""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.store.schema import open_store
from skillgap.trust.multibase import ED25519_PRIV, decode_key
from tests.issuing.builders import AT, KEY, PYTHON, png, seed

ENV: dict[str, str] = {"USER": "issuer-admin"}  # who the audit log names
INIT = ("issuer", "init", "--name", "Acme", "--url", "https://acme.example")
ISSUE = ("issue", "--achievement", PYTHON.id, "--to", "E1")


def run(runner: CliRunner, workspace: Path, *args: str, environ: Mapping[str, str] = ENV) -> Result:
    env = CliEnvironment(environ=dict(environ), clock=FixedClock(AT))
    return runner.invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def workspace(runner: CliRunner, tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    ok(run(runner, path, "init"))
    store = open_store(load_settings({}, workspace=path))
    seed(store)
    store.close()
    return path


@pytest.fixture
def issuer(runner: CliRunner, workspace: Path) -> Path:
    ok(run(runner, workspace, *INIT))
    return workspace


def verify(runner: CliRunner, site: Path, path: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(
        cli,
        ["verify", "--json", "--offline", "--documents", str(site), *extra, str(path)],
        obj=CliEnvironment(environ={}, clock=FixedClock(AT)),
    )
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[0])
    assert result.exit_code == (0 if report["status"] == "valid" else 1)
    return report


def test_issue_publish_verify_revoke(runner: CliRunner, issuer: Path, tmp_path: Path) -> None:
    out, site = tmp_path / "ann.json", tmp_path / "site"
    issued = ok(
        run(runner, issuer, "issue", "--achievement", PYTHON.id, "--to", "E1", "--out", str(out))
    )
    assert "valid" in issued.output and str(out) in issued.output
    ok(run(runner, issuer, "issuer", "publish", "--out", str(site)))
    assert verify(runner, site, out)["status"] == "valid"
    credential_id = json.loads(out.read_text())["id"]
    revoked = ok(run(runner, issuer, "revoke", credential_id, "--reason", "mistake"))
    assert "skillgap issuer publish" in revoked.output
    assert verify(runner, site, out)["status"] == "valid"  # until the new list is published
    ok(run(runner, issuer, "issuer", "publish", "--out", str(site)))
    assert verify(runner, site, out)["status"] == "revoked"
    listed = json.loads(ok(run(runner, issuer, "issuer", "list-issued", "--json")).stdout)
    assert [(row["id"], row["state"], row["revocation_reason"]) for row in listed] == [
        (credential_id, "revoked", "mistake")
    ]
    assert "revoked" in ok(run(runner, issuer, "issuer", "list-issued")).output
    audit = json.loads(ok(run(runner, issuer, "audit", "--json")).stdout)
    actions = [(e["action"], e["actor"]) for e in audit]
    assert actions.count(("issuer documents signed", "issuer-admin")) == 2
    assert ("issuer created", "issuer-admin") in actions


def test_verify_at_a_later_date_says_expired(
    runner: CliRunner, issuer: Path, tmp_path: Path
) -> None:
    out, site = tmp_path / "c.json", tmp_path / "site"
    ok(run(runner, issuer, "issue", "--achievement", PYTHON.id, "--to", "E2", "--out", str(out)))
    ok(run(runner, issuer, "issuer", "publish", "--out", str(site)))
    assert verify(runner, site, out, "--at", "2027-06-01")["status"] == "expired"


def test_jwt_and_baked_forms_through_the_cli(
    runner: CliRunner, issuer: Path, tmp_path: Path
) -> None:
    image = tmp_path / "blank.png"
    image.write_bytes(png())
    jwt, baked = tmp_path / "c.jwt", tmp_path / "c.png"
    ok(run(runner, issuer, *ISSUE, "--format", "jwt", "--out", str(jwt)))
    ok(run(runner, issuer, *ISSUE, "--bake", "png", "--image", str(image), "--out", str(baked)))
    site = tmp_path / "site"
    ok(run(runner, issuer, "revoke", json.loads(_payload(jwt))["id"], "--out", str(site)))
    assert verify(runner, site, jwt)["status"] == "revoked"
    assert verify(runner, site, baked)["status"] == "valid"


def _payload(jwt: Path) -> str:
    part = jwt.read_text().strip().split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


def test_the_key_file_is_private_and_never_in_the_workspace(
    runner: CliRunner, issuer: Path, tmp_path: Path
) -> None:
    key_file = issuer.with_name("ws.db.issuer-key.json")
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = json.loads(key_file.read_text())["privateKeyMultibase"]
    seed_bytes = decode_key(secret, ED25519_PRIV)
    out, site = tmp_path / "c.json", tmp_path / "site"
    ok(run(runner, issuer, "issue", "--achievement", PYTHON.id, "--to", "E1", "--out", str(out)))
    ok(run(runner, issuer, "issuer", "publish", "--out", str(site)))
    written = [issuer, *tmp_path.glob("ws.db-*"), out, *site.iterdir()]
    for path in written:
        data = path.read_bytes()
        assert secret.encode() not in data, path
        assert seed_bytes not in data, path


def test_a_missing_key_is_a_clear_error(runner: CliRunner, issuer: Path, tmp_path: Path) -> None:
    issuer.with_name("ws.db.issuer-key.json").unlink()
    result = run(runner, issuer, *ISSUE, "--out", str(tmp_path / "c.json"))
    assert result.exit_code == 1
    assert "Error: the issuer key file" in result.output
    assert "does not exist: run `skillgap issuer init`, or set SKILLGAP_ISSUER_KEY" in result.output
    assert not (tmp_path / "c.json").exists()


def test_a_key_readable_by_others_is_refused(runner: CliRunner, issuer: Path) -> None:
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    issuer.with_name("ws.db.issuer-key.json").chmod(0o644)
    result = run(runner, issuer, "issuer", "publish", "--out", str(issuer.parent / "site"))
    assert result.exit_code == 1 and "readable by others" in result.output


def test_the_key_may_come_from_the_environment(
    runner: CliRunner, workspace: Path, tmp_path: Path
) -> None:
    environ = {"SKILLGAP_ISSUER_KEY": KEY.to_multibase()}
    init = ok(run(runner, workspace, *INIT, "--did-web", "acme.example", environ=environ))
    assert "reused from $SKILLGAP_ISSUER_KEY" in init.output
    assert not list(tmp_path.glob("*.issuer-key.json"))
    out, site = tmp_path / "c.json", tmp_path / "site"
    ok(run(runner, workspace, *ISSUE, "--out", str(out), environ=environ))
    ok(run(runner, workspace, "issuer", "publish", "--out", str(site), environ=environ))
    assert (site / "did.json").is_file()
    assert verify(runner, site, out)["status"] == "valid"
    missing = run(runner, workspace, "issuer", "publish", "--out", str(site))
    assert missing.exit_code == 1 and "SKILLGAP_ISSUER_KEY" in missing.output


def test_init_takes_a_key_file_and_refuses_a_second_issuer(
    runner: CliRunner, workspace: Path, tmp_path: Path
) -> None:
    key_file = tmp_path / "secrets" / "issuer.json"
    key_file.parent.mkdir()
    ok(run(runner, workspace, *INIT, "--key-file", str(key_file)))
    assert key_file.is_file()
    again = run(runner, workspace, *INIT)
    assert again.exit_code == 1 and "--force" in again.output
    forced = ok(run(runner, workspace, *INIT, "--key-file", str(key_file), "--force"))
    assert "reused from" in forced.output
    renamed = ok(run(runner, workspace, *INIT[:3], "Acme Ltd", *INIT[4:], "--force"))
    assert f"reused from {key_file}" in renamed.output  # the profile's key file, not a new one
    assert not workspace.with_name(workspace.name + ".issuer-key.json").exists()


def test_a_workspace_that_issued_credentials_is_never_replaced(
    runner: CliRunner, issuer: Path, tmp_path: Path
) -> None:
    """Replacing it would lose which status-list bits are taken and which were revoked."""
    out = tmp_path / "ann.json"
    ok(run(runner, issuer, "issue", "--achievement", PYTHON.id, "--to", "E1", "--out", str(out)))
    refused = run(runner, issuer, "demo", "--yes")
    assert refused.exit_code == 1
    assert "holds 1 credential(s) the organisation issued" in refused.output
    assert len(json.loads(ok(run(runner, issuer, "issuer", "list-issued", "--json")).stdout)) == 1
