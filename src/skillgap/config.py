"""Settings: one frozen object, built from explicit values, then the environment, then defaults.

Precedence (highest first): a value passed in (a CLI flag) > the ``SKILLGAP_*`` environment
variable > the default. Nothing here runs at import time; callers build settings and pass
them on (the CLI root does, and so will the server's app factory).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from skillgap.errors import ConfigError

DEFAULT_WORKSPACE = Path("skillgap.db")
SUPPORTED_BACKENDS = ("sqlite", "postgresql")

#: Every setting: its environment variable, and what it does (documented in docs/configuration.md).
SETTINGS: dict[str, str] = {
    "SKILLGAP_DATABASE_URL": "SQLAlchemy URL of the workspace database; wins over the workspace "
    "file. Example: postgresql://user@host:5432/skillgap",
    "SKILLGAP_WORKSPACE": "Path of the SQLite workspace file (default ./skillgap.db).",
    "SKILLGAP_NETWORK": "'on' (default) lets verification fetch hosted badges, DID documents, "
    "keys and status lists over HTTPS; 'off' works from --documents folders only.",
    "SKILLGAP_ALLOW_HTTP": "'yes' also fetches plain http:// URLs (default: HTTPS only).",
    "SKILLGAP_ALLOW_PRIVATE_NETWORKS": "'yes' lets fetching reach private, loopback and "
    "link-local addresses (default: refused, against SSRF). For a closed test network only.",
    "SKILLGAP_FETCH_TIMEOUT": "Seconds one fetch may take in all (default 10).",
    "SKILLGAP_FETCH_MAX_BYTES": "Largest document fetched, in bytes (default 2097152).",
    "SKILLGAP_ISSUER_KEY": "The issuer's Ed25519 private key (privateKeyMultibase); wins over "
    "the key file. Read by `issue`, `revoke` and `issuer publish`.",
    "SKILLGAP_SECURE_COOKIES": "'yes' marks the web server's cookies Secure (sent over HTTPS "
    "only): set it when `skillgap serve` runs behind an HTTPS proxy (default: no).",
    "SKILLGAP_MIN_GROUP_SIZE": "Smallest group whose gap figures are shown (default 5, at "
    "least 2): a figure computed from fewer people is suppressed, except for an administrator.",
}


@dataclass(frozen=True)
class Settings:
    """Where the workspace lives: a SQLite file (``workspace``) or a database ``url``."""

    url: URL
    workspace: Path | None = None
    secure_cookies: bool = False  # the server is reached over HTTPS: cookies are Secure

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, when the workspace is one."""
        return self.workspace

    @property
    def display_location(self) -> str:
        """For messages: the file path, or the URL with any password masked."""
        if self.workspace is not None:
            return str(self.workspace)
        return masked(self.url)


@dataclass(frozen=True)
class NetworkSettings:
    """What verification may fetch, and how (see ``skillgap.fetch.http.HttpPolicy``)."""

    online: bool = True
    allow_http: bool = False
    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = 2 * 1024 * 1024


def load_switch(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no setting: yes, true, on, 1 or no, false, off, 0 (``default`` when unset)."""
    text = environ.get(name, "").strip().lower()
    if not text:
        return default
    if text in ("1", "yes", "true", "on"):
        return True
    if text in ("0", "no", "false", "off"):
        return False
    raise ConfigError(f"{name}={text!r}: expected yes/no (or on/off)")


def load_number(
    environ: Mapping[str, str], name: str, default: float, low: float, high: float
) -> float:
    """A number from ``low`` to ``high`` (``default`` when unset)."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r} is not a number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be from {low:g} to {high:g}, not {value:g}")
    return value


def load_network_settings(environ: Mapping[str, str]) -> NetworkSettings:
    def number(name: str, default: float, low: float, high: float) -> float:
        return load_number(environ, name, default, low, high)

    return NetworkSettings(
        online=load_switch(environ, "SKILLGAP_NETWORK", True),
        allow_http=load_switch(environ, "SKILLGAP_ALLOW_HTTP", False),
        allow_private=load_switch(environ, "SKILLGAP_ALLOW_PRIVATE_NETWORKS", False),
        timeout=number("SKILLGAP_FETCH_TIMEOUT", 10.0, 0.1, 300),
        max_bytes=int(number("SKILLGAP_FETCH_MAX_BYTES", 2 * 1024 * 1024, 1024, 100 * 1024**2)),
    )


