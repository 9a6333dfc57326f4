"""One person explained: `skillgap gaps` (against a role, now and at a horizon) and
`skillgap why` (the evidence and rules behind one level)."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from skillgap.analysis.inventory import View
from skillgap.cli.root import VIEW, CliState, cli, console, pass_state, user_errors
from skillgap.reports.gaps import gaps_data, render_gaps
from skillgap.reports.why import render_why, why_data
from skillgap.services import explain as service

AS_OF = click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Evaluate at this date [default: the workspace's snapshot date, or today].",
)


def _horizon(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """``next`` (or nothing: the role's next horizon after the analysis date) or a date."""
    if value is None or value.strip().lower() == "next":
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither 'next' nor a date YYYY-MM-DD", ctx, param
        ) from None


@cli.command()
@click.argument("person_id", metavar="PERSON")
@click.option("--role", "role_id", metavar="ROLE", help="Compare with this role instead.")
@AS_OF
@click.option(
    "--horizon",
    metavar="DATE|next",
    callback=_horizon,
    help="Also compare with the profile in force on this date, or the role's next horizon "
    "after the analysis date [default: next].",
)
@click.option(
    "--view",
    type=VIEW,
    default=View.VERIFIED.value,
    show_default=True,
    help="Whose levels count: verified evidence only, or best available.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the gaps as JSON.")
@pass_state
@user_errors
def gaps(
    state: CliState,
    person_id: str,
    role_id: str | None,
    as_of: datetime | None,
    horizon: date | None,
    view: str,
    as_json: bool,
) -> None:
    """Show one person's gaps against their role (or --role), now and at a horizon.

    For each requirement: the level required, the level held and where it comes from, the
    gap and status; importance-weighted readiness; and what is met on ratings alone.

    \b
    Example:
        skillgap gaps E1057
        skillgap gaps E1057 --view best-available --horizon 2027-12-31
        skillgap gaps E1027 --role data-engineer --json
    """
    with state.store() as store:
        result = service.person_gaps(
            store,
            state.env.clock,
            person_id,
            role_id=role_id,
            as_of=as_of.date() if as_of else None,
            horizon=horizon,
            view=View(view),
        )
    if as_json:
        click.echo(json.dumps(gaps_data(result), indent=2))
    else:
        render_gaps(result, console())


@cli.command()
@click.argument("person_id", metavar="PERSON")
@click.argument("competency")
@AS_OF
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@pass_state
@user_errors
def why(
    state: CliState, person_id: str, competency: str, as_of: datetime | None, as_json: bool
) -> None:
    """Explain a person's level in one competency: every credential and rating of it,
    whether each counts (and why not), the rule that gives each level, and what their role
    requires of it now and at its horizons.

    COMPETENCY is FRAMEWORK:CODE, a code of the person's role's framework, or a
    competency's exact name.

    \b
    Example:
        skillgap why E1057 statistics
        skillgap why E1045 "Security awareness" --as-of 2026-06-30
        skillgap why E1040 demo:incident-response --json
    """
    with state.store() as store:
        result = service.explain_level(
            store,
            state.env.clock,
            person_id,
            competency,
            as_of=as_of.date() if as_of else None,
        )
    if as_json:
        click.echo(json.dumps(why_data(result), indent=2))
    else:
        render_why(result, console())
