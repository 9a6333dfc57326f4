"""`skillgap roles ...`: import, list, show, occupations, from-occupation."""

from __future__ import annotations

from pathlib import Path

import click

from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.reports.roles import render_occupations, render_profile, render_roles
from skillgap.services import roles as service


@cli.group()
def roles() -> None:
    """Role profiles: what each role needs, now and at future horizons.

    \b
    Example:
        skillgap roles list
        skillgap roles show data-analyst
    """


@roles.command(name="import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--framework",
    "framework_id",
    metavar="ID",
    required=True,
    help="The framework the requirements name competencies of.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Store the roles without errors; write the errors of the others to a file.",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write those errors [default: FILE.rejects.csv].",
)
@pass_state
@user_errors
def import_command(
    state: CliState, path: Path, framework_id: str, skip_invalid: bool, rejects: Path | None
) -> None:
    """Import role profiles from YAML, CSV or XLSX (roles of the same id are replaced).

    \b
    Example:
        skillgap roles import roles.xlsx --framework demo
        skillgap roles import roles.csv --framework esco --skip-invalid
    """
    result = service.import_roles(
        path, framework_id, state.store, skip_invalid=skip_invalid, rejects_path=rejects
    )
    click.echo(
        f"Imported {len(result.added) + len(result.replaced)} roles: "
        f"{len(result.added)} new, {len(result.replaced)} replaced."
    )
    if result.rejects_file:
        click.echo(
            f"Left out the roles with errors ({result.errors} errors), listed in "
            f"{result.rejects_file}."
        )


@roles.command(name="list")
@pass_state
@user_errors
def list_command(state: CliState) -> None:
    """List the roles, with how many people hold each.

    \b
    Example:
        skillgap roles list
    """
    with state.store() as store:
        render_roles(service.list_roles(store), console())


@roles.command()
@click.argument("role_id", metavar="ROLE")
@pass_state
@user_errors
def show(state: CliState, role_id: str) -> None:
    """Show a role's profile: today's requirements and each future horizon side by side.

    \b
    Example:
        skillgap roles show data-analyst
    """
    with state.store() as store:
        render_profile(service.show_role(store, role_id), console())


@roles.command()
@click.argument("text")
@click.option("--framework", "framework_id", metavar="ID", help="One framework only.")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@pass_state
@user_errors
def occupations(state: CliState, text: str, framework_id: str | None, limit: int) -> None:
    """Find occupations (ESCO, O*NET, NICE work roles) by code or title.

    \b
    Example:
        skillgap roles occupations "data analyst" --framework esco
    """
    with state.store() as store:
        found = service.find_occupations(store, text, framework_id=framework_id, limit=limit)
    render_occupations(found, console())


@roles.command(name="from-occupation")
@click.argument("occupation")
@click.option("--framework", "framework_id", metavar="ID", required=True)
@click.option("--id", "role_id", required=True, help="Id of the new role.")
@click.option("--name", help="Name of the new role [default: the occupation's title].")
@click.option("--replace", is_flag=True, help="Remake the role if it exists.")
@pass_state
@user_errors
def from_occupation(
    state: CliState,
    occupation: str,
    framework_id: str,
    role_id: str,
    name: str | None,
    replace: bool,
) -> None:
    """Make a role from an occupation's skills, ready to be edited.

    Importance and level come from the occupation's ratings (O*NET) or its essential /
    optional relations (ESCO, NICE); see docs/user-guide.md, "Role templates".

    \b
    Example:
        skillgap roles from-occupation 15-2051.00 --framework onet --id data-scientist
    """
    with state.store() as store:
        role = service.create_role_from_occupation(
            store, framework_id, occupation, role_id=role_id, name=name, replace=replace
        )
        click.echo(f"Made role {role.id} ({role.name}) with {len(role.requirements)} requirements.")
        render_profile(service.show_role(store, role.id), console())
