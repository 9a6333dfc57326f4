"""Verifying many input files at once: in worker processes when there are many (each
builds its own verifier from the picklable ``FetchPlan``), in input order. Verification
never raises for a bad badge; an input that cannot be read, or a verifier bug, becomes the
reason it was not verified, so one bad file cannot stop the others."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from itertools import islice
from pathlib import Path

from skillgap.clock import Clock
from skillgap.fetch import Fetcher
from skillgap.formats.badges.sources import Input, iter_inputs
from skillgap.services.verification import FetchPlan
from skillgap.trust.result import Verified
from skillgap.trust.verifier import Verifier

BATCH = 16  # inputs sent to a worker at once


def verify_inputs(
    paths: Sequence[Path],
    plan: FetchPlan,
    clock: Clock,
    at: datetime,
    workers: int,
    fetcher: Fetcher,
) -> Iterator[tuple[Input, Verified | str]]:
    """Each input with its verification (or why it could not be read), in input order: in
    ``workers`` processes, or here with ``fetcher`` when ``workers`` is below 2."""
    inputs = iter_inputs(paths)
    if workers < 2:
        verifier = Verifier(fetcher, at)
        for item in inputs:
            yield item, _verify_one(verifier, item)
        return
    context = _worker_context()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(plan, clock, at)
    ) as pool:
        pending: deque[tuple[list[Input], Future[list[Verified | str]]]] = deque()
        while batch := list(islice(inputs, BATCH)):
            pending.append((batch, pool.submit(_verify_batch, batch)))
            while len(pending) >= 2 * workers:
                done, future = pending.popleft()  # bounded: read inputs as workers keep up
                yield from zip(done, future.result(), strict=True)
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)


_worker: Verifier | None = None


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers come from a fork server that has already imported the verifier (no inherited
    database connections or threads, and no second import per worker); where there is no
    fork server (Windows, macOS defaults), a fresh interpreter each."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["skillgap.trust.verifier", __name__])
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(plan: FetchPlan, clock: Clock, at: datetime) -> None:
    global _worker
    _worker = Verifier(plan.fetcher(clock), at)


def _verify_batch(batch: list[Input]) -> list[Verified | str]:
    assert _worker is not None, "the worker was not started"
    return [_verify_one(_worker, item) for item in batch]


def _verify_one(verifier: Verifier, item: Input) -> Verified | str:
    if item.data is None:
        return item.error or "cannot be read"
    try:
        return verifier.verify_bytes(item.name, item.data)
    except Exception as exc:  # a verifier bug must not lose the other inputs
        return f"verification failed unexpectedly ({type(exc).__name__}: {exc})"
