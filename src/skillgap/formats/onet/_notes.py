"""Problems in the data that do not stop an import: one warning per kind, with a count."""

from __future__ import annotations

EXAMPLES = 3

Notes = list[str]


class Tally:
    """Counts one kind of problem and keeps a few distinct examples."""

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[str] = []
        self._keys: set[str] = set()

    def add(self, example: str, key: str | None = None) -> None:
        """Counts one case; ``key`` (e.g. an occupation code) keeps the examples distinct."""
        self.count += 1
        key = example if key is None else key
        if len(self.examples) < EXAMPLES and key not in self._keys:
            self.examples.append(example)
            self._keys.add(key)

    def warn(self, notes: Notes, what: str) -> None:
        if self.count:
            notes.append(f"{what} ({self.count:,}); e.g. {'; '.join(self.examples)}")
