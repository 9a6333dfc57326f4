"""Issuing one credential: ``issue`` builds, signs, verifies and records it, and gives the
person the award.

A credential is only recorded once the real ``Verifier`` has found it ``valid``, fetching
exactly the documents ``issuer_setup.publish`` would write (from memory): so every
credential skillgap hands out is known to verify, and the person's award carries that
report as evidence.
"""

from __future__ import annotations

import os
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from skillgap.clock import Clock
from skillgap.domain import Achievement, Award, Evidence, IssuerTier, Person
from skillgap.domain.governance import AuditEntry
from skillgap.domain.verification import CheckStatus
from skillgap.errors import ConflictError, NotFoundError, ValidationError
from skillgap.fetch import MemoryFetcher
from skillgap.formats.badges.baking import bake_png, bake_svg
from skillgap.issuing import CredentialFormat, IssuedCredential, IssuerProfile
from skillgap.issuing.credential import Recipient, alignment_targets, build_credential, timestamp
from skillgap.issuing.hosted import STATUS_LIST_LENGTH, Hosted, hosted_documents
from skillgap.issuing.issuer_setup import KeySource, http_url, load_profile, signing_key
from skillgap.issuing.signing import secure
from skillgap.store import Store, Workspace
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.result import Verified
from skillgap.trust.schema import schema_errors
from skillgap.trust.verifier import Verifier

Bake = Literal["png", "svg"]


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
    actor: str | None = None,
) -> IssueResult:
    """Issue, verify and record one credential; the file is written before the commit
    (unless ``write`` is false: the workspace keeps the credential's text either way).
    ``stacked``: evidence entries naming the credentials a pathway stacked into this one;
    ``actor``: who asked, recorded in the audit log with the credential."""
    links = [Evidence(url=http_url(url, "--evidence")) for url in evidence]
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
        key = signing_key(keys(profile), profile)
        used = {a.competency.framework for a in achievement.alignments if a.competency}
        frameworks = {framework: ws.frameworks.get(framework) for framework in used}
        revoked = [c.status_index for c in ws.issued.list() if c.revoked]
        index = ws.issued.next_index()
        if index >= STATUS_LIST_LENGTH:
            raise ConflictError(f"the status list is full ({STATUS_LIST_LENGTH} entries)")
        now = clock.now().replace(microsecond=0)
        expires = achievement.expiry.expires(now)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        unsigned = build_credential(
            credential_id=credential_id,
            profile=profile,
            achievement=achievement,
            alignment=alignment_targets(achievement, frameworks),
            recipient=Recipient.of(holder, salt=secrets.token_hex(16)),
            issued=now,
            expires=expires,
            evidence=links,
            status_index=index,
        )
        problems = schema_errors(unsigned, "AchievementCredential")
        if problems:
            raise ValidationError(f"the credential would not be valid: {'; '.join(problems)}")
        text = secure(
            unsigned,
            key,
            profile.verification_method,
            format,
            created=timestamp(now),
            canonicalizer=canonicalizer,
        )
        data = text.encode("utf-8") + b"\n"
        if bake is not None and image is not None:
            data = (bake_png if bake == "png" else bake_svg)(image, text)
        hosted = hosted_documents(profile, key, revoked, now=now, canonicalizer=canonicalizer)
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
        if actor is not None:
            details = {"credential": issued.id, "achievement": achievement.id, "format": format}
            ws.audit.append(
                AuditEntry(now, actor, "credential issued", holder.employee_id, details)
            )
        if write:
            _write_new(out, data)  # inside the transaction: a failed write records nothing
    return IssueResult(issued, award, verified, holder, achievement, out if write else None)


def self_check(
    profile: IssuerProfile,
    hosted: Sequence[Hosted],
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
