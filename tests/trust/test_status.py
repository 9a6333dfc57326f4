"""Credential status against real status list documents, served by the in-memory fetcher.

``verify_list`` is passed to ``check_status`` by design (the caller's verifier); here it is a
stand-in that accepts exactly the documents "signed" with ``GOOD_PROOF`` (or JWTs whose
signature segment is ``good``), so the tests can say which lists verify.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from skillgap.domain.verification import (
    Check,
    CheckStatus,
    VerificationReport,
    VerificationStatus,
)
from skillgap.fetch import MemoryFetcher
from skillgap.trust.checks import CheckLog
from skillgap.trust.status import check_status
from skillgap.trust.status_bitstring import (
    MAX_LIST_BYTES,
    MIN_ENTRIES,
    StatusListError,
    decode_list,
    encode_bitstring,
    encode_list,
    get_bit,
    new_status_list,
    set_bit,
)
from skillgap.trust.status_lists import StatusListCache

S = VerificationStatus
AT = datetime(2025, 6, 1, tzinfo=UTC)
ISSUER = "did:example:issuer"
LIST_URL = "https://issuer.example/status/1"
REVOCATIONS_URL = "https://issuer.example/revocations"
CREDENTIAL_ID = "urn:uuid:6f1a0b38-0d7c-4a59-9c4e-2b0f5d1e7a11"
GOOD_PROOF = {"type": "TestProof", "verificationMethod": ISSUER + "#key-1"}

# The example BitstringStatusListCredential of the W3C Bitstring Status List v1.0 spec
# (w3c/vc-bitstring-status-list, index.html, "Example BitstringStatusListCredential"):
# 131,072 entries, none set.
W3C_EXAMPLE_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
# A StatusList2021Credential published by Hyperledger Identus (hyperledger/identus-cloud-agent,
# docs/docusaurus/credentials/revocation.md, commit 7413bff8): plain base64url, purpose
# spelled "Revocation", a Unix-time issuanceDate, and entry 6 set.
IDENTUS_URL = "http://localhost:8085/credential-status/c2688c98-ecb5-4dd3-87e8-a689b8fa84dd"
IDENTUS_LIST = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/vc/status-list/2021/v1",
    ],
    "type": ["VerifiableCredential", "StatusList2021Credential"],
    "id": IDENTUS_URL,
    "issuer": "did:prism:462c4811bf61d7de25b3baf86c5d2f0609b4debe53792d297bf612269bf8593a",
    "issuanceDate": 1717793619,
    "credentialSubject": {
        "type": "StatusList2021",
        "statusPurpose": "Revocation",
        "encodedList": "H4sIAAAAAAAA_-3BMQ0AAAACIGf_0MbwARoAAAAAAAAAAAAAAAAAAADgbbmHB0sAQAAA",
    },
}


def verify_list(document: Any) -> VerificationReport:
    """The stand-in verifier (see the module docstring)."""
    if isinstance(document, str):
        good = document.rsplit(".", 1)[-1] == "good"
    else:
        good = document.get("proof") == GOOD_PROOF
    if good:
        return VerificationReport(S.VALID, AT, "test")
    failure = Check("signature", CheckStatus.FAIL, "the proof does not verify")
    return VerificationReport(S.INVALID_SIGNATURE, AT, "test", (failure,))


def status_list(
    *set_bits: int,
    length: int = MIN_ENTRIES,
    purpose: str | list[str] = "revocation",
    kind: str = "BitstringStatusList",
    url: str = LIST_URL,
    **fields: Any,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", kind + "Credential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": url + "#list",
            "type": kind,
            "statusPurpose": purpose,
            "encodedList": encode_bitstring(
                set(set_bits), length, multibase=kind == "BitstringStatusList"
            ),
        },
        "proof": GOOD_PROOF,
    }
    document.update(fields)
    return document


def entry(
    index: Any = "0",
    purpose: str = "revocation",
    *,
    url: str = LIST_URL,
    kind: str = "BitstringStatusListEntry",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": kind,
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": url,
        **fields,
    }


def credential(*entries: dict[str, Any], issuer: str = ISSUER) -> dict[str, Any]:
    status: Any = entries[0] if len(entries) == 1 else list(entries)
    return {"id": CREDENTIAL_ID, "issuer": {"id": issuer}, "credentialStatus": status}


def serve(*documents: tuple[str, Any]) -> MemoryFetcher:
    fetcher = MemoryFetcher()
    for url, document in documents:
        body = document if isinstance(document, str | bytes) else json.dumps(document)
        fetcher.add(url, body)
    return fetcher


def run(
    cred: dict[str, Any],
    fetcher: MemoryFetcher,
    *,
    at: datetime = AT,
    cache: StatusListCache | None = None,
) -> CheckLog:
    log = CheckLog()
    check_status(cred, log, fetcher=fetcher, verify_list=verify_list, at=at, cache=cache)
    return log


def only_message(log: CheckLog) -> str:
    [check] = log.checks
    assert check.name == "status"
    return check.message


def gzip_bomb(megabytes: int) -> bytes:
    """GZIP of ``megabytes`` MiB of zeros: about a thousandth of that on the wire."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    return b"".join(deflate.compress(chunk) for _ in range(megabytes)) + deflate.flush()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- the bitstring ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "byte", "value"), [(0, 0, 0x80), (7, 0, 0x01), (8, 1, 0x80), (131071, 16383, 0x01)]
)
def test_bits_count_from_the_most_significant_bit_of_byte_0(
    index: int, byte: int, value: int
) -> None:
    bits = new_status_list()
    set_bit(bits, index)
    assert bits[byte] == value and sum(bits) == value
    assert get_bit(bits, index) and not get_bit(bits, index ^ 1)
    set_bit(bits, index, False)
    assert not any(bits)


