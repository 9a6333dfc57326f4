"""Opening a workspace: create it, bring an older one up to date, refuse a newer one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from skillgap.config import Settings
from skillgap.errors import SchemaMismatch, WorkspaceError, WorkspaceMissing
from skillgap.store.sql import SqlStore, create_engine, db_error_summary, schema_revision

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
        return schema_revision(conn)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Move the schema to ``revision`` (up or down; "base" removes it) in one transaction."""
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        current = schema_revision(conn)
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

    An existing workspace made by an older skillgap is migrated to this version's schema;
    one made by a newer skillgap, or a database holding other tables, is refused.
    """
    path = settings.sqlite_path
    if path is not None and not path.exists():
        if not create:
            raise WorkspaceMissing(
                f"no workspace at {path}: run `skillgap init` (or `skillgap demo`) first, "
                "or pass --workspace PATH"
            )
        if not path.parent.is_dir():
            raise WorkspaceError(f"cannot create a workspace at {path}: no folder {path.parent}")
    engine = create_engine(settings)
    try:
        _bring_to_head(engine, settings, create)
    except DBAPIError as exc:
        engine.dispose()
        raise WorkspaceError(
            f"cannot open the workspace at {settings.display_location}: {db_error_summary(exc)}"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return SqlStore(engine, settings.display_location)


def _bring_to_head(engine: Engine, settings: Settings, create: bool) -> None:
    where = settings.display_location
    revision = current_revision(engine)
    if revision is None and _has_tables(engine):
        raise WorkspaceError(
            f"{where} holds tables of another application and is not a skillgap workspace: "
            "use an empty database or another file"
        )
    if revision is None and not create:
        raise WorkspaceMissing(f"no workspace at {where}: run `skillgap init` first")
    if revision is not None and revision not in known_revisions():
        raise SchemaMismatch(
            f"the workspace at {where} was made by a newer skillgap (schema {revision}; this "
            f"version knows up to {head_revision()}): upgrade skillgap, e.g. "
            "`pip install --upgrade skillgap`"
        )
    if revision != head_revision():
        migrate(engine)


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())
