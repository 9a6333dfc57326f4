"""Query parameters several routes share: view, horizon, dates, pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from skillgap.analysis.inventory import View
from skillgap.errors import ParameterError
from skillgap.services.organisation_scope import Horizon, When

ViewQuery = Annotated[
    str,
    Query(
        description="whose levels count: verified (evidence only) or best-available",
        pattern="^(verified|best-available|best)$",
    ),
]
AsOfQuery = Annotated[
    date | None,
    Query(description="evaluate at this date [default: the workspace's snapshot date, or today]"),
]
Limit = Annotated[int, Query(ge=1, le=500, description="items per page")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]


def view_of(text: str) -> View:
    return View.BEST_AVAILABLE if text == "best" else View(text)


def horizon_of(text: str | None, *words: When) -> Horizon | None:
    """A horizon: one of ``words`` or a date YYYY-MM-DD (None: the route's default)."""
    if text is None:
        return None
    value = text.strip().lower()
    if value in [w.value for w in words]:
        return When(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        names = ", ".join(w.value for w in words)
        raise ParameterError(
            f"horizon {text!r} is neither a date YYYY-MM-DD nor one of: {names}",
            parameter="horizon",
        ) from None
