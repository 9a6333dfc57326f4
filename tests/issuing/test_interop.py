"""Interoperability: the issuing path signs exactly as the W3C EdDSA test vectors say.

Signing the published unsigned document with the published test key and the same
``created`` must reproduce the published ``proofValue`` byte for byte: Ed25519 is
deterministic, so any difference in canonicalisation, hashing or encoding shows here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from skillgap.issuing.signing import secure, sign_data_integrity
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey
from tests import shared_data

VECTORS = shared_data.VECTORS / "w3c-vc-di-eddsa"
pytestmark = pytest.mark.skipif(not VECTORS.is_dir(), reason=f"no W3C vectors in {VECTORS}")


def vector() -> tuple[dict[str, Any], dict[str, Any], PrivateKey]:
    signed = json.loads(
        (VECTORS / "w3c-vc-di-eddsa-eddsa-rdfc-2022-signedDataInt.json").read_text()
    )
    keys = json.loads((VECTORS / "keys" / "keyPair.json").read_text())
    proof = signed.pop("proof")
    key = PrivateKey.ed25519_from_multibase(keys["privateKeyMultibase"])
    assert key.public_multibase() == keys["publicKeyMultibase"]
    return signed, proof, key


def test_signing_the_w3c_vector_reproduces_its_proof_value() -> None:
    unsigned, proof, key = vector()
    signed = sign_data_integrity(
        unsigned,
        key,
        proof["verificationMethod"],
        created=proof["created"],
        canonicalizer=Canonicalizer(),
    )
    assert signed["proof"] == proof  # every member, proofValue byte for byte
    assert {k: v for k, v in signed.items() if k != "proof"} == unsigned


def test_the_issue_command_signing_step_reproduces_it_too() -> None:
    unsigned, proof, key = vector()
    text = secure(
        unsigned,
        key,
        proof["verificationMethod"],
        "di",
        created=proof["created"],
        canonicalizer=Canonicalizer(),
    )
    assert json.loads(text)["proof"]["proofValue"] == proof["proofValue"]
