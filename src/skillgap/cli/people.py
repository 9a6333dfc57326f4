"""`skillgap people ...`: import, list, show."""

from __future__ import annotations

import json
from pathlib import Path

import click

from skillgap.cli.root import CliState, cli, console, pass_state, table_options, user_errors
from skillgap.formats.sheets import parse_mapping
from skillgap.reports.people import render_import, render_people, render_person
from skillgap.services import people as service


@cli.group()
def people() -> None:
    """People from HR exports: who holds which role, in which team, under which manager.

    \b
    Example:
        skillgap people import hr-export.xlsx --map "Emp No=employee_id"
        skillgap people list --department Security
    """


@people.command(name="import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@table_options
@click.option(
    "--full", is_flag=True, help="The file lists everyone: mark people missing from it inactive."
)
@pass_state
@user_errors
def import_command(
    state: CliState,
    path: Path,
    maps: tuple[str, ...],
    sheet: str | None,
    skip_invalid: bool,
    rejects: Path | None,
    full: bool,
) -> None:
    """Import people from an HR export (CSV or XLSX), matched by employee id.

    Fields: employee_id, name (or first_name and last_name), email (several with ';'),
    department, team, manager_id, role, hire_date, active; other columns are kept as
    attributes. Every error of the file is reported at once and nothing is written, unless
    --skip-invalid.

    \b
    Example:
        skillgap people import people.csv
        skillgap people import hr.xlsx --map "Emp No=employee_id" --map "Job=role" --full
        skillgap people import hr.csv --skip-invalid --rejects rejected.csv
    """
    result = service.import_people(
        path,
        state.store,
        mapping=parse_mapping(maps),
        sheet=sheet,
        skip_invalid=skip_invalid,
        full=full,
        rejects_path=rejects,
        clock=state.env.clock,
    )
    render_import(result, console())


@people.command(name="list")
@click.option("--department", help="Only this department.")
@click.option("--team", help="Only this team.")
@click.option("--role", help="Only this role id.")
@click.option("--inactive", is_flag=True, help="Include inactive people.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def list_command(
    state: CliState,
    department: str | None,
    team: str | None,
    role: str | None,
    inactive: bool,
    as_json: bool,
) -> None:
    """List people, optionally by department, team or role.

    \b
    Example:
        skillgap people list --department Security --role security-analyst
    """
    with state.store() as store:
        found = service.list_people(
            store, department=department, team=team, role=role, include_inactive=inactive
        )
    if as_json:
        rows = [
            {
                "employee_id": p.employee_id,
                "name": p.name,
                "emails": list(p.emails),
                "department": p.department,
                "team": p.team,
                "role": p.role_id,
                "manager_id": p.manager_id,
                "active": p.active,
            }
            for p in found
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        render_people(found, console())


@people.command()
@click.argument("employee_id", metavar="ID")
@pass_state
@user_errors
def show(state: CliState, employee_id: str) -> None:
    """Show one person: role, team, manager chain, direct reports, evidence held.

    \b
    Example:
        skillgap people show E1037
    """
    with state.store() as store:
        render_person(service.show_person(store, employee_id), console())