def test_lists_are_whole_bytes_and_indexes_stay_inside() -> None:
    assert len(new_status_list()) == 16 * 1024
    with pytest.raises(ValueError, match="multiple of 8"):
        new_status_list(12)
    with pytest.raises(IndexError):
        set_bit(new_status_list(8), 8)


@pytest.mark.parametrize("multibase", [True, False])
def test_encoding_round_trips_and_is_deterministic(multibase: bool) -> None:
    encoded = encode_bitstring({0, 9, 131071}, multibase=multibase)
    assert encoded.startswith("uH4sI" if multibase else "H4sI")
    assert encoded == encode_bitstring({131071, 9, 0}, multibase=multibase)
    bits = decode_list(encoded, multibase=multibase)
    assert len(bits) == 16384 and [i for i in (0, 1, 9, 131071) if get_bit(bits, i)] == [
        0,
        9,
        131071,
    ]
    assert decode_list(encoded, multibase=None) == bits


def test_the_w3c_spec_example_list_decodes_to_16_kib_all_clear() -> None:
    bits = decode_list(W3C_EXAMPLE_LIST, multibase=True)
    assert len(bits) * 8 == MIN_ENTRIES and not any(bits)


def test_the_multibase_prefix_is_required_or_refused_as_asked() -> None:
    plain = encode_list(new_status_list(64), multibase=False)
    with pytest.raises(StatusListError, match="no 'u' prefix"):
        decode_list(plain, multibase=True)
    with pytest.raises(StatusListError, match="not base64url-encoded GZIP"):
        decode_list("u" + plain, multibase=False)
    assert decode_list("u" + plain, multibase=None) == decode_list(plain, multibase=None)


def test_a_plain_list_starting_with_u_is_not_mistaken_for_multibase() -> None:
    """A leading 'u' may be base64url data: 0xB8 encodes as 'u'. GZIP data never starts so
    (its header encodes as 'H4sI'), so the GZIP header decides, and such data is refused for
    what it is rather than decoded with its first character dropped."""
    not_gzip = b64url(b"\xb8" + gzip.compress(bytes(8)))
    assert not_gzip.startswith("u")
    for multibase in (None, False):
        with pytest.raises(StatusListError, match="not base64url-encoded GZIP"):
            decode_list(not_gzip, multibase=multibase)


