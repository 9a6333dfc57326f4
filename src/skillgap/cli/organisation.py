"""`skillgap priorities` (the organisation's training needs, ranked and explained) and
`skillgap bench-strength` (who holds what, verified, anywhere in the organisation): parse,
one call to services/organisation.py, render. Group gaps are `skillgap gaps --org` etc."""

from __future__ import annotations

from datetime import date, datetime

import click

from skillgap.analysis.inventory import View
from skillgap.cli.gaps import (
    AS_OF,
    VIEW_OPTION,
    emit,
    horizon_option,
    output_format,
    output_options,
    privacy,
    privacy_options,
)
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.reports.organisation import bench_data, priorities_data
from skillgap.reports.organisation_csv import bench_csv, priorities_csv
from skillgap.reports.organisation_terminal import render_bench, render_priorities
from skillgap.services import organisation as service
from skillgap.services.organisation_scope import Horizon, When


@cli.command()
@VIEW_OPTION
@horizon_option(
    When.ALL,
    When.NOW,
    When.NEXT,
    When.FUTURE,
    help="Which needs: all (now and every horizon) [default], now, future (after the "
    "analysis date), next (now and the next horizon), or those arising by DATE.",
)
@click.option("--department", metavar="NAME", help="Only this department's people.")
@click.option("--team", metavar="NAME", help="Only this team's people.")
@click.option(
    "--top",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many needs to list.",
)
@AS_OF
@output_options
@privacy_options
@pass_state
@user_errors
def priorities(
    state: CliState,
    view: View,
    horizon: Horizon | None,
    department: str | None,
    team: str | None,
    top: int,
    as_of: datetime | None,
    fmt: str | None,
    as_json: bool,
    min_group_size: int | None,
    admin: bool,
) -> None:
    """Rank the organisation's training needs: per competency and horizon, importance x
    people short x mean gap x urgency (halving every 365 days until the need arises), each
    row with its components. Needs of fewer than --min-group-size people are hidden.

    \b
    Example:
        skillgap priorities
        skillgap priorities --horizon future --top 5
        skillgap priorities --department Operations --view best --format csv
        skillgap priorities --team "Network Planning" --horizon now
    """
    out = output_format(fmt, as_json)
    with state.store() as store:
        result = service.priorities(
            store,
            state.env.clock,
            department=department,
            team=team,
            as_of=as_of.date() if as_of else None,
            horizon=horizon or When.ALL,
            view=view,
            top=top,
            privacy=privacy(state, min_group_size, admin),
        )
    emit(
        out,
        lambda: priorities_data(result),
        lambda: priorities_csv(result),
        lambda: render_priorities(result, console()),
    )


@cli.command("bench-strength")
@click.option(
    "--level",
    type=click.FloatRange(0, 5, min_open=True),
    metavar="X",
    help="The level to hold, on the canonical 0-5 [default: 3; with --competency, 1 to 5].",
)
@click.option(
    "--competency",
    metavar="COMPETENCY",
    help="Only this competency: FRAMEWORK:CODE, a code or its exact name.",
)
@AS_OF
@output_options
@privacy_options
@pass_state
@user_errors
def bench_strength(
    state: CliState,
    level: float | None,
    competency: str | None,
    as_of: datetime | None,
    fmt: str | None,
    as_json: bool,
    min_group_size: int | None,
    admin: bool,
) -> None:
    """Count, per competency, the active people holding at least a level on verified
    evidence, anywhere in the organisation, next to the people whose role needs it;
    thinnest bench first. Never names anyone.

    \b
    Example:
        skillgap bench-strength
        skillgap bench-strength --level 4 --format csv
        skillgap bench-strength --competency demo:incident-response
    """
    out = output_format(fmt, as_json)
    when: date | None = as_of.date() if as_of else None
    with state.store() as store:
        result = service.bench_strength(
            store,
            state.env.clock,
            level=level,
            competency=competency,
            as_of=when,
            privacy=privacy(state, min_group_size, admin),
        )
    emit(
        out,
        lambda: bench_data(result),
        lambda: bench_csv(result),
        lambda: render_bench(result, console()),
    )
