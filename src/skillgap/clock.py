"""The clock port: services ask it for "now", so tests can fix the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, time-zone aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """The in-memory twin: always returns ``moment`` (which tests may move)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment
