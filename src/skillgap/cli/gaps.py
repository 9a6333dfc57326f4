"""`skillgap gaps`: one person against a role, now and at a horizon, or the gaps of a group
(a role's holders, a team, a department, the organisation); `skillgap why`: the evidence and
rules behind one person's level. The options shared with `priorities` and `bench-strength`
(view, horizon, format, privacy) are defined here."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from skillgap.analysis.inventory import View
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.config import MIN_GROUP_SIZE_RANGE, load_min_group_size
from skillgap.reports.gaps import gaps_data, render_gaps
from skillgap.reports.organisation import scope_data
from skillgap.reports.organisation_csv import person_csv, scope_csv
from skillgap.reports.organisation_terminal import render_scope
from skillgap.reports.why import render_why, why_data
from skillgap.services import explain as service
from skillgap.services import organisation
from skillgap.services.organisation_scope import Horizon, Privacy, Scope, ScopeKind, When

F = TypeVar("F", bound=Callable[..., Any])

AS_OF = click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Evaluate at this date [default: the workspace's snapshot date, or today].",
)


def _view(ctx: click.Context, param: click.Parameter, value: str) -> View:
    return View.BEST_AVAILABLE if value == "best" else View(value)


VIEW_OPTION = click.option(
    "--view",
    type=click.Choice([*(v.value for v in View), "best"]),
    default=View.VERIFIED.value,
    show_default=True,
    callback=_view,
    help="Whose levels count: verified evidence only, or best available ('best').",
)


def horizon_option(*words: When, help: str) -> Callable[[F], F]:
    """``--horizon`` taking a date or one of ``words`` (parsed to ``When`` or a date)."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> Horizon | None:
        if value is None:
            return None
        text = value.strip().lower()
        if text in [w.value for w in words]:
            return When(text)
        try:
            return datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is neither 'next' nor a date YYYY-MM-DD (groups also take "
                f"{', '.join(repr(w.value) for w in words if w is not When.NEXT)})",
                ctx,
                param,
            ) from None

    metavar = "|".join([*(w.value for w in words), "DATE"])
    return click.option("--horizon", metavar=metavar, callback=parse, help=help)


def output_options(command: F) -> F:
    """``--format table|json|csv`` and ``--json`` (an alias of ``--format json``)."""
    command = click.option("--json", "as_json", is_flag=True, help="Alias of --format json.")(
        command
    )
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        help="Output format [default: table].",
    )(command)


def output_format(fmt: str | None, as_json: bool) -> str:
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json is --format json: it cannot go with --format {fmt}")
    return "json" if as_json else fmt or "table"


def privacy_options(command: F) -> F:
    """``--min-group-size N`` and ``--admin`` (passed as ``min_group_size``, ``admin``)."""
    command = click.option(
        "--admin",
        is_flag=True,
        help="Show every group and row, however few people they concern (you are trusted as "
        "an administrator only with this flag).",
    )(command)
    return click.option(
        "--min-group-size",
        type=click.IntRange(*MIN_GROUP_SIZE_RANGE),
        metavar="N",
        help="Hide figures computed from fewer than N people [default: "
        "$SKILLGAP_MIN_GROUP_SIZE, or 5].",
    )(command)


def privacy(state: CliState, min_group_size: int | None, admin: bool) -> Privacy:
    return Privacy(load_min_group_size(state.env.environ, min_group_size), admin)


def emit(
    fmt: str, data: Callable[[], object], csv: Callable[[], str], table: Callable[[], None]
) -> None:
    if fmt == "json":
        click.echo(json.dumps(data(), indent=2))
    elif fmt == "csv":
        click.echo(csv(), nl=False)
    else:
        table()


@cli.command()
@click.argument("person_id", metavar="[PERSON]", required=False)
@click.option("--person", "person_option", metavar="ID", help="The person (as PERSON).")
@click.option(
    "--role",
    "role_id",
    metavar="ROLE",
    help="With a person: compare with this role instead. Alone: everyone holding the role.",
)
@click.option("--team", metavar="TEAM", help="The gaps of a team's active people.")
@click.option("--department", metavar="NAME", help="The gaps of a department's active people.")
@click.option("--org", is_flag=True, help="The gaps of the whole organisation.")
@AS_OF
@horizon_option(
    When.NOW,
    When.NEXT,
    When.FUTURE,
    help="A person: also the profile in force on DATE, or the role's next horizon [default: "
    "next]. A group: the profiles in force now [default], at the next horizon or on DATE; "
    "'future' adds every later horizon's gaps.",
)
@VIEW_OPTION
@output_options
@privacy_options
@pass_state
@user_errors
def gaps(
    state: CliState,
    person_id: str | None,
    person_option: str | None,
    role_id: str | None,
    team: str | None,
    department: str | None,
    org: bool,
    as_of: datetime | None,
    horizon: Horizon | None,
    view: View,
    fmt: str | None,
    as_json: bool,
    min_group_size: int | None,
    admin: bool,
) -> None:
    """Show the gaps of one person against their role (or --role), now and at a horizon; or
    of a role's holders, a team, a department or the organisation.

    For a person, each requirement: the level required, the level held and where it comes
    from, the gap and status; importance-weighted readiness; what is met on ratings alone.
    For a group, per competency and capability group: people in scope and meeting it,
    coverage, mean and total weighted gap; readiness; with --org, future gaps and single
    points of failure. Figures from fewer than --min-group-size people are hidden.

    \b
    Example:
        skillgap gaps E1057
        skillgap gaps E1057 --view best-available --horizon 2027-12-31
        skillgap gaps E1027 --role data-engineer --json
        skillgap gaps --department Security --horizon future
        skillgap gaps --org --format csv > gaps.csv
    """
    out = output_format(fmt, as_json)
    if person_id and person_option:
        raise click.UsageError("name the person once: PERSON or --person ID")
    person = person_id or person_option
    groups = [flag for flag, given in (("--team", team), ("--department", department)) if given]
    groups += ["--org"] if org else []
    if person is not None:
        if groups:
            raise click.UsageError(f"{groups[0]} is for a group's gaps: leave out the person")
        if admin or min_group_size is not None:
            raise click.UsageError("--admin and --min-group-size are for a group's gaps")
        if isinstance(horizon, When) and horizon is not When.NEXT:
            raise click.BadParameter(
                f"'{horizon.value}' is for a group's gaps: for one person give 'next' or a "
                "date YYYY-MM-DD",
                param_hint="'--horizon'",
            )
        with state.store() as store:
            result = service.person_gaps(
                store,
                state.env.clock,
                person,
                role_id=role_id,
                as_of=as_of.date() if as_of else None,
                horizon=horizon if isinstance(horizon, date) else None,
                view=view,
            )
        emit(
            out,
            lambda: gaps_data(result),
            lambda: person_csv(gaps_data(result)),
            lambda: render_gaps(result, console()),
        )
        return
    groups += ["--role"] if role_id else []
    if len(groups) != 1:
        raise click.UsageError(
            "say whose gaps: PERSON, --person ID, or one of --role ROLE, --team TEAM, "
            "--department NAME, --org"
            + (f" (not {' and '.join(groups)} together)" if groups else "")
        )
    kind, name = {
        "--role": (ScopeKind.ROLE, role_id),
        "--team": (ScopeKind.TEAM, team),
        "--department": (ScopeKind.DEPARTMENT, department),
        "--org": (ScopeKind.ORGANISATION, None),
    }[groups[0]]
    with state.store() as store:
        scoped = organisation.scope_gaps(
            store,
            state.env.clock,
            Scope(kind, name),
            as_of=as_of.date() if as_of else None,
            horizon=horizon or When.NOW,
            view=view,
            privacy=privacy(state, min_group_size, admin),
        )
    emit(
        out,
        lambda: scope_data(scoped),
        lambda: scope_csv(scoped),
        lambda: render_scope(scoped, console()),
    )


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
