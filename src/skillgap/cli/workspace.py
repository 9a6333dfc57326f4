"""Workspace commands: init, demo, load, status, summary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from skillgap.analysis.inventory import View
from skillgap.cli.root import VIEW, CliState, cli, console, pass_state, user_errors
from skillgap.reports.plans import render_person_plan, render_priorities
from skillgap.reports.summary import render_summary, summary_data
from skillgap.services import bundles, summary, workspace


@cli.command()
@pass_state
@user_errors
def init(state: CliState) -> None:
    """Create an empty workspace (or bring an existing one up to date).

    \b
    Example:
        skillgap init
        skillgap --workspace team.db init
        skillgap --database-url postgresql://me@db.internal/skillgap init
    """
    result = workspace.init_workspace(state.settings)
    if result.created:
        click.echo(f"Created a workspace at {result.location} (schema {result.schema}).")
    else:
        click.echo(f"The workspace at {result.location} is up to date (schema {result.schema}).")


@cli.command()
@click.option("--yes", "-y", is_flag=True, help="Replace the workspace's data without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--view",
    type=VIEW,
    default=View.VERIFIED.value,
    show_default=True,
    help="Whose levels count: verified evidence only, or best available.",
)
@pass_state
@user_errors
def demo(state: CliState, yes: bool, as_json: bool, view: str) -> None:
    """Load the demo organisation into the workspace and print its gap summary.

    Re-running resets the workspace to the demo, after asking (or at once with --yes).

    \b
    Example:
        skillgap demo --yes
        skillgap --workspace demo.db demo --view best-available
    """
    done = bundles.run_demo(
        state.store, state.env.clock, state.confirm_replace(yes), view=View(view)
    )
    if as_json:
        click.echo(json.dumps(summary_data(done.summary), indent=2))
        return
    loaded, result = done.loaded, done.summary
    counts = loaded.counts
    click.echo(
        f"Loaded the demo organisation {loaded.organisation}: {counts['people']} people, "
        f"{counts['roles']} roles, {counts['competencies']} competencies, "
        f"{counts['awards']} credentials, {counts['claims']} self/manager ratings."
    )
    imported = done.imported
    statuses = sorted(imported.by_status.items(), key=lambda item: (item[0] != "valid", item[0]))
    click.echo(
        f"Verified and imported {imported.credentials} signed Open Badges 3.0 credentials as "
        f"of {imported.at.date().isoformat()}: "
        + ", ".join(f"{n} {status}" for status, n in statuses)
        + f" ({imported.from_backpacks} made out to a personal address came in with the holder's "
        "own backpack)."
    )
    out = console()
    render_summary(result, out)
    items, stacked = done.catalog, done.pathways
    out.print(
        f"\nCatalog: {len(items.added) + len(items.updated)} learning items ({items.credible} "
        f"count as proof of the levels they teach), {len(stacked.pathways)} stackable pathways; "
        f"{len(done.awards.queued)} pathway credential(s) waiting for review "
        "(skillgap pathways queue)."
    )
    if done.plan is not None:
        out.print("\n[bold]The smallest next steps for the person furthest from their role[/]")
        render_person_plan(done.plan, out)
    if done.priorities:
        out.print()
        render_priorities(done.priorities, done.plan.context if done.plan else result.context, out)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--yes", "-y", is_flag=True, help="Replace the workspace's data without asking.")
@pass_state
@user_errors
def load(state: CliState, folder: Path, yes: bool) -> None:
    """Load an organisation bundle (a folder of YAML and CSV files), all or nothing.

    The format is the demo's: see docs/user-guide.md, "Organisation bundles".

    \b
    Example:
        skillgap load ./our-org --yes
    """
    loaded = bundles.load_bundle(folder, state.store, state.confirm_replace(yes))
    counts = ", ".join(f"{n} {what}" for what, n in loaded.counts.items())
    click.echo(f"Loaded {loaded.organisation}: {counts}.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_state
@user_errors
def status(state: CliState, as_json: bool) -> None:
    """Show what the workspace holds.

    \b
    Example:
        skillgap status
        skillgap status --json
    """
    with state.store() as store:
        info = workspace.workspace_status(store)
    if as_json:
        click.echo(json.dumps(_status_data(info), indent=2))
        return
    click.echo(f"Workspace:    {info.location} (schema {info.schema})")
    if info.organisation:
        click.echo(f"Organisation: {info.organisation}")
    if info.snapshot_date:
        click.echo(f"Snapshot:     {info.snapshot_date.isoformat()}")
    for what, n in info.counts.items():
        click.echo(f"{what.capitalize() + ':':<14}{n}")
    for fw in info.frameworks:
        click.echo(
            f"Framework:    {fw.id} - {fw.name} v{fw.version}, {fw.competencies} competencies, "
            f"scale {fw.scale}"
        )
    if info.departments:
        click.echo(f"Departments:  {', '.join(info.departments)}")
    if info.empty:
        click.echo("The workspace is empty: try `skillgap demo` or `skillgap load FOLDER`.")


def _status_data(info: workspace.WorkspaceStatus) -> dict[str, Any]:
    return {
        "location": info.location,
        "schema": info.schema,
        "organisation": info.organisation,
        "snapshot_date": info.snapshot_date.isoformat() if info.snapshot_date else None,
        "counts": info.counts,
        "frameworks": [vars(fw) for fw in info.frameworks],
        "departments": list(info.departments),
    }


@cli.command(name="summary")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Evaluate at this date [default: the workspace's snapshot date, or today].",
)
@click.option(
    "--view",
    type=VIEW,
    default=View.VERIFIED.value,
    show_default=True,
    help="Whose levels count: verified evidence only, or best available.",
)
@click.option(
    "--top",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="How many top gaps to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_state
@user_errors
def summary_command(state: CliState, as_of: Any, view: str, top: int, as_json: bool) -> None:
    """Print the organisation's gap summary: top gaps, departments, who is furthest.

    \b
    Example:
        skillgap summary
        skillgap summary --view best-available --top 10
        skillgap summary --as-of 2027-06-30 --json
    """
    when: date | None = as_of.date() if as_of else None
    with state.store() as store:
        result = summary.organisation_summary(
            store, state.env.clock, as_of=when, view=View(view), top=top
        )
    if as_json:
        click.echo(json.dumps(summary_data(result), indent=2))
    else:
        render_summary(result, console())
