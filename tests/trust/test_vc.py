"""Open Badges 3.0 / VC verification: the statuses issuing tests do not reach (issuer
mismatch, unknown contexts, undefined terms, missing proofs, JWT claims, status lists that
cannot be had, keys out of reach), on credentials signed here with real keys."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from skillgap.domain.verification import VerificationStatus as S
from skillgap.fetch import MemoryFetcher
from skillgap.trust import dataintegrity, jws
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.status_bitstring import encode_bitstring
from skillgap.trust.verifier import Verifier

AT = datetime(2026, 6, 1, tzinfo=UTC)
CANON = Canonicalizer()
KEY = PrivateKey.ed25519_from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
DID = f"did:key:{KEY.public_multibase()}"
METHOD = f"{DID}#{KEY.public_multibase()}"
OTHER = PrivateKey.generate_ed25519()
OTHER_DID = f"did:key:{OTHER.public_multibase()}"
LIST = "https://issuer.example/status/1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:2d7e1a3c-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Tidewell Academy"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Forklift operation",
        "credentialSubject": {
            "id": "did:example:ana",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:2d7e1a3c-0000-4000-8000-0000000000aa",
                "type": ["Achievement"],
                "name": "Forklift operation",
                "description": "Operates a counterbalance forklift safely.",
                "criteria": {"narrative": "Observed practice."},
            },
        },
        **extra,
    }


def signed(doc: dict[str, Any], key: PrivateKey = KEY, method: str = METHOD) -> dict[str, Any]:
    return dataintegrity.sign(
        doc,
        key.key,
        method,
        created="2026-01-01T00:00:00Z",
        canonicalizer=CANON,  # type: ignore[arg-type]
    )


def status_entry(index: int) -> dict[str, Any]:
    return {
        "id": f"{LIST}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": LIST,
    }


def status_list(revoked: set[int], **extra: Any) -> dict[str, Any]:
    return signed(
        {
            "@context": [V2],
            "id": LIST,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": DID,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{LIST}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encode_bitstring(revoked, 131072, multibase=True),
            },
            **extra,
        }
    )


def verify(doc: Any, fetcher: MemoryFetcher | None = None, at: datetime = AT) -> Any:
    data = doc.encode() if isinstance(doc, str) else json.dumps(doc).encode()
    return Verifier(fetcher or MemoryFetcher(), at).verify_bytes("c.json", data)


def failed(result: Any) -> dict[str, str]:
    return {c.name: c.message for c in result.report.checks if c.status == "fail"}


def test_a_signed_credential_is_valid_and_says_who_and_what() -> None:
    result = verify(signed(credential()))
    assert result.status is S.VALID, failed(result)
    assert (result.format, result.achievement) == ("ob3.0", "Forklift operation")
    assert result.recipient == "did:example:ana"


def test_signed_by_a_key_the_issuer_does_not_control_is_an_issuer_mismatch() -> None:
    doc = signed(credential(), OTHER, f"{OTHER_DID}#{OTHER.public_multibase()}")
    result = verify(doc)
    assert result.status is S.ISSUER_MISMATCH
    assert "issuer-key" in failed(result)


def test_one_changed_character_is_an_invalid_signature() -> None:
    doc = signed(credential())
    doc["credentialSubject"]["achievement"]["name"] = "Forklift operatioN"
    assert verify(doc).status is S.INVALID_SIGNATURE


def test_an_unsigned_credential_is_malformed() -> None:
    assert verify(credential()).status is S.MALFORMED


def test_an_undefined_term_is_malformed_json_ld_safe_mode() -> None:
    doc = credential()
    doc["credentialSubject"]["favouriteColour"] = "teal"
    result = verify(signed_raw(doc))
    assert result.status is S.MALFORMED
    assert "favouriteColour" in " ".join(failed(result).values())


def signed_raw(doc: dict[str, Any]) -> dict[str, Any]:
    """A proof over a document the canonicaliser refuses: sign with JCS instead."""
    return dataintegrity.sign(
        doc,
        KEY.key,  # type: ignore[arg-type]
        METHOD,
        cryptosuite="eddsa-jcs-2022",
        created="2026-01-01T00:00:00Z",
        canonicalizer=CANON,
    )


def test_an_unknown_context_is_unverifiable_never_valid_or_invalid() -> None:
    doc = signed(credential())
    doc["@context"] = [*doc["@context"], "https://unknown.example/context.json"]
    result = verify(doc)
    assert result.status is S.UNVERIFIABLE


def test_an_unknown_cryptosuite_is_unverifiable() -> None:
    doc = signed(credential())
    doc["proof"]["cryptosuite"] = "ecdsa-sd-2099"
    assert verify(doc).status is S.UNVERIFIABLE


def test_expired_and_not_yet_valid() -> None:
    doc = signed(credential(validUntil="2026-03-01T00:00:00Z"))
    assert verify(doc).status is S.EXPIRED
    assert verify(doc, at=datetime(2026, 2, 1, tzinfo=UTC)).status is S.VALID
    assert verify(doc, at=datetime(2025, 12, 1, tzinfo=UTC)).status is S.NOT_YET_VALID


def test_revoked_by_its_status_list_even_when_also_expired() -> None:
    fetcher = MemoryFetcher()
    fetcher.add(LIST, json.dumps(status_list({7})))
    assert verify(signed(credential(credentialStatus=status_entry(6))), fetcher).valid
    revoked = signed(
        credential(credentialStatus=status_entry(7), validUntil="2026-03-01T00:00:00Z")
    )
    result = verify(revoked, fetcher)
    assert result.status is S.REVOKED
    assert {"status", "expiry"} <= failed(result).keys()


def test_a_status_list_that_cannot_be_had_or_trusted_is_status_unverifiable() -> None:
    doc = signed(credential(credentialStatus=status_entry(1)))
    assert verify(doc).status is S.STATUS_UNVERIFIABLE
    forged = status_list(set())
    forged["credentialSubject"]["encodedList"] = encode_bitstring({2}, 131072, multibase=True)
    fetcher = MemoryFetcher()
    fetcher.add(LIST, json.dumps(forged))
    assert verify(doc, fetcher).status is S.STATUS_UNVERIFIABLE
    stale = MemoryFetcher()
    stale.add(LIST, json.dumps(status_list(set(), validUntil="2026-02-01T00:00:00Z")))
    assert verify(doc, stale).status is S.STATUS_UNVERIFIABLE


def test_a_did_web_issuer_needs_its_did_document() -> None:
    did = "did:web:issuer.example"
    method = f"{did}#key-1"
    doc = credential()
    doc["issuer"]["id"] = did
    doc = signed(doc, KEY, method)
    assert verify(doc).status is S.UNVERIFIABLE  # offline: the DID document cannot be had
    fetcher = MemoryFetcher()
    fetcher.add(
        "did:web:issuer.example",
        json.dumps(
            {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": did,
                "verificationMethod": [
                    {
                        "id": method,
                        "type": "Multikey",
                        "controller": did,
                        "publicKeyMultibase": KEY.public_multibase(),
                    }
                ],
                "assertionMethod": [method],
            }
        ),
    )
    assert verify(doc, fetcher).status is S.VALID


def test_a_proof_of_an_unknown_kind_beside_a_verified_one_is_not_relied_on() -> None:
    doc = signed(credential())
    doc["proof"] = [doc["proof"], {"type": "SomeFutureProof", "proofValue": "x"}]
    result = verify(doc)
    assert result.status is S.VALID
    assert any(c.status == "skip" and c.name == "proof[1]" for c in result.report.checks)


def jwt(payload: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    fields = {"alg": "EdDSA", "kid": METHOD, "typ": "vc+jwt", **(header or {})}
    return jws.sign_compact(json.dumps(payload).encode(), KEY, fields)


def test_vc_jwt_forms_verify() -> None:
    assert verify(jwt(credential())).status is S.VALID  # VC 2.0: the payload is the credential
    vc11 = credential()
    vc11["@context"] = ["https://www.w3.org/2018/credentials/v1", OB]
    vc11.pop("validFrom")
    claims = {
        "vc": vc11,
        "iss": DID,
        "nbf": 1767225600,
        "jti": vc11["id"],
        "sub": "did:example:ana",
    }
    result = verify(jwt(claims))
    assert result.status is S.VALID, failed(result)
    assert result.format == "ob3.0-jwt"


def test_jwt_claims_that_contradict_the_credential_are_tampering() -> None:
    claims = {"vc": credential(), "iss": DID, "sub": "did:example:mallory"}
    result = verify(jwt(claims))
    assert result.status is S.TAMPERED
    assert "sub" in failed(result)["jwt-claims"]


def test_a_jwt_signed_with_another_key_is_an_invalid_signature() -> None:
    token = jws.sign_compact(
        json.dumps(credential()).encode(), OTHER, {"alg": "EdDSA", "kid": METHOD}
    )
    assert verify(token).status is S.INVALID_SIGNATURE


def test_a_jwt_with_alg_none_is_never_valid() -> None:
    parts = jwt(credential()).split(".")
    from skillgap.trust.multibase import b64url_encode

    unsigned = b64url_encode(b'{"alg":"none"}') + "." + parts[1] + "."
    assert verify(unsigned).status in (S.MALFORMED, S.INVALID_SIGNATURE)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"[" * 100_000,
        b'{"a": NaN}',
        b"\xff\xfe garbage",
        b"eyJhbGciOiJFZERTQSJ9.e30.",
        b"not a badge at all",
    ],
)
def test_hostile_or_empty_input_is_a_clear_malformed_report(data: bytes) -> None:
    result = Verifier(MemoryFetcher(), AT).verify_bytes("x", data)
    assert result.status is S.MALFORMED
    assert failed(result)


def test_a_clr_with_one_bad_credential_inside_says_which() -> None:
    good = signed(credential())
    bad = copy.deepcopy(good)
    bad["name"] = "changed"
    clr = {
        "@context": [V2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", OB],
        "id": "urn:uuid:2d7e1a3c-0000-4000-8000-00000000c1c1",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Tidewell Academy"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "id": "did:example:ana",
            "type": ["ClrSubject"],
            "verifiableCredential": [good, bad],
        },
    }
    result = verify(signed(clr))
    assert result.format == "clr2.0"
    assert [p.status for p in result.parts] == [S.VALID, S.INVALID_SIGNATURE]
    assert result.status is S.INVALID_SIGNATURE
    assert "credential[1]" in failed(result)


def test_a_proof_made_for_another_purpose_does_not_bind_the_issuer() -> None:
    """Signed by an attacker's key for `authentication`, naming the victim as issuer."""
    doc = credential()
    doc["issuer"]["id"] = OTHER_DID  # the victim
    attacker = PrivateKey.generate_ed25519()
    method = f"did:key:{attacker.public_multibase()}#{attacker.public_multibase()}"
    forged = dataintegrity.sign(
        doc,
        attacker.key,  # type: ignore[arg-type]
        method,
        created="2026-01-01T00:00:00Z",
        proof_purpose="authentication",
        canonicalizer=CANON,
    )
    result = verify(forged)
    assert result.status is S.ISSUER_MISMATCH
    assert "assertionMethod" in failed(result)["issuer-key"]


def test_a_huge_integer_is_malformed_not_a_crash() -> None:
    doc = signed(credential())
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 10**4000
    text = json.dumps(doc)  # Python writes it; the verifier must refuse it cleanly
    result = Verifier(MemoryFetcher(), AT).verify_bytes("c.json", text.encode())
    assert result.status is S.MALFORMED


def test_a_digit_string_is_not_a_vc_date() -> None:
    doc = signed(credential(validFrom="20240101"))
    result = verify(doc)
    assert result.status is S.MALFORMED
    assert "validFrom" in failed(result)["valid-from"]


def test_a_jwt_with_an_algorithm_skillgap_cannot_check_is_unverifiable_not_invalid() -> None:
    token = jws.sign_compact(json.dumps(credential()).encode(), KEY, {"alg": "EdDSA"})
    header = b'{"alg":"ES512","kid":"' + METHOD.encode() + b'"}'
    from skillgap.trust.multibase import b64url_encode

    odd = b64url_encode(header) + "." + token.split(".", 1)[1]
    assert verify(odd).status is S.UNVERIFIABLE
