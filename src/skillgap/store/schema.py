"""Opening a workspace: create it, bring an older one up to date, refuse a newer one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from skillgap.config import Settings
from skillgap.errors import SchemaMismatch, WorkspaceError, WorkspaceMissing
from skillgap.store.sql import SqlStore, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Move the schema to ``revision`` (up or down; "base" removes it) in one transaction."""
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        current = MigrationContext.configure(conn).get_current_revision()
        if _is_below(revision, current):
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def _is_below(target: str, current: str | None) -> bool:
    if current is None:
        return False
    if target == "base":
        return True
    script = ScriptDirectory.from_config(_config())
    ancestors = {r.revision for r in script.iterate_revisions(current, "base")} - {current}
    return target in ancestors


def open_store(settings: Settings, *, create: bool = False) -> SqlStore:
    """Open the workspace at ``settings``; ``create`` makes a new one where there is none.

    An existing workspace made by an older skillgap is migrated to this version's schema.
    """
    path = settings.sqlite_path
    if path is not None and not path.exists():
        if not create:
            raise WorkspaceMissing(
                f"no workspace at {path}: run `skillgap init` (or `skillgap demo`) first, "
                "or pass --workspace PATH"
            )
        if not path.parent.exists():
            raise WorkspaceError(f"cannot create a workspace at {path}: no folder {path.parent}")
    engine = create_engine(settings)
    try:
        revision = current_revision(engine)
        if revision is None and not create and _has_tables(engine):
            raise WorkspaceError(
                f"{settings.display_location} holds tables but is not a skillgap workspace"
            )
        if revision is None and not create:
            raise WorkspaceMissing(
                f"no workspace at {settings.display_location}: run `skillgap init` first"
            )
        if revision is not None and revision not in known_revisions():
            raise SchemaMismatch(
                f"the workspace at {settings.display_location} was made by a newer skillgap "
                f"(schema {revision}; this version knows up to {head_revision()}): "
                "upgrade skillgap, e.g. `pip install --upgrade skillgap`"
            )
        if revision != head_revision():
            migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise WorkspaceError(
            f"cannot open the workspace at {settings.display_location}: {detail}"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return SqlStore(engine, settings.display_location)


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())
