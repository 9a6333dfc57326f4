from pathlib import Path

import pytest

from skillgap.config import load_recount_wait, load_secure_cookies, load_settings, load_switch
from skillgap.errors import ConfigError


def test_default_is_a_sqlite_file_in_the_current_folder() -> None:
    settings = load_settings({})
    assert settings.workspace == Path("skillgap.db")
    assert settings.url.get_backend_name() == "sqlite"
    assert settings.url.database == "skillgap.db"


def test_precedence_flag_over_environment_over_default() -> None:
    env = {"SKILLGAP_DATABASE_URL": "sqlite:///from-env.db", "SKILLGAP_WORKSPACE": "ws.db"}
    assert load_settings(env).url.database == "from-env.db"
    assert load_settings(env).workspace is None
    assert load_settings(env, workspace=Path("flag.db")).workspace == Path("flag.db")
    assert load_settings(env, database_url="sqlite:///u.db").url.database == "u.db"
    assert load_settings({"SKILLGAP_WORKSPACE": "ws.db"}).workspace == Path("ws.db")


def test_workspace_paths_are_never_parsed_as_urls() -> None:
    for name in ("team?mode=ro.db", "a%20b.db", "x#y.db"):
        settings = load_settings({}, workspace=Path(name))
        assert settings.url.database == name
        assert settings.display_location == name


def test_postgresql_urls_get_the_installed_driver_and_hide_passwords() -> None:
    settings = load_settings({}, database_url="postgresql://me:secret@db:5432/sg")
    assert settings.url.drivername == "postgresql+psycopg"
    assert settings.url.password == "secret"
    assert settings.display_location == "postgresql+psycopg://me:***@db:5432/sg"
    assert settings.sqlite_path is None
    query = load_settings({}, database_url="postgresql://me@db/sg?password=s3cret&sslmode=require")
    assert "s3cret" not in query.display_location
    assert "sslmode=require" in query.display_location


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("skillgap.db", "not a database URL"),
        ("foo://x", "'foo' is not supported"),
        ("mysql://x@y/z", "'mysql' is not supported"),
        ("postgresql://u:p@127.0.0.1:abc/x", "not a database URL"),
    ],
)
def test_bad_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings({}, database_url=url)
    assert ":p@" not in str(caught.value)


def test_both_locations_are_refused() -> None:
    with pytest.raises(ConfigError, match="either --workspace or --database-url"):
        load_settings({}, workspace=Path("a.db"), database_url="sqlite://")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", True), ("yes", True), (" ON ", True), ("1", True), ("no", False), ("Off", False)],
)
def test_a_switch_reads_yes_and_no_and_keeps_its_default_when_unset(
    text: str, expected: bool
) -> None:
    assert load_switch({"SKILLGAP_X": text}, "SKILLGAP_X", True) is expected
    assert load_switch({}, "SKILLGAP_X", False) is False


def test_a_switch_refuses_anything_else_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"SKILLGAP_SECURE_COOKIES='maybe': expected yes/no"):
        load_secure_cookies({"SKILLGAP_SECURE_COOKIES": "maybe"})


@pytest.mark.parametrize(
    ("text", "expected"), [("", 0.3), ("0", 0.0), (" 2.5 ", 2.5), ("off", None), ("OFF", None)]
)
def test_the_recount_wait_is_seconds_or_off(text: str, expected: float | None) -> None:
    assert load_recount_wait({"SKILLGAP_RECOUNT_WAIT": text}) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("soon", "SKILLGAP_RECOUNT_WAIT='soon' is not a number"), ("-1", "from 0 to 60, not -1")],
)
def test_a_bad_recount_wait_is_refused_naming_the_variable(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_recount_wait({"SKILLGAP_RECOUNT_WAIT": text})
