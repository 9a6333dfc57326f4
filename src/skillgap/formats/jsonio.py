"""JSON input, read as untrusted: one object per file, located errors, and small text helpers
shared by the JSON adapters (NICE, CASE)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from skillgap.errors import InputError
from skillgap.formats.tabular import Where, read_text

NAME_LIMIT = 80  # characters of a statement used as a name


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file whose top is an object; through ``read_text`` (regular files only, size
    limit, UTF-8). Refuses NaN/Infinity and a key that appears twice in one object, which
    JSON parsers otherwise read differently (or silently keep the last of), and numbers too
    large for a float."""
    file = path.name
    text = read_text(path)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise InputError(
                    f"invalid JSON: key {key!r} appears twice in one object", file=file
                )
            result[key] = value
        return result

    def constant(name: str) -> object:
        raise InputError(f"invalid JSON: {name} is not a number JSON allows", file=file)

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):  # 1e999: too large for a float
            constant(literal)
        return value

    try:
        data = json.loads(
            text, object_pairs_hook=pairs, parse_constant=constant, parse_float=number
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", file=file, row=exc.lineno
        ) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", file=file) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object at the top", file=file)
    return data


def json_object(value: object, where: Where) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error("expected a JSON object")
    return value


def short_label(text: str, limit: int = NAME_LIMIT) -> str:
    """``text`` on one line if it fits in ``limit`` characters, else its first words and
    "…" (at most ``limit`` characters in all)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if flat[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def examples(items: list[str], shown: int = 3) -> str:
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {more} more" if more > 0 else "")


# --- NICE
