"""Reading a CASE 1.0 or 1.1 CFPackage (JSON) into a framework; rules in ``__init__``."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillgap.domain import CapabilityGroup, Competency, Framework
from skillgap.errors import ValidationError
from skillgap.formats.case.objects import (
    BACKED_BY,
    DOCUMENT_MAPPED,
    KEPT,
    POSITION,
    competency_extension,
    competency_item,
    document,
    extension_fields,
    group_item,
    is_group_item,
    item_kept,
    own_extension,
    reconcile,
    same,
    with_extra,
)
from skillgap.formats.collect import ErrorList
from skillgap.formats.imports import FrameworkImport
from skillgap.formats.jsonio import examples, json_object, read_json_object, short_label
from skillgap.formats.nice import attempt
from skillgap.formats.tabular import Where, as_list, as_text, check_text, rules_at

_STAMP = "1970-01-01T00:00:00+00:00"  # what the checks write where an object has no time


@dataclass(frozen=True)
class _Item:
    where: Where
    raw: dict[str, Any]
    identifier: str
    full: str
    code: str  # humanCodingScheme; the identifier when there is none, or it is shared
    group_only: bool


@dataclass
class _Tree:
    """The ``isChildOf`` tree: each item's parent (an item or the document)."""

    parent: dict[str, str] = field(default_factory=dict)
    outside: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    second_parent: list[str] = field(default_factory=list)


def read_case(path: Path, *, framework_id: str | None = None) -> FrameworkImport:
    """The framework in a CFPackage. A file that cannot be read as a package at all (bad
    JSON, no CFDocument or its identifier, CFItems or CFAssociations not a list) stops at
    once with an ``InputError``; the problems of the document's fields, of single items and
    of single associations are all gathered, reading on, and raised together at the end (one
    ``InputError`` as it is, several as an ``InputErrors``)."""
    if framework_id is not None and (not framework_id or ":" in framework_id):
        raise ValidationError(f"framework id {framework_id!r} must be non-empty and without ':'")
    file = path.name
    data = read_json_object(path)
    doc = _object(data, "CFDocument", Where(file, "CFDocument"))
    doc_id = _identifier(doc.get("identifier"), Where(file, "CFDocument.identifier"))
    # the parts first: without them, nothing can be read
    item_list = _parts(data, Where(file, "CFItems"))
    association_list = _parts(data, Where(file, "CFAssociations"))
    errors = ErrorList()
    framework = _framework(data, doc, file, framework_id, errors)
    items, shared = _items(*item_list, doc_id, errors)
    tree = _tree(*association_list, doc_id, {i.identifier for i in items}, errors)
    if framework is None:  # its errors are kept: report them with those of the items
        errors.raise_if_any()
        raise AssertionError("unreachable: a CFDocument that did not read left errors")
    has_children = set(tree.parent.values()) - {doc_id}

    group_of: dict[str, str] = {}  # item identifier → code of the group it stands for
    for item in items:
        if item.group_only:
            group_of[item.identifier] = item.code
        elif item.identifier in has_children:
            group_of[item.identifier] = f"g:{item.code}"

    def group(item: _Item) -> str | None:
        parent = tree.parent.get(item.identifier)
        return group_of.get(parent) if parent is not None else None

    groups: list[CapabilityGroup] = []
    competencies: list[Competency] = []
    for position, item in enumerate(items):
        if item.group_only:
            groups.append(_group(item, group(item), position))
            continue
        comp = _competency(framework.id, item, group(item))
        competencies.append(comp)
        if item.identifier in has_children:
            groups.append(
                CapabilityGroup(
                    code=group_of[item.identifier],
                    name=comp.name,
                    description=comp.description,
                    parent=group(item),
                    extra={BACKED_BY: item.identifier},
                )
            )
    with errors.collect(), rules_at(Where(file, "CFAssociations")):  # no cycles in the tree
        framework = replace(framework, groups=tuple(groups), competencies=tuple(competencies))
    errors.raise_if_any()
    return FrameworkImport(framework, (), _warnings(shared, tree))


def _object(data: Mapping[str, Any], key: str, where: Where) -> dict[str, Any]:
    if data.get(key) is None:
        raise where.error("is missing")
    return json_object(data[key], where)


