"""Data Integrity proofs: every W3C vector verifies, our signatures reproduce the published
proofValues byte for byte, and each way a proof can fail gets its own outcome."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgap.trust import multibase
from skillgap.trust.contexts import pinned
from skillgap.trust.dataintegrity import KeyUnavailable, ProofResult, sign, verify_proofs
from skillgap.trust.jsonld import Canonicalizer
from tests import shared_data
from tests.trust.test_jsonld import OB_VC11, V2, ob3_credential, pyld_nquads, vc11_credential

VECTORS = shared_data.VECTORS / "w3c-vc-di-eddsa"
needs_vectors = pytest.mark.skipif(not VECTORS.is_dir(), reason=f"no W3C vectors in {VECTORS}")
CANON = Canonicalizer()
CREATED = "2024-03-01T12:00:00Z"


def _key_pairs() -> dict[str, Ed25519PrivateKey]:
    """The published W3C test keys by public key multibase (a fixed key without vectors)."""
    if not VECTORS.is_dir():
        return {"fixed": Ed25519PrivateKey.from_private_bytes(bytes(range(32)))}
    pairs = [json.loads((VECTORS / "keys/keyPair.json").read_text())]
    pairs += json.loads((VECTORS / "keys/multiKeyPairs.json").read_text()).values()
    keys = {}
    for pair in pairs:
        secret = multibase.decode_key(pair["privateKeyMultibase"], multibase.ED25519_PRIV)
        keys[pair["publicKeyMultibase"]] = Ed25519PrivateKey.from_private_bytes(secret)
    return keys


KEYS = _key_pairs()


def did_key(private_key: Ed25519PrivateKey) -> str:
    """The did:key verification method of a key (``did:key:z6Mk...#z6Mk...``)."""
    raw = private_key.public_key().public_bytes_raw()
    encoded = multibase.encode_key(raw, multibase.ED25519_PUB)
    return f"did:key:{encoded}#{encoded}"


ISSUER = next(iter(KEYS.values()))
ISSUER_VM = did_key(ISSUER)


def resolve(method: str) -> Ed25519PublicKey:
    """A did:key resolver for the tests; any other method is unavailable."""
    if not method.startswith("did:key:z6Mk"):
        raise KeyUnavailable(f"no resolver for {method}")
    encoded = method.removeprefix("did:key:").split("#")[0]
    raw = multibase.decode_key(encoded, multibase.ED25519_PUB)
    return Ed25519PublicKey.from_public_bytes(raw)


def check(document: dict[str, Any]) -> list[ProofResult]:
    return verify_proofs(document, resolve, canonicalizer=CANON)


def outcomes(document: dict[str, Any]) -> list[str]:
    return [result.outcome for result in check(document)]


def vector(name: str) -> dict[str, Any]:
    return dict(json.loads((VECTORS / f"w3c-vc-di-eddsa-{name}.json").read_text()))


SIGNED_VECTORS = [
    "eddsa-rdfc-2022-signedDataInt",
    "eddsa-jcs-2022-signedJCS",
    "Ed25519Signature2020-signedEdSig",
    "proof-set-chain-signedProofSet1",
    "proof-set-chain-signedProofSet2",
    "proof-set-chain-signedProofChain1",
    "proof-set-chain-signedProofChain2",
]


# --- the W3C vectors --------------------------------------------------------------------


@needs_vectors
@pytest.mark.parametrize("name", SIGNED_VECTORS)
def test_every_w3c_vector_verifies(name: str) -> None:
    document = vector(name)
    results = check(document)
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    assert [r.outcome for r in results] == ["valid"] * len(proofs), results
    assert [r.created for r in results] == [p["created"] for p in proofs]
    assert {r.proof_purpose for r in results} == {"assertionMethod"}


@needs_vectors
def test_employ_vector_with_an_unpinned_context_is_unsupported() -> None:
    (result,) = check(vector("eddsa-rdfc-2022-employ-signedDataInt"))
    assert result.outcome == "unsupported"
    assert "https://w3id.org/citizenship/v4rc1" in result.message


@needs_vectors
def test_employ_vector_signs_its_published_canonical_form() -> None:
    """Our proof configuration and hash layout, over the canonical text the vector gives."""
    document = vector("eddsa-rdfc-2022-employ-signedDataInt")
    proof = document["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    # the proof terms come from the VC 2.0 context alone; citizenship/v4rc1 adds none
    config_nquads = CANON.canonical_nquads({**config, "@context": [V2]})
    canon = VECTORS / "w3c-vc-di-eddsa-eddsa-rdfc-2022-employ-signedDataInt.document-canon.nq"
    document_hash = hashlib.sha256(canon.read_bytes()).digest()
    data = hashlib.sha256(config_nquads.encode()).digest() + document_hash
    key = resolve(proof["verificationMethod"])
    key.verify(multibase.decode(proof["proofValue"]), data)  # raises InvalidSignature if not


@needs_vectors
@pytest.mark.parametrize(
    "name",
    [
        "eddsa-rdfc-2022-signedDataInt",
        "eddsa-jcs-2022-signedJCS",
        "Ed25519Signature2020-signedEdSig",
    ],
)
def test_signing_reproduces_the_published_proof_byte_for_byte(name: str) -> None:
    document = vector(name)
    published = document.pop("proof")
    signed = sign(
        document,
        KEYS[published["verificationMethod"].split("#")[1]],
        published["verificationMethod"],
        cryptosuite=published.get("cryptosuite", published["type"]),
        created=published["created"],
        canonicalizer=CANON,
    )
    assert signed["proof"] == published
    assert json.dumps(signed["proof"]) == json.dumps(published)  # same keys, same order


@needs_vectors
@pytest.mark.parametrize(
    "name", ["proof-set-chain-signedProofSet2", "proof-set-chain-signedProofChain2"]
)
def test_signing_reproduces_published_proof_sets_and_chains(name: str) -> None:
    document = vector(name)
    published = document.pop("proof")
    for proof in published:
        method = proof["verificationMethod"]
        document = sign(
            document,
            KEYS[method.split("#")[1]],
            method,
            created=proof["created"],
            canonicalizer=CANON,
            proof_id=proof.get("id"),
            previous_proof=proof.get("previousProof"),
        )
    assert [p["proofValue"] for p in document["proof"]] == [p["proofValue"] for p in published]


# --- our own signatures -----------------------------------------------------------------


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"])
def test_signed_open_badge_verifies(suite: str) -> None:
    credential = ob3_credential()
    if suite == "Ed25519Signature2020":
        credential["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    signed = sign(
        credential, ISSUER, ISSUER_VM, cryptosuite=suite, created=CREATED, canonicalizer=CANON
    )
    assert "proof" not in credential  # the input is left alone
    (result,) = check(signed)
    assert (result.outcome, result.suite, result.verification_method) == ("valid", suite, ISSUER_VM)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if k not in ("@context", "proof")]
        return [p for k, v in items for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return [path] if isinstance(value, str) else []


SIGNED_OB3 = {
    suite: sign(
        ob3_credential(), ISSUER, ISSUER_VM, cryptosuite=suite, created=CREATED, canonicalizer=CANON
    )
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022")
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SIGNED_OB3)), st.data())
def test_changing_any_signed_string_breaks_the_proof(suite: str, data: st.DataObject) -> None:
    tampered = copy.deepcopy(SIGNED_OB3[suite])
    path = data.draw(st.sampled_from(_string_paths(tampered)))
    *parents, last = path
    target = tampered
    for step in parents:
        target = target[step]
    target[last] = data.draw(st.text(min_size=1, max_size=20).filter(lambda s: s != target[last]))
    (result,) = check(tampered)
    assert result.outcome in ("invalid-signature", "malformed"), path
    if suite == "eddsa-jcs-2022":
        assert result.outcome == "invalid-signature"


