"""Filters on a model's people (department, team, HR attributes): one boolean per person of
the model, each attribute coded once per model. numpy, as in the other ``engine*`` modules.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection, Mapping

import numpy as np

from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_build import I64
from skillgap.analysis.engine_rows import Mask
from skillgap.domain import Person

# -- a per-model memo: a model's people never change ---------------------------------------

_COLUMNS: weakref.WeakKeyDictionary[OrgModel, dict[str, tuple[dict[str, int], I64]]] = (
    weakref.WeakKeyDictionary()
)

Wanted = str | Collection[str] | None


def people_mask(
    model: OrgModel,
    *,
    department: Wanted = None,
    team: Wanted = None,
    attributes: Mapping[str, str | Collection[str]] | None = None,
) -> Mask:
    """The people of ``model`` matching every filter given: each names one value, or a
    collection of values any of which matches (``{"location": "Berlin"}``, or
    ``department=["Data", "Ops"]``); a person without the value never matches."""
    mask = np.ones(len(model.people), dtype=bool)
    filters: list[tuple[str, Callable[[Person], str | None], str | Collection[str]]] = []
    if department is not None:
        filters.append(("department", lambda p: p.department, department))
    if team is not None:
        filters.append(("team", lambda p: p.team, team))
    for name, wanted in (attributes or {}).items():
        filters.append((f"attribute:{name}", _attribute(name), wanted))
    for column, key, wanted in filters:
        codes, values = _column(model, column, key)
        chosen = [codes[v] for v in ([wanted] if isinstance(wanted, str) else wanted) if v in codes]
        mask &= np.isin(values, np.array(chosen, dtype=np.int64))
    return mask


def _attribute(name: str) -> Callable[[Person], str | None]:
    return lambda p: p.attributes.get(name)


def _column(
    model: OrgModel, column: str, key: Callable[[Person], str | None]
) -> tuple[dict[str, int], I64]:
    """A person attribute as codes (-1: no value), made once per model and attribute."""
    columns = _COLUMNS.setdefault(model, {})
    if column not in columns:
        codes: dict[str, int] = {}
        values = np.fromiter(
            (
                -1 if (v := key(p)) is None else codes.setdefault(v, len(codes))
                for p in model.people
            ),
            dtype=np.int64,
            count=len(model.people),
        )
        columns[column] = (codes, values)
    return columns[column]


__all__ = ["people_mask"]
