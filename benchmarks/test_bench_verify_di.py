"""Benchmarks: checking the eddsa-rdfc-2022 proof of an Open Badges 3.0 credential (2.5 KB,
VC 2.0 and OB 3.0 contexts), caches warm: the goal is 1,000 verifications a second on a core.

The ``baseline`` of group ``verify-di`` does the same work with pyld's URDNA2015 (pinned
contexts through a document loader, pyld's context cache warm) and the same hashing and
Ed25519 check, in the same process. At the end the module prints credentials per second of
both and their ratio (``benchmarks/ratios.py`` prints the ratio too).

Run: pytest benchmarks/bench_verify_di.py --benchmark-only -o testpaths=benchmarks
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from tests.trust.test_jsonld import ob3_credential, pyld_nquads

from skillgap.trust import multibase
from skillgap.trust.dataintegrity import ProofResult, sign, verify_proofs
from skillgap.trust.jsonld import Canonicalizer

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ENCODED = multibase.encode_key(KEY.public_key().public_bytes_raw(), multibase.ED25519_PUB)
METHOD = f"did:key:{ENCODED}#{ENCODED}"
MEDIANS: dict[str, float] = {}


def resolve(method: str) -> Ed25519PublicKey:
    assert method == METHOD
    return KEY.public_key()


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    canonicalizer = Canonicalizer()
    return sign(
        ob3_credential(), KEY, METHOD, created="2024-03-01T12:00:00Z", canonicalizer=canonicalizer
    )


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print credentials per second of both paths, and the ratio, once both have run."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not {"skillgap", "pyld"} <= MEDIANS.keys():
        return
    ours, theirs = MEDIANS["skillgap"], MEDIANS["pyld"]
    with capture.global_and_fixture_disabled():  # print past pytest's output capture
        reporter.write_line("")
        for name, median in (("skillgap", ours), ("pyld", theirs)):
            rate = f"{1 / median:8,.0f} credentials/s (median {median * 1e3:.3f} ms)"
            reporter.write_line(f"verify-di {name:<9} {rate}")
        reporter.write_line(
            f"verify-di: skillgap is {theirs / ours:.1f}x faster than the pyld path"
        )


def _record(benchmark: Any, name: str) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats is not None:  # None when benchmarks are disabled (a plain test run)
        median = stats.stats.median
        MEDIANS[name] = median
        benchmark.extra_info["credentials_per_second"] = round(1 / median)


def _verify_with_pyld(document: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """The same checks as skillgap's path, with pyld canonicalising."""
    proof = document["proof"]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured["@context"]
    data = hashlib.sha256(pyld_nquads(config).encode()).digest()
    data += hashlib.sha256(pyld_nquads(unsecured).encode()).digest()
    key.verify(multibase.decode(proof["proofValue"]), data)  # raises if it does not match
    return True


@pytest.mark.benchmark(group="verify-di")
def test_verify_di(benchmark: Any, signed: dict[str, Any]) -> None:
    canonicalizer = Canonicalizer()
    verify_proofs(signed, resolve, canonicalizer=canonicalizer)  # warm the caches
    results: list[ProofResult] = benchmark(
        verify_proofs, signed, resolve, canonicalizer=canonicalizer
    )
    assert [r.outcome for r in results] == ["valid"]
    _record(benchmark, "skillgap")


@pytest.mark.benchmark(group="verify-di")
def test_verify_di_pyld_baseline(benchmark: Any, signed: dict[str, Any]) -> None:
    _verify_with_pyld(signed, KEY.public_key())  # warm pyld's context cache
    assert benchmark.pedantic(
        _verify_with_pyld, args=(signed, KEY.public_key()), rounds=40, iterations=1
    )
    _record(benchmark, "pyld")
