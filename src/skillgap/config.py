"""Settings: one frozen object, built from explicit values, then the environment, then defaults.

Precedence (highest first): a value passed in (a CLI flag) > the ``SKILLGAP_*`` environment
variable > the default. Nothing here runs at import time; callers build settings and pass
them on (the CLI root does, and so will the server's app factory).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skillgap.errors import ConfigError

DEFAULT_WORKSPACE = Path("skillgap.db")

#: Every setting: its environment variable, and what it does (documented in docs/configuration.md).
SETTINGS: dict[str, str] = {
    "SKILLGAP_DATABASE_URL": "SQLAlchemy URL of the workspace database; wins over the workspace "
    "file. Example: postgresql+psycopg://user@host:5432/skillgap",
    "SKILLGAP_WORKSPACE": "Path of the SQLite workspace file (default ./skillgap.db).",
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    echo_sql: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The file behind a file-based SQLite URL, else None (memory or another backend)."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        rest = self.database_url[len(prefix) :].split("?", 1)[0]
        if rest in ("", ":memory:"):
            return None
        return Path(rest)

    @property
    def display_location(self) -> str:
        path = self.sqlite_path
        if path is not None:
            return str(path)
        return _hide_password(self.database_url)


def load_settings(
    environ: Mapping[str, str],
    *,
    workspace: Path | None = None,
    database_url: str | None = None,
) -> Settings:
    """Build settings. ``workspace`` and ``database_url`` are explicit (CLI) values."""
    if workspace is not None and database_url is not None:
        raise ConfigError("give either --workspace or --database-url, not both")
    url = database_url
    if url is None and workspace is None:
        url = environ.get("SKILLGAP_DATABASE_URL") or None
    if url is None:
        path = workspace or Path(environ.get("SKILLGAP_WORKSPACE") or DEFAULT_WORKSPACE)
        url = sqlite_url(path)
    if "://" not in url:
        raise ConfigError(
            f"database URL {_hide_password(url)!r} is not a SQLAlchemy URL "
            "(expected e.g. sqlite:///skillgap.db or postgresql+psycopg://user@host/db)"
        )
    return Settings(database_url=_with_default_driver(url))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _with_default_driver(url: str) -> str:
    # psycopg 3 is the PostgreSQL driver skillgap installs; plain "postgresql://" would ask
    # SQLAlchemy for psycopg2, which is not installed.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in creds else ''}@{host}"
