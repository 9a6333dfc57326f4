"""Public and private keys: every published spelling reads to the same key, and signatures
made with real keys check (or fail) as they should."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skillgap.trust import multibase
from skillgap.trust.key_algorithms import KeyFormatError, KeyMismatch
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.public_key import PublicKey
from tests import shared_data

VECTORS = shared_data.VECTORS / "w3c-vc-di-eddsa" / "keys"
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


@pytest.fixture(scope="module")
def rsa_key() -> PrivateKey:
    return PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def p256_key() -> PrivateKey:
    return PrivateKey(ec.generate_private_key(ec.SECP256R1()))


# --- the W3C test keys -------------------------------------------------------------------------


def test_w3c_private_key_derives_its_public_key() -> None:
    key = PrivateKey.ed25519_from_multibase(W3C_PRIVATE)
    assert key.public_multibase() == W3C_PUBLIC
    assert key.to_multibase() == W3C_PRIVATE
    assert key.public_key == PublicKey.from_multibase(W3C_PUBLIC)


def test_published_key_files_agree() -> None:
    pair = json.loads((VECTORS / "keyPair.json").read_text())
    assert pair == {"publicKeyMultibase": W3C_PUBLIC, "privateKeyMultibase": W3C_PRIVATE}
    for name, entry in json.loads((VECTORS / "multiKeyPairs.json").read_text()).items():
        derived = PrivateKey.ed25519_from_multibase(entry["privateKeyMultibase"])
        assert derived.public_multibase() == entry["publicKeyMultibase"], name


def test_legacy_64_byte_private_key_is_checked() -> None:
    key = PrivateKey.ed25519_from_multibase(W3C_PRIVATE)
    seed = multibase.decode_key(W3C_PRIVATE, multibase.ED25519_PRIV)
    pub = key.public_key.raw_ed25519()
    with_pub = multibase.encode_key(seed + pub, multibase.ED25519_PRIV)
    assert PrivateKey.ed25519_from_multibase(with_pub).public_multibase() == W3C_PUBLIC
    wrong = multibase.encode_key(seed + bytes(32), multibase.ED25519_PRIV)
    with pytest.raises(KeyFormatError, match="does not match"):
        PrivateKey.ed25519_from_multibase(wrong)
    with pytest.raises(KeyFormatError, match="expected multicodec"):
        PrivateKey.ed25519_from_multibase(W3C_PUBLIC)


# --- one key, many spellings -------------------------------------------------------------------


def test_ed25519_spellings_agree() -> None:
    key = PublicKey.from_multibase(W3C_PUBLIC)
    raw = key.raw_ed25519()
    assert len(raw) == 32
    assert PublicKey.from_base58_ed25519(multibase.b58encode(raw)) == key
    assert PublicKey.from_jwk(key.to_jwk()) == key
    assert PublicKey.from_pem(key.to_pem()) == key
    assert key.kind == "Ed25519"
    assert W3C_PUBLIC in repr(key)


def test_p256_compressed_multikey(p256_key: PrivateKey) -> None:
    public = p256_key.public_key
    encoded = public.to_multibase()
    assert encoded.startswith("zDn")
    assert PublicKey.from_multibase(encoded) == public
    assert PublicKey.from_jwk(public.to_jwk()) == public
    assert public.kind == "P-256"


def test_p384_is_accepted() -> None:
    key = PrivateKey(ec.generate_private_key(ec.SECP384R1()))
    public = key.public_key
    assert public.kind == "P-384"
    assert PublicKey.from_multibase(public.to_multibase()) == public
    assert PublicKey.from_jwk(public.to_jwk()) == public
    assert public.verify("ES384", b"data", key.sign(b"data"))


def test_rsa_jwk_and_pem(rsa_key: PrivateKey) -> None:
    public = rsa_key.public_key
    assert public.kind == "RSA"
    assert PublicKey.from_jwk(public.to_jwk()) == public
    assert PublicKey.from_pem(public.to_pem()) == public
    with pytest.raises(KeyFormatError, match="no Multikey form"):
        public.to_multibase()


def test_private_jwk_members_are_ignored(p256_key: PrivateKey) -> None:
    jwk = {**p256_key.public_key.to_jwk(), "d": multibase.b64url_encode(b"\1" * 32)}
    assert PublicKey.from_jwk(jwk) == p256_key.public_key


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({"kty": "oct", "k": "AAAA"}, "key type 'oct' is not supported"),
        ({"kty": "OKP", "crv": "X25519", "x": "A" * 43}, "curve 'X25519' is not supported"),
        ({"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"}, "curve 'secp256k1'"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "not 32"),
        ({"kty": "OKP", "crv": "Ed25519"}, "'x' is missing"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "use": "enc"}, "not signatures"),
        (
            {"kty": "EC", "crv": "P-256", "x": "A" * 42 + "E", "y": "A" * 42 + "E"},
            "not a point on the curve",
        ),
    ],
)
def test_unusable_jwks_are_refused(jwk: dict[str, str], message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        PublicKey.from_jwk(jwk)


def test_weak_rsa_is_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(KeyFormatError, match="1024 bits refused"):
        PublicKey(weak)
    numbers = weak.public_numbers()
    jwk = {
        "kty": "RSA",
        "n": multibase.b64url_encode(numbers.n.to_bytes(128, "big")),
        "e": "AQAB",
    }
    with pytest.raises(KeyFormatError, match="1024 bits"):
        PublicKey.from_jwk(jwk)


def test_x25519_multikey_is_refused() -> None:
    raw = (
        x25519.X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    with pytest.raises(KeyFormatError, match="key agreement"):
        PublicKey.from_multibase(multibase.encode_key(raw, multibase.X25519_PUB))


def test_pem_without_line_breaks_is_read(rsa_key: PrivateKey) -> None:
    """Open Badges 2.0 keys are often published with the newlines lost or escaped."""
    pem = rsa_key.public_key.to_pem()
    assert PublicKey.from_pem(" ".join(pem.split("\n"))) == rsa_key.public_key
    assert PublicKey.from_pem(pem.replace("\n", "\\n")) == rsa_key.public_key


def test_bad_pems_are_refused(rsa_key: PrivateKey) -> None:
    with pytest.raises(KeyFormatError, match="private key"):
        PublicKey.from_pem(rsa_key.to_pem())
    with pytest.raises(KeyFormatError, match="no PEM block"):
        PublicKey.from_pem("not a key")
    with pytest.raises(KeyFormatError, match="cannot be read"):
        PublicKey.from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")


# --- verification methods ----------------------------------------------------------------------


def test_verification_method_types(p256_key: PrivateKey, rsa_key: PrivateKey) -> None:
    ed = PublicKey.from_multibase(W3C_PUBLIC)
    p256 = p256_key.public_key
    cases = [
        ({"type": "Multikey", "publicKeyMultibase": W3C_PUBLIC}, ed),
        ({"type": "Multikey", "publicKeyMultibase": p256.to_multibase()}, p256),
        ({"type": "Ed25519VerificationKey2020", "publicKeyMultibase": W3C_PUBLIC}, ed),
        (
            {
                "type": "Ed25519VerificationKey2018",
                "publicKeyBase58": multibase.b58encode(ed.raw_ed25519()),
            },
            ed,
        ),
        ({"type": "JsonWebKey2020", "publicKeyJwk": p256.to_jwk()}, p256),
        ({"type": "JsonWebKey", "publicKeyJwk": ed.to_jwk()}, ed),
        ({"type": "EcdsaSecp256r1VerificationKey2019", "publicKeyJwk": p256.to_jwk()}, p256),
        (
            {"type": "CryptographicKey", "publicKeyPem": rsa_key.public_key.to_pem()},
            rsa_key.public_key,
        ),
        ({"type": ["SomethingNew"], "publicKeyJwk": ed.to_jwk()}, ed),
    ]
    for method, expected in cases:
        assert PublicKey.from_verification_method(method) == expected, method


def test_verification_method_refusals(p256_key: PrivateKey) -> None:
    with pytest.raises(KeyFormatError, match="cannot hold a P-256 key"):
        PublicKey.from_verification_method(
            {
                "type": "Ed25519VerificationKey2020",
                "publicKeyMultibase": p256_key.public_multibase(),
            }
        )
    with pytest.raises(KeyFormatError, match="Multikey has no public key"):
        PublicKey.from_verification_method({"type": "Multikey", "publicKeyJwk": {}})
    with pytest.raises(KeyFormatError, match="publicKeyJwk must be a JSON object"):
        PublicKey.from_verification_method({"type": "JsonWebKey2020", "publicKeyJwk": "x"})


# --- signatures --------------------------------------------------------------------------------


def test_signatures_check_and_tampering_fails(p256_key: PrivateKey, rsa_key: PrivateKey) -> None:
    ed = PrivateKey.generate_ed25519()
    cases = [(ed, "EdDSA"), (ed, "Ed25519"), (p256_key, "ES256")]
    cases += [(rsa_key, alg) for alg in ("RS256", "RS384", "RS512", "PS256")]
    for key, alg in cases:
        signature = key.sign(b"message", alg)
        assert key.public_key.verify(alg, b"message", signature), alg
        assert not key.public_key.verify(alg, b"messagf", signature), alg
        assert not key.public_key.verify(alg, b"message", signature[:-1]), alg


def test_es256_signature_is_jose_raw(p256_key: PrivateKey) -> None:
    signature = p256_key.sign(b"x")
    assert len(signature) == 64
    assert not p256_key.public_key.verify("ES256", b"x", signature + b"\0")


def test_key_alg_mismatch_raises(p256_key: PrivateKey, rsa_key: PrivateKey) -> None:
    ed = PrivateKey.generate_ed25519()
    with pytest.raises(KeyMismatch, match="needs an Ed25519 key, not P-256"):
        p256_key.public_key.verify("EdDSA", b"x", bytes(64))
    with pytest.raises(KeyMismatch, match="needs an RSA key"):
        ed.public_key.verify("RS256", b"x", bytes(256))
    with pytest.raises(KeyMismatch, match="ES384 cannot be checked with a P-256 key"):
        p256_key.public_key.verify("ES384", b"x", bytes(96))
    with pytest.raises(KeyMismatch, match="'HS256' is not supported"):
        rsa_key.public_key.verify("HS256", b"x", b"")
    with pytest.raises(KeyMismatch, match="cannot sign"):
        ed.sign(b"x", "ES256")


def test_private_key_pem_round_trip(p256_key: PrivateKey) -> None:
    ed = PrivateKey.ed25519_from_multibase(W3C_PRIVATE)
    pem = ed.to_pem()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert PrivateKey.from_pem(pem).to_multibase() == W3C_PRIVATE
    locked = p256_key.to_pem(password=b"secret")
    assert "ENCRYPTED" in locked
    assert PrivateKey.from_pem(locked, password=b"secret").public_key == p256_key.public_key
    with pytest.raises(KeyFormatError, match="cannot be read"):
        PrivateKey.from_pem(locked, password=b"wrong")


def test_private_key_repr_hides_the_secret() -> None:
    key = PrivateKey.ed25519_from_multibase(W3C_PRIVATE)
    assert W3C_PRIVATE not in repr(key)
    assert W3C_PUBLIC in repr(key)


def test_unsupported_curve_is_refused() -> None:
    with pytest.raises(KeyFormatError, match="secp256k1 is not supported"):
        PublicKey(ec.generate_private_key(ec.SECP256K1()).public_key())
    assert isinstance(PrivateKey.generate_ed25519().key, ed25519.Ed25519PrivateKey)