@pytest.mark.parametrize(
    ("encoded", "problem"),
    [
        ("", "missing"),
        ("u!!!!", "not base64url"),
        ("uH4sIA", "not base64url"),  # 5 characters: 1 too many for any byte count
        # mtime=0: the same bytes (and test ids) in every process, as pytest-xdist needs
        ("u" + b64url(gzip.compress(bytes(64), mtime=0)[:-12]), "truncated"),
        ("u" + b64url(gzip.compress(bytes(64), mtime=0) + b"junk"), "stray bytes"),
        ("u" + b64url(b"\x1f\x8b" + bytes(20)), "not valid GZIP"),
    ],
)
def test_broken_encodings_are_refused_with_the_reason(encoded: str, problem: str) -> None:
    with pytest.raises(StatusListError, match=problem):
        decode_list(encoded, multibase=True)


def test_concatenated_gzip_members_are_one_list() -> None:
    raw = gzip.compress(b"\x80" + bytes(7)) + gzip.compress(bytes(8))
    bits = decode_list("u" + b64url(raw), multibase=True)
    assert len(bits) == 16 and get_bit(bits, 0) and not any(bits[1:])


def test_a_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = "u" + b64url(gzip_bomb(64))  # 64 MiB of zeros in about 64 KB
    started = time.perf_counter()
    with pytest.raises(StatusListError, match=f"more than {MAX_LIST_BYTES} bytes"):
        decode_list(bomb, multibase=True)
    assert time.perf_counter() - started < 2.0
    with pytest.raises(StatusListError, match="more than 1000 bytes"):
        decode_list(encode_list(new_status_list(8 * 1001)), max_bytes=1000)


# --- Bitstring Status List ----------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 7, 8, 131071])
def test_a_set_bit_revokes_and_its_neighbours_stay_clear(index: int) -> None:
    fetcher = serve((LIST_URL, status_list(index)))
    log = run(credential(entry(str(index))), fetcher)
    assert log.status is S.REVOKED
    assert only_message(log) == f"revoked by the issuer's status list {LIST_URL} (index {index})"
    neighbour = index + 1 if index < 131071 else index - 1
    log = run(credential(entry(str(neighbour))), fetcher)
    assert log.ok and only_message(log).startswith(f"not revoked: index {neighbour} ")


def test_a_clear_bit_passes() -> None:
    log = run(credential(entry("94567")), serve((LIST_URL, status_list(94566, 94568))))
    assert log.ok and log.status is S.VALID
    assert only_message(log) == f"not revoked: index 94567 of the status list {LIST_URL} is clear"


def test_a_suspended_credential_does_not_count() -> None:
    fetcher = serve((LIST_URL, status_list(5, purpose="suspension")))
    log = run(credential(entry("5", "suspension")), fetcher)
    assert log.status is S.REVOKED
    assert only_message(log).startswith(f"suspended by the issuer's status list {LIST_URL}")
    assert "while the suspension lasts" in only_message(log)
    assert run(credential(entry("6", "suspension")), fetcher).ok


def test_the_list_must_be_for_the_entrys_purpose() -> None:
    log = run(credential(entry("5", "suspension")), serve((LIST_URL, status_list(5))))
    assert log.status is S.STATUS_UNVERIFIABLE
    assert only_message(log) == (
        f"the status list {LIST_URL} is for revocation, not suspension; "
        "revocation cannot be checked"
    )


def test_one_list_may_serve_several_purposes_and_is_fetched_once() -> None:
    fetcher = serve((LIST_URL, status_list(3, purpose=["revocation", "suspension"])))
    log = run(credential(entry("2"), entry("3", "suspension")), fetcher)
    assert [c.status for c in log.checks] == [CheckStatus.PASS, CheckStatus.FAIL]
    assert log.status is S.REVOKED and fetcher.requests == [LIST_URL]


def test_several_entries_each_get_a_check_and_the_worst_wins() -> None:
    suspensions = "https://issuer.example/status/suspensions"
    fetcher = serve(
        (LIST_URL, status_list()),
        (suspensions, status_list(9, purpose="suspension", url=suspensions)),
    )
    log = run(credential(entry("9"), entry("9", "suspension", url=suspensions)), fetcher)
    assert [c.status for c in log.checks] == [CheckStatus.PASS, CheckStatus.FAIL]
    assert log.status is S.REVOKED


