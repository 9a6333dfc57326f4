"""`skillgap user ...` and `skillgap token ...` on a real SQLite workspace."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.services import users as service
from skillgap.store import Store
from skillgap.store.schema import open_store

PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def run(workspace: Path, *args: str, input: str | None = None, interactive: bool = False) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(NOW), interactive=lambda: interactive)
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], obj=env, input=input)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    assert run(path, "init").exit_code == 0
    people = tmp_path / "people.csv"
    people.write_text(
        "employee_id,name,email,manager_id\nE1,Ann Lee,ann@example.org,\nE2,Bo Chen,,E1\n",
        encoding="utf-8",
    )
    assert run(path, "people", "import", str(people)).exit_code == 0
    return path


@contextmanager
def opened(workspace: Path) -> Iterator[Store]:
    store = open_store(load_settings({}, workspace=workspace))
    try:
        yield store
    finally:
        store.close()


def users(workspace: Path) -> list[dict[str, Any]]:
    result = run(workspace, "user", "list", "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def test_first_administrator_from_a_script(workspace: Path) -> None:
    result = run(
        workspace, "user", "add", "--admin", "Ann@Example.org", "--password-stdin", input=PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "Added user ann@example.org (admin)." in result.stdout
    [ann] = users(workspace)
    assert ann["id"] == "ann@example.org" and ann["role"] == "admin" and ann["active"]
    with opened(workspace) as store:
        stored = service.list_users(store)[0]
    assert stored.password_hash.startswith("scrypt$16384$8$1$")
    assert PASSWORD not in stored.password_hash
    assert "scrypt" not in run(workspace, "user", "list").stdout


def test_password_is_asked_twice_at_a_terminal(workspace: Path) -> None:
    answers = f"too short\ntoo short\n{PASSWORD}\n{PASSWORD}\n"
    result = run(
        workspace, "user", "add", "hr@example.org", "--role", "hr", input=answers, interactive=True
    )
    assert result.exit_code == 0, result.output
    assert "at least 12 characters" in result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    assert users(workspace)[0]["role"] == "hr"


def test_no_terminal_and_no_stdin_flag_is_refused(workspace: Path) -> None:
    result = run(workspace, "user", "add", "--admin", "ann@example.org")
    assert result.exit_code == 1
    assert "--password-stdin" in result.stderr
    assert users(workspace) == []


def test_add_user_errors(workspace: Path) -> None:
    both = run(workspace, "user", "add", "--admin", "--role", "hr", "a@example.org")
    assert both.exit_code == 2 and "--admin is --role admin" in both.stderr
    bad = run(workspace, "user", "add", "not-an-address", "--password-stdin", input=PASSWORD)
    assert bad.exit_code == 1 and "is not an e-mail address" in bad.stderr
    unlinked = run(workspace, "user", "add", "bo@example.org", "--password-stdin", input=PASSWORD)
    assert unlinked.exit_code == 1 and "must be linked to a person (--person ID)" in unlinked.stderr
    nobody = run(
        workspace,
        "user",
        "add",
        "bo@example.org",
        "--person",
        "E9",
        "--password-stdin",
        input=PASSWORD,
    )
    assert nobody.exit_code == 1 and "no person with employee id 'E9'" in nobody.stderr
    short = run(
        workspace, "user", "add", "--admin", "a@example.org", "--password-stdin", input="short"
    )
    assert short.exit_code == 1 and "at least 12 characters" in short.stderr
    empty = run(workspace, "user", "add", "--admin", "a@example.org", "--password-stdin", input="")
    assert empty.exit_code == 1 and "no password on standard input" in empty.stderr


def test_set_role_deactivate_and_password(workspace: Path) -> None:
    add = ["user", "add", "--password-stdin"]
    assert run(workspace, *add, "--admin", "ann@example.org", input=PASSWORD).exit_code == 0
    assert (
        run(
            workspace, *add, "bo@example.org", "--person", "E2", "--name", "Bo", input=PASSWORD
        ).exit_code
        == 0
    )
    bo = next(u for u in users(workspace) if u["id"] == "bo@example.org")
    assert (bo["role"], bo["person_id"], bo["name"]) == ("employee", "E2", "Bo")
    changed = run(workspace, "user", "set-role", "bo@example.org", "manager")
    assert changed.exit_code == 0 and "(manager, person E2)" in changed.stdout
    last = run(workspace, "user", "set-role", "ann@example.org", "hr")
    assert last.exit_code == 1 and "last active administrator" in last.stderr
    new = run(
        workspace, "user", "password", "bo@example.org", "--password-stdin", input=PASSWORD + "!"
    )
    assert new.exit_code == 0 and "New password for user bo@example.org" in new.stdout
    with opened(workspace) as store:
        clock = FixedClock(NOW)
        service.login(store, clock, "bo@example.org", PASSWORD + "!", "cli-test")
    gone = run(workspace, "user", "deactivate", "bo@example.org")
    assert gone.exit_code == 0 and "Ended 1 session." in gone.stdout
    assert not next(u for u in users(workspace) if u["id"] == "bo@example.org")["active"]
    missing = run(workspace, "user", "deactivate", "zed@example.org")
    assert missing.exit_code == 1 and "no user 'zed@example.org'" in missing.stderr


def test_tokens(workspace: Path) -> None:
    made = run(workspace, "token", "create", "--name", "HR system", "--role", "hr", "--by", "ann")
    assert made.exit_code == 0, made.output
    secret = re.search(r"sg_[0-9a-f]{16}_\S+", made.stdout)
    assert secret is not None and "shown this once" in made.stdout
    token_id = secret.group(0).split("_")[1]
    listed = run(workspace, "token", "list", "--json")
    [token] = json.loads(listed.stdout)
    assert token["id"] == token_id and token["created_by"] == "cli:ann" and token["active"]
    assert secret.group(0).split("_", 2)[2] not in listed.stdout
    assert secret.group(0) not in run(workspace, "token", "list").stdout
    employee = run(workspace, "token", "create", "--name", "x", "--role", "employee")
    assert employee.exit_code == 1 and "linked to a person" in employee.stderr
    revoked = run(workspace, "token", "revoke", token_id)
    assert revoked.exit_code == 0 and f"Revoked API token {token_id}" in revoked.stdout
    assert json.loads(run(workspace, "token", "list", "--json").stdout)[0]["active"] is False
    unknown = run(workspace, "token", "revoke", "nope")
    assert unknown.exit_code == 1 and "no API token 'nope'" in unknown.stderr


def test_commands_need_a_workspace(tmp_path: Path) -> None:
    result = run(tmp_path / "none.db", "user", "list")
    assert result.exit_code == 1 and "no workspace at" in result.stderr
