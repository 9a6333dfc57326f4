"""Helpers that edit a copied bundle in place."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def append_row(path: Path, row: str) -> int:
    """Append a CSV row; returns its row number as a spreadsheet shows it.

    Counts physical lines, so only right while no cell holds a line break.
    """
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.rstrip("\n").splitlines())


def rewrite_yaml(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Load a YAML file, let ``change`` edit the data in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def rewrite_csv(path: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Let ``change`` edit the rows of a CSV file in place; the first row's keys are the header."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
