"""`skillgap scales ...`: list, import."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.services import scales as service


@cli.group()
def scales() -> None:
    """Proficiency scales: the built-in ones and your organisation's own.

    \b
    Example:
        skillgap scales list
        skillgap scales import acme-levels.yaml
    """


@scales.command(name="list")
@pass_state
@user_errors
def list_command(state: CliState) -> None:
    """List the scales, each level with its position on the canonical 0-5.

    \b
    Example:
        skillgap scales list
    """
    with state.store() as store:
        found = service.list_scales(store)
    table = Table(title="Proficiency scales", title_justify="left")
    for column in ("Id", "Name", "Levels (value label = canonical)", "Built in"):
        table.add_column(column)
    for scale, builtin in found:
        levels = "; ".join(f"{lv.value} {lv.label} = {lv.canonical:g}" for lv in scale.levels)
        table.add_row(scale.id, escape(scale.name), escape(levels), "yes" if builtin else "no")
    console().print(table)


@scales.command(name="import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_state
@user_errors
def import_command(state: CliState, path: Path) -> None:
    """Store your own scale (YAML: id, name, levels with value, label, canonical, descriptor).

    Use it with `skillgap framework import ... --scale ID`.

    \b
    Example:
        skillgap scales import acme-levels.yaml
    """
    scale = service.import_scale(path, state.store)
    click.echo(f"Stored scale {scale.id} ({scale.name}) with {len(scale.levels)} levels.")
