"""Checks of write intent on SQLite, over the statements a test recorded: a unit that
writes must have begun ``BEGIN IMMEDIATE`` (``store/intent.py``), or its write fails when
another connection committed after its first read."""

from __future__ import annotations

WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(WRITING)


def writes_without_intent(said: list[str]) -> list[str]:
    """The writing statements (first line) of units not begun ``BEGIN IMMEDIATE``."""
    found, intent = [], False
    for sql in said:
        if sql in ("BEGIN", "BEGIN IMMEDIATE"):
            intent = sql == "BEGIN IMMEDIATE"
        elif is_write(sql) and not intent:
            found.append(sql.split("\n", 1)[0])
    return found
