"""What the browser tests and the screenshot script share: a demo workspace on disk (the
demo organisation without the employee's own credentials, a user per role), a real server
in a subprocess on a free port, and logging in through the form.

Two servers can be started: ``skillgap serve`` itself, and ``tests.browser.demo_server``,
the same app under the same uvicorn whose verifier gets the demo issuers' profiles from
memory (their https ids resolve nowhere), so that a demo badge verifies and counts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.demo.credentials import demo_credentials
from skillgap.formats.bundle import read_bundle
from skillgap.services import users as users_service
from skillgap.services.bundles import demo_folder
from skillgap.store.schema import open_store
from tests.server.conftest import EMAIL, EMPLOYEE, NOW, PASSWORD, populate

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
LAPTOP: Any = {"width": 1366, "height": 900}  # a playwright ViewportSize
PHONE: Any = {"width": 390, "height": 844}
BADGE = "A0192"  # the employee's "Communicator in Practice": closes their communication gap

__all__ = ["CHROMIUM", "EMAIL", "EMPLOYEE", "LAPTOP", "PASSWORD", "PHONE", "Server"]


def build_workspace(path: Path) -> None:
    """The demo organisation at ``path`` (SQLite), without the employee's credentials."""
    bundle = read_bundle(demo_folder())
    bundle = replace(bundle, awards=tuple(a for a in bundle.awards if a.person_id != EMPLOYEE))
    store = open_store(load_settings({}, workspace=path), create=True)
    try:
        populate(store, bundle, users_service.hash_password(PASSWORD), FixedClock(NOW))
    finally:
        store.close()


def write_badge(folder: Path, award_id: str = BADGE) -> Path:
    """A real signed demo credential of the employee, as a file to upload."""
    made = demo_credentials(read_bundle(demo_folder()))
    found = next(c for c in made.credentials if c.award_id == award_id)
    path = folder / found.file_name
    path.write_text(found.text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    base: str
    process: subprocess.Popen[bytes]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLGAP_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@contextmanager
def serving(workspace: Path, *, demo_fetcher: bool = False) -> Iterator[Server]:
    """``skillgap serve`` on ``workspace`` (``demo_fetcher``: the demo server) until the
    block ends."""
    port = free_port()
    if demo_fetcher:
        args = ["-m", "tests.browser.demo_server", str(workspace), str(port)]
    else:
        args = ["-m", "skillgap", "--workspace", str(workspace), "serve", "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, *args],
        env=_environment(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        yield Server(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the server stopped: {error[-2000:]}")
        try:
            httpx.get(f"{base}/api/v1/openapi.json", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not answer")
