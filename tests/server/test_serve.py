"""`skillgap serve`: the uvicorn factory gets its settings through the environment; several
workers on PostgreSQL and on SQLite (its write-ahead log set first), writing in turn; and a
real server answering real HTTP."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from skillgap.cli import CliEnvironment, cli
from skillgap.cli.server import check_workers
from skillgap.config import load_settings
from skillgap.errors import ConfigError
from skillgap.server import app as server_app
from skillgap.store.memory import MemoryStore
from skillgap.store.schema import open_store
from skillgap.store.sql import use_write_ahead_log


def run(*args: str, environ: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), obj=CliEnvironment(environ=environ or {}))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    assert run("--workspace", str(path), "init").exit_code == 0
    return path


def test_serve_hands_uvicorn_the_factory_and_the_settings(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr(os, "environ", {"KEEP": "1", "SKILLGAP_DATABASE_URL": "sqlite:///x"})
    result = run("--workspace", str(workspace), "serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    [(factory, options)] = calls
    assert factory == "skillgap.server.app:from_environment"
    assert options == {
        "factory": True,
        "host": "127.0.0.1",
        "port": 8123,
        "workers": 1,
        "proxy_headers": True,
        "loop": "asyncio",
    }
    assert os.environ["SKILLGAP_WORKSPACE"] == str(workspace.resolve())
    assert "SKILLGAP_DATABASE_URL" not in os.environ  # the flag wins
    assert os.environ["KEEP"] == "1"


def test_factory_reads_the_environment_when_called(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILLGAP_WORKSPACE", str(workspace))
    monkeypatch.setenv("SKILLGAP_SECURE_COOKIES", "yes")
    monkeypatch.setenv("SKILLGAP_MIN_GROUP_SIZE", "7")
    monkeypatch.delenv("SKILLGAP_DATABASE_URL", raising=False)
    app = server_app.from_environment()
    ctx = app.state.skillgap
    assert ctx.settings.workspace == workspace and ctx.settings.secure_cookies
    assert ctx.options.min_group_size == 7
    ctx.store.close()


def test_several_workers_on_sqlite_need_the_write_ahead_log(workspace: Path) -> None:
    settings = load_settings({}, workspace=workspace)
    with pytest.raises(ConfigError, match="--workers 2 needs the write-ahead log"):
        check_workers(settings, 2, write_ahead=False)
    check_workers(settings, 2, write_ahead=True)
    check_workers(settings, 1, write_ahead=False)
    postgres = load_settings({}, database_url="postgresql+psycopg://u@h/db")
    check_workers(postgres, 4, write_ahead=False)  # PostgreSQL has no such log to set


def test_serve_refuses_a_missing_workspace(tmp_path: Path) -> None:
    result = run("--workspace", str(tmp_path / "none.db"), "serve")
    assert result.exit_code == 1 and "no workspace at" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serving(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "skillgap", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(port: int) -> httpx.Response:
    for _ in range(150):
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=20)
    assert server.stderr is not None
    server.stderr.close()


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SKILLGAP_")}


def test_a_real_server_answers(workspace: Path) -> None:
    port = _free_port()
    server = serving(
        ["--workspace", str(workspace), "serve", "--port", str(port)], clean_environment()
    )
    try:
        answer = wait_for(port)
        assert answer.status_code == 200
        assert answer.json()["info"]["title"] == "skillgap"
        refused = httpx.get(f"http://127.0.0.1:{port}/api/v1/people", timeout=2)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
    finally:
        stop(server)


@pytest.mark.postgres
def test_several_workers_on_postgresql(postgres_databases: Any) -> None:
    url = postgres_databases.create()
    assert run("--database-url", url, "init").exit_code == 0
    made = run("--database-url", url, "token", "create", "--name", "t", "--role", "hr")
    secret = made.stdout.split("cannot be shown again):")[1].split()[0]
    port = _free_port()
    args = ["--database-url", url, "serve", "--port", str(port), "--workers", "2"]
    server = serving(args, clean_environment())
    try:
        assert wait_for(port).status_code == 200
        headers = {"Authorization": f"Bearer {secret}"}
        for _ in range(6):  # answered by either worker, the same workspace
            me = httpx.get(f"http://127.0.0.1:{port}/api/v1/me", headers=headers, timeout=5)
            assert me.status_code == 200 and me.json()["role"] == "hr"
    finally:
        stop(server)


def test_several_workers_on_sqlite_write_in_turn(workspace: Path) -> None:
    """Two workers on one SQLite file, 4 clients at once, each of its 10 requests on a new
    connection (spread over both workers' sockets): 20 API tokens made while the list is
    read. Every write lands, none refused "database is locked"."""
    made = run("--workspace", str(workspace), "token", "create", "--name", "a", "--role", "admin")
    secret = made.stdout.split("cannot be shown again):")[1].split()[0]
    port = _free_port()
    args = ["--workspace", str(workspace), "serve", "--port", str(port), "--workers", "2"]
    server = serving(args, clean_environment())
    headers = {"Authorization": f"Bearer {secret}"}
    base = f"http://127.0.0.1:{port}/api/v1"

    def client(n: int) -> list[int]:
        answers = []
        for k in range(10):
            if (n + k) % 2:
                made = httpx.post(
                    f"{base}/tokens", json={"name": f"t{n}-{k}", "role": "hr"}, headers=headers
                )
            else:
                made = httpx.get(f"{base}/tokens", headers=headers)
            answers.append(made.status_code)
        return answers

    try:
        assert wait_for(port).status_code == 200
        with ThreadPoolExecutor(4) as pool:
            answers = [a for found in pool.map(client, range(4)) for a in found]
        assert sorted(set(answers)) == [200, 201] and answers.count(201) == 20, answers
        listed = httpx.get(f"{base}/tokens", headers=headers).json()
        assert listed["total"] == 21 and len(listed["items"]) == 21
    finally:
        stop(server)
    with sqlite3.connect(workspace) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_served_sqlite_workspace_uses_the_write_ahead_log(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILLGAP_WORKSPACE", str(workspace))
    monkeypatch.delenv("SKILLGAP_DATABASE_URL", raising=False)
    app = server_app.from_environment()
    app.state.skillgap.store.close()
    with sqlite3.connect(workspace) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    settings = load_settings({}, workspace=workspace)
    reader, writer = open_store(settings), open_store(settings)
    try:
        with reader.transaction() as ws:  # a long read (a model being built) is open...
            assert ws.people.list() == []
            with writer.transaction() as other:  # ...and a write still commits at once
                other.meta.set("organisation", "Tidewell")
        with reader.transaction() as ws:
            assert ws.meta.get("organisation") == "Tidewell"
    finally:
        reader.close()
        writer.close()
    assert not use_write_ahead_log(MemoryStore())