def test_a_list_that_does_not_verify_leaves_the_status_unverifiable() -> None:
    forged = status_list(proof={"type": "TestProof", "verificationMethod": "did:example:evil"})
    log = run(credential(entry("1")), serve((LIST_URL, forged)))
    assert log.status is S.STATUS_UNVERIFIABLE
    assert only_message(log) == (
        f"the status list {LIST_URL} does not verify (invalid-signature: the proof does not "
        "verify); revocation cannot be checked"
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"validUntil": "2025-05-31T23:59:59Z"}, "expired on 2025-05-31T23:59:59+00:00"),
        ({"validFrom": "2025-07-01T00:00:00Z"}, "is not valid until 2025-07-01T00:00:00+00:00"),
        ({"validFrom": None, "expirationDate": "2025-06-01T00:00:00Z"}, "expired on"),
        ({"validFrom": None, "issuanceDate": "2026-01-01"}, "is not valid until 2026"),
        ({"validUntil": "next week"}, "its validUntil is unreadable"),
    ],
)
def test_a_list_outside_its_validity_window_is_not_used(
    fields: dict[str, Any], problem: str
) -> None:
    log = run(credential(entry("1")), serve((LIST_URL, status_list(**fields))))
    assert log.status is S.STATUS_UNVERIFIABLE
    assert problem in only_message(log)


def test_an_unreachable_list_leaves_the_status_unverifiable() -> None:
    log = run(credential(entry("1")), MemoryFetcher())
    assert log.status is S.STATUS_UNVERIFIABLE
    assert only_message(log).startswith(f"the status list {LIST_URL} cannot be fetched (")


@pytest.mark.parametrize("http_status", [404, 410, 500])
def test_a_list_answering_an_http_error_is_no_all_clear(http_status: int) -> None:
    fetcher = MemoryFetcher()
    fetcher.add(LIST_URL, "<h1>Not Found</h1>", status=http_status, content_type="text/html")
    log = run(credential(entry("1")), fetcher)
    assert log.status is S.STATUS_UNVERIFIABLE
    assert f"answered HTTP {http_status}" in only_message(log)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<html>status</html>", "is neither JSON nor a JWT"),
        ("[1, 2]", "is not a JSON object"),
        (b"\xff\xfe{}", "is neither JSON nor a JWT"),
    ],
)
def test_a_list_that_is_not_a_json_object_is_refused(body: str | bytes, problem: str) -> None:
    log = run(credential(entry("1")), serve((LIST_URL, body)))
    assert log.status is S.STATUS_UNVERIFIABLE and problem in only_message(log)


def test_a_gzip_bomb_list_is_refused() -> None:
    bomb = status_list()
    bomb["credentialSubject"]["encodedList"] = "u" + b64url(gzip_bomb(20))
    log = run(credential(entry("1")), serve((LIST_URL, bomb)))
    assert log.status is S.STATUS_UNVERIFIABLE
    assert f"expands to more than {MAX_LIST_BYTES} bytes" in only_message(log)


def test_an_index_beyond_the_list_is_refused_and_short_lists_are_noted() -> None:
    fetcher = serve((LIST_URL, status_list(length=1024)))
    log = run(credential(entry("1024")), fetcher)
    assert log.status is S.STATUS_UNVERIFIABLE
    assert f"index 1024 is outside the status list {LIST_URL} (1,024 entries)" in only_message(log)
    log = run(credential(entry("1023")), fetcher)
    assert log.ok and "only 1,024 entries (the spec asks for 131,072)" in only_message(log)


