"""`skillgap verify`: check credentials the way a careful relying party would."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.config import load_network_settings
from skillgap.reports.verification import render_verified
from skillgap.services.verification import FetchPlan, verify_paths


def parse_moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; no zone means UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or date-time (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)",
            ctx,
            param,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


FETCH_OPTIONS = [
    click.option(
        "--offline",
        is_flag=True,
        help="Never use the network: documents come from --documents only.",
    ),
    click.option(
        "--documents",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        metavar="DIR",
        help="A folder of documents (index.json maps URLs and DIDs to files), used before "
        "the network.",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def verification_options(command: F) -> F:
    """--offline, --documents DIR and --at DATETIME (passed as ``offline``, ``documents`` and
    ``moment``): what every command that verifies credentials takes."""
    at = click.option(
        "--at",
        "moment",
        callback=parse_moment,
        metavar="DATETIME",
        help="Evaluate validity, expiry and status at this moment [default: now].",
    )
    for option in reversed([*FETCH_OPTIONS, at]):
        command = option(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
@verification_options
@click.option("--verbose", "-v", is_flag=True, help="Show every check, not only failures.")
@pass_state
@user_errors
def verify(
    state: CliState,
    paths: tuple[Path, ...],
    as_json: bool,
    offline: bool,
    documents: Path | None,
    moment: datetime | None,
    verbose: bool,
) -> None:
    """Verify credentials: Open Badges 2.0/3.0, CLR 2.0, VC-JWT, baked PNG/SVG, zips.

    Each input gets a status (valid, invalid-signature, tampered, expired, not-yet-valid,
    revoked, malformed, issuer-mismatch, status-unverifiable, unverifiable) and the checks
    behind it. Exits 0 when every input is valid, 1 otherwise. Needs no workspace.

    \b
    Example:
        skillgap verify badge.json backpack.zip
        skillgap verify --json --offline --documents docs/ --at 2026-01-01 *.json
    """
    plan = FetchPlan(documents, offline, load_network_settings(state.env.environ))
    at = moment or state.env.clock.now()
    fetcher = plan.fetcher(state.env.clock, state.env.network)
    out = console()
    all_valid = True
    for result in verify_paths(list(paths), fetcher=fetcher, at=at):
        all_valid = all_valid and result.valid
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            render_verified(out, result, verbose=verbose)
    if not all_valid:
        raise SystemExit(1)
