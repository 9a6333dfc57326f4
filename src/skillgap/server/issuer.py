"""The organisation's issuer key for the server, found as the CLI finds it."""

from __future__ import annotations

import os
from pathlib import Path

from skillgap.errors import ConfigError, ValidationError
from skillgap.issuing import IssuerProfile
from skillgap.issuing.keystore import ENV_VAR, KeyStore, key_store


def issuer_keys(profile: IssuerProfile) -> KeyStore:
    """The issuer key, as the CLI finds it: $SKILLGAP_ISSUER_KEY in the server's
    environment, else the key file the issuer profile names."""
    try:
        return key_store(os.environ, Path(profile.key_file) if profile.key_file else None)
    except ConfigError:
        raise ValidationError(
            f"the server has no issuer key: set {ENV_VAR} in its environment (the issuer "
            "profile names no key file)"
        ) from None
