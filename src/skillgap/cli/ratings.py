"""`skillgap ratings import`: self and manager ratings (claims, never verified evidence)."""

from __future__ import annotations

from pathlib import Path

import click

from skillgap.cli.root import CliState, cli, pass_state, table_options, user_errors
from skillgap.formats.sheets import parse_mapping
from skillgap.services import ratings as service


@cli.group()
def ratings() -> None:
    """Self and manager ratings: claimed levels, kept apart from verified evidence.

    \b
    Example:
        skillgap ratings import self-assessment.xlsx --framework demo
    """


@ratings.command(name="import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--framework",
    "framework_id",
    metavar="ID",
    required=True,
    help="The framework bare competency codes and names belong to.",
)
@table_options
@pass_state
@user_errors
def import_command(
    state: CliState,
    path: Path,
    framework_id: str,
    maps: tuple[str, ...],
    sheet: str | None,
    skip_invalid: bool,
    rejects: Path | None,
) -> None:
    """Import self and manager ratings (CSV or XLSX); importing a file twice stores each once.

    Fields: employee_id, competency (code, FRAMEWORK:CODE or name), level, scale (default:
    the framework's), source (self or manager), rated_on, rated_by, confidence.

    \b
    Example:
        skillgap ratings import ratings.csv --framework demo
        skillgap ratings import survey.xlsx --framework esco --map "Skill=competency"
    """
    result = service.import_ratings(
        path,
        framework_id,
        state.store,
        mapping=parse_mapping(maps),
        sheet=sheet,
        skip_invalid=skip_invalid,
        rejects_path=rejects,
        clock=state.env.clock,
    )
    click.echo(f"Ratings: {result.added} added, {result.already_held} already held.")
    if result.rejects_file:
        click.echo(
            f"{result.rejected} rows rejected, written with their reasons to {result.rejects_file}."
        )