#: Seconds a page of the server waits for figures being counted again before it shows the
#: ones counted before, labelled (``SKILLGAP_RECOUNT_WAIT``; ``server/recount.py``).
DEFAULT_RECOUNT_WAIT = 0.3


def load_recount_wait(environ: Mapping[str, str]) -> float | None:
    """``SKILLGAP_RECOUNT_WAIT``: seconds (0 to 60; default 0.3), or ``off``: a page always
    waits for the figures of the workspace as it is (None)."""
    text = environ.get("SKILLGAP_RECOUNT_WAIT", "").strip().lower()
    if text in ("off", "no", "false"):
        return None
    return load_number(environ, "SKILLGAP_RECOUNT_WAIT", DEFAULT_RECOUNT_WAIT, 0, 60)


DEFAULT_MIN_GROUP_SIZE = 5
MIN_GROUP_SIZE_RANGE = (2, 1000)


def load_min_group_size(environ: Mapping[str, str], value: int | None = None) -> int:
    """The privacy threshold of aggregate gap figures: ``value`` (a CLI flag), else
    ``SKILLGAP_MIN_GROUP_SIZE``, else 5. At least 2: below that a group's figures are one
    person's, and seeing those is what ``--admin`` is for."""
    low, high = MIN_GROUP_SIZE_RANGE
    if value is None:
        text = environ.get("SKILLGAP_MIN_GROUP_SIZE", "").strip()
        if not text:
            return DEFAULT_MIN_GROUP_SIZE
        try:
            value = int(text)
        except ValueError:
            raise ConfigError(f"SKILLGAP_MIN_GROUP_SIZE={text!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"the minimum group size must be from {low} to {high}, not {value}")
    return value


def load_settings(
    environ: Mapping[str, str],
    *,
    workspace: Path | None = None,
    database_url: str | None = None,
) -> Settings:
    """Build settings. ``workspace`` and ``database_url`` are explicit (CLI) values."""
    if workspace is not None and database_url is not None:
        raise ConfigError("give either --workspace or --database-url, not both")
    secure = load_secure_cookies(environ)
    url = database_url
    if url is None and workspace is None:
        url = environ.get("SKILLGAP_DATABASE_URL") or None
    if url is None:
        path = workspace or Path(environ.get("SKILLGAP_WORKSPACE") or DEFAULT_WORKSPACE)
        return Settings(
            url=URL.create("sqlite", database=str(path)), workspace=path, secure_cookies=secure
        )
    return Settings(url=parse_database_url(url), secure_cookies=secure)


def load_secure_cookies(environ: Mapping[str, str]) -> bool:
    """``SKILLGAP_SECURE_COOKIES``: whether the web server is reached over HTTPS."""
    return load_switch(environ, "SKILLGAP_SECURE_COOKIES", False)


def parse_database_url(text: str) -> URL:
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"{_mask_text(text)!r} is not a database URL (expected e.g. "
            "postgresql://user@host:5432/skillgap, or use --workspace FILE for SQLite)"
        ) from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ConfigError(
            f"database {backend!r} is not supported (supported: {', '.join(SUPPORTED_BACKENDS)})"
        )
    if backend == "postgresql":
        # psycopg 3 is the driver skillgap installs; plain "postgresql://" would ask
        # SQLAlchemy for psycopg2.
        url = url.set(drivername="postgresql+psycopg")
    return url


def masked(url: URL) -> str:
    """The URL as text with its password, and any password in the query, hidden."""
    if any(key.lower() == "password" for key in url.query):
        url = url.update_query_dict({k: "***" for k in url.query if k.lower() == "password"})
    return url.render_as_string(hide_password=True)


def _mask_text(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    creds, _, host = rest.rpartition("@")
    return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