def _identifier(value: object, where: Where) -> str:
    if value is None or value == "":
        raise where.error("is missing")
    if not isinstance(value, str):
        raise where.error("expected a string")
    return check_text(value, where)


def _text(raw: Mapping[str, Any], key: str, where: Where) -> str:
    """A mapped optional text: "" when absent or not text (then it is kept verbatim)."""
    value = raw.get(key)
    if not isinstance(value, str):
        return ""
    return check_text(value.strip(), where.sub(key))


def _uri(raw: Mapping[str, Any], identifier: str, where: Where) -> str | None:
    """None for ``urn:uuid:<own identifier>``: what the writer makes when there is none."""
    uri = _text(raw, "uri", where)
    return uri if uri and uri != f"urn:uuid:{identifier}" else None


#: The CFItem keys read as text: each is checked (control characters) as the item is read.
_ITEM_TEXTS = ("humanCodingScheme", "abbreviatedStatement", "alternativeLabel", "CFItemType", "uri")
_DOCUMENT_TEXTS = ("title", "version", "description", "uri")


def _parts(data: Mapping[str, Any], where: Where) -> tuple[Where, list[Any]]:
    """The list at ``where`` in the package (empty when there is none)."""
    return where, as_list(data.get(where.field), where)


def _items(
    where: Where, values: list[Any], doc_id: str, errors: ErrorList
) -> tuple[list[_Item], list[str]]:
    """The items that read well, and the places of those whose codes are their identifiers
    (for the warning); the errors of the other items are kept in ``errors``."""
    seen = {doc_id: "CFDocument.identifier"}
    found: list[_Item] = []
    for i, value in enumerate(values):
        w = where.sub(i)
        raw = attempt(errors, json_object, value, w)
        if raw is None:
            continue
        before = len(errors)
        ident = attempt(errors, _identifier, raw.get("identifier"), w.sub("identifier"))
        if ident is not None:
            if ident in seen:
                errors.add(
                    w.sub("identifier").error(
                        f"identifier {ident!r} appears twice (first at {seen[ident]})"
                    )
                )
            else:
                seen[ident] = w.sub("identifier").field
        full = attempt(errors, as_text, raw.get("fullStatement"), w.sub("fullStatement"))
        for key in _ITEM_TEXTS:
            attempt(errors, _text, raw, key, w)
        if ident is None or full is None or len(errors) > before:
            continue
        code = _text(raw, "humanCodingScheme", w) or ident
        found.append(_Item(w, raw, ident, full, code, is_group_item(raw)))
    # a humanCodingScheme is a competency's code only when no other competency has it
    counts = Counter(i.code for i in found if not i.group_only)
    idents = {i.identifier for i in found}
    clash = [
        i
        for i in found
        if not i.group_only and i.code != i.identifier and (counts[i.code] > 1 or i.code in idents)
    ]
    clashing = {i.identifier for i in clash}
    return [replace(i, code=i.identifier) if i.identifier in clashing else i for i in found], [
        f"{i.where.field} ({i.code!r})" for i in clash
    ]


def _tree(
    where: Where, values: list[Any], doc_id: str, items: set[str], errors: ErrorList
) -> _Tree:
    """The tree of the associations that read well; the errors of the others are kept."""
    tree = _Tree()
    nodes = items | {doc_id}
    seen: dict[str, str] = {}
    for i, value in enumerate(values):
        w = where.sub(i)
        raw = attempt(errors, json_object, value, w)
        if raw is None:
            continue
        before = len(errors)
        if raw.get("identifier") is not None:
            ident = attempt(errors, _identifier, raw["identifier"], w.sub("identifier"))
            if ident is not None and ident in seen:
                errors.add(
                    w.sub("identifier").error(
                        f"identifier {ident!r} appears twice (first at {seen[ident]})"
                    )
                )
            elif ident is not None:
                seen[ident] = w.sub("identifier").field
        kind = attempt(errors, as_text, raw.get("associationType"), w.sub("associationType"))
        origin, dest = (attempt(errors, _end, raw, end, w) for end in _ENDS)
        if kind is None or origin is None or dest is None or len(errors) > before:
            continue
        if origin not in nodes or dest not in nodes:
            tree.outside[kind].append(w.field)
        elif kind == "isChildOf" and origin in items:
            first = tree.parent.setdefault(origin, dest)
            if first != dest:
                tree.second_parent.append(w.field)
    return tree


