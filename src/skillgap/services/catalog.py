"""The learning catalog: import (tables, YAML, Open Badges achievement definitions), list,
export. Every item is judged by the quality rubric as the credential it ends in would be
(``analysis.catalog``), so listings show which items count as proof of a level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from skillgap.analysis.catalog import JudgedItem, judge_items
from skillgap.analysis.context import SkillContext
from skillgap.domain import CompetencyRef
from skillgap.domain.catalog import CatalogItem, check_prerequisites
from skillgap.errors import ValidationError
from skillgap.formats.badges.catalog import read_badge_catalog
from skillgap.formats.catalog import catalog_yaml, read_catalog_file
from skillgap.formats.catalog_lookup import CompetencyLookup
from skillgap.formats.catalog_reading import CatalogRead
from skillgap.services.quality import current_rubric
from skillgap.store import Store, Workspace

BADGE_SUFFIXES = (".json", ".jsonld")


@dataclass(frozen=True)
class CatalogImport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    warnings: tuple[str, ...]
    credible: int  # items, among those imported, whose credential would count as proof


def import_catalog(
    store: Store,
    paths: Sequence[Path],
    *,
    replace: bool = False,
    default_level: int = 3,
    sheet: str | None = None,
) -> CatalogImport:
    """Read every file (all-or-nothing: any error and nothing is stored), then add the
    items, replacing those with the same id; with ``replace``, items the files do not hold
    are removed (unless a pathway or another item still needs them)."""
    if not paths:
        raise ValidationError("name at least one catalog file")
    with store.transaction() as ws:
        frameworks = ws.frameworks.list()
        lookup = CompetencyLookup.of(frameworks)
        badges = [p for p in paths if p.suffix.lower() in BADGE_SUFFIXES]
        reads: list[CatalogRead] = [
            read_catalog_file(p, lookup, sheet=sheet)
            for p in paths
            if p.suffix.lower() not in BADGE_SUFFIXES
        ]
        if badges:
            reads.append(
                read_badge_catalog(
                    badges, lookup, default_level=default_level, issuers=ws.issuers.list()
                )
            )
        items: dict[str, CatalogItem] = {}
        for read in reads:
            for item in read.items:
                if item.id in items:
                    raise ValidationError(f"catalog item {item.id!r} is in two of the files")
                items[item.id] = item
        existing = {i.id: i for i in ws.catalog.list()}
        kept = {} if replace else {k: v for k, v in existing.items() if k not in items}
        check_prerequisites([*kept.values(), *items.values()])
        removed = sorted(set(existing) - set(items)) if replace else []
        _check_pathways_keep(ws, removed)
        # Items first (their prerequisites may be new), then the removals.
        for item in _prerequisites_first(items):
            ws.catalog.put(item)
        for key in _dependants_first(removed, existing):
            ws.catalog.remove(key)
        context = SkillContext.of(frameworks, ws.scales.list())
        judged = judge_items(items.values(), context, current_rubric(ws), ws.pathways.list())
    return CatalogImport(
        added=tuple(sorted(k for k in items if k not in existing)),
        updated=tuple(sorted(k for k in items if k in existing)),
        removed=tuple(removed),
        warnings=tuple(w for read in reads for w in read.warnings),
        credible=sum(1 for j in judged.values() if j.credible),
    )


def _check_pathways_keep(ws: Workspace, removed: Sequence[str]) -> None:
    gone = set(removed)
    for pathway in ws.pathways.list():
        for unit in pathway.units:
            if unit.kind == "item" and unit.id in gone:
                raise ValidationError(
                    f"catalog item {unit.id!r} is a unit of pathway {pathway.id!r}: keep it in "
                    "the catalog, or change the pathway first"
                )


def _prerequisites_first(items: dict[str, CatalogItem]) -> list[CatalogItem]:
    order: list[CatalogItem] = []
    placed: set[str] = set()

    def place(item: CatalogItem) -> None:
        if item.id in placed:
            return
        placed.add(item.id)
        for pre in item.prerequisites:
            if pre in items:
                place(items[pre])
        order.append(item)

    for item in items.values():
        place(item)
    return order


def _dependants_first(removed: Sequence[str], existing: dict[str, CatalogItem]) -> list[str]:
    gone = set(removed)
    order = [existing[k] for k in removed]
    needs = {k: [p for p in existing[k].prerequisites if p in gone] for k in removed}
    out: list[str] = []
    done: set[str] = set()

    def drop(key: str) -> None:
        if key in done:
            return
        done.add(key)
        for other in order:  # whoever needs ``key`` goes before it
            if key in needs[other.id]:
                drop(other.id)
        out.append(key)

    for key in removed:
        drop(key)
    return out


@dataclass(frozen=True)
class CatalogListing:
    items: tuple[JudgedItem, ...]
    context: SkillContext


def list_catalog(
    store: Store,
    *,
    competency: str | None = None,
    provider: str | None = None,
    credible_only: bool = False,
) -> CatalogListing:
    """The catalog by id, each item with its quality profile; filtered by a competency
    (FRAMEWORK:CODE) it evidences, by provider (any case), or to the credible items."""
    with store.transaction() as ws:
        context = SkillContext.of(ws.frameworks.list(), ws.scales.list())
        judged = judge_items(ws.catalog.list(), context, current_rubric(ws), ws.pathways.list())
    wanted = CompetencyRef.parse(competency) if competency else None
    rows = [
        j
        for j in judged.values()
        if (wanted is None or any(o.competency == wanted for o in j.item.outcomes))
        and (provider is None or j.item.provider.casefold() == provider.casefold())
        and (not credible_only or j.credible)
    ]
    return CatalogListing(tuple(rows), context)


def export_catalog(store: Store) -> str:
    with store.transaction() as ws:
        return catalog_yaml(ws.catalog.list())
