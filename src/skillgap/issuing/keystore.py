"""The key store port: where the issuer's private key lives, and nowhere else.

The private key never enters the workspace: a database is backed up, copied, exported and
read by reporting tools, and anyone holding the key can issue credentials in the
organisation's name. It lives in one of:

- ``FileKeyStore``: a JSON file (``privateKeyMultibase``) created with mode 0600 in one
  ``os.open(O_CREAT | O_EXCL)`` call, so it is never readable by others, not even for the
  instant between creating and ``chmod``, and an existing key is never overwritten (a lost
  key cannot be recovered; skillgap never destroys one). A file readable by group or others
  is refused on reading, as ``ssh`` refuses such a private key: it may have leaked.
- ``EnvKeyStore``: ``SKILLGAP_ISSUER_KEY`` holds the ``privateKeyMultibase``, for servers
  whose secrets manager injects it. It cannot be written.
- ``MemoryKeyStore``: the twin, for tests.

Every failure is a ``ConfigError`` (or ``ConflictError`` for a key that exists already)
whose message says what to do.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from skillgap.errors import ConfigError, ConflictError
from skillgap.trust.key_algorithms import KeyFormatError
from skillgap.trust.private_key import PrivateKey

__all__ = ["ENV_VAR", "EnvKeyStore", "FileKeyStore", "KeyStore", "MemoryKeyStore", "key_store"]

ENV_VAR = "SKILLGAP_ISSUER_KEY"
MAX_KEY_FILE = 64 * 1024  # a key file is ~200 bytes; more is not one


class KeyStore(Protocol):
    @property
    def location(self) -> str:
        """Where the key is, for messages (never the key itself)."""
        ...

    @property
    def writable(self) -> bool:
        """Whether ``save`` can store a new key here."""
        ...

    def exists(self) -> bool: ...

    def load(self) -> PrivateKey:
        """The Ed25519 signing key, or ``ConfigError`` saying why it cannot be had."""
        ...

    def save(self, key: PrivateKey) -> None:
        """Store a new key; ``ConflictError`` if one is there already (never overwritten)."""
        ...


def _read_multibase(text: str, where: str) -> PrivateKey:
    try:
        key = PrivateKey.ed25519_from_multibase(text.strip())
    except KeyFormatError as exc:
        raise ConfigError(f"the issuer key in {where} is not usable: {exc}") from None
    return key


class FileKeyStore:
    """A key file: ``{"type": "Multikey", "publicKeyMultibase", "privateKeyMultibase"}``."""

    writable = True

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> PrivateKey:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            raise ConfigError(
                f"the issuer key file {self.path} does not exist: run `skillgap issuer init`, "
                f"or set {ENV_VAR}"
            ) from None
        except OSError as exc:
            raise ConfigError(
                f"cannot read the issuer key file {self.path}: {exc.strerror}"
            ) from None
        with os.fdopen(fd, "rb") as handle:
            # Checked on the open file, not the name: nothing can swap it in between.
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ConfigError(f"the issuer key file {self.path} is not a regular file")
            if os.name == "posix" and info.st_mode & 0o077:
                mode = stat.S_IMODE(info.st_mode)
                raise ConfigError(
                    f"the issuer key file {self.path} is readable by others (mode {mode:04o}); "
                    f"it may have leaked. If it has not, run `chmod 600 {self.path}`"
                )
            data = handle.read(MAX_KEY_FILE + 1)
        if len(data) > MAX_KEY_FILE:
            raise ConfigError(f"the issuer key file {self.path} is too large to be a key file")
        try:
            document = json.loads(data.decode("utf-8"))
            text = document["privateKeyMultibase"]
            if not isinstance(text, str):
                raise TypeError("privateKeyMultibase is not a string")
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"the issuer key file {self.path} is not a skillgap key file ({exc})"
            ) from None
        return _read_multibase(text, str(self.path))

    def save(self, key: PrivateKey) -> None:
        body = json.dumps(
            {
                "type": "Multikey",
                "publicKeyMultibase": key.public_multibase(),
                "privateKeyMultibase": key.to_multibase(),
            },
            indent=2,
        ).encode("utf-8")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags, 0o600)
        except FileExistsError:
            raise ConflictError(
                f"the key file {self.path} exists already; skillgap never overwrites a key"
            ) from None
        except OSError as exc:
            raise ConfigError(f"cannot create the key file {self.path}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                if os.name == "posix":
                    os.fchmod(handle.fileno(), 0o600)  # whatever the umask
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            self.path.unlink(missing_ok=True)
            raise


class EnvKeyStore:
    """The key in an environment variable (``privateKeyMultibase``); read-only."""

    writable = False

    def __init__(self, environ: Mapping[str, str], var: str = ENV_VAR) -> None:
        self._environ = environ
        self.var = var

    @property
    def location(self) -> str:
        return f"${self.var}"

    def exists(self) -> bool:
        return bool(self._environ.get(self.var, "").strip())

    def load(self) -> PrivateKey:
        if not self.exists():
            raise ConfigError(f"{self.var} is not set: it should hold the issuer's private key")
        return _read_multibase(self._environ[self.var], f"${self.var}")

    def save(self, key: PrivateKey) -> None:
        raise ConfigError(
            f"the issuer key comes from {self.var}, which skillgap cannot write; unset it to "
            "let `skillgap issuer init` create a key file"
        )


class MemoryKeyStore:
    """The twin: a key held in memory."""

    writable = True
    location = "memory"

    def __init__(self, key: PrivateKey | None = None) -> None:
        self.key = key

    def exists(self) -> bool:
        return self.key is not None

    def load(self) -> PrivateKey:
        if self.key is None:
            raise ConfigError("no issuer key in memory")
        return self.key

    def save(self, key: PrivateKey) -> None:
        if self.key is not None:
            raise ConflictError("the memory key store holds a key already")
        self.key = key


def key_store(environ: Mapping[str, str], key_file: Path | None) -> KeyStore:
    """``SKILLGAP_ISSUER_KEY`` when it is set, else the key file; ``ConfigError`` if neither."""
    env = EnvKeyStore(environ)
    if env.exists():
        return env
    if key_file is None:
        raise ConfigError(
            f"no issuer key: give --key-file (a workspace in a database server has no folder "
            f"to keep it next to) or set {ENV_VAR}"
        )
    return FileKeyStore(key_file)
