"""Docs are part of the product: every command, option and setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from skillgap.cli import cli
from skillgap.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    """Every command by its full name: "status", "framework import" ..."""
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in sorted(command.commands.items())]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_and_option_is_in_the_cli_reference(
    name: str, command: click.Command
) -> None:
    heading = f"`skillgap {name}"
    assert heading in CLI_DOC, f"{heading} has no section in docs/cli.md"
    section = CLI_DOC.split(heading, 1)[1].split("\n#", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.opts[-1] in section, f"{param.opts[-1]} of {name} is not documented"
    assert "Example:" in (command.help or ""), f"{name} --help has no example"


def test_global_options_are_documented() -> None:
    for param in cli.params:
        if isinstance(param, click.Option):
            assert f"`{param.opts[-1]}" in CLI_DOC


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in SETTINGS:
        assert f"`{name}`" in text


def test_the_readme_leads_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_docs_links_resolve() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
