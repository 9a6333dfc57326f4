"""``skillgap catalog`` (import, list, export) and ``skillgap pathways`` (import, show,
progress, award, queue, approve, reject)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from skillgap.cli.issuing import issuer_keys
from skillgap.cli.quality import by_option, json_option, who
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.reports import catalog as report
from skillgap.services import catalog as service
from skillgap.services import pathways as paths


@cli.group()
def catalog() -> None:
    """The learning catalog: courses, certifications and assessments that close gaps.

    \b
    Example:
        skillgap catalog import catalog.xlsx
        skillgap catalog list --credible
    """


@catalog.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--replace", is_flag=True, help="Remove the items the files do not hold.")
@click.option(
    "--default-level",
    type=click.IntRange(1, 10),
    default=3,
    show_default=True,
    help="The level of a badge alignment that states none (JSON achievement definitions).",
)
@click.option("--sheet", help="The worksheet to read (xlsx) [default: the first].")
@pass_state
@user_errors
def catalog_import(
    state: CliState, files: tuple[Path, ...], replace: bool, default_level: int, sheet: str | None
) -> None:
    """Import catalog items from CSV, XLSX, YAML or Open Badges achievement JSON files.

    Nothing is stored if any file has an error; every error is listed with its file, row
    and field. Items with a known id are updated.

    \b
    Example:
        skillgap catalog import catalog.csv vendor-badges/*.json
    """
    with state.store() as store:
        result = service.import_catalog(
            store, list(files), replace=replace, default_level=default_level, sheet=sheet
        )
    click.echo(report.import_text(result))


@catalog.command("list")
@click.option("--competency", metavar="FW:CODE", help="Only items evidencing this competency.")
@click.option("--provider", help="Only this provider's items.")
@click.option("--credible", is_flag=True, help="Only items whose credential counts as proof.")
@json_option
@pass_state
@user_errors
def catalog_list(
    state: CliState, competency: str | None, provider: str | None, credible: bool, as_json: bool
) -> None:
    """List the catalog with each item's quality as proof of the levels it teaches.

    \b
    Example:
        skillgap catalog list --competency demo:sql --json
    """
    with state.store() as store:
        listing = service.list_catalog(
            store, competency=competency, provider=provider, credible_only=credible
        )
    if as_json:
        click.echo(json.dumps(report.catalog_data(listing), indent=2))
    else:
        report.render_catalog(listing, console())


@catalog.command("export")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE.")
@pass_state
@user_errors
def catalog_export(state: CliState, out: Path | None) -> None:
    """Export the catalog as YAML (the file `catalog import` reads back).

    \b
    Example:
        skillgap catalog export -o catalog.yaml
    """
    with state.store() as store:
        text = service.export_catalog(store)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote the catalog to {out}.")


@cli.group()
def pathways() -> None:
    """Stackable pathways: credentials stacked into the organisation's higher credential.

    \b
    Example:
        skillgap pathways import pathways.yaml
        skillgap pathways progress --person E1038
    """


@pathways.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_state
@user_errors
def pathways_import(state: CliState, file: Path) -> None:
    """Import pathways from a YAML file (checked: units exist, no loops, every step can be
    completed); defines the credential each one awards if the workspace lacks it.

    \b
    Example:
        skillgap pathways import pathways.yaml
    """
    with state.store() as store:
        result = paths.import_pathways(store, file)
    click.echo(report.pathways_import_text(result))


@pathways.command("show")
@click.argument("pathway", required=False)
@json_option
@pass_state
@user_errors
def pathways_show(state: CliState, pathway: str | None, as_json: bool) -> None:
    """Show a pathway's steps and units (without PATHWAY: list the pathways).

    \b
    Example:
        skillgap pathways show security-operations
    """
    with state.store() as store:
        if pathway is None:
            found = paths.list_pathways(store)
            if as_json:
                click.echo(json.dumps([{"id": p.id, "name": p.name} for p in found], indent=2))
            else:
                for p in found:
                    click.echo(f"{p.id}  {p.name}  ({len(p.steps)} steps, {p.mode})")
            return
        view = paths.show_pathway(store, pathway)
    if as_json:
        click.echo(json.dumps(report.pathway_data(view), indent=2))
    else:
        report.render_pathway(view, console())


@pathways.command("progress")
@click.option("--pathway", help="Only this pathway.")
@click.option(
    "--person", metavar="EMPLOYEE_ID", help="Only this person (step by step with --pathway)."
)
@click.option("--all", "everyone", is_flag=True, help="Include people who have not started.")
@json_option
@pass_state
@user_errors
def pathways_progress(
    state: CliState, pathway: str | None, person: str | None, everyone: bool, as_json: bool
) -> None:
    """Who is how far along each pathway, from their valid credentials, and what next.

    \b
    Example:
        skillgap pathways progress --pathway security-operations --person E1038
    """
    with state.store() as store:
        result = paths.progress(
            store, state.env.clock, pathway_id=pathway, person_id=person, started_only=not everyone
        )
    if as_json:
        click.echo(json.dumps(report.progress_data(result), indent=2))
    else:
        report.render_progress(result, console())


@pathways.command("award")
@by_option
@pass_state
@user_errors
def pathways_award(state: CliState, by: str | None) -> None:
    """Award the credential of every pathway completed since the last run: automatic
    pathways are issued at once (the issuer must be set up), the others queued for review.

    \b
    Example:
        skillgap pathways award
    """
    with state.store() as store:
        run = paths.award_completed(
            store, issuer_keys(state.env.environ), state.env.clock, actor=who(state, by)
        )
    click.echo(report.award_run_text(run))


@pathways.command("queue")
@json_option
@pass_state
@user_errors
def pathways_queue(state: CliState, as_json: bool) -> None:
    """The pathway credentials waiting for a reviewer's decision.

    \b
    Example:
        skillgap pathways queue
    """
    with state.store() as store:
        waiting = paths.pending_awards(store)
    if as_json:
        click.echo(json.dumps([report.award_data(a) for a in waiting], indent=2))
    else:
        report.render_awards(waiting, console())


@pathways.command("approve")
@click.argument("award_id")
@by_option
@pass_state
@user_errors
def pathways_approve(state: CliState, award_id: str, by: str | None) -> None:
    """Approve a queued pathway credential: the organisation issues it.

    \b
    Example:
        skillgap pathways approve security-operations/E1038 --by "Skills board"
    """
    with state.store() as store:
        done = paths.decide(
            store,
            issuer_keys(state.env.environ),
            state.env.clock,
            award_id,
            approve=True,
            actor=who(state, by),
        )
    click.echo(f"Issued {done.achievement_id} to {done.person_id} ({done.issued_id}).")


@pathways.command("reject")
@click.argument("award_id")
@click.option("--note", default="", help="Why, for the audit log.")
@by_option
@pass_state
@user_errors
def pathways_reject(state: CliState, award_id: str, note: str, by: str | None) -> None:
    """Reject a queued pathway credential (recorded in the audit log).

    \b
    Example:
        skillgap pathways reject security-operations/E1038 --note "evidence too old"
    """
    with state.store() as store:
        done = paths.decide(
            store, None, state.env.clock, award_id, approve=False, actor=who(state, by), note=note
        )
    click.echo(f"Rejected {done.id}.")
