"""`skillgap serve --workers N` on Linux: a listening socket per worker in one reuse-port
group (the kernel spreads connections over them), a worker that dies is replaced, a port
in use or a worker that cannot start stops the server with a clear error."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from skillgap.clock import SystemClock
from skillgap.config import load_settings
from skillgap.domain.users import UserRole
from skillgap.errors import ConfigError
from skillgap.server.balance import NOT_SERVING
from skillgap.server.workers import (
    Workers,
    balanced,
    check_free,
    listening_socket,
    worker_server,
)
from skillgap.services import users
from skillgap.store.schema import open_store

from .test_serve import _free_port, clean_environment, run, serving, stop, wait_for

pytestmark = pytest.mark.skipif(not balanced(), reason="reuse-port balancing is Linux's")
PW = "correct horse battery staple"


def listeners(port: int) -> int:
    """How many sockets listen on ``port`` (IPv4 and IPv6), from /proc/net."""
    found = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            found += state == "0A" and int(local.rsplit(":", 1)[1], 16) == port
    return found


def workers_of(pid: int) -> list[int]:
    """The worker processes the server ``pid`` started."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def until(done: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_sockets_of_a_group_share_the_port_and_a_plain_one_is_refused() -> None:
    port = _free_port()
    one = listening_socket("127.0.0.1", port, reuse_port=True)
    two = listening_socket("127.0.0.1", port, reuse_port=True)
    try:
        assert listeners(port) == 2
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            check_free("127.0.0.1", port)
    finally:
        one.close()
        two.close()
    check_free("127.0.0.1", port)  # free again


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_an_address_that_cannot_be_listened_on_is_a_clear_error(host: str) -> None:
    with pytest.raises(ConfigError, match=f"cannot listen on {host}:"):
        check_free(host, _free_port())


def test_connections_are_spread_over_the_group() -> None:
    port = _free_port()
    group = [listening_socket("127.0.0.1", port, reuse_port=True) for _ in range(2)]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
    try:
        for sock in group:
            sock.setblocking(False)
        accepted: Counter[int] = Counter()
        for n, sock in enumerate(group):
            while True:
                try:
                    sock.accept()[0].close()
                except BlockingIOError:
                    break
                accepted[n] += 1
        assert sum(accepted.values()) == 200
        assert min(accepted.values()) >= 60, accepted  # even in expectation: 100 each
    finally:
        for sock in [*group, *clients]:
            sock.close()


def test_a_worker_that_cannot_start_stops_the_server() -> None:
    port = _free_port()
    options = {"app": "skillgap.no_such_module:app", "factory": True, "log_level": "critical"}
    started = time.monotonic()
    with pytest.raises(ConfigError, match="a worker failed to start"):
        Workers("127.0.0.1", port, 2, options).run()
    assert time.monotonic() - started < 60
    assert listeners(port) == 0


@pytest.mark.postgres
def test_each_worker_listens_and_a_dead_one_is_replaced(postgres_databases: Any) -> None:
    url = postgres_databases.create()
    assert run("--database-url", url, "init").exit_code == 0
    port = _free_port()
    args = ["--database-url", url, "serve", "--port", str(port), "--workers", "2"]
    server = serving(args, clean_environment())
    try:
        assert wait_for(port).status_code == 200
        assert until(lambda: len(workers_of(server.pid)) == 2 and listeners(port) == 2)
        first = workers_of(server.pid)
        os.kill(first[0], signal.SIGKILL)
        replaced = until(
            lambda: (
                first[0] not in (now := workers_of(server.pid))
                and len(now) == 2
                and listeners(port) == 2
            )
        )
        assert replaced, (workers_of(server.pid), listeners(port))
        for _ in range(10):
            answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5)
            assert answer.status_code == 200
    finally:
        stop(server)
    assert listeners(port) == 0 and not workers_of(server.pid)


@pytest.mark.postgres
def test_a_session_ended_through_one_worker_is_refused_by_both(postgres_databases: Any) -> None:
    """Each worker keeps the sessions it has found (``server/cache.py``): once a session
    ends through one of them, neither accepts it again. Each request comes on a
    connection of its own, which the kernel gives to either worker (all 20 to one of two:
    about one chance in half a million)."""
    url = postgres_databases.create()
    assert run("--database-url", url, "init").exit_code == 0
    store = open_store(load_settings({}, database_url=url))
    try:
        users.add_user(store, SystemClock(), "ann@example.org", role=UserRole.ADMIN, password=PW)
    finally:
        store.close()
    port = _free_port()
    args = ["--database-url", url, "serve", "--port", str(port), "--workers", "2"]
    server = serving(args, clean_environment())
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(port).status_code == 200
        assert until(lambda: len(workers_of(server.pid)) == 2 and listeners(port) == 2)
        with httpx.Client(base_url=base, timeout=10) as browser:
            browser.get("/login")
            form = {"email": "ann@example.org", "password": PW}
            form["csrf_token"] = browser.cookies.get("skillgap_login_csrf") or ""
            assert browser.post("/login", data=form).status_code == 303
            cookie = {"Cookie": f"skillgap_session={browser.cookies['skillgap_session']}"}
            csrf = browser.get("/api/v1/me").json()["csrf_token"]

            def answers() -> set[int]:
                return {
                    httpx.get(f"{base}/api/v1/me", headers=cookie).status_code for _ in range(20)
                }

            assert answers() == {200}
            assert answers() == {200}  # kept by both by now
            ended = browser.post("/logout", data={"csrf_token": csrf})
            assert ended.status_code == 303
            assert answers() == {401}
    finally:
        stop(server)


def test_a_worker_listens_only_once_its_app_is_built() -> None:
    """Until its socket listens, the kernel gives a worker's share of new connections to
    the others: a worker must not listen while it builds its app."""
    port = _free_port()
    seen: list[int] = []

    def factory() -> Any:
        seen.append(listeners(port))  # while the app is built

        async def app(scope: Any, receive: Any, send: Any) -> None:
            raise AssertionError("not called")

        return app

    options = {"app": factory, "factory": True, "lifespan": "off", "log_level": "warning"}
    _, _, sock = worker_server("127.0.0.1", port, options, [NOT_SERVING], 0)
    try:
        assert seen == [0] and listeners(port) == 1
    finally:
        sock.close()