_ENDS = ("originNodeURI", "destinationNodeURI")


def _end(raw: Mapping[str, Any], end: str, w: Where) -> str:
    """The identifier of an association's end."""
    return _identifier(
        _object(raw, end, w.sub(end)).get("identifier"), w.sub(end).sub("identifier")
    )


def _competency(framework: str, item: _Item, group: str | None) -> Competency:
    raw, w = item.raw, item.where
    name = _text(raw, "abbreviatedStatement", w) or short_label(item.full)
    label = _text(raw, "alternativeLabel", w)
    comp = Competency(
        framework=framework,
        code=item.code,
        name=name,
        description=item.full if item.full != name else "",
        group=group,
        uri=_uri(raw, item.identifier, w),
        alt_labels=(label,) if label else (),
        skill_type=_text(raw, "CFItemType", w),
        extra={KEPT: item_kept(raw)},
    )
    own = own_extension(raw)
    extended = replace(comp, **extension_fields(own))
    if same(competency_extension(extended), own):  # read only what would be written back
        comp = extended
    kept, omit = reconcile(raw, competency_item(comp, _STAMP), comp.extra[KEPT])
    return replace(comp, extra=with_extra(comp.extra, kept, omit))


def _group(item: _Item, parent: str | None, position: int) -> CapabilityGroup:
    raw, w = item.raw, item.where
    name = _text(raw, "abbreviatedStatement", w) or short_label(item.full)
    g = CapabilityGroup(
        code=item.code,
        name=name,
        description=item.full if item.full != name else "",
        parent=parent,
        uri=_uri(raw, item.identifier, w),
        extra={KEPT: item_kept(raw), POSITION: position},
    )
    kept, omit = reconcile(raw, group_item("", g, _STAMP), g.extra[KEPT])
    return replace(g, extra=with_extra(g.extra, kept, omit))


def _framework(
    data: Mapping[str, Any],
    doc: dict[str, Any],
    file: str,
    framework_id: str | None,
    errors: ErrorList,
) -> Framework | None:
    """The framework the CFDocument describes (no groups or competencies yet); ``None``
    when one of its fields is wrong (the errors kept in ``errors``)."""
    w = Where(file, "CFDocument")
    before = len(errors)
    for key in _DOCUMENT_TEXTS:
        attempt(errors, _text, doc, key, w)
    if len(errors) > before:
        return None
    ident = doc["identifier"]
    name = _text(doc, "title", w) or ident
    package = {k: v for k, v in data.items() if k not in ("CFDocument", "CFItems")}
    package["CFDocument"] = {k: v for k, v in doc.items() if k not in DOCUMENT_MAPPED}
    framework = Framework(
        id=framework_id or _slug(name) or _slug(f"case-{ident}") or "case",
        name=name,
        version=_text(doc, "version", w) or "1",
        description=_text(doc, "description", w),
        source=file,
        uri=_uri(doc, ident, w),
        extra={KEPT: package},
    )
    kept, doc_omit = reconcile(doc, document(framework, _STAMP), package["CFDocument"])
    omit = {
        part: keys
        for part, keys in (
            ("package", [k for k in ("CFItems", "CFAssociations") if k not in data]),
            ("CFDocument", doc_omit),
        )
        if keys
    }
    return replace(framework, extra=with_extra({}, package | {"CFDocument": kept}, omit))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")


def _warnings(shared: list[str], tree: _Tree) -> tuple[str, ...]:
    warnings = []
    if shared:
        warnings.append(
            f"CFItems: {_many(len(shared), 'item shares', 'items share')} a humanCodingScheme "
            "with another item (or another item's identifier), so their codes are their "
            f"identifiers: {examples(shared)}"
        )
    for kind, places in tree.outside.items():
        what = _many(len(places), f"{kind!r} association names", f"{kind!r} associations name")
        warnings.append(
            f"CFAssociations: {what} a node that is not in this package (kept as it is): "
            f"{examples(places)}"
        )
    if tree.second_parent:
        what = _many(
            len(tree.second_parent),
            "'isChildOf' association gives",
            "'isChildOf' associations give",
        )
        warnings.append(
            f"CFAssociations: {what} an item a second parent (kept; the item's group follows "
            f"its first parent): {examples(tree.second_parent)}"
        )
    return tuple(warnings)


def _many(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"
