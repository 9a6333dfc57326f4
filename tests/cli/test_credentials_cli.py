"""`skillgap credentials ...` end to end: a real workspace file, people from a CSV export,
badges served by the in-memory network (or a documents folder), and the reject file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.fetch import Fetcher
from skillgap.store.schema import open_store
from tests.services.badges import AT, FRAMEWORK, Academy, hashed, ob3, plain, python_academy, write


def run(runner: CliRunner, workspace: Path, *args: str, network: Fetcher | None = None) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(AT), network=network)
    return runner.invoke(cli, ["--workspace", str(workspace), *args], obj=env)


@pytest.fixture
def workspace(runner: CliRunner, tmp_path: Path) -> Path:
    """A workspace with a framework and two people (Ann with a DID) imported from CSV."""
    path = tmp_path / "ws.db"
    assert run(runner, path, "init").exit_code == 0
    store = open_store(load_settings({}, workspace=path))
    with store.transaction() as ws:
        ws.frameworks.add(FRAMEWORK)
    store.close()
    export = tmp_path / "people.csv"
    export.write_text(
        "employee_id,name,email,identifiers\n"
        "E1,Ann,ann@example.org,did:example:ann; https://id.example/ann\n"
        "E2,Bob,bob@example.org,\n",
        encoding="utf-8",
    )
    result = run(runner, path, "people", "import", str(export))
    assert result.exit_code == 0, result.output
    return path


def listed(runner: CliRunner, workspace: Path, *options: str) -> list[dict[str, Any]]:
    result = run(runner, workspace, "credentials", "list", "--json", *options)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_import_list_and_show(runner: CliRunner, workspace: Path, tmp_path: Path) -> None:
    academy, badge = python_academy()
    inbox = tmp_path / "inbox"
    write(inbox, "ann.json", academy.award(1, badge, hashed("ann@example.org")))
    write(inbox, "did.json", ob3(2, {"id": "https://id.example/ann"}))
    write(inbox, "zoe.json", academy.award(3, badge, plain("zoe@example.org")))
    write(inbox, "notes.txt", "not a badge")

    result = run(runner, workspace, "credentials", "import", str(inbox), network=academy.fetcher)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Awards stored" in out and "3 (3 new, 0 updated)" in out
    assert "Matched to a person" in out and "Rejected inputs" in out
    assert "1 inputs rejected" in out and "inbox.rejects.csv" in out
    assert "no person in the workspace has zoe@example.org" in out
    with (tmp_path / "inbox.rejects.csv").open(encoding="utf-8-sig") as f:
        assert [row[0] for row in csv.reader(f)][1:] == [str(inbox / "notes.txt")]

    rows = listed(runner, workspace)
    assert [(r["person_id"], r["status"], r["format"]) for r in rows] == [
        ("E1", "valid", "ob2.0-hosted"),
        (None, "valid", "ob2.0-hosted"),
        ("E1", "malformed", "ob3.0"),
    ]
    assert [r["id"] for r in listed(runner, workspace, "--unmatched")] == [rows[1]["id"]]
    assert len(listed(runner, workspace, "--person", "E1")) == 2
    assert [r["format"] for r in listed(runner, workspace, "--status", "malformed")] == ["ob3.0"]
    table = run(runner, workspace, "credentials", "list")
    assert "Python Practitioner" in table.stdout and "Example Academy" in table.stdout

    shown = run(runner, workspace, "credentials", "show", rows[0]["id"])
    assert shown.exit_code == 0, shown.output
    for text in ("Python Practitioner", "Ann (E1)", "tier unknown", "esco:python", "exact",
                 "hosted-copy", "Verification checks"):  # fmt: skip
        assert text in shown.stdout, text
    missing = run(runner, workspace, "credentials", "show", "nope")
    assert missing.exit_code == 1 and "no credential with id 'nope'" in missing.output


def test_importing_again_updates(runner: CliRunner, workspace: Path, tmp_path: Path) -> None:
    academy, badge = python_academy()
    path = write(tmp_path, "ann.json", academy.award(1, badge, plain("ann@example.org")))
    first = run(runner, workspace, "credentials", "import", str(path), network=academy.fetcher)
    assert "1 (1 new, 0 updated)" in first.stdout
    again = run(runner, workspace, "credentials", "import", str(path), network=academy.fetcher)
    assert "1 (0 new, 1 updated)" in again.stdout
    assert len(listed(runner, workspace)) == 1


def test_person_option(runner: CliRunner, workspace: Path, tmp_path: Path) -> None:
    academy, badge = python_academy()
    bobs = write(tmp_path, "bob.json", academy.award(1, badge, plain("bob@example.org")))
    rejects = tmp_path / "rejected.csv"
    result = run(runner, workspace, "credentials", "import", str(bobs), "--person", "E1",
                 "--rejects", str(rejects), network=academy.fetcher)  # fmt: skip
    assert result.exit_code == 0, result.output
    refused = "the credential names E2, not E1 (the person named for the import)"
    assert refused in rejects.read_text(encoding="utf-8-sig")
    unknown = run(runner, workspace, "credentials", "import", str(bobs), "--person", "E9",
                  network=academy.fetcher)  # fmt: skip
    assert unknown.exit_code == 1 and "no person with employee id 'E9'" in unknown.output


def test_offline_with_documents_in_worker_processes(
    runner: CliRunner, workspace: Path, tmp_path: Path
) -> None:
    academy = Academy()
    badge = academy.badge("sql", "SQL Basics", [{"targetName": "structured query language"}])
    inbox = tmp_path / "inbox"
    for n in range(1, 6):
        write(inbox, f"{n}.json", academy.award(n, badge, hashed("bob@example.org", f"salt{n}")))
    docs = tmp_path / "docs"
    index = {}
    for n, (url, document) in enumerate(sorted(academy.fetcher.documents.items())):
        write(docs, f"{n}.json", document.body.decode())
        index[url] = {"file": f"{n}.json"}
    write(docs, "index.json", index)

    result = run(runner, workspace, "credentials", "import", str(inbox), "--offline",
                 "--documents", str(docs), "--workers", "2", "--at", "2025-06-01")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "5 (5 new, 0 updated)" in result.stdout
    assert "Suggested alignments (confirm before they count)" in result.stdout
    assert "esco:sql 'Structured Query Language' (100)" in result.stdout
    assert {(r["person_id"], r["status"]) for r in listed(runner, workspace)} == {("E2", "valid")}


def test_bad_options_are_usage_errors(runner: CliRunner, workspace: Path) -> None:
    result = run(runner, workspace, "credentials", "import", "x.json", "--at", "soon")
    assert result.exit_code == 2 and "not a date" in result.output
    result = run(runner, workspace, "credentials", "list", "--status", "fine")
    assert result.exit_code == 2


def test_people_identifiers_must_be_dids_or_urls(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    run(runner, path, "init")
    export = tmp_path / "people.csv"
    export.write_text(
        "employee_id,name,identifiers\nE1,Ann,did:example:ann\nE2,Bob,did:example:ann\n"
        "E3,Cy,https://id.example/cy; 12345\n",
        encoding="utf-8",
    )
    result = run(runner, path, "people", "import", str(export))
    assert result.exit_code == 1
    assert "'12345': not a DID or URL" in result.output
    assert "row 2, field 'identifiers': identifier 'did:example:ann' is also on row 3" in (
        result.output
    )
