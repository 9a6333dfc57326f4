"""The workers of `serve --workers N` even out the keep-alive connections they hold
(`server/balance.py`): the decision, and two real uvicorn servers in one reuse-port group
whose clients all landed on the first."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from skillgap.server.balance import NOT_SERVING, SHED_INTERVAL, Balancer, over_share
from skillgap.server.workers import balanced, balanced_server, listening_socket

from .test_serve import _free_port


@pytest.mark.parametrize(
    ("held", "mine", "over"),
    [
        ([28, 22], 0, True),
        ([28, 22], 1, False),
        ([26, 24], 0, True),
        ([25, 25], 0, False),
        ([26, 25], 0, False),  # 51 over two: 26 is the fair share, rounded up
        ([0, 0], 0, False),
        ([3, 0, 0], 0, True),
        ([1, 1, 0], 0, False),
        ([12, NOT_SERVING], 0, False),  # the other still starting: no share for it
        ([12, NOT_SERVING, 0], 0, True),
    ],
)
def test_a_worker_is_over_its_share_only_above_the_total_over_the_workers_rounded_up(
    held: list[int], mine: int, over: bool
) -> None:
    assert over_share(held, mine) is over


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-a", b"1")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_worker_over_its_share_closes_one_connection_per_interval_and_publishes_its_count() -> (
    None
):
    now = [0.0]
    table = [0, 10]
    held = [30]
    balancer = Balancer(_ok, table, 0, lambda: held[0], clock=lambda: now[0])
    assert balancer.should_close() and table == [30, 10]
    now[0] += SHED_INTERVAL / 2
    held[0] = 29
    assert not balancer.should_close()  # too soon: the last client must land first
    assert table == [29, 10]  # published all the same
    now[0] += 1
    held[0] = 20
    assert balancer.should_close()  # 20 of 30: the fair share is 15
    now[0] += 1
    held[0] = 10
    assert not balancer.should_close() and table == [10, 10]
    assert balancer.shed == 2


async def _answer(balancer: Balancer) -> list[tuple[bytes, bytes]]:
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await balancer({"type": "http", "method": "GET", "path": "/"}, receive, send)  # type: ignore[arg-type]
    start = sent[0]
    assert start["status"] == 200 and sent[1]["body"] == b"ok"
    return list(start["headers"])  # type: ignore[call-overload]


def test_the_closed_connections_answer_says_so_and_keeps_the_apps_headers() -> None:
    import asyncio

    over = Balancer(_ok, [40, 10], 0, lambda: 40)
    assert asyncio.run(_answer(over)) == [(b"x-a", b"1"), (b"connection", b"close")]
    fair = Balancer(_ok, [25, 25], 0, lambda: 25)
    assert asyncio.run(_answer(fair)) == [(b"x-a", b"1")]


@contextmanager
def _worker(port: int, table: list[int], index: int) -> Iterator[uvicorn.Server]:
    """A uvicorn server in a thread, on its own socket of the group on ``port``."""
    sock = listening_socket("127.0.0.1", port, reuse_port=True)
    config = uvicorn.Config(_ok, log_level="critical", lifespan="off")
    server, balancer = balanced_server(config, table, index)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    balancer.publish()
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.mark.skipif(not balanced(), reason="reuse-port groups are Linux's")
def test_connections_that_all_landed_on_one_worker_are_evened_out() -> None:
    port = _free_port()
    table = [NOT_SERVING, NOT_SERVING]
    with _worker(port, table, 0) as first:
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(12)]
        for client in clients:  # all on the first: the only socket of the group yet
            client.request("GET", "/")
            assert client.getresponse().read() == b"ok"
        assert len(first.server_state.connections) == 12
        with _worker(port, table, 1) as second:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                for client in clients:  # a closed one reconnects by itself
                    client.request("GET", "/")
                    assert client.getresponse().read() == b"ok"
                held = (len(first.server_state.connections), len(second.server_state.connections))
                if held == (6, 6):
                    break
                time.sleep(0.005)
            assert held == (6, 6)
            assert isinstance(first.config.loaded_app, Balancer)
            assert first.config.loaded_app.shed >= 6
        for client in clients:
            client.close()