@pytest.mark.parametrize("index", ["-1", "abc", "1e3", "", " 1", "1.0", "٣", 5, None, True])
def test_an_index_must_be_a_decimal_string(index: Any) -> None:
    fetcher = serve((LIST_URL, status_list()))
    log = run(credential(entry(index)), fetcher)
    assert log.status is S.STATUS_UNVERIFIABLE
    assert f"has statusListIndex {index!r}, not a non-negative integer" in only_message(log)
    assert fetcher.requests == []


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"statusListCredential": None}, "names no statusListCredential"),
        ({"statusSize": 2}, "has statusSize 2 (only 1 is supported)"),
        ({"statusPurpose": None}, "has no statusPurpose"),
    ],
)
def test_an_incomplete_entry_is_unverifiable(fields: dict[str, Any], problem: str) -> None:
    log = run(credential(entry("1") | fields), serve((LIST_URL, status_list())))
    assert log.status is S.STATUS_UNVERIFIABLE and problem in only_message(log)


@pytest.mark.parametrize("purpose", ["message", "refresh", "anything-else"])
def test_purposes_that_say_nothing_about_validity_are_skipped(purpose: str) -> None:
    fetcher = serve((LIST_URL, status_list(1, purpose=purpose)))
    log = run(credential(entry("1", purpose, statusSize=2)), fetcher)
    [check] = log.checks
    assert check.status is CheckStatus.SKIP and log.ok
    assert check.message == f"status purpose {purpose!r} ({LIST_URL}) is not about validity"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"type": ["VerifiableCredential"]}, "is not a BitstringStatusListCredential"),
        (
            {"id": "https://issuer.example/status/2"},
            "is the status list https://issuer.example/status/2 instead",
        ),
        ({"credentialSubject": {"type": "StatusList2021"}}, "has no BitstringStatusList subject"),
    ],
)
def test_the_document_must_be_the_named_bitstring_status_list(
    change: dict[str, Any], problem: str
) -> None:
    log = run(credential(entry("1")), serve((LIST_URL, status_list() | change)))
    assert log.status is S.STATUS_UNVERIFIABLE and problem in only_message(log)


def test_a_bitstring_list_needs_the_multibase_prefix() -> None:
    plain = status_list(1)
    plain["credentialSubject"]["encodedList"] = encode_bitstring({1}, multibase=False)
    log = run(credential(entry("1")), serve((LIST_URL, plain)))
    assert log.status is S.STATUS_UNVERIFIABLE and "no 'u' prefix" in only_message(log)


def test_a_list_from_another_issuer_cannot_vouch_for_the_credential() -> None:
    """Anyone can sign a list with every bit clear: a list by another issuer is refused."""
    fetcher = serve((LIST_URL, status_list()))
    log = run(credential(entry("4"), issuer="did:example:other"), fetcher)
    assert log.status is S.STATUS_UNVERIFIABLE
    assert f"is issued by {ISSUER}, not by the credential's issuer" in only_message(log)
    assert run(credential(entry("4")), fetcher).ok


