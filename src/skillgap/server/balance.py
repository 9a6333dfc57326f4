"""Keep-alive connections evened out over the workers of ``skillgap serve --workers N``.

The kernel spreads new connections over the workers' reuse-port group by their addresses,
as a coin would: fifty keep-alive connections opened at once land 22 to 28 on each of two
workers, and stay there. Saturated, a worker answers each of its clients in turn, so the
clients of the worker holding 28 wait a quarter longer than those of the other, for as
long as they stay connected.

So each worker writes how many connections it holds into a table shared with the others
(one integer per worker, in shared memory, written on each request). A worker holding more
than its fair share (all the connections over the number of workers, rounded up) answers
one request with ``Connection: close``, at most once every ``SHED_INTERVAL`` seconds: its
client opens a new connection, which the kernel gives to any worker. The shares even out
within a second; a client pays for one new connection, a fraction of a millisecond on
loopback or a LAN. The table is only a hint: a stale or lost count makes a worker shed a
connection too many or too few, never refuse a request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Seconds between two connections a worker closes (the client's reconnection must land
#: and be counted before the next decision).
SHED_INTERVAL = 0.05


class Table(Protocol):
    """The shared table: one connection count per worker (a ``multiprocessing`` raw array)."""

    def __getitem__(self, index: int, /) -> Any: ...
    def __setitem__(self, index: int, value: int, /) -> None: ...
    def __len__(self) -> int: ...


NOT_SERVING = -1  # a worker's row until it serves: left out of the shares


def over_share(held: list[int], mine: int) -> bool:
    """Whether worker ``mine`` holds more connections than its fair share of ``held``
    (the workers serving: a worker still starting takes no share)."""
    serving = [n for n in held if n != NOT_SERVING]
    if held[mine] == NOT_SERVING:
        return False
    return held[mine] > -(-sum(serving) // len(serving))


class Balancer:
    """ASGI middleware of one worker (``index`` in ``table``): publishes its connection
    count (``held()``) and closes a connection after its answer when over its share."""

    def __init__(
        self,
        app: ASGIApp,
        table: Table,
        index: int,
        held: Callable[[], int],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app, self.table, self.index, self.held, self.clock = app, table, index, held, clock
        self.shed = 0  # connections closed so far
        self._last = float("-inf")

    def publish(self) -> None:
        """Write this worker's count (on each request, and every ``SHED_INTERVAL`` from a
        thread of the worker: an idle worker's count must not stay as it was)."""
        self.table[self.index] = self.held()

    def should_close(self) -> bool:
        self.publish()
        now = self.clock()
        if now - self._last < SHED_INTERVAL:
            return False
        if not over_share([int(self.table[n]) for n in range(len(self.table))], self.index):
            return False
        self._last = now
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _kept_alive(scope) or not self.should_close():
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"connection"]
                message = {**message, "headers": [*kept, (b"connection", b"close")]}
                self.shed += 1
            await send(message)

        await self.app(scope, receive, closing)


def _kept_alive(scope: Scope) -> bool:
    """Whether the connection would stay open after this answer (HTTP/1.1, and the client
    did not ask to close): only then is closing it a choice."""
    if scope.get("http_version") != "1.1":
        return False
    return not any(
        k == b"connection" and b"close" in v.lower() for k, v in scope.get("headers", ())
    )
