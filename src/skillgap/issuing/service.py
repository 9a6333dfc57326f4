"""Use cases of the organisation as an issuer: one call per command.

- ``init_issuer``: the key (created, or reused: a key is never destroyed) and the profile.
- ``issue``: build, sign, verify and record one credential, and give the person the award.
- ``publish``: the documents the organisation must host, signed now, written to a folder
  with an ``index.json`` so ``skillgap verify --documents`` works air-gapped.
- ``revoke``: set the credential's status bit (and publish, when given a folder).
- ``list_issued``: what was issued, with its state.

A credential is only recorded once the real ``Verifier`` has found it ``valid``, fetching
exactly the documents ``publish`` would write (from memory): so every credential skillgap
hands out is known to verify, and the person's award carries that report as evidence.
"""

from __future__ import annotations

import os
import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from skillgap.clock import Clock
from skillgap.domain import Achievement, Award, Evidence, Issuer, IssuerTier, Person
from skillgap.domain.verification import (
    Check,
    CheckStatus,
    VerificationReport,
    VerificationStatus,
)
from skillgap.errors import ConflictError, NotFoundError, ValidationError, WorkspaceError
from skillgap.fetch import MemoryFetcher, did_web_url
from skillgap.formats.badges.baking import bake_png, bake_svg
from skillgap.issuing import CredentialFormat, IssuedCredential, IssuerProfile
from skillgap.issuing import credential as docs
from skillgap.issuing.keystore import FileKeyStore, KeyStore
from skillgap.store import Store, Workspace
from skillgap.trust.checks import most_serious
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.result import Verified
from skillgap.trust.schema import schema_errors
from skillgap.trust.verifier import Verifier

META_PROFILE = "issuer_profile"
INDEX_FILE = "index.json"

#: The key store for an issuer profile (the CLI: $SKILLGAP_ISSUER_KEY or its key file).
KeySource = Callable[[IssuerProfile], KeyStore]
Bake = Literal["png", "svg"]


def load_profile(ws: Workspace) -> IssuerProfile:
    text = ws.meta.get(META_PROFILE)
    if text is None:
        raise NotFoundError("the workspace has no issuer yet: run `skillgap issuer init`")
    return IssuerProfile.from_json(text)


def _signing_key(keys: KeyStore, profile: IssuerProfile) -> PrivateKey:
    key = keys.load()
    if key.kind != "Ed25519" or key.public_multibase() != profile.public_key:
        raise WorkspaceError(
            f"the key in {keys.location} is not the key of the issuer {profile.id} "
            f"({profile.public_key}); use the key `skillgap issuer init` made"
        )
    return key


def _http_url(text: str, what: str, *, https: bool = False) -> str:
    parts = urlsplit(text.strip())
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
) -> InitResult:
    """Create (or with ``force`` replace) the issuer profile, and its key unless the key
    store holds one already. Once credentials are issued, only the name and URL may
    change: a new key, DID or status list would leave them unverifiable."""
    if not name.strip():
        raise ValidationError("the issuer needs a --name")
    url = _http_url(url, "--url")
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
    did, method = docs.identifiers(key.public_multibase(), did_web)
    if status_list_url is None:
        base = did_web_url(did).rsplit("/", 1)[0] if did_web else url.rstrip("/")
        base = base.removesuffix("/.well-known")
        status_list_url = f"{base}/credentials/status/1"
    status_list_url = _http_url(status_list_url, "the status list URL", https=True)
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
    return InitResult(profile, keys.location, key_created, old is not None)


# --- publish ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    profile: IssuerProfile
    directory: Path
    documents: tuple[docs.Hosted, ...]
    valid_until: datetime
    revoked: int


def publish(
    store: Store,
    keys: KeySource,
    out: Path,
    *,
    clock: Clock,
    valid_days: int = docs.STATUS_LIST_DAYS,
) -> PublishResult:
    """Sign the documents the organisation hosts now and write them, with ``index.json``."""
    with store.transaction() as ws:
        profile = load_profile(ws)
        revoked = sorted(c.status_index for c in ws.issued.list() if c.revoked)
    key = _signing_key(keys(profile), profile)
    now = clock.now()
    documents = docs.hosted_documents(
        profile, key, revoked, now=now, valid_days=valid_days, canonicalizer=Canonicalizer()
    )
    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict[str, str]] = {}
    for doc in documents:
        (out / doc.file).write_bytes(doc.body)
        if doc.answers is not None:
            index[doc.answers] = {"file": doc.file, "content_type": doc.content_type}
    (out / INDEX_FILE).write_bytes(docs.json_bytes(index))
    until = now.replace(microsecond=0) + timedelta(days=valid_days)
    return PublishResult(profile, out, tuple(documents), until, len(revoked))


