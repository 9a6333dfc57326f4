"""Benchmarks: whole-credential verification through ``Verifier`` (what `skillgap verify` and
`skillgap credentials import` run), and bulk import on one and on two worker processes.

Groups (each with a ``baseline`` in the same process; `make bench` prints the ratios):

- ``verify-ob3``: an Open Badges 3.0 credential (2.5 KB, did:key issuer, eddsa-rdfc-2022,
  BitstringStatusList entry) through every check: schema, safe mode, proof, issuer key,
  dates, status list (cached after the first). Baseline: the same verifier with every
  canonicalisation done by pyld (the reference JSON-LD processor). Goal: 1,000/s per core.
- ``verify-ob2``: an Open Badges 2.0 signed assertion (JWS) with its issuer, BadgeClass, key and
  revocation list. Goal: 4,000/s. Baseline: RS256 (an RSA 2048 key); the other is EdDSA.
- ``import``: `credentials import` of 1,500 such OB 3.0 files from a --documents folder into an
  in-memory workspace. Baseline: one worker; the other: two (this machine has two cores).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_benchmark.fixture import BenchmarkFixture
from tests.trust import ob2_builders as ob
from tests.trust.test_jsonld import ob3_credential

from skillgap.clock import FixedClock
from skillgap.fetch import MemoryFetcher
from skillgap.services.credentials import import_credentials
from skillgap.services.verification import FetchPlan
from skillgap.store.memory import MemoryStore
from skillgap.trust import dataintegrity
from skillgap.trust.contexts import PinnedContext
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.status_bitstring import encode_bitstring
from skillgap.trust.verifier import Verifier

AT = datetime(2026, 6, 1, tzinfo=UTC)
KEY = PrivateKey.ed25519_from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
DID = f"did:key:{KEY.public_multibase()}"
METHOD = f"{DID}#{KEY.public_multibase()}"
LIST_URL = "https://issuer.example/status/1"
IMPORT_FILES = 1500


class PyldCanonicalizer(Canonicalizer):
    """The reference path: every document through pyld's JSON-LD processor."""

    def canonical_nquads(
        self,
        document: Mapping[str, Any],
        overrides: Mapping[str, PinnedContext] | None = None,
        *,
        memo: bool = False,
    ) -> str:
        return self._full(document, overrides)


def signed(document: dict[str, Any], canonicalizer: Canonicalizer) -> dict[str, Any]:
    return dataintegrity.sign(
        document,
        KEY.key,  # type: ignore[arg-type]
        METHOD,
        created="2026-01-01T00:00:00Z",
        canonicalizer=canonicalizer,
    )


def credential(number: int = 0) -> dict[str, Any]:
    doc = ob3_credential()
    doc["id"] = f"urn:uuid:91537dba-56cb-11ec-bf63-{number:012d}"
    doc["issuer"] = {**doc["issuer"], "id": DID}
    for alignment in doc["credentialSubject"]["achievement"].get("alignment", []):
        alignment["targetType"] = "ceasn:Competency"  # the schema's enumeration
    doc["credentialStatus"] = {
        "id": f"{LIST_URL}#{number}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(number),
        "statusListCredential": LIST_URL,
    }
    return doc


def status_list(canonicalizer: Canonicalizer) -> dict[str, Any]:
    return signed(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": LIST_URL,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": DID,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{LIST_URL}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encode_bitstring(set(), 131072, multibase=True),
            },
        },
        canonicalizer,
    )


@pytest.fixture(scope="module")
def ob3() -> tuple[bytes, MemoryFetcher]:
    canonicalizer = Canonicalizer()
    fetcher = MemoryFetcher()
    fetcher.add(LIST_URL, json.dumps(status_list(canonicalizer)))
    return json.dumps(signed(credential(), canonicalizer)).encode(), fetcher


def run_verifier(benchmark: BenchmarkFixture, verifier: Verifier, data: bytes, rounds: int) -> None:
    assert verifier.verify_bytes("c.json", data).valid  # and warms every cache
    result = benchmark.pedantic(
        verifier.verify_bytes, args=("c.json", data), rounds=rounds, iterations=1, warmup_rounds=5
    )
    assert result.valid
    benchmark.extra_info["per_second"] = round(1 / benchmark.stats.stats.median)


@pytest.mark.benchmark(group="verify-ob3")
def test_verify_ob3_baseline_pyld(benchmark: BenchmarkFixture, ob3: Any) -> None:
    data, fetcher = ob3
    run_verifier(benchmark, Verifier(fetcher, AT, canonicalizer=PyldCanonicalizer()), data, 60)


@pytest.mark.benchmark(group="verify-ob3")
def test_verify_ob3_skillgap(benchmark: BenchmarkFixture, ob3: Any) -> None:
    data, fetcher = ob3
    run_verifier(benchmark, Verifier(fetcher, AT), data, 1000)


@pytest.mark.benchmark(group="verify-ob2")
def test_verify_ob2_signed_baseline_rs256(benchmark: BenchmarkFixture) -> None:
    key = PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    token = ob.sign(ob.assertion(signed=True), key).encode()
    run_verifier(benchmark, Verifier(ob.signing_setup(key), AT), token, 2000)


@pytest.mark.benchmark(group="verify-ob2")
def test_verify_ob2_signed_eddsa(benchmark: BenchmarkFixture) -> None:
    key = PrivateKey.generate_ed25519()
    token = ob.sign(ob.assertion(signed=True), key, "EdDSA").encode()
    run_verifier(benchmark, Verifier(ob.signing_setup(key), AT), token, 2000)


@pytest.fixture(scope="module")
def backpack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    canonicalizer = Canonicalizer()
    root = tmp_path_factory.mktemp("import")
    files, documents = root / "files", root / "documents"
    files.mkdir()
    documents.mkdir()
    for number in range(IMPORT_FILES):
        doc = signed(credential(number), canonicalizer)
        (files / f"c{number:04d}.json").write_text(json.dumps(doc))
    (documents / "status.json").write_text(json.dumps(status_list(canonicalizer)))
    index = {LIST_URL: {"file": "status.json"}}
    (documents / "index.json").write_text(json.dumps(index))
    return files, documents


def run_import(benchmark: BenchmarkFixture, backpack: tuple[Path, Path], workers: int) -> None:
    files, documents = backpack

    def once() -> dict[str, int]:
        result = import_credentials(
            MemoryStore(),
            [files],
            fetch_plan=FetchPlan(documents=documents, offline=True),
            clock=FixedClock(AT),
            at=AT,
            workers=workers,
        )
        return result.by_status

    assert once() == {"valid": IMPORT_FILES}
    benchmark.pedantic(once, rounds=3, iterations=1)
    benchmark.extra_info["credentials_per_second"] = round(
        IMPORT_FILES / benchmark.stats.stats.median
    )


@pytest.mark.benchmark(group="import")
def test_import_baseline_one_worker(benchmark: BenchmarkFixture, backpack: Any) -> None:
    run_import(benchmark, backpack, 1)


@pytest.mark.benchmark(group="import")
def test_import_two_workers(benchmark: BenchmarkFixture, backpack: Any) -> None:
    run_import(benchmark, backpack, 2)
