"""The demo's earned credentials: real, signed Open Badges 3.0 credentials made from the bundle.

The demo bundle lists its awards as rows (``awards.csv``); a real organisation holds
credentials instead, and skillgap counts them only after verifying them. So that the demo
shows that path and not a shortcut, ``demo_credentials`` turns every award into the
credential its issuer would have handed out, and ``skillgap demo`` verifies and imports them
(``services.bundles.run_demo``). Everything here is pure and deterministic: the same bundle
gives the same bytes, so the demo's figures do not move between runs.

- **Keys (demo keys only).** Each issuer signs with an Ed25519 key whose seed is
  SHA-256("skillgap-demo:" + issuer id). Anyone can compute these keys: they make the demo
  reproducible and prove nothing anywhere else. They are never stored.
- **Issuer.** The credential's issuer is the bundle's issuer (its https id), so the import
  finds the issuer and achievement the bundle loaded and keeps their tiers, assessment types
  and reviewed alignments. The key is a ``did:key``, which the issuer's profile lists in its
  ``assertionMethod``: the usual way an https issuer publishes the key it signs with. The
  profiles are served by ``DemoCredentials.fetcher`` (in memory, never the network).
- **Recipient.** The award's e-mail address, salted and hashed (an ``IdentityObject``), so
  the import matches the person by e-mail without the credential publishing the address. An
  award made out to an address the people file does not list for that person (a personal
  one) cannot be matched so: it is marked ``backpack_of`` the person, and the demo imports
  it as their own backpack (`skillgap credentials import --person`), as HR would.
- **Alignments.** An exact alignment names the competency by its URI, code and framework
  (``analysis.alignment`` maps it exactly). A suggested, confirmed or unmapped one names only
  a skill on the issuer's own site, as an outside issuer would: the import can at most
  suggest a competency for it, and the bundle's review decision (kept) is what counts.
- **Dates.** ``validFrom`` is the issue date, ``validUntil`` the award's own expiry date when
  it has one. An achievement's validity period (``valid_for_days``) is the organisation's
  policy in the bundle and is applied by the analysis, not written into the credential.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillgap.domain import Achievement, AlignmentStatus, Award, Evidence, Framework, Issuer
from skillgap.fetch import MemoryFetcher
from skillgap.formats.bundle import Bundle
from skillgap.issuing import IssuerProfile
from skillgap.issuing.credential import (
    CREDENTIAL_CONTEXT,
    Recipient,
    alignment_targets,
    build_credential,
    timestamp,
)
from skillgap.issuing.hosted import identifiers
from skillgap.issuing.signing import sign_data_integrity
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey

__all__ = ["DemoCredential", "DemoCredentials", "demo_credentials", "demo_key"]

#: What a demo issuer's key seed is made from (with the issuer's id): public on purpose.
KEY_PREFIX = "skillgap-demo:"
SALT_PREFIX = "skillgap-demo-salt:"


def demo_key(issuer_id: str) -> PrivateKey:
    """The issuer's demo signing key: Ed25519, seed SHA-256("skillgap-demo:" + issuer id).

    A demo key only: anyone can derive it, so it must never sign anything real."""
    seed = hashlib.sha256((KEY_PREFIX + issuer_id).encode("utf-8")).digest()
    return PrivateKey(Ed25519PrivateKey.from_private_bytes(seed))


@dataclass(frozen=True)
class DemoCredential:
    """One signed credential: the bundle's award it stands for, its file name and its text."""

    award_id: str
    credential_id: str
    file_name: str
    text: str
    #: Set when the award names an address the people file does not list for the person (a
    #: personal one): matching by e-mail cannot find them, so it comes in with their own
    #: backpack (`skillgap credentials import --person`).
    backpack_of: str | None = None


@dataclass(frozen=True)
class DemoCredentials:
    """The credentials, and the issuer profiles a verifier fetches to check the keys."""

    credentials: tuple[DemoCredential, ...]
    profiles: Mapping[str, str]  # issuer id -> its profile (JSON)

    def fetcher(self) -> MemoryFetcher:
        """Answers the issuer profiles, and nothing else (no network)."""
        return MemoryFetcher.of(dict(self.profiles))

    def write(self, folder: Path) -> list[tuple[Path, str | None]]:
        """Write the credentials under ``folder``: the organisation's in ``organisation/``,
        each backpack in ``backpack-<employee id>/``. Returns each folder to import, with the
        person whose backpack it is (None: the organisation's, matched by e-mail)."""
        folders: dict[str | None, Path] = {}
        for credential in self.credentials:
            person = credential.backpack_of
            where = folders.get(person)
            if where is None:
                where = folder / (f"backpack-{_file_safe(person)}" if person else "organisation")
                where.mkdir()
                folders[person] = where
            (where / credential.file_name).write_text(credential.text + "\n", encoding="utf-8")
        return [(path, person) for person, path in folders.items()]