# --- issue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueResult:
    issued: IssuedCredential
    award: Award
    verified: Verified
    person: Person
    achievement: Achievement
    out: Path | None  # None when no file was written


def _slug(text: str) -> str:
    tail = text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail).strip("-.") or "credential"


def _may_issue(ws: Workspace, profile: IssuerProfile, achievement: Achievement) -> None:
    """Only the organisation's own achievements: its issuer's, or an internal board's."""
    if achievement.issuer_id == profile.id:
        return
    issuer = ws.issuers.find(achievement.issuer_id)
    if issuer is not None and issuer.tier is IssuerTier.INTERNAL_BOARD:
        return
    who = f"{issuer.name} ({issuer.tier})" if issuer else achievement.issuer_id
    raise ValidationError(
        f"achievement {achievement.id!r} is defined by {who}: the organisation issues only "
        "its own achievements (its issuer's, or an issuer of tier internal-board)"
    )


def _find_person(ws: Workspace, who: str) -> Person:
    person = ws.people.find(who) or (ws.people.by_email(who) if "@" in who else None)
    if person is None:
        raise NotFoundError(f"no person with employee id or e-mail {who!r}")
    return person


def issue(
    store: Store,
    keys: KeySource,
    *,
    achievement_id: str,
    person: str,
    clock: Clock,
    evidence: Sequence[str] = (),
    format: CredentialFormat = "di",
    bake: Bake | None = None,
    image: bytes | None = None,
    out: Path | None = None,
    stacked: Sequence[Evidence] = (),
    write: bool = True,
) -> IssueResult:
    """Issue, verify and record one credential; the file is written before the commit
    (unless ``write`` is false: the workspace keeps the credential's text either way).
    ``stacked``: evidence entries naming the credentials a pathway stacked into this one."""
    links = [Evidence(url=_http_url(url, "--evidence")) for url in evidence]
    links += stacked
    if (bake is None) != (image is None):
        raise ValidationError("--bake and --image go together")
    canonicalizer = Canonicalizer()
    with store.transaction() as ws:
        profile = load_profile(ws)
        achievement = ws.achievements.get(achievement_id)
        _may_issue(ws, profile, achievement)
        holder = _find_person(ws, person)
        suffix = f".{bake}" if bake else ".jwt" if format == "jwt" else ".json"
        out = out or Path(f"{_slug(achievement.id)}-{_slug(holder.employee_id)}{suffix}")
        if write and out.exists():
            raise ConflictError(f"{out} exists already; choose another --out")
        key = _signing_key(keys(profile), profile)
        used = {a.competency.framework for a in achievement.alignments if a.competency}
        frameworks = {framework: ws.frameworks.get(framework) for framework in used}
        revoked = [c.status_index for c in ws.issued.list() if c.revoked]
        index = ws.issued.next_index()
        if index >= docs.STATUS_LIST_LENGTH:
            raise ConflictError(f"the status list is full ({docs.STATUS_LIST_LENGTH} entries)")
        now = clock.now().replace(microsecond=0)
        expires = achievement.expiry.expires(now)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        unsigned = docs.build_credential(
            credential_id=credential_id,
            profile=profile,
            achievement=achievement,
            alignment=docs.alignment_targets(achievement, frameworks),
            recipient=docs.Recipient.of(holder, salt=secrets.token_hex(16)),
            issued=now,
            expires=expires,
            evidence=links,
            status_index=index,
        )
        problems = schema_errors(unsigned, "AchievementCredential")
        if problems:
            raise ValidationError(f"the credential would not be valid: {'; '.join(problems)}")
        text = docs.secure(
            unsigned,
            key,
            profile.verification_method,
            format,
            created=docs.timestamp(now),
            canonicalizer=canonicalizer,
        )
        data = text.encode("utf-8") + b"\n"
        if bake is not None and image is not None:
            data = (bake_png if bake == "png" else bake_svg)(image, text)
        hosted = docs.hosted_documents(profile, key, revoked, now=now, canonicalizer=canonicalizer)
        verified = self_check(profile, hosted, out.name, data, now, canonicalizer)
        award = Award(
            id=credential_id,
            achievement_id=achievement.id,
            recipient=verified.recipient or "",
            issued_on=now,
            person_id=holder.employee_id,
            expires_on=expires,
            evidence=tuple(links),
            verification=verified.report,
            source=f"issued by {profile.name}",
            format=verified.format,
            document=text,
        )
        issued = IssuedCredential(
            award.id,
            award.id,
            holder.employee_id,
            achievement.id,
            index,
            format,
            now,
            text,
            expires,
        )
        ws.awards.add(award)
        ws.issued.add(issued)
        if write:
            _write_new(out, data)  # inside the transaction: a failed write records nothing
    return IssueResult(issued, award, verified, holder, achievement, out if write else None)


