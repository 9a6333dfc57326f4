"""The workers of `serve --workers N` even out the keep-alive connections they hold
(`server/balance.py`): the decision, and two real uvicorn servers in one reuse-port group
whose clients all landed on the first."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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
        ([NOT_SERVING, NOT_SERVING], 0, False),  # not serving itself: no share to judge
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


async def _keep_alive(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [(b"x-a", b"1"), (b"Connection", b"keep-alive")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def _answer(
    balancer: Balancer, version: str = "1.1", asked: list[tuple[bytes, bytes]] | None = None
) -> list[tuple[bytes, bytes]]:
    import asyncio

    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "http_version": version}
    scope["headers"] = asked or []
    # a loop of its own, in a thread: another test's (Playwright's) may run in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(balancer(scope, receive, send))).result()  # type: ignore[arg-type]
    start = sent[0]
    assert start["status"] == 200 and sent[1]["body"] == b"ok"
    return list(start["headers"])  # type: ignore[call-overload]


def test_the_closed_connections_answer_says_so_and_keeps_the_apps_headers() -> None:
    over = Balancer(_ok, [40, 10], 0, lambda: 40)
    assert _answer(over) == [(b"x-a", b"1"), (b"connection", b"close")]
    assert over.shed == 1
    fair = Balancer(_ok, [25, 25], 0, lambda: 25)
    assert _answer(fair) == [(b"x-a", b"1")] and fair.shed == 0
    replaced = Balancer(_keep_alive, [40, 10], 0, lambda: 40)
    assert _answer(replaced) == [(b"x-a", b"1"), (b"connection", b"close")]


@pytest.mark.parametrize(("version", "asked"), [("1.0", []), ("1.1", [(b"connection", b"Close")])])
def test_a_connection_closing_anyway_is_not_counted_as_one_closed(
    version: str, asked: list[tuple[bytes, bytes]]
) -> None:
    over = Balancer(_ok, [40, 10], 0, lambda: 40)
    assert _answer(over, version, asked) == [(b"x-a", b"1")]
    assert over.shed == 0
    assert _answer(over) == [(b"x-a", b"1"), (b"connection", b"close")]  # its turn kept


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


def test_a_worker_keeps_its_count_current_while_no_request_comes() -> None:
    from types import SimpleNamespace

    from skillgap.server.workers import _tell_ready

    table, held = [NOT_SERVING, 7], [3]
    balancer = Balancer(_ok, table, 0, lambda: held[0])
    server = SimpleNamespace(started=True, should_exit=False)
    ready = threading.Event()
    thread = threading.Thread(target=_tell_ready, args=(server, balancer, ready), daemon=True)
    thread.start()
    try:
        assert ready.wait(5) and table[0] == 3  # serving: it takes its share
        held[0] = 0  # its clients left, and no request comes to publish it
        deadline = time.monotonic() + 5
        while table[0] != 0 and time.monotonic() < deadline:
            time.sleep(SHED_INTERVAL)
        assert table[0] == 0
    finally:
        server.should_exit = True
        thread.join(5)
    assert not thread.is_alive()
