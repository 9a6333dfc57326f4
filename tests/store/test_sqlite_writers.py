"""Two units of work that each read, then write, on one SQLite workspace at once (two
threads of a server, or the server and the command line). Begun within ``writes()``
they take turns; begun plainly, the one whose snapshot is older than the other's commit
cannot write ("database is locked") and nothing of it is stored."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from skillgap.config import load_settings
from skillgap.domain import Person
from skillgap.errors import WorkspaceError
from skillgap.store.intent import writes
from skillgap.store.schema import open_store
from skillgap.store.sql import SqlStore, use_write_ahead_log
from tests.store.intent import writes_without_intent


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    found = open_store(load_settings({}, workspace=tmp_path / "ws.db"), create=True)
    assert use_write_ahead_log(found)
    yield found
    found.close()


def race(
    store: SqlStore, intent: Callable[[], AbstractContextManager[None]], wait: float
) -> list[Exception]:
    """The first unit reads, then lets the second run (for up to ``wait`` seconds) before
    it writes; the second reads and writes. The errors each raised."""
    first_read, second_done = threading.Event(), threading.Event()
    failed: list[Exception] = []

    def first() -> None:
        try:
            with intent(), store.transaction() as ws:
                ws.people.list()
                first_read.set()
                second_done.wait(timeout=wait)  # with the intent the second waits for this commit
                ws.people.add(Person("E1", "First"))
        except Exception as exc:
            failed.append(exc)
        finally:
            first_read.set()

    def second() -> None:
        first_read.wait()
        try:
            with intent(), store.transaction() as ws:
                ws.people.list()
                ws.people.add(Person("E2", "Second"))
        except Exception as exc:
            failed.append(exc)
        finally:
            second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return failed


def test_units_that_write_take_turns(store: SqlStore) -> None:
    assert race(store, writes, wait=1.0) == []
    with store.transaction() as ws:
        assert [p.employee_id for p in ws.people.list()] == ["E1", "E2"]


def test_without_the_intent_the_older_snapshot_cannot_write(store: SqlStore) -> None:
    failed = race(store, nullcontext, wait=30.0)  # the second commits first
    assert len(failed) == 1 and isinstance(failed[0], WorkspaceError)
    assert "database is locked" in str(failed[0])
    with store.transaction() as ws:  # nothing of the failed unit is stored
        assert [p.employee_id for p in ws.people.list()] == ["E2"]


def test_the_check_finds_a_write_in_a_plain_unit() -> None:
    said = ["BEGIN", "SELECT 1", "DELETE FROM sessions WHERE 1", "COMMIT"]
    assert writes_without_intent(said) == ["DELETE FROM sessions WHERE 1"]
    assert writes_without_intent(["BEGIN", "BEGIN IMMEDIATE", *said[1:]]) == []
    assert writes_without_intent([*said, "BEGIN IMMEDIATE", "INSERT INTO x VALUES (1)"]) == [
        "DELETE FROM sessions WHERE 1"
    ]