def test_a_changed_value_is_an_invalid_signature() -> None:
    tampered = copy.deepcopy(SIGNED_OB3["eddsa-rdfc-2022"])
    tampered["credentialSubject"]["achievement"]["name"] = "Data Analysis Mastery"
    (result,) = check(tampered)
    assert result.outcome == "invalid-signature"


def test_proof_set_and_chain_of_our_own() -> None:
    second = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    one = sign(
        ob3_credential(),
        ISSUER,
        ISSUER_VM,
        created=CREATED,
        canonicalizer=CANON,
        proof_id="urn:p:1",
    )
    two = sign(
        one,
        second,
        did_key(second),
        cryptosuite="eddsa-jcs-2022",
        created=CREATED,
        canonicalizer=CANON,
    )
    three = sign(
        two, ISSUER, ISSUER_VM, created=CREATED, canonicalizer=CANON, previous_proof="urn:p:1"
    )
    assert len(three["proof"]) == 3
    assert outcomes(three) == ["valid", "valid", "valid"]
    broken = {**three, "proof": three["proof"][1:]}  # the chained proof's predecessor is gone
    assert outcomes(broken) == ["valid", "malformed"]
    assert "urn:p:1" in check(broken)[1].message


def test_earlier_context_version_needs_the_override() -> None:
    (earlier,) = [c for c in pinned().alternatives(OB_VC11) if c.signed_before]
    overrides = {OB_VC11: earlier}
    credential = vc11_credential()
    credential["@context"].append("https://w3id.org/security/data-integrity/v2")
    signed = sign(credential, ISSUER, ISSUER_VM, created=CREATED, canonicalizer=CANON)
    assert outcomes(signed) == ["valid"]
    with_earlier = verify_proofs(signed, resolve, canonicalizer=CANON, overrides=overrides)
    assert [r.outcome for r in with_earlier] == ["invalid-signature"]