def jwt(claims: dict[str, Any], signature: str = "good") -> str:
    header = b64url(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"


def test_a_vc_jwt_status_list_is_verified_as_the_jwt_and_read_from_its_vc_claim() -> None:
    vc = status_list(7)
    del vc["proof"], vc["validFrom"], vc["issuer"]
    claims = {"iss": ISSUER, "nbf": 1735689600, "exp": 1767225600, "vc": vc}
    seen: list[Any] = []

    def verify_recording(document: Any) -> VerificationReport:
        seen.append(document)
        return verify_list(document)

    log = CheckLog()
    fetcher = serve((LIST_URL, jwt(claims)))
    check_status(
        credential(entry("7"), entry("6")),
        log,
        fetcher=fetcher,
        verify_list=verify_recording,
        at=AT,
    )
    assert seen == [jwt(claims)]
    assert [c.status for c in log.checks] == [CheckStatus.FAIL, CheckStatus.PASS]
    assert log.status is S.REVOKED and "issued by" not in log.checks[1].message

    log = run(credential(entry("6")), fetcher, at=datetime(2026, 1, 2, tzinfo=UTC))
    assert "expired on 2026-01-01T00:00:00+00:00" in only_message(log)
    log = run(credential(entry("6")), serve((LIST_URL, jwt(claims, "forged"))))
    assert "does not verify" in only_message(log)


def test_a_vc_jose_status_list_is_the_claims_themselves() -> None:
    log = run(credential(entry("7")), serve((LIST_URL, jwt(status_list(7)))))
    assert log.status is S.REVOKED


# --- StatusList2021 ------------------------------------------------------------------------


def test_status_list_2021_reads_plain_base64url() -> None:
    fetcher = serve((LIST_URL, status_list(12, kind="StatusList2021")))
    log = run(credential(entry("12", kind="StatusList2021Entry")), fetcher)
    assert log.status is S.REVOKED
    assert run(credential(entry("13", kind="StatusList2021Entry")), fetcher).ok


def test_status_list_2021_tolerates_a_multibase_prefix() -> None:
    prefixed = status_list(kind="StatusList2021")
    prefixed["credentialSubject"]["encodedList"] = encode_bitstring({12}, multibase=True)
    fetcher = serve((LIST_URL, prefixed))
    assert run(credential(entry("12", kind="StatusList2021Entry")), fetcher).status is S.REVOKED


def test_a_published_status_list_2021_is_read() -> None:
    fetcher = serve((IDENTUS_URL, IDENTUS_LIST | {"proof": GOOD_PROOF}))
    revoked = entry("6", url=IDENTUS_URL, kind="StatusList2021Entry")
    log = run(credential(revoked, issuer=str(IDENTUS_LIST["issuer"])), fetcher)
    assert log.status is S.REVOKED
    for index in ("0", "5", "7", "131071"):
        clear = entry(index, url=IDENTUS_URL, kind="StatusList2021Entry")
        assert run(credential(clear, issuer=str(IDENTUS_LIST["issuer"])), fetcher).ok


def test_a_bitstring_entry_does_not_accept_a_status_list_2021() -> None:
    fetcher = serve((LIST_URL, status_list(kind="StatusList2021")))
    log = run(credential(entry("1")), fetcher)
    assert "is not a BitstringStatusListCredential" in only_message(log)


# --- 1EdTech Revocation List -----------------------------------------------------------------


def revocation_entry(url: str = REVOCATIONS_URL) -> dict[str, Any]:
    return {"id": url, "type": "1EdTechRevocationList"}


def revocation_list(*revoked: Any) -> dict[str, Any]:
    return {"id": REVOCATIONS_URL, "issuer": ISSUER, "revokedCredentials": list(revoked)}


def test_a_credential_on_the_revocation_list_is_revoked_with_the_reason() -> None:
    listed = {"id": CREDENTIAL_ID, "revocationReason": "Awarded in error"}
    fetcher = serve((REVOCATIONS_URL, revocation_list({"id": "urn:uuid:other"}, listed)))
    log = run(credential(revocation_entry()), fetcher)
    assert log.status is S.REVOKED
    assert only_message(log) == (
        f"revoked by the issuer's revocation list {REVOCATIONS_URL}: Awarded in error"
    )


def test_a_credential_not_on_the_revocation_list_passes() -> None:
    reinstated = {"id": CREDENTIAL_ID, "revoked": False}
    fetcher = serve((REVOCATIONS_URL, revocation_list("urn:uuid:other", reinstated)))
    log = run(credential(revocation_entry()), fetcher)
    assert log.ok
    assert only_message(log).startswith(f"not in the issuer's revocation list {REVOCATIONS_URL}")


def test_a_bare_id_on_the_revocation_list_revokes() -> None:
    fetcher = serve((REVOCATIONS_URL, revocation_list(CREDENTIAL_ID)))
    assert run(credential(revocation_entry()), fetcher).status is S.REVOKED


@pytest.mark.parametrize(
    ("fetcher", "problem"),
    [
        (MemoryFetcher(), "cannot be fetched"),
        (serve((REVOCATIONS_URL, {"id": REVOCATIONS_URL})), "has no revokedCredentials array"),
        (serve((REVOCATIONS_URL, revocation_list({"reason": "x"}))), "an entry without an id"),
    ],
)
def test_an_unreadable_revocation_list_is_unverifiable(
    fetcher: MemoryFetcher, problem: str
) -> None:
    log = run(credential(revocation_entry()), fetcher)
    assert log.status is S.STATUS_UNVERIFIABLE
    assert problem in only_message(log) and REVOCATIONS_URL in only_message(log)


def test_a_revocation_list_cannot_name_a_credential_without_an_id() -> None:
    anonymous = credential(revocation_entry())
    del anonymous["id"]
    log = run(anonymous, serve((REVOCATIONS_URL, revocation_list())))
    assert log.status is S.STATUS_UNVERIFIABLE and "has no id" in only_message(log)


# --- what the credential names ---------------------------------------------------------------


def test_no_status_is_a_skipped_check() -> None:
    creds: list[dict[str, Any]] = [{"id": CREDENTIAL_ID}, {"credentialStatus": []}]
    for cred in creds:
        log = run(cred, MemoryFetcher())
        [check] = log.checks
        assert check.status is CheckStatus.SKIP and log.ok
        assert check.message == "the credential names no status list"


def test_an_unknown_status_method_cannot_be_checked() -> None:
    unknown = {"id": "https://x.example/rl#3", "type": "RevocationList2020Status"}
    log = run(credential(unknown), MemoryFetcher())
    assert log.status is S.STATUS_UNVERIFIABLE
    assert only_message(log) == (
        "unknown status method RevocationList2020Status; revocation cannot be checked"
    )
    log = run({"credentialStatus": "revoked?"}, MemoryFetcher())
    assert "not an object" in only_message(log)


# --- caching ---------------------------------------------------------------------------------


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_a_shared_cache_fetches_each_list_once_per_ttl() -> None:
    clock = Clock()
    cache = StatusListCache(clock=clock)
    fetcher = serve((LIST_URL, status_list(1)), (REVOCATIONS_URL, revocation_list()))
    for index in ("1", "2", "3"):
        run(credential(entry(index), revocation_entry()), fetcher, cache=cache)
    assert fetcher.requests == [LIST_URL, REVOCATIONS_URL]
    clock.seconds += 301  # past the default ttl of 300 s
    fetcher.add(LIST_URL, json.dumps(status_list(1, 2)))
    assert run(credential(entry("2")), fetcher, cache=cache).status is S.REVOKED
    assert fetcher.requests.count(LIST_URL) == 2


def test_the_lists_own_ttl_shortens_its_stay() -> None:
    clock = Clock()
    cache = StatusListCache(clock=clock)
    short = status_list()
    short["credentialSubject"]["ttl"] = 1000  # milliseconds
    fetcher = serve((LIST_URL, short))
    run(credential(entry("1")), fetcher, cache=cache)
    clock.seconds += 0.5
    run(credential(entry("1")), fetcher, cache=cache)
    clock.seconds += 1
    run(credential(entry("1")), fetcher, cache=cache)
    assert fetcher.requests == [LIST_URL, LIST_URL]


def test_a_cached_list_past_its_validity_is_fetched_again() -> None:
    cache = StatusListCache()
    fetcher = serve((LIST_URL, status_list(validUntil="2025-06-02T00:00:00Z")))
    assert run(credential(entry("1")), fetcher, cache=cache).ok
    fetcher.add(LIST_URL, json.dumps(status_list(1, validUntil="2025-07-01T00:00:00Z")))
    later = AT + timedelta(days=2)
    assert run(credential(entry("1")), fetcher, cache=cache, at=later).status is S.REVOKED
    assert fetcher.requests == [LIST_URL, LIST_URL]


def test_failures_are_cached_too_so_a_dead_list_is_not_asked_for_per_credential() -> None:
    cache = StatusListCache()
    fetcher = MemoryFetcher()
    for _ in range(3):
        log = run(credential(entry("1")), fetcher, cache=cache)
        assert log.status is S.STATUS_UNVERIFIABLE
    assert fetcher.requests == [LIST_URL]
    cache.clear()
    run(credential(entry("1")), fetcher, cache=cache)
    assert len(fetcher.requests) == 2


def test_a_list_found_expired_is_not_fetched_again_per_credential() -> None:
    cache = StatusListCache()
    fetcher = serve((LIST_URL, status_list(validUntil="2025-05-01T00:00:00Z")))
    for _ in range(3):
        assert run(credential(entry("1")), fetcher, cache=cache).status is S.STATUS_UNVERIFIABLE
    assert fetcher.requests == [LIST_URL]
