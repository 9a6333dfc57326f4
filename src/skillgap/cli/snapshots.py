"""`skillgap snapshot`, `skillgap snapshots list` and `skillgap progress`: the organisation's
gaps recorded on dates, and what changed between them."""

from __future__ import annotations

import json
from datetime import datetime

import click

from skillgap.analysis.inventory import View
from skillgap.cli.root import VIEW, CliState, cli, console, pass_state, user_errors
from skillgap.reports.person_progress import person_progress_data, render_person_progress
from skillgap.reports.snapshots import (
    progress_data,
    render_progress,
    render_snapshots,
    render_taken,
    snapshots_data,
    taken_data,
)
from skillgap.services import snapshots as service

DATE = click.DateTime(["%Y-%m-%d"])


@cli.command()
@click.option(
    "--as-of",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Record the gaps as of this date [default: the workspace's snapshot date, or today].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the snapshot's figures as JSON.")
@pass_state
@user_errors
def snapshot(state: CliState, as_of: datetime | None, as_json: bool) -> None:
    """Record the organisation's gaps as of a date, to compare with later ones.

    Every person with a role: readiness in both views, now and at their role's next horizon,
    and every requirement with the levels held (the figures of `skillgap summary`). Imports
    and the demo take one too.

    \b
    Example:
        skillgap snapshot
        skillgap snapshot --as-of 2027-06-30 --json
    """
    with state.store() as store:
        taken = service.take_snapshot(store, state.env.clock, as_of.date() if as_of else None)
    if as_json:
        click.echo(json.dumps(taken_data(taken), indent=2))
    else:
        render_taken(taken, console())


@cli.group()
def snapshots() -> None:
    """Snapshots recorded: by `skillgap snapshot`, after each import and by the demo.

    \b
    Example:
        skillgap snapshots list
    """


@snapshots.command(name="list")
@click.option(
    "--since", type=DATE, metavar="YYYY-MM-DD", help="Only snapshots as of this date or later."
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def list_command(state: CliState, since: datetime | None, as_json: bool) -> None:
    """List snapshots, oldest first: date, when and why taken, readiness and open gaps.

    \b
    Example:
        skillgap snapshots list
        skillgap snapshots list --since 2026-11-01 --json
    """
    with state.store() as store:
        found = service.list_snapshots(store, since.date() if since else None)
    if as_json:
        click.echo(json.dumps(snapshots_data(found), indent=2))
    else:
        render_snapshots(found, console())


@cli.command()
@click.option(
    "--since",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Compare the snapshots as of this date or later [default: every snapshot].",
)
@click.option("--department", metavar="NAME", help="Only this department's people.")
@click.option(
    "--person",
    metavar="ID",
    help="One person's changes over each period between snapshots (employee id).",
)
@click.option(
    "--view",
    type=VIEW,
    default=View.VERIFIED.value,
    show_default=True,
    help="Whose levels count: verified evidence only, or best available.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the progress as JSON.")
@pass_state
@user_errors
def progress(
    state: CliState,
    since: datetime | None,
    department: str | None,
    person: str | None,
    view: str,
    as_json: bool,
) -> None:
    """Show gaps closed and opened, and readiness over time, across snapshots.

    The first snapshot as of --since or later is the starting point; each gap that closed
    or opened names the person and competency, the levels required and held before and
    after, and why (level rose or fell, requirement changed). With --person, that
    person's changes over each period between consecutive snapshots.

    \b
    Example:
        skillgap progress --since 2026-11-01
        skillgap progress --since 2026-01-01 --department Security --json
        skillgap progress --person E1001 --view best-available
    """
    day = since.date() if since else None
    if person is not None:
        if department is not None:
            raise click.UsageError("--person and --department cannot be used together")
        with state.store() as store:
            mine = service.person_progress(store, person, view=View(view), since=day)
        if as_json:
            click.echo(json.dumps(person_progress_data(mine), indent=2))
        else:
            render_person_progress(mine, console())
        return
    with state.store() as store:
        report = service.progress(store, day, department, view=View(view))
    if as_json:
        click.echo(json.dumps(progress_data(report), indent=2))
    else:
        render_progress(report, console())
