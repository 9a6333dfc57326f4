"""Resolving verification methods (did:key, did:jwk, did:web, https key documents) and
deciding whether an issuer controls the key, with the in-memory fetcher."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from skillgap.fetch import MemoryFetcher
from skillgap.trust.dids import (
    MAX_DOCUMENT,
    InvalidDidDocument,
    Unresolvable,
    VerificationMethod,
    did_document,
    issuer_controls,
    resolve_verification_method,
)
from skillgap.trust.multibase import b64url_encode
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.public_key import PublicKey

W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_DID = f"did:key:{W3C_PUBLIC}"
WEB_DID = "did:web:issuer.example"


@pytest.fixture(scope="module")
def ed_key() -> PrivateKey:
    return PrivateKey.generate_ed25519()


@pytest.fixture(scope="module")
def rsa_key() -> PrivateKey:
    return PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def _fetcher(documents: dict[str, Any]) -> MemoryFetcher:
    return MemoryFetcher.of({url: json.dumps(doc) for url, doc in documents.items()})


def _web_document(key: PrivateKey, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": WEB_DID,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": WEB_DID,
                "publicKeyMultibase": key.public_multibase(),
            }
        ],
        "assertionMethod": ["#key-1"],
        **extra,
    }


# --- did:key and did:jwk -----------------------------------------------------------------------


def test_did_key_is_derived_without_fetching() -> None:
    fetcher = MemoryFetcher()
    vm = resolve_verification_method(f"{W3C_DID}#{W3C_PUBLIC}", fetcher)
    assert vm.id == f"{W3C_DID}#{W3C_PUBLIC}"
    assert vm.type == "Multikey"
    assert vm.controller == W3C_DID
    assert vm.key == PublicKey.from_multibase(W3C_PUBLIC)
    assert vm.raw["publicKeyMultibase"] == W3C_PUBLIC
    assert resolve_verification_method(W3C_DID, fetcher) == vm  # no fragment: the single key
    assert fetcher.requests == []


def test_did_key_p256() -> None:
    key = PrivateKey(ec.generate_private_key(ec.SECP256R1()))
    did = f"did:key:{key.public_multibase()}"
    assert did.startswith("did:key:zDn")
    assert resolve_verification_method(did, MemoryFetcher()).key == key.public_key


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (f"{W3C_DID}#key-1", "no verification method"),
        ("did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc", "key agreement"),
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "not supported"),
        ("did:key:z0OIl", "not a base58btc character"),
    ],
)
def test_bad_did_keys_are_refused(ref: str, message: str) -> None:
    with pytest.raises(InvalidDidDocument, match=message):
        resolve_verification_method(ref, MemoryFetcher())


def test_did_jwk(ed_key: PrivateKey) -> None:
    did = "did:jwk:" + b64url_encode(json.dumps(ed_key.public_key.to_jwk()).encode())
    vm = resolve_verification_method(f"{did}#0", MemoryFetcher())
    assert (vm.id, vm.type, vm.controller) == (f"{did}#0", "JsonWebKey2020", did)
    assert vm.key == ed_key.public_key
    assert resolve_verification_method(did, MemoryFetcher()) == vm
    with pytest.raises(InvalidDidDocument, match="no verification method"):
        resolve_verification_method(f"{did}#1", MemoryFetcher())


def test_bad_did_jwks_are_refused(ed_key: PrivateKey) -> None:
    private = {**ed_key.public_key.to_jwk(), "d": b64url_encode(bytes(32))}
    cases = [
        ("did:jwk:" + b64url_encode(json.dumps(private).encode()), "private key material"),
        ("did:jwk:" + b64url_encode(b"not json"), "does not encode a JSON JWK"),
        ("did:jwk:" + b64url_encode(b"[1]"), "not encode a JWK object"),
        ("did:jwk:" + b64url_encode(b'{"kty":"oct","k":"AA"}'), "'oct' is not supported"),
    ]
    for did, message in cases:
        with pytest.raises(InvalidDidDocument, match=message):
            resolve_verification_method(did + "#0", MemoryFetcher())


# --- did:web -----------------------------------------------------------------------------------


def test_did_web_relative_and_absolute_ids(ed_key: PrivateKey) -> None:
    fetcher = _fetcher({WEB_DID: _web_document(ed_key)})
    vm = resolve_verification_method(f"{WEB_DID}#key-1", fetcher)
    assert vm.id == f"{WEB_DID}#key-1"
    assert vm.controller == WEB_DID
    assert vm.key == ed_key.public_key
    assert fetcher.requests == [WEB_DID]
    document = _web_document(ed_key)
    document["verificationMethod"][0]["id"] = f"{WEB_DID}#key-1"
    assert resolve_verification_method(f"{WEB_DID}#key-1", _fetcher({WEB_DID: document})) == vm
    assert did_document(WEB_DID, fetcher)["id"] == WEB_DID


def test_did_web_method_embedded_in_assertion_method(rsa_key: PrivateKey) -> None:
    document = {
        "id": WEB_DID,
        "assertionMethod": [
            {
                "id": f"{WEB_DID}#rsa",
                "type": "JsonWebKey2020",
                "controller": WEB_DID,
                "publicKeyJwk": rsa_key.public_key.to_jwk(),
            }
        ],
    }
    vm = resolve_verification_method(f"{WEB_DID}#rsa", _fetcher({WEB_DID: document}))
    assert vm.key == rsa_key.public_key
    assert vm.type == "JsonWebKey2020"


def test_did_web_refusals(ed_key: PrivateKey) -> None:
    other = _web_document(ed_key, id="did:web:attacker.example")
    with pytest.raises(InvalidDidDocument, match="has id 'did:web:attacker.example'"):
        resolve_verification_method(f"{WEB_DID}#key-1", _fetcher({WEB_DID: other}))
    with pytest.raises(
        InvalidDidDocument, match="no verification method did:web:issuer.example#k2"
    ):
        resolve_verification_method(f"{WEB_DID}#k2", _fetcher({WEB_DID: _web_document(ed_key)}))
    broken = _web_document(ed_key)
    broken["verificationMethod"][0]["publicKeyMultibase"] = "zzz"
    with pytest.raises(
        InvalidDidDocument, match="verification method did:web:issuer.example#key-1"
    ):
        resolve_verification_method(f"{WEB_DID}#key-1", _fetcher({WEB_DID: broken}))
    with pytest.raises(InvalidDidDocument, match="well-formed"):
        resolve_verification_method("did:web::x#key-1", MemoryFetcher())
    two = _web_document(ed_key)
    two["verificationMethod"].append({**two["verificationMethod"][0], "id": "#key-2"})
    with pytest.raises(InvalidDidDocument, match="2 keys; a '#fragment' is needed"):
        resolve_verification_method(WEB_DID, _fetcher({WEB_DID: two}))


def test_did_web_unreachable_or_http_error() -> None:
    with pytest.raises(Unresolvable, match="cannot be fetched: not available"):
        resolve_verification_method(f"{WEB_DID}#key-1", MemoryFetcher())
    fetcher = MemoryFetcher()
    fetcher.add(WEB_DID, "gone", status=404)
    with pytest.raises(Unresolvable, match="answered HTTP 404"):
        resolve_verification_method(f"{WEB_DID}#key-1", fetcher)


def test_malformed_documents_are_refused(ed_key: PrivateKey) -> None:
    padding = "x" * MAX_DOCUMENT
    cases = [
        (json.dumps(_web_document(ed_key, padding=padding)), "over the 256 KiB limit"),
        ("{not json", "is not JSON"),
        ("[]", "not a JSON object"),
        ('{"id": ' + "[" * 40 + "]" * 40 + "}", "nested too deeply"),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "is not JSON|nested too deeply"),
    ]
    for body, message in cases:
        fetcher = MemoryFetcher()
        fetcher.add(WEB_DID, body)
        with pytest.raises(InvalidDidDocument, match=message):
            resolve_verification_method(f"{WEB_DID}#key-1", fetcher)


def test_unsupported_references() -> None:
    with pytest.raises(InvalidDidDocument, match="did:example is not supported"):
        resolve_verification_method("did:example:123#k", MemoryFetcher())
    with pytest.raises(InvalidDidDocument, match="not a supported verification method"):
        resolve_verification_method("http://issuer.example/keys/1", MemoryFetcher())
    with pytest.raises(InvalidDidDocument, match="is a DID URL"):
        did_document(f"{WEB_DID}#key-1", MemoryFetcher())


# --- https key documents -----------------------------------------------------------------------

KEY_URL = "https://issuer.example/keys/1"
ISSUER_URL = "https://issuer.example/issuer"


def _ob2_key(key: PrivateKey, **extra: Any) -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "CryptographicKey",
        "id": KEY_URL,
        "owner": ISSUER_URL,
        "publicKeyPem": key.public_key.to_pem(),
        **extra,
    }


def test_ob2_cryptographic_key(rsa_key: PrivateKey) -> None:
    vm = resolve_verification_method(KEY_URL, _fetcher({KEY_URL: _ob2_key(rsa_key)}))
    assert (vm.id, vm.type, vm.controller) == (KEY_URL, "CryptographicKey", ISSUER_URL)
    assert vm.key == rsa_key.public_key


def test_https_key_documents_must_name_themselves(rsa_key: PrivateKey) -> None:
    moved = _ob2_key(rsa_key, id="https://elsewhere.example/keys/1")
    with pytest.raises(InvalidDidDocument, match="has id 'https://elsewhere.example/keys/1'"):
        resolve_verification_method(KEY_URL, _fetcher({KEY_URL: moved}))
    keyless = {"id": KEY_URL, "type": "CryptographicKey", "owner": ISSUER_URL}
    with pytest.raises(InvalidDidDocument, match="holds no public key"):
        resolve_verification_method(KEY_URL, _fetcher({KEY_URL: keyless}))
    fetcher = MemoryFetcher()
    fetcher.add(KEY_URL, "", status=410)
    with pytest.raises(Unresolvable, match="HTTP 410"):
        resolve_verification_method(KEY_URL, fetcher)


def test_method_inside_an_https_controller_document(ed_key: PrivateKey) -> None:
    profile = {
        "id": ISSUER_URL,
        "type": "Profile",
        "verificationMethod": [
            {"id": "#key-1", "type": "Multikey", "publicKeyMultibase": ed_key.public_multibase()}
        ],
    }
    fetcher = _fetcher({ISSUER_URL: profile})
    vm = resolve_verification_method(f"{ISSUER_URL}#key-1", fetcher)
    assert vm.id == f"{ISSUER_URL}#key-1"
    assert vm.controller == ISSUER_URL  # the document that holds it
    assert vm.key == ed_key.public_key
    with pytest.raises(InvalidDidDocument, match="no verification method"):
        resolve_verification_method(f"{ISSUER_URL}#key-2", fetcher)


# --- issuer_controls ---------------------------------------------------------------------------


def _vm(vm_id: str, controller: str, key: PrivateKey) -> VerificationMethod:
    raw = {"id": vm_id, "type": "Multikey", "publicKeyMultibase": key.public_multibase()}
    return VerificationMethod(vm_id, "Multikey", controller, key.public_key, raw)


def test_issuer_controls_did_key() -> None:
    vm = resolve_verification_method(W3C_DID, MemoryFetcher())
    ok, why = issuer_controls(W3C_DID, vm, MemoryFetcher())
    assert ok, why
    other = "did:key:z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7"
    ok, why = issuer_controls(other, vm, MemoryFetcher())
    assert not ok
    assert "is not a key of the issuer" in why


def test_issuer_controls_did_web(ed_key: PrivateKey) -> None:
    fetcher = _fetcher({WEB_DID: _web_document(ed_key)})
    vm = resolve_verification_method(f"{WEB_DID}#key-1", fetcher)
    assert issuer_controls(WEB_DID, vm, fetcher) == (
        True,
        f"{WEB_DID}#key-1 is listed in the assertionMethod of {WEB_DID}",
    )
    only_auth = _web_document(ed_key, assertionMethod=[], authentication=["#key-1"])
    ok, why = issuer_controls(WEB_DID, vm, _fetcher({WEB_DID: only_auth}))
    assert not ok
    assert "does not list" in why
    with pytest.raises(Unresolvable):
        issuer_controls(WEB_DID, vm, MemoryFetcher())


def test_did_web_issuer_may_list_a_did_key(ed_key: PrivateKey) -> None:
    did = f"did:key:{ed_key.public_multibase()}"
    vm = resolve_verification_method(did, MemoryFetcher())
    document = {"id": WEB_DID, "assertionMethod": [vm.id]}
    assert issuer_controls(WEB_DID, vm, _fetcher({WEB_DID: document}))[0]


def test_issuer_controls_https(ed_key: PrivateKey, rsa_key: PrivateKey) -> None:
    fetcher = MemoryFetcher()
    vm = resolve_verification_method(KEY_URL, _fetcher({KEY_URL: _ob2_key(rsa_key)}))
    ok, why = issuer_controls(ISSUER_URL, vm, fetcher)  # same site, names the issuer
    assert ok, why
    assert fetcher.requests == []
    inside = _vm(f"{ISSUER_URL}#key-1", ISSUER_URL, ed_key)
    assert issuer_controls(ISSUER_URL, inside, fetcher)[0]


def test_controller_claim_from_another_site_needs_the_profile(ed_key: PrivateKey) -> None:
    foreign = _vm("https://attacker.example/keys/1", ISSUER_URL, ed_key)
    silent = {"id": ISSUER_URL, "type": "Profile"}
    ok, why = issuer_controls(ISSUER_URL, foreign, _fetcher({ISSUER_URL: silent}))
    assert not ok
    assert "does not list the key https://attacker.example/keys/1" in why
    listing = {"id": ISSUER_URL, "publicKey": ["https://attacker.example/keys/1"]}
    assert issuer_controls(ISSUER_URL, foreign, _fetcher({ISSUER_URL: listing}))[0]
    with pytest.raises(Unresolvable):
        issuer_controls(ISSUER_URL, foreign, MemoryFetcher())
    impostor = {"id": "https://other.example/issuer", "publicKey": [foreign.id]}
    with pytest.raises(InvalidDidDocument, match="has id"):
        issuer_controls(ISSUER_URL, foreign, _fetcher({ISSUER_URL: impostor}))


def test_w3c_vector_issuer_does_not_control_its_key() -> None:
    """The W3C EdDSA vectors sign for https://vc.example/issuers/5678 with a did:key."""
    issuer = "https://vc.example/issuers/5678"
    vm = resolve_verification_method(f"{W3C_DID}#{W3C_PUBLIC}", MemoryFetcher())
    ok, why = issuer_controls(issuer, vm, _fetcher({issuer: {"id": issuer}}))
    assert not ok
    assert W3C_DID in why
    ok, _ = issuer_controls(
        issuer, vm, _fetcher({issuer: {"id": issuer, "assertionMethod": [vm.id]}})
    )
    assert ok


def test_issuer_without_a_resolvable_id(ed_key: PrivateKey) -> None:
    ok, why = issuer_controls("urn:uuid:1234", _vm("urn:uuid:1234#k", "x", ed_key), MemoryFetcher())
    assert not ok
    assert "neither a DID nor an https URL" in why
