"""Several server processes, each with a listening socket of its own.

uvicorn's own ``--workers`` binds one socket and lets every worker accept from it: whoever
wakes first takes the connection. Keep-alive clients that connect at once (a load test,
a proxy's connection pool) then often land mostly on one worker while the other idles
(measured: 49 of 50 connections on one of two workers, in one start out of three). Here
each worker binds the same address with ``SO_REUSEPORT``, and Linux spreads new
connections over the sockets of the group by their addresses; the workers then even out
the keep-alive connections each holds (``server/balance.py``). Elsewhere (no such
balancing) ``skillgap serve`` keeps uvicorn's way.

The parent starts the workers (a fresh interpreter each: they build the app from the
environment, as uvicorn's workers do), replaces one that dies, stops all on SIGINT or
SIGTERM, and stops all when a worker ends before it served (a broken setting would fail
the same way each time)."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from multiprocessing.process import BaseProcess
from typing import Any

from skillgap.errors import ConfigError
from skillgap.server.balance import NOT_SERVING, SHED_INTERVAL, Balancer, Table

log = logging.getLogger(__name__)
BACKLOG = 2048  # uvicorn's default


def balanced() -> bool:
    """Whether this system spreads connections over the sockets of a reuse-port group."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` and listening (IPv4 or IPv6, as ``host``)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except OSError as exc:  # an unknown host name
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError as exc:  # in use, or an address not of this machine
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(BACKLOG)
    return sock


def check_free(host: str, port: int) -> None:
    """``ConfigError`` if something listens on ``host``:``port`` already (a reuse-port
    group would otherwise quietly share the port with another server of the same user)."""
    listening_socket(host, port, reuse_port=False).close()


def serve_one(
    host: str, port: int, options: dict[str, Any], ready: Any, table: Table, index: int
) -> None:
    """One worker: its own socket in the group, and uvicorn on it (``options``: uvicorn's),
    its app behind the ``Balancer`` of row ``index`` of ``table``; sets ``ready`` (a
    multiprocessing event) once it serves."""
    server, balancer, sock = worker_server(host, port, options, table, index)
    threading.Thread(target=_tell_ready, args=(server, balancer, ready), daemon=True).start()
    server.run(sockets=[sock])


def worker_server(
    host: str, port: int, options: dict[str, Any], table: Table, index: int
) -> tuple[Any, Balancer, socket.socket]:
    """A worker's server, its balancer and its socket in the group: the app is built
    first, then the socket listens. The kernel gives a new connection to any socket of the
    group that listens, so one listening while its app is built (a few seconds for a
    worker that replaces one that died) would hold the connections it was given until
    then; not listening yet, it is given none."""
    import uvicorn

    server, balancer = balanced_server(uvicorn.Config(**options), table, index)
    return server, balancer, listening_socket(host, port, reuse_port=True)


def balanced_server(config: Any, table: Table, index: int) -> tuple[Any, Balancer]:
    """A ``uvicorn.Server`` for ``config`` whose app is wrapped by the ``Balancer`` of row
    ``index`` of ``table``."""
    import uvicorn

    server = uvicorn.Server(config)
    config.load()  # the app, built here so that the balancer can wrap it
    held = server.server_state.connections
    balancer = Balancer(config.loaded_app, table, index, held.__len__)
    config.loaded_app = balancer
    return server, balancer


def _tell_ready(server: Any, balancer: Balancer, ready: Any) -> None:
    """Sets ``ready`` once the worker serves; then keeps its count in the table current
    (from now on it takes its share, idle or not)."""
    while not server.started:
        time.sleep(0.05)
    balancer.publish()
    ready.set()
    while not server.should_exit:
        time.sleep(SHED_INTERVAL)
        balancer.publish()


class Workers:
    """``count`` worker processes running ``serve_one`` (see the module)."""

    def __init__(self, host: str, port: int, count: int, options: dict[str, Any]) -> None:
        self.host, self.port, self.count, self.options = host, port, count, options
        self.stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")
        self.table: Table = self._context.RawArray("i", [NOT_SERVING] * count)

    def _start(self, index: int) -> tuple[BaseProcess, Any]:
        ready = self._context.Event()
        self.table[index] = NOT_SERVING
        process = self._context.Process(
            target=serve_one,
            args=(self.host, self.port, self.options, ready, self.table, index),
            name="skillgap-worker",
        )
        process.start()
        return process, ready

    def run(self) -> None:
        """Start the workers and keep them running until SIGINT or SIGTERM, then stop
        them; ``ConfigError`` when one fails to start."""
        check_free(self.host, self.port)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stopping.set())
        running = [self._start(n) for n in range(self.count)]
        failed = None
        try:
            while failed is None and not self.stopping.wait(0.5):
                for n, (process, ready) in enumerate(running):
                    if process.is_alive():
                        continue
                    if not ready.is_set():  # it never served: a restart would fail the same
                        failed = f"a worker failed to start (exit code {process.exitcode})"
                        break
                    log.warning("worker %s ended (exit code %s): replacing it",
                                process.pid, process.exitcode)  # fmt: skip
                    running[n] = self._start(n)
        finally:
            for process, _ in running:
                if process.is_alive():
                    process.terminate()  # uvicorn answers the requests in flight first
            for process, _ in running:
                process.join()
        if failed is not None:
            raise ConfigError(f"{failed}: see its messages above")
