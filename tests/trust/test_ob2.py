"""Open Badges 2.0 / 1.x verification end to end: hosted and signed assertions, served by the
in-memory fetcher, through the verifier's front door."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from skillgap.domain.verification import VerificationStatus as S
from skillgap.fetch import MemoryFetcher
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.verifier import Verifier
from tests.trust import ob2_builders as ob

AT = datetime(2026, 6, 1, tzinfo=UTC)


@cache
def rsa_key() -> PrivateKey:
    return PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def check(result, name):
    return next(c for c in result.report.checks if c.name == name)


def verify_json(doc, fetcher, at=AT):
    return Verifier(fetcher, at).verify_bytes("badge.json", json.dumps(doc).encode())


def test_hosted_assertion_is_valid_and_names_its_recipient_and_badge():
    doc = ob.assertion()
    result = verify_json(doc, ob.hosting(doc))
    assert result.status is S.VALID, result.report.checks
    assert result.format == "ob2.0-hosted"
    assert result.achievement == "Forklift operation"
    assert result.identities[0].matches(ob.EMAIL)
    assert not result.identities[0].matches("someone.else@example.com")


def test_presented_copy_that_differs_from_the_hosted_one_is_tampered():
    hosted = ob.assertion()
    presented = dict(hosted, issuedOn="2020-01-01T00:00:00Z")
    result = verify_json(presented, ob.hosting(hosted))
    assert result.status is S.TAMPERED
    assert "issuedOn" in check(result, "hosted-copy").message


def test_gone_hosted_assertion_is_revoked():
    doc = ob.assertion()
    fetcher = ob.hosting()
    fetcher.add(doc["id"], "", status=410)
    assert verify_json(doc, fetcher).status is S.REVOKED


def test_hosted_copy_marked_revoked_is_revoked_even_when_expired():
    doc = ob.assertion(revoked=True, revocationReason="issued in error", expires="2025-04-01")
    result = verify_json(doc, ob.hosting(doc))
    assert result.status is S.REVOKED
    assert "issued in error" in check(result, "revocation").message


def test_expired_and_not_yet_valid_follow_the_evaluation_time():
    doc = ob.assertion(expires="2026-01-01T00:00:00Z")
    fetcher = ob.hosting(doc)
    assert verify_json(doc, fetcher).status is S.EXPIRED
    assert verify_json(doc, fetcher, datetime(2025, 6, 1, tzinfo=UTC)).status is S.VALID
    assert verify_json(doc, fetcher, datetime(2025, 1, 1, tzinfo=UTC)).status is S.NOT_YET_VALID


def test_assertion_hosted_on_a_foreign_origin_is_an_issuer_mismatch():
    doc = ob.assertion()
    doc["id"] = "https://evil.example.net/assertions/1"
    result = verify_json(doc, ob.hosting(doc))
    assert result.status is S.ISSUER_MISMATCH


def test_allowed_origins_let_an_issuer_host_elsewhere():
    doc = ob.assertion()
    doc["id"] = "https://cdn.example.net/assertions/1"
    profile = ob.issuer(verification={"allowedOrigins": "cdn.example.net"})
    assert verify_json(doc, ob.hosting(doc, issuer_doc=profile)).status is S.VALID


def test_offline_without_the_documents_is_unverifiable_never_valid():
    doc = ob.assertion()
    result = verify_json(doc, MemoryFetcher())
    assert result.status is S.UNVERIFIABLE


def test_missing_badge_class_is_unverifiable():
    doc = ob.assertion()
    fetcher = MemoryFetcher()
    fetcher.add(doc["id"], json.dumps(doc))
    assert verify_json(doc, fetcher).status is S.UNVERIFIABLE


def test_a_url_alone_is_verified_from_its_hosted_copy():
    doc = ob.assertion()
    result = Verifier(ob.hosting(doc), AT).verify_bytes("link.txt", doc["id"].encode())
    assert result.status is S.VALID
    assert result.format == "ob2.0-hosted"


def test_signed_assertion_is_valid():
    key = rsa_key()
    doc = ob.assertion(signed=True)
    token = ob.sign(doc, key)
    result = Verifier(ob.signing_setup(key), AT).verify_bytes("a.jws", token.encode())
    assert result.status is S.VALID, result.report.checks
    assert result.format == "ob2.0-signed"
    assert {c.name for c in result.report.checks} >= {"signature", "issuer-key", "revocation"}


def test_signed_assertion_with_a_changed_payload_has_an_invalid_signature():
    key = rsa_key()
    token = ob.sign(ob.assertion(signed=True), key)
    header, _payload, signature = token.split(".")
    forged = ob.sign(ob.assertion(signed=True, issuedOn="2020-01-01T00:00:00Z"), key)
    token = ".".join([header, forged.split(".")[1], signature])
    result = Verifier(ob.signing_setup(key), AT).verify_bytes("a.jws", token.encode())
    assert result.status is S.INVALID_SIGNATURE


def test_signed_with_another_key_is_an_invalid_signature():
    other = PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    token = ob.sign(ob.assertion(signed=True), other)
    result = Verifier(ob.signing_setup(rsa_key()), AT).verify_bytes("a.jws", token.encode())
    assert result.status is S.INVALID_SIGNATURE


def test_key_owned_by_someone_else_is_an_issuer_mismatch():
    key = rsa_key()
    token = ob.sign(ob.assertion(signed=True), key)
    fetcher = ob.signing_setup(key, owner="https://other.example.org/issuer")
    result = Verifier(fetcher, AT).verify_bytes("a.jws", token.encode())
    assert result.status is S.ISSUER_MISMATCH


def test_signed_assertion_in_the_revocation_list_is_revoked():
    key = rsa_key()
    doc = ob.assertion(signed=True)
    fetcher = ob.signing_setup(key, revoked=[{"id": doc["id"], "revocationReason": "fraud"}])
    result = Verifier(fetcher, AT).verify_bytes("a.jws", ob.sign(doc, key).encode())
    assert result.status is S.REVOKED
    assert "fraud" in check(result, "revocation").message


def test_unreachable_revocation_list_is_status_unverifiable():
    key = rsa_key()
    fetcher = ob.signing_setup(key)
    del fetcher.documents[ob.REVOCATIONS]
    token = ob.sign(ob.assertion(signed=True), key)
    assert Verifier(fetcher, AT).verify_bytes("a.jws", token.encode()).status is (
        S.STATUS_UNVERIFIABLE
    )


def test_alg_none_is_refused():
    doc = ob.assertion(signed=True)
    from skillgap.trust.multibase import b64url_encode

    token = b64url_encode(b'{"alg":"none"}') + "." + b64url_encode(json.dumps(doc).encode()) + "."
    result = Verifier(ob.signing_setup(rsa_key()), AT).verify_bytes("a.jws", token.encode())
    assert result.status is not S.VALID
    assert result.status in (S.MALFORMED, S.INVALID_SIGNATURE)


def test_open_badges_0_5_has_no_verification_route():
    legacy = {
        "recipient": ob.hashed(),
        "salt": ob.SALT,
        "badge": {
            "version": "0.5.0",
            "name": "Old badge",
            "image": "/img.png",
            "description": "x",
            "criteria": "/criteria",
            "issuer": {"origin": "https://old.example.org", "name": "Old issuer"},
        },
    }
    result = verify_json(legacy, MemoryFetcher())
    assert result.status is S.MALFORMED
    assert result.format == "ob0.5"
    assert "0.5" in check(result, "verification-route").message
    assert result.identities[0].matches(ob.EMAIL)


def test_open_badges_1_0_hosted_badge_is_verified_from_its_url():
    url = f"{ob.ORIGIN}/v1/assertions/9"
    badge_url = f"{ob.ORIGIN}/v1/badge"
    issuer_url = f"{ob.ORIGIN}/v1/issuer"
    legacy = {
        "uid": "9",
        "recipient": {"type": "email", "hashed": True, "salt": ob.SALT, "identity": ob.hashed()},
        "badge": badge_url,
        "verify": {"type": "hosted", "url": url},
        "issuedOn": 1700000000,
    }
    fetcher = MemoryFetcher()
    fetcher.add(url, json.dumps(legacy))
    fetcher.add(badge_url, json.dumps({"name": "V1 badge", "issuer": issuer_url}))
    fetcher.add(issuer_url, json.dumps({"name": "Old issuer", "url": ob.ORIGIN}))
    result = verify_json(legacy, fetcher)
    assert result.format == "ob1.0-hosted"
    assert result.status is S.VALID, result.report.checks


@pytest.mark.parametrize(
    "doc",
    [
        {"@context": ob.OB2, "type": "BadgeClass", "id": ob.BADGE, "name": "x"},
        {"@context": ob.OB2, "type": "Issuer", "id": ob.ISSUER, "name": "x"},
        {"hello": "world"},
    ],
)
def test_documents_that_are_not_awarded_credentials_are_malformed(doc):
    result = verify_json(doc, MemoryFetcher())
    assert result.status is S.MALFORMED


def test_an_issuer_profile_embedded_by_the_signer_vouches_for_nothing() -> None:
    """The payload embeds the victim's issuer with the attacker's key: the real profile,
    fetched from the issuer's URL, does not list that key."""
    attacker = PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    key_url = f"{ob.ORIGIN}/keys/evil"
    embedded_badge = ob.badge_class(
        issuer=ob.issuer(publicKey=[{"id": key_url, "publicKeyPem": attacker.public_key.to_pem()}])
    )
    doc = ob.assertion(signed=True, badge=embedded_badge)
    doc["verification"]["creator"] = key_url
    fetcher = ob.signing_setup(rsa_key())  # the real issuer lists only its own key
    result = Verifier(fetcher, AT).verify_bytes("a.jws", ob.sign(doc, attacker).encode())
    assert result.status is not S.VALID
    assert result.status in (S.ISSUER_MISMATCH, S.UNVERIFIABLE)


def test_allowed_origins_are_read_from_the_fetched_profile_only() -> None:
    doc = ob.assertion()
    doc["id"] = "https://attacker.example.net/assertions/1"
    doc["badge"] = ob.badge_class(
        issuer=ob.issuer(verification={"allowedOrigins": ["attacker.example.net"]})
    )
    result = verify_json(doc, ob.hosting(doc))
    assert result.status is S.ISSUER_MISMATCH
