"""The ``skillgap`` command: each subcommand parses its input, makes one service call and
renders the result. Commands live by area; importing them registers them on the root group."""

from skillgap.cli import (  # noqa: F401
    catalog,
    credentials,
    frameworks,
    gaps,
    issuing,
    organisation,
    people,
    plans,
    quality,
    ratings,
    roles,
    scales,
    server,
    snapshots,
    talent,
    users,
    verify,
    workspace,
)
from skillgap.cli.root import CliEnvironment, CliState, cli


def main() -> None:
    cli(prog_name="skillgap")


__all__ = ["CliEnvironment", "CliState", "cli", "main"]
