"""The key stores: a 0600 file made atomically and never overwritten, the environment, memory."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from skillgap.errors import ConfigError, ConflictError
from skillgap.issuing.keystore import (
    ENV_VAR,
    EnvKeyStore,
    FileKeyStore,
    MemoryKeyStore,
    key_store,
)
from tests.issuing.builders import KEY, OTHER_KEY

posix = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix
def test_a_key_file_is_created_0600_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    old = os.umask(0o000)  # the most permissive umask: the mode must not depend on it
    try:
        FileKeyStore(path).save(KEY)
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    data = json.loads(path.read_text())
    assert data["privateKeyMultibase"] == KEY.to_multibase()
    assert data["publicKeyMultibase"] == KEY.public_multibase()


def test_a_saved_key_loads_back(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "key.json")
    assert not store.exists()
    store.save(KEY)
    assert store.exists()
    assert store.load().public_multibase() == KEY.public_multibase()


def test_an_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "key.json")
    store.save(KEY)
    with pytest.raises(ConflictError, match="never overwrites a key"):
        store.save(OTHER_KEY)
    assert store.load().public_multibase() == KEY.public_multibase()


@posix
@pytest.mark.parametrize("bits", [0o640, 0o604, 0o644])
def test_a_key_file_readable_by_others_is_refused(tmp_path: Path, bits: int) -> None:
    store = FileKeyStore(tmp_path / "key.json")
    store.save(KEY)
    store.path.chmod(bits)
    with pytest.raises(ConfigError, match=f"readable by others \\(mode 0{bits:o}\\).*chmod 600"):
        store.load()


def test_a_missing_key_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"does not exist: run `skillgap issuer init`.*{ENV_VAR}"):
        FileKeyStore(tmp_path / "nope.json").load()


@posix
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not a skillgap key file"),
        (b'{"publicKeyMultibase": "z6Mk"}', "not a skillgap key file"),
        (b'{"privateKeyMultibase": "zNotAKey"}', "not usable"),
    ],
)
def test_a_broken_key_file_is_a_config_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(ConfigError, match=message):
        FileKeyStore(path).load()


def test_the_environment_holds_the_key_and_cannot_be_written() -> None:
    store = EnvKeyStore({ENV_VAR: f"  {KEY.to_multibase()}\n"})
    assert store.exists() and not store.writable
    assert store.load().public_multibase() == KEY.public_multibase()
    with pytest.raises(ConfigError, match="cannot write"):
        store.save(OTHER_KEY)
    assert store.location == f"${ENV_VAR}"


def test_an_unset_or_bad_environment_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="is not set"):
        EnvKeyStore({}).load()
    with pytest.raises(ConfigError, match="not usable"):
        EnvKeyStore({ENV_VAR: "z6MkNotPrivate"}).load()


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    assert isinstance(key_store({ENV_VAR: KEY.to_multibase()}, tmp_path / "k"), EnvKeyStore)
    assert isinstance(key_store({}, tmp_path / "k"), FileKeyStore)
    with pytest.raises(ConfigError, match="--key-file"):
        key_store({}, None)  # a workspace on a database server has no folder


def test_the_memory_twin_keeps_the_same_rules() -> None:
    store = MemoryKeyStore()
    assert not store.exists()
    with pytest.raises(ConfigError):
        store.load()
    store.save(KEY)
    with pytest.raises(ConflictError):
        store.save(OTHER_KEY)
    assert store.load() is KEY
