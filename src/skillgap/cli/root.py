"""The root of the ``skillgap`` command: global options, the state each command gets, and
the one place the SkillgapError tree becomes ``Error: <message>`` and exit code 1 (usage
errors are Click's: exit code 2). Settings are built when a command runs, never at import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from rich.console import Console

from skillgap import __version__
from skillgap.analysis.inventory import View
from skillgap.clock import Clock, SystemClock
from skillgap.config import Settings, load_settings
from skillgap.errors import SkillgapError
from skillgap.fetch import Fetcher
from skillgap.store import Store
from skillgap.store.intent import writes
from skillgap.store.schema import open_store

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class CliEnvironment:
    """What a command reads from its surroundings; tests pass their own as Click's ``obj``."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    clock: Clock = field(default_factory=SystemClock)
    interactive: Callable[[], bool] = field(default=lambda: sys.stdin.isatty())
    #: Replaces the HTTP fetcher when set (tests pass the in-memory twin).
    network: Fetcher | None = None


@dataclass
class CliState:
    env: CliEnvironment
    workspace: Path | None
    database_url: str | None

    @property
    def settings(self) -> Settings:
        return load_settings(
            self.env.environ, workspace=self.workspace, database_url=self.database_url
        )

    @contextmanager
    def store(self, create: bool = False) -> Iterator[Store]:
        """The workspace, for the command running. Its units of work take SQLite's write
        lock as they begin unless the command only reads (``READS``): a command that reads
        and then writes would otherwise fail if the server (or another command) committed
        in between."""
        store = open_store(self.settings, create=create)
        try:
            with nullcontext() if running() in READS else writes():
                yield store
        finally:
            store.close()

    def confirm_replace(self, yes: bool) -> Callable[[str], bool]:
        """Asks before a workspace's data is replaced (unless --yes)."""

        def confirm(location: str) -> bool:
            if yes:
                return True
            if not self.env.interactive():
                raise click.ClickException(
                    f"the workspace at {location} already holds data: pass --yes to replace it"
                )
            click.confirm(f"Replace everything in {location}?", abort=True)
            return True

        return confirm


#: The commands that only read the workspace (tests/cli/test_intent.py runs each and checks
#: that it writes nothing); every other command's units mean to write.
READS = frozenset(
    {
        "achievements list",
        "achievements show",
        "alignments review",
        "audit",
        "bench-strength",
        "catalog export",
        "catalog list",
        "credentials list",
        "credentials show",
        "framework diff",
        "framework export",
        "framework list",
        "framework search",
        "framework show",
        "gaps",
        "issuer list-issued",
        "issuers list",
        "pathways progress",
        "pathways queue",
        "pathways show",
        "people list",
        "people show",
        "plans list",
        "plans show",
        "policy show",
        "priorities",
        "progress",
        "roles list",
        "roles occupations",
        "roles show",
        "rubric export",
        "rubric history",
        "rubric show",
        "scales list",
        "snapshots list",
        "status",
        "summary",
        "token list",
        "user list",
        "verify",
        "why",
    }
)


def running() -> str:
    """The command running, without the program's name: "gaps", "framework import"."""
    names = []
    ctx: click.Context | None = click.get_current_context(silent=True)
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:  # piped or captured: a fixed, readable width
        console = Console(highlight=False, soft_wrap=False, width=110)
    return console


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Translate the SkillgapError tree into Click's ``Error: ...`` line and exit code 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SkillgapError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


VIEW = click.Choice([v.value for v in View])

F = TypeVar("F", bound=Callable[..., Any])


def table_options(command: F) -> F:
    """The options every import of a CSV/XLSX table takes: --map, --sheet, --skip-invalid,
    --rejects (passed as ``maps``, ``sheet``, ``skip_invalid``, ``rejects``)."""
    options = [
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar='"COLUMN=FIELD"',
            help="Read a column of the file as a skillgap field (repeatable).",
        ),
        click.option("--sheet", help="The worksheet to read (xlsx) [default: the first]."),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Store the valid rows; write the others to a reject file.",
        ),
        click.option(
            "--rejects",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Where to write rejected rows [default: FILE.rejects.csv].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="skillgap")
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, dir_okay=False),
    help="SQLite workspace file [default: ./skillgap.db, or $SKILLGAP_WORKSPACE].",
)
@click.option(
    "--database-url",
    metavar="URL",
    help="SQLAlchemy URL of the workspace database instead of a file "
    "[default: $SKILLGAP_DATABASE_URL].",
)
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, database_url: str | None) -> None:
    """skillgap: who can prove they can do what each role needs, and what is missing.

    \b
    Example:
        skillgap demo            # load the demo organisation and print its gaps
        skillgap --workspace acme.db status
    """
    env = ctx.obj if isinstance(ctx.obj, CliEnvironment) else CliEnvironment()
    ctx.obj = CliState(env, workspace, database_url)


pass_state = click.make_pass_decorator(CliState)
