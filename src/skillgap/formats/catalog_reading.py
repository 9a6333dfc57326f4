"""What reading a catalog gives, whatever its source (``formats.catalog``: tables and YAML;
``formats.badges.catalog``: Open Badges definitions): each item with its place in the input
(``Reading``), then the catalog as a whole checked (``finish_reading``: ids once each,
prerequisites known and never looping) into a ``CatalogRead``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any

from skillgap.analysis.assessment import infer_assessment
from skillgap.domain import IssuerTier
from skillgap.domain.catalog import CatalogItem, ItemKind
from skillgap.domain.catalog import check_prerequisites as check_catalog
from skillgap.errors import ValidationError
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import Where


@dataclass(frozen=True)
class CatalogRead:
    """The items of a catalog, in input order, and warnings about what was assumed."""

    items: tuple[CatalogItem, ...]
    warnings: tuple[str, ...] = ()


# --- one item, from its fields


@dataclass(frozen=True)
class Placed:
    item: CatalogItem
    where: Where  # the place of the item's id
    prerequisites: Where  # the place of its prerequisites


def _item(v: Mapping[str, Any], where: Where) -> CatalogItem:
    """The item of a row or YAML mapping whose every field was read (``None``: empty)."""
    description = v["description"] or ""
    assessment = v["assessment"] or infer_assessment({"description": description})[0]
    try:
        return CatalogItem(
            id=v["id"],
            name=v["name"],
            provider=v["provider"],
            kind=v["kind"] or ItemKind.COURSE,
            internal=bool(v["internal"]),
            outcomes=v["competencies"] or (),
            hours=v["hours"] or 0.0,
            cost=v["cost"] or 0.0,
            issuer_tier=v["issuer_tier"] or IssuerTier.UNKNOWN,
            assessment=assessment,
            prerequisites=v["prerequisites"] or (),
            valid_for_days=v["valid_for_days"],
            achievement_id=v["achievement_id"],
            url=v["url"],
            description=description,
        )
    except ValidationError as exc:
        raise where.error(str(exc)) from None


@dataclass
class Reading:
    """What reading a file gave: items with their places, the ids of items that had an error
    (a prerequisite naming one is not reported again), warnings and errors."""

    placed: list[Placed] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    errors: ErrorList = field(default_factory=ErrorList)

    def add(self, values: Mapping[str, Any], where: Where, pre: Where, place: str) -> None:
        item = self.errors.attempt(lambda: _item(values, where))
        if item is None:
            self.failed.add(str(values["id"]))
            return
        self.placed.append(Placed(item, where, pre))
        absent = [name for name in ("cost", "hours") if values[name] is None]
        if absent:
            self.warnings.append(
                f"{place}: item {item.id!r} gives no {' or '.join(absent)}: counted as 0"
            )


# --- the catalog as a whole


def finish_reading(reading: Reading) -> CatalogRead:
    """Ids once each, prerequisites known and never looping; raises every error found."""
    errors = reading.errors
    first: dict[str, Placed] = {}
    for p in reading.placed:
        if p.item.id in first:
            seen = first[p.item.id].where
            at = seen.file if seen.file != p.where.file else seen.place
            errors.add(p.where.error(f"item id {p.item.id!r} appears twice (first at {at})"))
        else:
            first[p.item.id] = p
    for p in first.values():
        for pre in p.item.prerequisites:
            if pre not in first and pre not in reading.failed:
                errors.add(
                    p.prerequisites.error(
                        f"catalog item {p.item.id!r} needs {pre!r}, which is not in the catalog"
                    )
                )
    errors.raise_if_any()
    items = [p.item for p in first.values()]
    try:
        check_catalog(items)
    except ValidationError as exc:
        try:
            TopologicalSorter({i.id: i.prerequisites for i in items}).prepare()
        except CycleError as loop:  # the item the message names first
            raise first[loop.args[1][-1]].prerequisites.error(str(exc)) from None
        raise first[items[0].id].where.error(str(exc)) from None  # not expected
    return CatalogRead(tuple(items), tuple(reading.warnings))
