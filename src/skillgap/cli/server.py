"""`skillgap serve`: the web application and REST API on the workspace (uvicorn)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from skillgap.cli.root import CliState, cli, pass_state, user_errors
from skillgap.cli.verify import FETCH_OPTIONS
from skillgap.config import Settings, masked
from skillgap.errors import ConfigError

#: The uvicorn factory: each worker process builds the app from its environment.
FACTORY = "skillgap.server.app:from_environment"


def server_environment(
    state: CliState, *, offline: bool = False, documents: Path | None = None
) -> dict[str, str]:
    """The environment the server's processes read their settings from: the command's own,
    with the workspace the global options name and the documents folder of verification
    (a flag wins over the environment)."""
    environ = dict(state.env.environ)
    settings = state.settings
    if settings.workspace is not None:
        environ.pop("SKILLGAP_DATABASE_URL", None)
        environ["SKILLGAP_WORKSPACE"] = str(settings.workspace.resolve())
    else:
        environ["SKILLGAP_DATABASE_URL"] = settings.url.render_as_string(hide_password=False)
    if offline:
        environ["SKILLGAP_NETWORK"] = "off"
    if documents is not None:
        environ["SKILLGAP_DOCUMENTS"] = str(documents.resolve())
    return environ


def check_workers(settings: Settings, workers: int, write_ahead: bool) -> None:
    """Several workers on SQLite need the write-ahead log: readers and the one writer at a
    time then never block each other, and the workers' writes take turns (each unit that
    may write takes the write lock as it begins, ``store/intent.py``)."""
    if workers > 1 and settings.url.get_backend_name() == "sqlite" and not write_ahead:
        raise ConfigError(
            f"--workers {workers} needs the write-ahead log, which the SQLite workspace at "
            f"{settings.display_location} cannot use (a file on a network share?): use "
            "--workers 1, or a PostgreSQL workspace (--database-url postgresql://...)"
        )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (each keeps its own read cache in memory).",
)
@FETCH_OPTIONS[0]
@FETCH_OPTIONS[1]
@pass_state
@user_errors
def serve(
    state: CliState,
    host: str,
    port: int,
    workers: int,
    offline: bool,
    documents: Path | None,
) -> None:
    """Run the web application and REST API (/api/v1) on the workspace.

    The workspace must exist (skillgap init); log in with an account made by
    `skillgap user add`. Behind an HTTPS proxy set SKILLGAP_SECURE_COOKIES=yes.
    Uploaded credentials are verified as `skillgap credentials import` does: with
    --documents DIR, documents come from that folder before the network; with --offline,
    from there only.

    \b
    Example:
        skillgap user add --admin ann@example.org && skillgap serve
        skillgap --database-url postgresql://me@db/skillgap serve --host 0.0.0.0 --workers 4
        skillgap serve --offline --documents issuer-docs/
    """
    import uvicorn

    from skillgap.server.workers import Workers, balanced  # the server's imports: only here
    from skillgap.store.sql import use_write_ahead_log

    settings = state.settings
    with state.store() as store:  # fails now, not in every worker: missing, newer, unreachable
        write_ahead = use_write_ahead_log(store)  # before the workers: each finds it set
    check_workers(settings, workers, write_ahead)
    environ = server_environment(state, offline=offline, documents=documents)
    where = str(settings.workspace) if settings.workspace else masked(settings.url)
    click.echo(f"skillgap on {where}: http://{host}:{port}/ (API: /api/v1/docs)", err=True)
    for name in [n for n in os.environ if n.startswith("SKILLGAP_") and n not in environ]:
        del os.environ[name]  # the command's settings, not the shell's, reach the workers
    os.environ.update(environ)
    # the asyncio loop, not uvloop: see "hot reads" in server/context.py
    options: dict[str, Any] = {"factory": True, "proxy_headers": True, "loop": "asyncio"}
    if workers > 1 and balanced():  # a socket per worker: connections spread evenly
        Workers(host, port, workers, {"app": FACTORY, **options}).run()
        return
    uvicorn.run(FACTORY, host=host, port=port, workers=workers, **options)
