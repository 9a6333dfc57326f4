"""Writing a framework as a CASE CFPackage (a JSON-ready dict); rules in ``__init__``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from skillgap.domain import Framework
from skillgap.formats.case.objects import (
    BACKED_BY,
    KEPT,
    OMIT,
    POSITION,
    competency_item,
    document,
    document_identifier,
    group_identifier,
    group_item,
    item_identifier,
    stable_id,
)


@dataclass(frozen=True)
class _Node:
    """An item in the ``isChildOf`` tree, or the document at its root."""

    identifier: str
    title: str
    uri: str
    parent: str | None  # None: the document
    from_case: bool  # read from a CASE package (else made in skillgap)

    def link(self) -> dict[str, str]:
        return {"title": self.title, "identifier": self.identifier, "uri": self.uri}


def write_case(framework: Framework, *, changed: datetime | None = None) -> dict[str, Any]:
    """The framework as a CFPackage. ``changed`` is the ``lastChangeDateTime`` of objects
    that have none of their own (those made in skillgap); default now, UTC."""
    moment = changed or datetime.now(UTC)
    stamp = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat("T", "seconds")
    kept = framework.extra.get(KEPT)
    package_kept: dict[str, Any] = dict(kept) if isinstance(kept, dict) else {}
    omit = framework.extra.get(OMIT)
    doc = document(framework, stamp)
    root = _Node(
        document_identifier(framework),
        framework.name,
        doc.get("uri") or f"urn:uuid:{document_identifier(framework)}",
        None,
        True,
    )

    backing = {item_identifier(c) for c in framework.competencies}
    node_of: dict[str, str] = {}  # group code → identifier of the item that stands for it
    group_items: list[dict[str, Any]] = []  # made in skillgap: first
    placed: list[tuple[int, int, dict[str, Any]]] = []  # read from CASE: where they were
    nodes: list[_Node] = []
    for g in framework.groups:
        node_of[g.code] = group_identifier(framework.id, g)
    for g in framework.groups:
        if g.extra.get(BACKED_BY) in backing:
            continue  # the competency's item is the group's
        item = group_item(framework.id, g, stamp)
        position = g.extra.get(POSITION)
        if isinstance(position, int):
            placed.append((position, len(placed), item))
        else:
            group_items.append(item)
        nodes.append(_node(item, g.name, node_of.get(g.parent or ""), KEPT in g.extra))
    comp_items = []
    for c in framework.competencies:
        item = competency_item(c, stamp)
        comp_items.append(item)
        nodes.append(_node(item, c.name, node_of.get(c.group or ""), KEPT in c.extra))

    for position, _, item in sorted(placed, key=lambda p: p[:2]):
        comp_items.insert(position, item)
    stored = package_kept.pop("CFAssociations", None)
    package: dict[str, Any] = {
        "CFDocument": doc,
        "CFItems": group_items + comp_items,
        "CFAssociations": _associations(
            framework.id, stored if isinstance(stored, list) else [], root, nodes, stamp
        ),
    }
    package.update({k: v for k, v in package_kept.items() if k not in package})
    for key in omit.get("package", ()) if isinstance(omit, dict) else ():
        if not package.get(key):
            package.pop(key, None)
    return package


def _node(item: Mapping[str, Any], name: str, parent: str | None, from_case: bool) -> _Node:
    ident = item["identifier"]
    return _Node(ident, name, item.get("uri") or f"urn:uuid:{ident}", parent, from_case)


def _associations(
    framework: str, stored: list[Any], root: _Node, nodes: list[_Node], stamp: str
) -> list[Any]:
    """The stored associations, in order, with each item's first ``isChildOf`` (the one
    that made its group) replaced when its group has changed since; then a new ``isChildOf``
    for each item that has none (items read from CASE without one stay at the top)."""
    by_id = {n.identifier: n for n in [root, *nodes]}
    parent_of = {n.identifier: n.parent or root.identifier for n in nodes}
    first: dict[str, int] = {}  # item → index of its first isChildOf to a known node
    for i, association in enumerate(stored):
        origin, dest, kind = _ends(association)
        if kind == "isChildOf" and origin in parent_of and origin not in first and dest in by_id:
            first[origin] = i

    sequence: Counter[str] = Counter()
    numbers = {}
    for n in nodes:
        sequence[parent_of[n.identifier]] += 1
        numbers[n.identifier] = sequence[parent_of[n.identifier]]

    def child_of(n: _Node) -> dict[str, Any]:
        parent = by_id[parent_of[n.identifier]]
        ident = stable_id(framework, f"isChildOf:{n.identifier}:{parent.identifier}")
        return {
            "identifier": ident,
            "associationType": "isChildOf",
            "uri": f"urn:uuid:{ident}",
            "originNodeURI": n.link(),
            "destinationNodeURI": parent.link(),
            "sequenceNumber": numbers[n.identifier],
            "lastChangeDateTime": stamp,
        }

    result = []
    for i, association in enumerate(stored):
        origin, dest, _ = _ends(association)
        if origin is not None and first.get(origin) == i and dest != parent_of[origin]:
            result.append(child_of(by_id[origin]))
        else:
            result.append(association)
    for n in nodes:
        if n.identifier not in first and (n.parent is not None or not n.from_case):
            result.append(child_of(n))
    return result


def _ends(association: object) -> tuple[str | None, str | None, object]:
    if not isinstance(association, dict):
        return None, None, None
    ends = [association.get(key) for key in ("originNodeURI", "destinationNodeURI")]
    origin, dest = (end.get("identifier") if isinstance(end, dict) else None for end in ends)
    return origin, dest, association.get("associationType")
