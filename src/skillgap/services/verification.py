"""Use case: verify credential files (``skillgap verify``), without touching a workspace."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from skillgap.clock import Clock
from skillgap.config import NetworkSettings
from skillgap.domain.verification import VerificationStatus
from skillgap.fetch import Fetcher
from skillgap.fetch.chain import ChainFetcher, build_fetcher
from skillgap.fetch.documents import DirectoryFetcher
from skillgap.fetch.http import HttpPolicy
from skillgap.formats.badges.sources import iter_inputs
from skillgap.trust.checks import CheckLog
from skillgap.trust.result import Verified
from skillgap.trust.verifier import Verifier


@dataclass(frozen=True)
class FetchPlan:
    """Where verification may get documents from: a folder, the network, or both."""

    documents: Path | None = None
    offline: bool = False
    network: NetworkSettings = field(default_factory=NetworkSettings)

    def policy(self) -> HttpPolicy:
        net = self.network
        return HttpPolicy(
            allow_http=net.allow_http,
            allow_private=net.allow_private,
            timeout=net.timeout,
            max_bytes=net.max_bytes,
        )

    def fetcher(self, clock: Clock, network: Fetcher | None = None) -> Fetcher:
        """The fetcher; ``network`` replaces the HTTP fetcher (tests pass the in-memory twin)."""
        offline = self.offline or not self.network.online
        if network is None or offline:
            return build_fetcher(
                documents=self.documents, offline=offline, policy=self.policy(), clock=clock
            )
        if self.documents is None:
            return network
        return ChainFetcher(DirectoryFetcher(self.documents), network)


def verify_paths(paths: Sequence[Path], *, fetcher: Fetcher, at: datetime) -> Iterator[Verified]:
    """Verify every credential in ``paths`` (files, folders, zip backpacks), one by one."""
    verifier = Verifier(fetcher, at)
    for item in iter_inputs(paths):
        if item.data is None:
            log = CheckLog()
            log.failed("read", item.error or "cannot be read", VerificationStatus.MALFORMED)
            yield Verified(item.name, "unknown", log.report("unknown", at))
            continue
        try:
            yield verifier.verify_bytes(item.name, item.data)
        except Exception as exc:  # a verifier bug must not stop the other inputs
            log = CheckLog()
            log.failed(
                "verify",
                f"verification failed unexpectedly ({type(exc).__name__}: {exc}); "
                "please report this",
                VerificationStatus.UNVERIFIABLE,
            )
            yield Verified(item.name, "unknown", log.report("unknown", at))


def tally(results: Sequence[Verified]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        counts[str(result.status)] = counts.get(str(result.status), 0) + 1
    return counts
