"""`skillgap framework ...`: import, list, show, search, export."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.formats.registry import FRAMEWORK_FORMATS, FrameworkOptions
from skillgap.reports.frameworks import render_framework, render_hits, render_import, render_list
from skillgap.services import frameworks

FORMATS = click.Choice(sorted(FRAMEWORK_FORMATS))


@cli.group()
def framework() -> None:
    """Competency frameworks: import ESCO, O*NET, NICE, CASE or your own; search them.

    \b
    Example:
        skillgap framework import ./esco-v1.1.1 --format esco
        skillgap framework search "data viz"
    """


@framework.command(name="import")
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option("--format", "fmt", type=FORMATS, required=True, help="The source format.")
@click.option("--id", "framework_id", help="Framework id [default: the format's, e.g. esco].")
@click.option("--name", help="Framework name (csv and xlsx templates).")
@click.option("--version", "version", help="Version label, when the source has none.")
@click.option(
    "--scale",
    metavar="SCALE",
    help="The framework's proficiency scale (built in or "
    "stored with `skillgap scales import`) [default: the source's, else 0-5].",
)
@click.option("--no-occupations", is_flag=True, help="Skip occupations / work roles.")
@click.option("--dry-run", is_flag=True, help="Check and show the changes; write nothing.")
@pass_state
@user_errors
def import_command(
    state: CliState,
    path: Path,
    fmt: str,
    framework_id: str | None,
    name: str | None,
    version: str | None,
    scale: str | None,
    no_occupations: bool,
    dry_run: bool,
) -> None:
    """Import a framework, or a new version of one already in the workspace.

    A new version is compared with the stored one (added, removed, relabelled, moved);
    competencies it no longer lists are kept, marked retired, and reported when roles,
    credentials or ratings still use them.

    \b
    Example:
        skillgap framework import ./esco --format esco
        skillgap framework import Skills.xlsx --format onet --dry-run
        skillgap framework import ours.csv --format csv --id ours --name "Our skills"
    """
    options = FrameworkOptions(
        framework_id, name, version, occupations=not no_occupations, scale=scale
    )
    result = frameworks.import_framework(path, fmt, state.store, options, dry_run=dry_run)
    render_import(result, console())


@framework.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option("--format", "fmt", type=FORMATS, required=True, help="The source format.")
@click.option("--id", "framework_id", help="Framework id [default: the format's, e.g. esco].")
@click.option("--name", help="Framework name (csv and xlsx templates).")
@click.option("--version", "version", help="Version label, when the source has none.")
@pass_state
@user_errors
def diff(
    state: CliState,
    path: Path,
    fmt: str,
    framework_id: str | None,
    name: str | None,
    version: str | None,
) -> None:
    """Show what importing PATH would change (added, removed, relabelled, moved); write nothing.

    \b
    Example:
        skillgap framework diff ./esco-v1.2.0 --format esco
    """
    options = FrameworkOptions(framework_id, name, version)
    result = frameworks.import_framework(path, fmt, state.store, options, dry_run=True)
    render_import(result, console())


@framework.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def list_command(state: CliState, as_json: bool) -> None:
    """List the frameworks in the workspace.

    \b
    Example:
        skillgap framework list
    """
    with state.store() as store:
        found = frameworks.list_frameworks(store)
    if as_json:
        click.echo(json.dumps([asdict(f) for f in found], indent=2))
    else:
        render_list(found, console())


@framework.command()
@click.argument("framework_id", metavar="ID")
@pass_state
@user_errors
def show(state: CliState, framework_id: str) -> None:
    """Show a framework: counts, scale and its top-level capability groups.

    \b
    Example:
        skillgap framework show esco
    """
    with state.store() as store:
        summary, found = frameworks.show_framework(store, framework_id)
    render_framework(summary, found, console())


@framework.command()
@click.argument("query")
@click.option("--framework", "framework_id", metavar="ID", help="Search one framework only.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def search(
    state: CliState, query: str, framework_id: str | None, limit: int, as_json: bool
) -> None:
    """Find competencies by label, alternative label or description (typos forgiven).

    \b
    Example:
        skillgap framework search "data viz"
        skillgap framework search pyhton --framework esco --limit 5
    """
    with state.store() as store:
        hits = frameworks.search_competencies(store, query, framework_id=framework_id, limit=limit)
    if as_json:
        rows = [
            {
                "competency": str(h.competency.ref),
                "name": h.competency.name,
                "score": h.score,
                "matched": h.matched,
            }
            for h in hits
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        render_hits(hits, console())


@framework.command()
@click.argument("framework_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["case"]), default="case", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file [default: standard output].",
)
@pass_state
@user_errors
def export(state: CliState, framework_id: str, fmt: str, output: Path | None) -> None:
    """Export a framework (CASE 1.1 CFPackage JSON).

    \b
    Example:
        skillgap framework export nice --format case -o nice-case.json
    """
    with state.store() as store:
        package = frameworks.export_framework(store, framework_id, fmt)
    text = json.dumps(package, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output}.")