def self_check(
    profile: IssuerProfile,
    hosted: Sequence[docs.Hosted],
    name: str,
    data: bytes,
    at: datetime,
    canonicalizer: Canonicalizer,
) -> Verified:
    """Verify what was just made, as anyone would, against the documents it will have."""
    fetcher = MemoryFetcher()
    for doc in hosted:
        for where in (doc.answers, doc.host_at):
            if where is not None:
                fetcher.add(where, doc.body, content_type=doc.content_type)
    verified = Verifier(fetcher, at, canonicalizer=canonicalizer).verify_bytes(name, data)
    if not verified.valid:
        failing = "; ".join(
            c.message for c in verified.report.checks if c.status is CheckStatus.FAIL
        )
        raise ValidationError(
            f"the credential just signed by {profile.id} does not verify "
            f"({verified.status}: {failing}); nothing was issued"
        )
    return verified


def _write_new(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ConflictError(f"{path} exists already; choose another --out") from None
    except OSError as exc:
        raise ValidationError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


# --- revoke and list -------------------------------------------------------------------


@dataclass(frozen=True)
class RevokeResult:
    issued: IssuedCredential
    already: bool
    published: PublishResult | None


def revoke(
    store: Store,
    credential_id: str,
    *,
    clock: Clock,
    reason: str | None = None,
    keys: KeySource | None = None,
    out: Path | None = None,
) -> RevokeResult:
    """Record the revocation (and the award's new status); publish when given ``out``."""
    wanted = credential_id if ":" in credential_id else f"urn:uuid:{credential_id}"
    with store.transaction() as ws:
        found = ws.issued.find(wanted)
        if found is None:
            raise NotFoundError(f"no issued credential {credential_id!r}")
        already = found.revoked
        if not already:
            now = clock.now()
            found = replace(found, revoked=True, revoked_on=now, revocation_reason=reason)
            ws.issued.put(found)
            award = ws.awards.find(found.award_id)
            if award is not None and award.verification is not None:
                ws.awards.put(replace(award, verification=_revoked_report(award, found, now)))
    published = None
    if out is not None:
        if keys is None:
            raise ValidationError("publishing the status list needs the issuer's key")
        published = publish(store, keys, out, clock=clock)
    return RevokeResult(found, already, published)


def _revoked_report(award: Award, issued: IssuedCredential, now: datetime) -> VerificationReport:
    """The award's report with its status check replaced: the organisation revoked it."""
    assert award.verification is not None
    old = award.verification
    because = f": {issued.revocation_reason}" if issued.revocation_reason else ""
    status = Check(
        "status",
        CheckStatus.FAIL,
        f"revoked by the organisation (status list index {issued.status_index}){because}",
    )
    return VerificationReport(
        most_serious([old.status, VerificationStatus.REVOKED]),
        now,
        old.format,
        (*(c for c in old.checks if c.name != "status"), status),
    )


@dataclass(frozen=True)
class IssuedRow:
    issued: IssuedCredential
    person: str  # the person's name
    achievement: str  # the achievement's name
    state: str  # active, expired or revoked


def list_issued(store: Store, *, at: datetime) -> list[IssuedRow]:
    with store.transaction() as ws:
        issued = ws.issued.list()
        people = {p.employee_id: p.name for p in ws.people.list()}
        names = {a.id: a.name for a in ws.achievements.list()}
    rows = [
        IssuedRow(
            c, people.get(c.person_id, c.person_id), names.get(c.achievement_id, ""), c.state(at)
        )
        for c in issued
    ]
    return sorted(rows, key=lambda row: (row.issued.issued_on, row.issued.status_index))
