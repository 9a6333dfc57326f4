"""Compact and detached JWS: a published RFC example, round trips with real keys, and the
refusals that keep "cannot be verified" apart from "bad signature"."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from skillgap.trust.jws import (
    JwsError,
    parse_compact,
    parse_detached,
    sign_compact,
    sign_detached,
    verify,
    verify_detached,
)
from skillgap.trust.multibase import b64url_decode, b64url_encode
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.public_key import PublicKey

# RFC 8037, appendix A.1 (key) and A.4 (the Ed25519 signature of "Example of Ed25519 signing")
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_JWS = (
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
# the header every Ed25519Signature2018 proof carries: {"alg":"EdDSA","b64":false,"crit":["b64"]}
B64_FALSE_HEADER = "eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19"


@pytest.fixture(scope="module")
def rsa_key() -> PrivateKey:
    return PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def _b64json(value: object) -> str:
    return b64url_encode(json.dumps(value).encode())


def _rfc8037_key() -> PrivateKey:
    return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D)))


# --- the RFC example ---------------------------------------------------------------------------


def test_rfc8037_example_verifies() -> None:
    key = PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X})
    jws = parse_compact(RFC8037_JWS)
    assert jws.header == {"alg": "EdDSA"}
    assert jws.payload == b"Example of Ed25519 signing"
    assert verify(jws, key)


def test_rfc8037_example_is_reproduced() -> None:
    key = _rfc8037_key()
    assert key.public_key.to_jwk()["x"] == RFC8037_X
    assert sign_compact(b"Example of Ed25519 signing", key) == RFC8037_JWS


# --- round trips -------------------------------------------------------------------------------


def test_round_trips(rsa_key: PrivateKey) -> None:
    keys = [
        (PrivateKey.generate_ed25519(), None),
        (PrivateKey(ec.generate_private_key(ec.SECP256R1())), None),
        (PrivateKey(ec.generate_private_key(ec.SECP384R1())), None),
        (rsa_key, None),
        (rsa_key, "PS256"),
    ]
    for key, alg in keys:
        header = {"typ": "JWT", "kid": "did:example:1#k"} | ({"alg": alg} if alg else {})
        token = sign_compact(b'{"sub":"alice"}', key, header)
        jws = parse_compact(token)
        assert jws.alg == (alg or key.alg)
        assert jws.header["kid"] == "did:example:1#k"
        assert jws.payload_json() == {"sub": "alice"}
        assert verify(jws, key.public_key), jws.alg


def test_tampered_payload_and_signature_fail() -> None:
    key = PrivateKey.generate_ed25519()
    header, payload, signature = sign_compact(b'{"score":50}', key).split(".")
    forged = ".".join([header, b64url_encode(b'{"score":99}'), signature])
    assert verify(parse_compact(forged), key.public_key) is False
    other = PrivateKey.generate_ed25519().sign(f"{header}.{payload}".encode())
    assert (
        verify(parse_compact(f"{header}.{payload}.{b64url_encode(other)}"), key.public_key) is False
    )
    assert verify(parse_compact(RFC8037_JWS), key.public_key) is False


# --- refusals ----------------------------------------------------------------------------------


def test_alg_none_is_refused_not_false() -> None:
    unsigned = f"{_b64json({'alg': 'none'})}.{_b64json({'sub': 'x'})}."
    with pytest.raises(JwsError, match="alg 'none' is not allowed"):
        parse_compact(unsigned)
    with_sig = unsigned + "AAAA"
    jws = parse_compact(with_sig)  # readable, so a report can show it ...
    with pytest.raises(JwsError, match="alg 'none' is not allowed"):
        verify(jws, PrivateKey.generate_ed25519().public_key)  # ... but never verified


def test_algs_outside_the_allow_list_are_refused(rsa_key: PrivateKey) -> None:
    jws = parse_compact(f"{_b64json({'alg': 'HS256'})}.e30.AAAA")
    with pytest.raises(JwsError, match="'HS256' is not allowed"):
        verify(jws, rsa_key.public_key)
    with pytest.raises(JwsError, match="'RS1' is not allowed"):
        sign_compact(b"x", rsa_key, {"alg": "RS1"})


def test_key_that_cannot_check_the_alg_is_an_error(rsa_key: PrivateKey) -> None:
    jws = parse_compact(sign_compact(b"x", PrivateKey.generate_ed25519()))
    with pytest.raises(JwsError, match="needs an Ed25519 key, not RSA"):
        verify(jws, rsa_key.public_key)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("a.b", "3 parts"),
        ("a.b.c.d.e", "encrypted token"),
        (RFC8037_JWS + "=", "not base64url"),
        (RFC8037_JWS.replace("eyJhbGciOiJFZERTQSJ9", "eyJhbGciOiJFZERTQSJ9=="), "not base64url"),
        (RFC8037_JWS.replace("RXhh", "RX+h"), "payload is not base64url"),
        (RFC8037_JWS[:-1] + "h", "not canonical"),
        (RFC8037_JWS.replace("eyJhbGciOiJFZERTQSJ9", ""), "header is empty"),
        ("é" + RFC8037_JWS, "ASCII"),
        (f"{_b64json([1])}.e30.AAAA", "must be a JSON object"),
        (f"{b64url_encode(b'not json')}.e30.AAAA", "header is not valid JSON"),
        (b64url_encode(b'{"alg":"EdDSA","alg":"none"}') + ".e30.AAAA", "'alg' appears twice"),
        (f"{_b64json({'typ': 'JWT'})}.e30.AAAA", "no 'alg'"),
        (f"{_b64json({'alg': 'EdDSA', 'crit': ['exp']})}.e30.AAAA", "does not know"),
        (f"{_b64json({'alg': 'EdDSA', 'crit': []})}.e30.AAAA", "non-empty list"),
        (f"{_b64json({'alg': 'EdDSA', 'crit': ['b64']})}.e30.AAAA", "does not have them"),
        (f"{_b64json({'alg': 'EdDSA', 'b64': False})}.e30.AAAA", "listed in 'crit'"),
        (f"{B64_FALSE_HEADER}..AAAA", "detached"),
        (f"{_b64json({'alg': 'EdDSA'})}.e30.", "not signed"),
    ],
)
def test_malformed_tokens_are_refused(token: str, message: str) -> None:
    with pytest.raises(JwsError, match=message):
        parse_compact(token)


def test_length_limit() -> None:
    with pytest.raises(JwsError, match="over the limit of 100"):
        parse_compact(RFC8037_JWS, max_length=100)


def test_surrounding_whitespace_is_tolerated() -> None:
    assert parse_compact(f"  {RFC8037_JWS}\n").payload == b"Example of Ed25519 signing"


def test_unencoded_compact_payload() -> None:
    """RFC 7797 section 5: with b64=false the payload part is signed as it stands."""
    key = PrivateKey.generate_ed25519()
    signature = b64url_encode(key.sign(f"{B64_FALSE_HEADER}.$02".encode()))
    jws = parse_compact(f"{B64_FALSE_HEADER}.$02.{signature}")
    assert jws.payload == b"$02"
    assert verify(jws, key.public_key)
    assert not verify(parse_compact(f"{B64_FALSE_HEADER}.$03.{signature}"), key.public_key)


# --- detached (Ed25519Signature2018 proofs) ----------------------------------------------------


def test_detached_round_trip() -> None:
    key = PrivateKey.generate_ed25519()
    payload = bytes(range(64))  # the 2018 suites sign raw hash bytes
    token = sign_detached(payload, key)
    assert token.startswith(B64_FALSE_HEADER + "..")
    header, prefix = parse_detached(token)
    assert header == {"alg": "EdDSA", "b64": False, "crit": ["b64"]}
    assert prefix == B64_FALSE_HEADER.encode() + b"."
    signature = b64url_decode(token.rsplit(".", 1)[1])
    assert key.public_key.verify("EdDSA", prefix + payload, signature)
    assert verify_detached(token, payload, key.public_key)
    assert not verify_detached(token, payload[:-1] + b"\xff", key.public_key)


def test_detached_with_encoded_payload(rsa_key: PrivateKey) -> None:
    """RFC 7515 appendix F: a detached payload that is base64url-encoded when signed."""
    header = _b64json({"alg": "RS256"})
    signature = rsa_key.sign(f"{header}.{b64url_encode(b'content')}".encode())
    token = f"{header}..{b64url_encode(signature)}"
    assert verify_detached(token, b"content", rsa_key.public_key)
    assert not verify_detached(token, b"contenT", rsa_key.public_key)


def test_detached_refusals(rsa_key: PrivateKey) -> None:
    key = PrivateKey.generate_ed25519()
    with pytest.raises(JwsError, match="payload part of a detached JWS must be empty"):
        verify_detached(RFC8037_JWS, b"x", key.public_key)
    with pytest.raises(JwsError, match="3 parts"):
        parse_detached("abc")
    none = f"{_b64json({'alg': 'none', 'b64': False, 'crit': ['b64']})}..AAAA"
    with pytest.raises(JwsError, match="alg 'none' is not allowed"):
        verify_detached(none, b"x", key.public_key)
    with pytest.raises(JwsError, match="needs an Ed25519 key"):
        verify_detached(sign_detached(b"x", key), b"x", rsa_key.public_key)
    header, _ = parse_detached(sign_detached(b"x", rsa_key))
    assert header["alg"] == "RS256"
