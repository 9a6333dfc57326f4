"""What each command means to do with the workspace: the commands that only read
(``cli.root.READS``) write nothing and take no write lock; every other command's units of
work take SQLite's write lock as they begin (``BEGIN IMMEDIATE``), so that a command that
reads and then writes cannot fail because the server committed in between."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import event
from sqlalchemy.engine import Engine

from skillgap.cli import CliEnvironment, cli
from skillgap.cli.root import READS
from tests.store.intent import is_write, writes_without_intent

from .test_verify_cli import DCC_VALID

#: each read-only command with arguments the demo workspace answers
READ_RUNS: dict[str, list[str]] = {
    "achievements list": [],
    "achievements show": ["https://skills.tidewell.example/achievements/compass-super-user"],
    "alignments review": [],
    "audit": [],
    "bench-strength": [],
    "catalog export": [],
    "catalog list": [],
    "credentials list": [],
    "credentials show": ["urn:example:A0001"],
    "framework diff": ["{exported}", "--format", "case"],
    "framework export": ["demo"],
    "framework list": [],
    "framework search": ["sql"],
    "framework show": ["demo"],
    "gaps": ["--person", "E1040"],
    "issuer list-issued": [],
    "issuers list": [],
    "pathways progress": [],
    "pathways queue": [],
    "pathways show": ["data-analyst"],
    "people list": [],
    "people show": ["E1040"],
    "plans list": [],
    "plans show": ["P0001"],
    "policy show": [],
    "priorities": [],
    "progress": [],
    "roles list": [],
    "roles occupations": ["analyst"],
    "roles show": ["data-analyst"],
    "rubric export": [],
    "rubric history": [],
    "rubric show": [],
    "scales list": [],
    "snapshots list": [],
    "status": [],
    "summary": [],
    "token list": [],
    "user list": [],
    "verify": ["--offline", str(DCC_VALID)],
    "why": ["E1057", "statistics"],
}


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[str]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield " ".join((*path, name))


def run(workspace: Path, *args: str) -> Any:
    runner = CliRunner()
    return runner.invoke(cli, ["--workspace", str(workspace), *args], obj=CliEnvironment({}))


@contextmanager
def statements(workspace: Path) -> Iterator[list[str]]:
    """The statements run on ``workspace``'s database by any engine, BEGIN IMMEDIATE too."""
    said: list[str] = []

    def statement(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        if str(workspace) in str(conn.engine.url):
            said.append(sql)

    event.listen(Engine, "before_cursor_execute", statement)
    try:
        yield said
    finally:
        event.remove(Engine, "before_cursor_execute", statement)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("intent")
    workspace = folder / "ws.db"
    assert run(workspace, "demo").exit_code == 0
    exported = run(workspace, "framework", "export", "demo", "-o", str(folder / "demo.json"))
    assert exported.exit_code == 0, exported.output
    return workspace


def test_the_list_names_commands_that_exist() -> None:
    every = set(commands())
    assert every >= READS, READS - every
    assert set(READ_RUNS) == READS
    assert "people import" in every - READS and "snapshot" in every - READS


@pytest.mark.parametrize("name", sorted(READS))
def test_a_command_that_reads_writes_nothing(demo: Path, name: str) -> None:
    args = [a.replace("{exported}", str(demo.parent / "demo.json")) for a in READ_RUNS[name]]
    with statements(demo) as said:
        result = run(demo, *name.split(), *args)
    assert result.exit_code == 0, result.output
    if name != "verify":  # verify reads documents, not the workspace
        assert any(s.lstrip().upper().startswith("SELECT") for s in said), said
    assert "BEGIN IMMEDIATE" not in said
    assert not [s for s in said if is_write(s)]


@pytest.mark.parametrize(
    "args",
    [["snapshot"], ["plan", "--person", "E1040"], ["candidates", "--role", "data-analyst"]],
    ids=" ".join,
)
def test_a_command_that_writes_takes_the_lock_as_its_units_begin(
    demo: Path, args: list[str]
) -> None:
    with statements(demo) as said:
        result = run(demo, *args)
    assert result.exit_code == 0, result.output
    assert [s for s in said if is_write(s)], said  # it wrote
    assert writes_without_intent(said) == []
