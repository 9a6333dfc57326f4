"""`skillgap credentials ...`: import, list, show."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from skillgap.cli.issuing import issuer_keys
from skillgap.cli.quality import who
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.cli.verify import verification_options
from skillgap.config import load_network_settings
from skillgap.domain import VerificationStatus
from skillgap.reports.credentials import (
    credentials_json,
    render_credential,
    render_credentials,
    render_import,
)
from skillgap.services import credential_views
from skillgap.services import credentials as service
from skillgap.services.verification import FetchPlan

STATUSES = click.Choice([s.value for s in VerificationStatus] + ["unverified"])


@cli.group()
def credentials() -> None:
    """Earned credentials (Open Badges 2.0/3.0, CLR 2.0): import, list, show.

    \b
    Example:
        skillgap credentials import backpack.zip badges/
        skillgap credentials list --unmatched
    """


@credentials.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--person",
    "person_id",
    metavar="ID",
    help="The credentials are this person's (a personal backpack); a credential naming "
    "someone else is rejected.",
)
@verification_options
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Processes verifying in parallel (1: in this process).",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write rejected inputs and why [default: PATH.rejects.csv].",
)
@pass_state
@user_errors
def import_command(
    state: CliState,
    paths: tuple[Path, ...],
    person_id: str | None,
    offline: bool,
    documents: Path | None,
    moment: datetime | None,
    workers: int,
    rejects: Path | None,
) -> None:
    """Verify credentials and store them: files, folders, zip backpacks, baked images.

    Each credential is verified, its recipient matched to one person (e-mail, hashed
    e-mail, DID or URL; never guessed), its achievement's alignments mapped to the
    workspace's competencies (exact by URI or code; similar labels are only suggested),
    and everything is stored in one transaction. Credentials that do not verify are stored
    with their report and never count; inputs that are not credentials go to a reject file.
    Importing again updates the stored awards.

    \b
    Example:
        skillgap credentials import badges/ backpack.zip
        skillgap credentials import ann.zip --person E1037
        skillgap credentials import inbox/ --offline --documents docs/ --rejects bad.csv
    """
    plan = FetchPlan(documents, offline, load_network_settings(state.env.environ))
    at = moment or state.env.clock.now()
    with state.store() as store, _progress(state.env.interactive()) as progress:
        result = service.import_credentials(
            store,
            list(paths),
            fetch_plan=plan,
            clock=state.env.clock,
            at=at,
            person_id=person_id,
            workers=workers,
            on_progress=progress,
            network=state.env.network,
            rejects_path=rejects,
            pathway_keys=issuer_keys(state.env.environ),
            actor=who(state, None),
        )
    render_import(result, console())


@contextmanager
def _progress(interactive: bool) -> Iterator[Callable[[int, str], None] | None]:
    """A spinner with a count on stderr while verifying, when a person is watching."""
    if not interactive:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.completed} verified"), TimeElapsedColumn())
    with Progress(
        *columns, TextColumn("{task.description}"), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, name: str) -> None:
            bar.update(task, completed=done, description=name[-60:])

        yield update


@credentials.command(name="list")
@click.option("--person", "person_id", metavar="ID", help="Only this person's credentials.")
@click.option("--status", type=STATUSES, help="Only credentials with this verification status.")
@click.option("--unmatched", is_flag=True, help="Only credentials matched to nobody (to review).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def list_command(
    state: CliState, person_id: str | None, status: str | None, unmatched: bool, as_json: bool
) -> None:
    """List the credentials the workspace holds.

    \b
    Example:
        skillgap credentials list --person E1037
        skillgap credentials list --unmatched --status valid --json
    """
    with state.store() as store:
        rows = credential_views.list_credentials(
            store, person_id=person_id, status=status, unmatched=unmatched
        )
    if as_json:
        click.echo(json.dumps(credentials_json(rows), indent=2, ensure_ascii=False))
    else:
        render_credentials(rows, console())


@credentials.command()
@click.argument("award_id", metavar="ID")
@pass_state
@user_errors
def show(state: CliState, award_id: str) -> None:
    """Show one credential: the award, its achievement, alignments and verification checks.

    \b
    Example:
        skillgap credentials show https://badges.example.org/assertions/123
    """
    with state.store() as store:
        render_credential(credential_views.show_credential(store, award_id), console())
