"""The organisation as an issuer, administered from the server (``/api/v1/issuer``):

- ``show_issuer``: the public profile, and where the server finds the key (its kind only).
- ``set_up_issuer``: ``skillgap issuer init`` with the key the server can have: its
  ``SKILLGAP_ISSUER_KEY``, else the key file the profile names, else a key file beside a
  SQLite workspace; a workspace in a database server needs the variable (or a key made
  with ``skillgap issuer init --key-file`` on the command line).
- ``publish_archive``: ``skillgap issuer publish`` as one ZIP of the files to host.
- ``bake_issued``: an issued credential baked into an image the caller sends (as
  ``skillgap issue --bake``), with the checks of ``formats.badges.baking``.

The key never leaves its store: nothing here returns or records key material, and the
key file's path is given only for the callers that may see it (the route decides).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from skillgap.clock import Clock
from skillgap.errors import ConfigError, ConflictError, InputError, ValidationError
from skillgap.formats.badges.baking import BakedBadgeError, bake_png, bake_svg
from skillgap.formats.badges.sniff import Kind, sniff
from skillgap.issuing import IssuerProfile
from skillgap.issuing.hosted import STATUS_LIST_DAYS
from skillgap.issuing.issuance import _slug
from skillgap.issuing.issuer_setup import (
    INDEX_FILE,
    META_PROFILE,
    InitResult,
    KeySource,
    init_issuer,
    load_profile,
    signed_documents,
)
from skillgap.issuing.keystore import ENV_VAR, EnvKeyStore, FileKeyStore, KeyStore
from skillgap.issuing.revocation import find_issued
from skillgap.store import Store

KeyKind = Literal["environment", "file", "none"]


def default_key_file(workspace: Path) -> Path:
    """Where ``skillgap issuer init`` creates the key of a SQLite workspace by default."""
    return workspace.with_name(workspace.name + ".issuer-key.json")


# --- the profile -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerView:
    profile: IssuerProfile
    key: KeyKind  # where the server finds the key: its environment, a key file, nowhere
    key_found: bool  # the variable is set, or the key file exists (it is not read)
    issued: int  # credentials issued: once there are any, only the name and URL may change


def _key_kind(profile: IssuerProfile, environ: Mapping[str, str]) -> tuple[KeyKind, bool]:
    if EnvKeyStore(environ).exists():
        return "environment", True
    if profile.key_file:
        return "file", Path(profile.key_file).is_file()
    return "none", False


def show_issuer(store: Store, environ: Mapping[str, str]) -> IssuerView:
    """The issuer profile (``NotFoundError`` when none is set up) and its key's kind."""
    with store.transaction() as ws:
        profile = load_profile(ws)
        issued = ws.issued.count()
    kind, found = _key_kind(profile, environ)
    return IssuerView(profile, kind, found, issued)


# --- issuer init ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetUp:
    result: InitResult
    view: IssuerView


def server_key_store(store: Store, workspace: Path | None, environ: Mapping[str, str]) -> KeyStore:
    """The key store ``issuer init`` uses on the server: ``SKILLGAP_ISSUER_KEY``, else the
    key file the current profile names (the one issuing reads), else the default key file
    beside a SQLite workspace. A database server's workspace has no folder to keep a key
    beside: that is refused (422), saying what to do."""
    env = EnvKeyStore(environ)
    if env.exists():
        return env
    with store.transaction() as ws:
        text = ws.meta.get(META_PROFILE)
    named = IssuerProfile.from_json(text).key_file if text is not None else None
    if named:
        return FileKeyStore(Path(named))
    if workspace is None:
        raise ValidationError(
            f"the workspace is in a database server and the server has no issuer key: set "
            f"{ENV_VAR} in the server's environment (a privateKeyMultibase), or run `skillgap "
            "issuer init --key-file PATH` on the command line"
        )
    return FileKeyStore(default_key_file(workspace))


def set_up_issuer(
    store: Store,
    workspace: Path | None,
    environ: Mapping[str, str],
    *,
    name: str,
    url: str,
    clock: Clock,
    did_web: str | None = None,
    status_list_url: str | None = None,
    force: bool = False,
    actor: str,
) -> SetUp:
    """``skillgap issuer init`` on the server's key store (``server_key_store``): the key
    is reused when there is one and never overwritten; the change is audited as ``actor``."""
    keys = server_key_store(store, workspace, environ)
    try:
        result = init_issuer(
            store,
            keys,
            name=name,
            url=url,
            clock=clock,
            did_web=did_web,
            status_list_url=status_list_url,
            force=force,
            actor=actor,
        )
    except ConfigError as exc:  # the key cannot be had: the request cannot be served
        where = keys.location if isinstance(keys, FileKeyStore) else None
        raise _unusable(exc, where) from None
    return SetUp(result, show_issuer(store, environ))


def _unusable(exc: ConfigError, key_file: str | None) -> ValidationError:
    """A key store's refusal as the request's 422, without the key file's path (which only
    administrators see, by ``GET /api/v1/issuer``)."""
    message = str(exc)
    if key_file:
        message = message.replace(key_file, "the issuer's key file")
    return ValidationError(f"the server cannot use the issuer key: {message}")


# --- issuer publish ------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    data: bytes  # a ZIP of the files to host, and index.json
    filename: str
    files: tuple[str, ...]
    valid_until: datetime


def publish_archive(
    store: Store,
    keys: KeySource,
    *,
    clock: Clock,
    actor: str,
    valid_days: int = STATUS_LIST_DAYS,
) -> Archive:
    """``skillgap issuer publish`` as a ZIP: the documents signed now (the status list,
    ``did.json`` for a did:web issuer, ``issuer.json``) and ``index.json``, byte for byte
    what ``publish`` writes to a folder; audited as ``actor``."""
    try:
        signed = signed_documents(store, keys, clock=clock, valid_days=valid_days, actor=actor)
    except ConfigError as exc:
        with store.transaction() as ws:
            key_file = load_profile(ws).key_file
        raise _unusable(exc, key_file) from None
    now = clock.now()
    stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    members = [(doc.file, doc.body) for doc in signed.documents]
    members.append((INDEX_FILE, signed.index))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file, body in members:
            info = zipfile.ZipInfo(file, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, body)
    name = f"issuer-documents-{now:%Y%m%d}.zip"
    return Archive(buffer.getvalue(), name, tuple(f for f, _ in members), signed.valid_until)


# --- baking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baked:
    data: bytes
    media_type: str
    filename: str


MEDIA_TYPES = {Kind.PNG: "image/png", Kind.SVG: "image/svg+xml"}


def bake_issued(
    store: Store, credential_id: str, image: bytes, *, name: str, at: datetime
) -> Baked:
    """The issued credential (JSON or JWT, as handed out) baked into ``image``, a PNG or
    SVG read as hostile input; a bad image is an ``InputError`` naming ``name``. A revoked
    credential is not baked: the image would not verify."""
    row = find_issued(store, credential_id, at=at)
    if row.state == "revoked":
        raise ConflictError(
            f"credential {row.issued.id} is revoked: a baked image would not verify"
        )
    kind = sniff(image)
    if kind not in MEDIA_TYPES:
        raise InputError("not a PNG or SVG image", file=name, field="image")
    try:
        data = (bake_png if kind is Kind.PNG else bake_svg)(image, row.issued.document)
    except BakedBadgeError as exc:
        raise InputError(str(exc), file=name, field="image") from None
    filename = f"{_slug(row.issued.achievement_id)}-{_slug(row.issued.person_id)}.{kind}"
    return Baked(data, MEDIA_TYPES[kind], filename)
