"""The organisation as an issuer, set up: its key and profile, and the documents it hosts.

- ``init_issuer``: the key (created, or reused: a key is never destroyed) and the profile.
- ``publish``: the documents the organisation must host, signed now, written to a folder
  with an ``index.json`` so ``skillgap verify --documents`` works air-gapped
  (``signed_documents``: the same documents in memory, for the server to hand out).

The other use cases (``issuance``, ``revocation``) read the profile with ``load_profile``
and the key with ``signing_key``, from the key store a ``KeySource`` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from skillgap.clock import Clock
from skillgap.domain import Issuer, IssuerTier
from skillgap.domain.governance import AuditEntry
from skillgap.errors import ConflictError, NotFoundError, ValidationError, WorkspaceError
from skillgap.fetch import did_web_url
from skillgap.issuing import IssuerProfile
from skillgap.issuing.hosted import (
    STATUS_LIST_DAYS,
    Hosted,
    hosted_documents,
    identifiers,
    json_bytes,
)
from skillgap.issuing.keystore import FileKeyStore, KeyStore
from skillgap.store import Store, Workspace
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey

META_PROFILE = "issuer_profile"
INDEX_FILE = "index.json"

#: The key store for an issuer profile (the CLI: $SKILLGAP_ISSUER_KEY or its key file).
KeySource = Callable[[IssuerProfile], KeyStore]


def load_profile(ws: Workspace) -> IssuerProfile:
    text = ws.meta.get(META_PROFILE)
    if text is None:
        raise NotFoundError("the workspace has no issuer yet: run `skillgap issuer init`")
    return IssuerProfile.from_json(text)


def signing_key(keys: KeyStore, profile: IssuerProfile) -> PrivateKey:
    key = keys.load()
    if key.kind != "Ed25519" or key.public_multibase() != profile.public_key:
        raise WorkspaceError(
            f"the key in {keys.location} is not the key of the issuer {profile.id} "
            f"({profile.public_key}); use the key `skillgap issuer init` made"
        )
    return key


def http_url(text: str, what: str, *, https: bool = False) -> str:
    try:
        parts = urlsplit(text.strip())
    except ValueError as exc:  # e.g. a bracketed host that is no IPv6 address
        raise ValidationError(f"{what} is not a URL ({exc}): {text!r}") from None
    schemes = ("https",) if https else ("http", "https")
    if parts.scheme not in schemes or not parts.netloc:
        need = "an https:// URL" if https else "an http(s) URL"
        raise ValidationError(f"{what} must be {need}, not {text!r}")
    return text.strip()


# --- issuer init -----------------------------------------------------------------------


@dataclass(frozen=True)
class InitResult:
    profile: IssuerProfile
    key_location: str
    key_created: bool
    replaced: bool


def init_issuer(
    store: Store,
    keys: KeyStore,
    *,
    name: str,
    url: str,
    clock: Clock,
    did_web: str | None = None,
    status_list_url: str | None = None,
    force: bool = False,
    actor: str | None = None,
) -> InitResult:
    """Create (or with ``force`` replace) the issuer profile, and its key unless the key
    store holds one already. Once credentials are issued, only the name and URL may
    change: a new key, DID or status list would leave them unverifiable. ``actor``: who
    asked, recorded in the audit log (with the key's location kind, never the key)."""
    if not name.strip():
        raise ValidationError("the issuer needs a --name")
    url = http_url(url, "--url")
    with store.transaction() as ws:
        old = load_profile(ws) if ws.meta.get(META_PROFILE) is not None else None
        issued = ws.issued.count()
    if old is not None and not force:
        raise ConflictError(
            f"the workspace has an issuer already ({old.id}); --force replaces its profile"
        )
    key_created = not keys.exists()
    key = PrivateKey.generate_ed25519() if key_created else keys.load()
    if key.kind != "Ed25519":
        raise ValidationError(f"the issuer key in {keys.location} is not an Ed25519 key")
    did, method = identifiers(key.public_multibase(), did_web)
    if status_list_url is None:
        base = did_web_url(did).rsplit("/", 1)[0] if did_web else url.rstrip("/")
        base = base.removesuffix("/.well-known")
        status_list_url = f"{base}/credentials/status/1"
    status_list_url = http_url(status_list_url, "the status list URL", https=True)
    profile = IssuerProfile(
        did,
        name.strip(),
        url,
        method,
        key.public_multibase(),
        status_list_url,
        clock.now(),
        str(Path(keys.location).resolve()) if isinstance(keys, FileKeyStore) else None,
    )
    fixed = (profile.id, profile.public_key, profile.status_list_url)
    if old is not None and issued and (old.id, old.public_key, old.status_list_url) != fixed:
        raise ConflictError(
            f"{issued} credential(s) were issued as {old.id} with the status list "
            f"{old.status_list_url}: the key, DID and status list cannot change any more "
            "(only --name and --url can)"
        )
    if key_created:
        keys.save(key)
    with store.transaction() as ws:
        ws.meta.set(META_PROFILE, profile.to_json())
        if ws.issuers.find(profile.id) is None:
            ws.issuers.add(Issuer(profile.id, profile.name, url, tier=IssuerTier.INTERNAL_BOARD))
        if actor is not None:
            details = {
                "name": profile.name,
                "url": profile.url,
                "status_list_url": profile.status_list_url,
                "replaced": old is not None,
                "key_created": key_created,
                "key": "file" if isinstance(keys, FileKeyStore) else keys.location,
            }
            action = "issuer replaced" if old is not None else "issuer created"
            ws.audit.append(AuditEntry(clock.now(), actor, action, profile.id, details))
    return InitResult(profile, keys.location, key_created, old is not None)


# --- publish ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    profile: IssuerProfile
    directory: Path
    documents: tuple[Hosted, ...]
    valid_until: datetime
    revoked: int


@dataclass(frozen=True)
class SignedDocuments:
    """The documents to host, signed now, and ``index`` (each URL or DID -> its file)."""

    profile: IssuerProfile
    documents: tuple[Hosted, ...]
    index: bytes  # the body of index.json
    valid_until: datetime
    revoked: int


def signed_documents(
    store: Store,
    keys: KeySource,
    *,
    clock: Clock,
    valid_days: int = STATUS_LIST_DAYS,
    actor: str | None = None,
) -> SignedDocuments:
    """Sign the documents the organisation hosts now, in memory, with their ``index.json``;
    ``actor``: who asked, recorded in the audit log (what was signed, until when)."""
    with store.transaction() as ws:
        profile = load_profile(ws)
        revoked = sorted(c.status_index for c in ws.issued.list() if c.revoked)
    key = signing_key(keys(profile), profile)
    now = clock.now()
    documents = hosted_documents(
        profile, key, revoked, now=now, valid_days=valid_days, canonicalizer=Canonicalizer()
    )
    index: dict[str, dict[str, str]] = {}
    for doc in documents:
        if doc.answers is not None:
            index[doc.answers] = {"file": doc.file, "content_type": doc.content_type}
    until = now.replace(microsecond=0) + timedelta(days=valid_days)
    if actor is not None:
        details = {
            "files": [doc.file for doc in documents],
            "valid_until": until.isoformat(),
            "revoked": len(revoked),
        }
        with store.transaction() as ws:
            ws.audit.append(AuditEntry(now, actor, "issuer documents signed", profile.id, details))
    return SignedDocuments(profile, tuple(documents), json_bytes(index), until, len(revoked))


def publish(
    store: Store,
    keys: KeySource,
    out: Path,
    *,
    clock: Clock,
    valid_days: int = STATUS_LIST_DAYS,
    actor: str | None = None,
) -> PublishResult:
    """Sign the documents the organisation hosts now and write them, with ``index.json``
    (audited as ``actor`` when given)."""
    signed = signed_documents(store, keys, clock=clock, valid_days=valid_days, actor=actor)
    out.mkdir(parents=True, exist_ok=True)
    for doc in signed.documents:
        (out / doc.file).write_bytes(doc.body)
    (out / INDEX_FILE).write_bytes(signed.index)
    return PublishResult(signed.profile, out, signed.documents, signed.valid_until, signed.revoked)
