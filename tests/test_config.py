from pathlib import Path

import pytest

from skillgap.config import load_settings
from skillgap.errors import ConfigError


def test_default_is_a_sqlite_file_in_the_current_folder() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///skillgap.db"
    assert settings.sqlite_path == Path("skillgap.db")


def test_precedence_flag_over_environment_over_default() -> None:
    env = {"SKILLGAP_DATABASE_URL": "sqlite:///from-env.db", "SKILLGAP_WORKSPACE": "ws.db"}
    assert load_settings(env).database_url == "sqlite:///from-env.db"
    assert load_settings(env, workspace=Path("flag.db")).database_url == "sqlite:///flag.db"
    assert load_settings(env, database_url="sqlite:///u.db").database_url == "sqlite:///u.db"
    assert load_settings({"SKILLGAP_WORKSPACE": "ws.db"}).database_url == "sqlite:///ws.db"


def test_postgresql_urls_get_the_installed_driver_and_hide_passwords() -> None:
    settings = load_settings({}, database_url="postgresql://me:secret@db:5432/sg")
    assert settings.database_url == "postgresql+psycopg://me:secret@db:5432/sg"
    assert settings.display_location == "postgresql+psycopg://me:***@db:5432/sg"
    assert settings.sqlite_path is None


def test_bad_settings_are_explained() -> None:
    with pytest.raises(ConfigError, match="not a SQLAlchemy URL"):
        load_settings({}, database_url="skillgap.db")
    with pytest.raises(ConfigError, match="either --workspace or --database-url"):
        load_settings({}, workspace=Path("a.db"), database_url="sqlite://")