def demo_credentials(
    bundle: Bundle, *, canonicalizer: Canonicalizer | None = None
) -> DemoCredentials:
    """Every award of ``bundle`` as a signed OB 3.0 AchievementCredential (eddsa-rdfc-2022)."""
    canonicalizer = canonicalizer or Canonicalizer()
    signers = {issuer.id: _Signer.of(issuer) for issuer in bundle.issuers}
    achievements = {a.id: a for a in bundle.achievements}
    frameworks = {bundle.framework.id: bundle.framework}
    emails = {p.employee_id: p.emails for p in bundle.people}
    made = []
    for award in bundle.awards:
        achievement = achievements[award.achievement_id]
        signer = signers[achievement.issuer_id]
        document = _credential(award, achievement, signer, frameworks)
        signed = sign_data_integrity(
            document,
            signer.key,
            signer.method,
            created=timestamp(award.issued_on),
            canonicalizer=canonicalizer,
        )
        text = json.dumps(signed, indent=2, ensure_ascii=False)
        person = award.person_id
        backpack = person if person and award.recipient not in emails.get(person, ()) else None
        name = f"{_file_safe(award.id)}.json"
        made.append(DemoCredential(award.id, document["id"], name, text, backpack))
    profiles = {s.issuer.id: json.dumps(s.profile(), indent=2) for s in signers.values()}
    return DemoCredentials(tuple(made), profiles)


def credential_id(award_id: str) -> str:
    """The credential's id: ``urn:example:<award id>``. The ``example`` URN namespace is
    reserved for examples (RFC 6963), as the demo's ``.example`` domains are (RFC 2606); a
    short id keeps the demo's awards recognisable (``urn:example:A0017``) in reports."""
    return f"urn:example:{quote(award_id, safe='')}"


@dataclass(frozen=True)
class _Signer:
    issuer: Issuer
    key: PrivateKey
    did: str
    method: str

    @classmethod
    def of(cls, issuer: Issuer) -> _Signer:
        key = demo_key(issuer.id)
        did, method = identifiers(key.public_multibase())
        return cls(issuer, key, did, method)

    def issuer_object(self) -> dict[str, Any]:
        """The issuer as the credential names it: the bundle's issuer, by its https id."""
        found: dict[str, Any] = {"id": self.issuer.id, "type": ["Profile"]}
        found["name"] = self.issuer.name
        if self.issuer.url:
            found["url"] = self.issuer.url
        return found

    def profile(self) -> dict[str, Any]:
        """The issuer's public profile at its id, listing the did:key it signs with: what
        ties the key to the issuer for a verifier (``trust.dids.issuer_controls``)."""
        return {
            "@context": list(CREDENTIAL_CONTEXT),
            **self.issuer_object(),
            "assertionMethod": [self.method],
        }

    def as_issuing_profile(self) -> IssuerProfile:
        """What ``build_credential`` takes. Only its name, key and DID matter: the demo's
        credentials get the https issuer and no status entry (``_credential``), so the status
        list URL and creation time below are never written anywhere."""
        return IssuerProfile(
            id=self.did,
            name=self.issuer.name,
            url=self.issuer.url or self.issuer.id,
            verification_method=self.method,
            public_key=self.key.public_multibase(),
            status_list_url=f"{self.issuer.id}/status",
            created=datetime(2000, 1, 1, tzinfo=UTC),
        )


def _credential(
    award: Award,
    achievement: Achievement,
    signer: _Signer,
    frameworks: Mapping[str, Framework],
) -> dict[str, Any]:
    """The unsigned credential: ``build_credential``'s, with the bundle's https issuer in
    place of the organisation's own DID, and without a status entry (the demo issuers
    publish no status list: nothing in the demo is revoked)."""
    document = build_credential(
        credential_id=credential_id(award.id),
        profile=signer.as_issuing_profile(),
        achievement=achievement,
        alignment=_alignments(achievement, frameworks),
        recipient=Recipient(email=award.recipient, salt=_salt(award.id)),
        issued=award.issued_on,
        expires=award.expires_on,
        evidence=[Evidence(url=e.url) for e in award.evidence if e.url],
        status_index=0,
    )
    document["issuer"] = signer.issuer_object()
    del document["credentialStatus"]
    return document


def _alignments(
    achievement: Achievement, frameworks: Mapping[str, Framework]
) -> list[dict[str, Any]]:
    """Exact alignments as ``issuing`` writes them (URI, code, framework); the others as a
    skill on the issuer's own site, named like the bundle names it."""
    found = []
    for alignment in achievement.alignments:
        if alignment.status is AlignmentStatus.EXACT:
            exact = replace(achievement, alignments=(alignment,))
            found.extend(alignment_targets(exact, frameworks))
            continue
        found.append(
            {
                "type": ["Alignment"],
                "targetName": alignment.target_name,
                "targetUrl": f"{_origin(achievement.id)}/skills/{_slug(alignment.target_name)}",
                "targetType": "ceasn:Competency",
            }
        )
    return found


def _salt(award_id: str) -> str:
    """The recipient hash's salt. A real issuer draws it at random (as `skillgap issue`
    does); the demo derives it from the award so that its credentials are the same bytes
    at every run."""
    return hashlib.sha256((SALT_PREFIX + award_id).encode("utf-8")).hexdigest()[:32]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _slug(text: str) -> str:
    """A URL path segment from a name: ``Cloud security`` -> ``cloud-security``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "skill"


def _file_safe(text: str) -> str:
    """A file name from an id (``A0017`` stays as it is)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "credential"
