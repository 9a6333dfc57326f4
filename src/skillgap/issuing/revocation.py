"""Revoking what the organisation issued, and listing it.

- ``revoke``: set the credential's status bit, and the award's report with it (and publish,
  when given a folder: verifiers see the revocation once the new status list is hosted).
- ``list_issued``: what was issued, with its state (active, expired or revoked).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from skillgap.clock import Clock
from skillgap.domain import Award
from skillgap.domain.governance import AuditEntry
from skillgap.domain.verification import (
    Check,
    CheckStatus,
    VerificationReport,
    VerificationStatus,
)
from skillgap.errors import NotFoundError, ValidationError
from skillgap.issuing import IssuedCredential
from skillgap.issuing.issuer_setup import KeySource, PublishResult, publish
from skillgap.store import Store
from skillgap.trust.checks import most_serious


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
    actor: str | None = None,
) -> RevokeResult:
    """Record the revocation (and the award's new status); publish when given ``out``;
    ``actor``: who asked, recorded in the audit log."""
    wanted = full_id(credential_id)
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
            if actor is not None:
                details = {"credential": found.id, "reason": reason}
                entry = AuditEntry(now, actor, "credential revoked", found.person_id, details)
                ws.audit.append(entry)
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


def full_id(credential_id: str) -> str:
    """An issued credential's id as stored: ``urn:uuid:`` added to a bare UUID."""
    return credential_id if ":" in credential_id else f"urn:uuid:{credential_id}"


def find_issued(store: Store, credential_id: str, *, at: datetime) -> IssuedRow:
    """One issued credential (its id with or without ``urn:uuid:``), with its person's and
    achievement's names."""
    wanted = full_id(credential_id)
    with store.transaction() as ws:
        found = ws.issued.find(wanted)
        if found is None:
            raise NotFoundError(f"no issued credential {credential_id!r}")
        person = ws.people.find(found.person_id)
        achievement = ws.achievements.find(found.achievement_id)
    return IssuedRow(
        found,
        person.name if person else found.person_id,
        achievement.name if achievement else "",
        found.state(at),
    )


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
