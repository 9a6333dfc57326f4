"""Open Badges 2.0 documents for tests: an issuer, a BadgeClass and assertions, served by the
in-memory fetcher exactly as an issuer's web server would serve them."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from skillgap.fetch import MemoryFetcher
from skillgap.trust import jws
from skillgap.trust.private_key import PrivateKey

OB2 = "https://w3id.org/openbadges/v2"
ORIGIN = "https://badges.example.org"
ISSUER = f"{ORIGIN}/issuer"
BADGE = f"{ORIGIN}/badges/forklift"
KEY = f"{ORIGIN}/keys/1"
REVOCATIONS = f"{ORIGIN}/revocations"
EMAIL = "ana.silva@example.com"
SALT = "deadsea"


def hashed(email: str = EMAIL, salt: str = SALT) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


def issuer(**extra: Any) -> dict[str, Any]:
    return {
        "@context": OB2,
        "type": "Issuer",
        "id": ISSUER,
        "name": "Example Training Board",
        "url": ORIGIN,
        "email": "badges@example.org",
        **extra,
    }


def badge_class(**extra: Any) -> dict[str, Any]:
    return {
        "@context": OB2,
        "type": "BadgeClass",
        "id": BADGE,
        "name": "Forklift operation",
        "description": "Operates a counterbalance forklift safely.",
        "image": f"{ORIGIN}/badges/forklift.png",
        "criteria": {"narrative": "Observed practice, 20 hours."},
        "issuer": ISSUER,
        "alignment": [
            {
                "targetName": "operate forklift",
                "targetUrl": "http://data.europa.eu/esco/skill/f47fee1e-2e4b-4b4b-8f0f-3e4c1b1d0a11",
            }
        ],
        **extra,
    }


def assertion(number: int = 1, *, signed: bool = False, **extra: Any) -> dict[str, Any]:
    uid = f"{ORIGIN}/assertions/{number}"
    verification = {"type": "SignedBadge", "creator": KEY} if signed else {"type": "HostedBadge"}
    return {
        "@context": OB2,
        "type": "Assertion",
        "id": uid if not signed else f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "recipient": {"type": "email", "hashed": True, "salt": SALT, "identity": hashed()},
        "badge": BADGE,
        "verification": verification,
        "issuedOn": "2025-03-01T09:00:00Z",
        **extra,
    }


def hosting(*assertions: dict[str, Any], issuer_doc: dict[str, Any] | None = None) -> MemoryFetcher:
    fetcher = MemoryFetcher()
    fetcher.add(ISSUER, json.dumps(issuer_doc or issuer()))
    fetcher.add(BADGE, json.dumps(badge_class()))
    for doc in assertions:
        fetcher.add(doc["id"], json.dumps(doc))
    return fetcher


def signing_setup(
    key: PrivateKey, *, revoked: list[Any] | None = None, owner: str = ISSUER
) -> MemoryFetcher:
    profile = issuer(publicKey=KEY, revocationList=REVOCATIONS)
    fetcher = hosting(issuer_doc=profile)
    fetcher.add(
        KEY,
        json.dumps(
            {
                "@context": OB2,
                "type": "CryptographicKey",
                "id": KEY,
                "owner": owner,
                "publicKeyPem": key.public_key.to_pem(),
            }
        ),
    )
    fetcher.add(
        REVOCATIONS,
        json.dumps(
            {
                "@context": OB2,
                "id": REVOCATIONS,
                "type": "RevocationList",
                "revokedAssertions": revoked or [],
            }
        ),
    )
    return fetcher


def sign(doc: dict[str, Any], key: PrivateKey, alg: str = "RS256") -> str:
    return jws.sign_compact(json.dumps(doc).encode(), key, {"alg": alg})