# --- Ed25519Signature2018 (VC 1.1), checked against an independent pyld signer ------------


def _b64url(data: bytes) -> str:
    return multibase.b64url_encode(data)


def sign_2018_with_pyld(
    credential: dict[str, Any], header: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The jsonld-signatures algorithm, written out with pyld and a detached JWS."""
    proof = {
        "type": "Ed25519Signature2018",
        "created": CREATED,
        "verificationMethod": ISSUER_VM,
        "proofPurpose": "assertionMethod",
    }
    options = {"@context": credential["@context"], **proof}
    data = hashlib.sha256(pyld_nquads(options).encode()).digest()
    data += hashlib.sha256(pyld_nquads(credential).encode()).digest()
    header = header or {"alg": "EdDSA", "b64": False, "crit": ["b64"]}
    encoded = _b64url(json.dumps(header, separators=(",", ":")).encode())
    signature = ISSUER.sign(encoded.encode() + b"." + data)
    return {**credential, "proof": {**proof, "jws": f"{encoded}..{_b64url(signature)}"}}


def test_ed25519_signature_2018_verifies() -> None:
    signed = sign_2018_with_pyld(vc11_credential())
    (result,) = check(signed)
    assert (result.outcome, result.suite) == ("valid", "Ed25519Signature2018")
    signed["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert outcomes(signed) == ["invalid-signature"]


@pytest.mark.parametrize(
    ("header", "outcome"),
    [
        ({"alg": "ES256", "b64": False, "crit": ["b64"]}, "unsupported"),
        ({"alg": "EdDSA", "b64": True, "crit": ["b64"]}, "malformed"),
        ({"alg": "EdDSA"}, "malformed"),
    ],
)
def test_ed25519_signature_2018_header_is_checked(header: dict[str, Any], outcome: str) -> None:
    assert outcomes(sign_2018_with_pyld(vc11_credential(), header)) == [outcome]


def test_ed25519_signature_2018_jws_must_be_detached_jws() -> None:
    signed = sign_2018_with_pyld(vc11_credential())
    signed["proof"]["jws"] = "not a jws"
    assert outcomes(signed) == ["malformed"]


# --- every other outcome ----------------------------------------------------------------


def _with_proof(**changes: Any) -> dict[str, Any]:
    signed = copy.deepcopy(SIGNED_OB3["eddsa-rdfc-2022"])
    for key, value in changes.items():
        if value is None:
            del signed["proof"][key]
        else:
            signed["proof"][key] = value
    return signed


@pytest.mark.parametrize(
    ("changes", "outcome", "message"),
    [
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "unsupported", "ecdsa-rdfc-2019"),
        ({"type": "BbsBlsSignature2020"}, "unsupported", "BbsBlsSignature2020"),
        ({"proofValue": None}, "malformed", "proofValue"),
        ({"proofValue": "z0OIl"}, "malformed", "base58btc"),
        ({"proofValue": "uAAAA"}, "malformed", "base58btc"),
        ({"proofValue": "z" + multibase.b58encode(bytes(63))}, "malformed", "64 bytes"),
        ({"verificationMethod": None}, "malformed", "verificationMethod"),
        ({"verificationMethod": "https://example.org/keys/1"}, "unresolvable", "example.org"),
        ({"previousProof": "urn:nowhere"}, "malformed", "urn:nowhere"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "malformed", "@context"),
        ({"proofPurpose": {"@id": "relative"}}, "malformed", "relative IRI"),
        ({"expires": "soon"}, "invalid-signature", "does not match"),
    ],
)
def test_each_failure_has_its_outcome(changes: dict[str, Any], outcome: str, message: str) -> None:
    (result,) = check(_with_proof(**changes))
    assert result.outcome == outcome
    assert message in result.message


def test_undefined_term_in_the_document_is_malformed() -> None:
    signed = copy.deepcopy(SIGNED_OB3["eddsa-rdfc-2022"])
    signed["credentialSubject"]["foo"] = 1
    (result,) = check(signed)
    assert result.outcome == "malformed"
    assert "foo" in result.message


def test_a_key_of_another_kind_is_unsupported() -> None:
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    results = verify_proofs(SIGNED_OB3["eddsa-rdfc-2022"], lambda _: p256, canonicalizer=CANON)  # type: ignore[arg-type,return-value]
    assert [r.outcome for r in results] == ["unsupported"]


def test_proof_shapes() -> None:
    assert check(ob3_credential()) == []
    results = check({**ob3_credential(), "proof": ["not an object", 5]})
    assert [(r.index, r.outcome, r.suite) for r in results] == [
        (0, "malformed", ""),
        (1, "malformed", ""),
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    json_values,
    st.dictionaries(
        st.sampled_from(
            [
                "type",
                "cryptosuite",
                "proofValue",
                "verificationMethod",
                "@context",
                "previousProof",
                "jws",
            ]
        ),
        json_values,
    ),
)
def test_verify_proofs_never_raises(noise: Any, proof_changes: dict[str, Any]) -> None:
    document = copy.deepcopy(SIGNED_OB3["eddsa-rdfc-2022"])
    document["credentialSubject"]["noise"] = noise
    document["proof"].update(proof_changes)
    assert all(isinstance(result, ProofResult) for result in check(document))


def test_sign_refuses_what_it_cannot_sign() -> None:
    with pytest.raises(ValueError, match="cannot sign"):
        sign(
            ob3_credential(),
            ISSUER,
            ISSUER_VM,
            cryptosuite="ecdsa-rdfc-2019",
            created=CREATED,
            canonicalizer=CANON,
        )
    credential = ob3_credential()
    credential["foo"] = "bar"
    with pytest.raises(ValueError, match="foo"):
        sign(credential, ISSUER, ISSUER_VM, created=CREATED, canonicalizer=CANON)
    with pytest.raises(ValueError, match="urn:missing"):
        sign(
            ob3_credential(),
            ISSUER,
            ISSUER_VM,
            created=CREATED,
            canonicalizer=CANON,
            previous_proof="urn:missing",
        )
