"""One CASE object ↔ one domain value: CFDocument ↔ Framework, CFItem ↔ Competency or
CapabilityGroup. The package-level work (the tree, associations, checks) is in reader.py and
writer.py; the rules are listed in ``skillgap.formats.case``'s docstring.

How an object survives the trip: its keys are either *mapped* (written from a domain field)
or *kept* (copied verbatim into the domain value's ``extra["case"]``). After reading, each
object is written back and compared (``reconcile``); a mapped key that would not come back
exactly is kept verbatim too, and a key the writer would add that the source lacks is listed
in ``extra["case_omit"]``. So writing what was read gives the source back, key for key, while
a field edited in skillgap is written from the domain.

The ``extra`` of what ``read_case`` returns (JSON values only, so the workspace keeps them):

- a competency: ``{"case": {the item's other keys}, "case_omit": [keys]}``;
- a group that is an item with children: ``{"case_item": "<the item's identifier>"}``;
- a group written by skillgap (not a competency): as a competency, plus ``"case_position"``,
  the index of its item among the CFItems (so the items come back in their order);
- the framework: ``{"case": {"CFDocument": {its other keys}, "CFAssociations": [...],
  "CFDefinitions": {...}, "CFRubrics": [...], any other key of the package},
  "case_omit": {"CFDocument": [keys], "package": ["CFItems" or "CFAssociations", when the
  source had none]}}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from skillgap.domain import CapabilityGroup, Competency, Framework, SkillKind
from skillgap.formats.jsonio import short_label

#: Identifiers of objects skillgap makes: uuid5(NAMESPACE, "<framework id>:<what>").
NAMESPACE = uuid.UUID("5d1e3a9c-7f2b-5c48-9a61-0c4e2b7d8f13")
#: The key of skillgap's own data in CASE 1.1 ``extensions`` objects.
EXTENSION = "skillgap"
KEPT = "case"  # extra key: the source object's keys that are not mapped
OMIT = "case_omit"  # extra key: keys the writer would add that the source did not have
BACKED_BY = "case_item"  # group extra key: the identifier of the CFItem the group stands for
POSITION = "case_position"  # group extra key: where its CFItem was among the CFItems

ITEM_MAPPED = frozenset(
    {
        "uri",
        "fullStatement",
        "abbreviatedStatement",
        "humanCodingScheme",
        "alternativeLabel",
        "CFItemType",
    }
)
DOCUMENT_MAPPED = frozenset({"uri", "title", "version", "description"})


def stable_id(framework: str, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{framework}:{what}"))


def same(a: object, b: object) -> bool:
    """Equal as JSON, strictly: ``1``, ``1.0`` and ``true`` differ; key order does not."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def reconcile(
    raw: Mapping[str, Any], written: Mapping[str, Any], kept: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """``kept`` plus each key of ``raw`` that ``written`` does not reproduce exactly; and the
    keys ``written`` has that ``raw`` lacks (to omit)."""
    result = dict(kept)
    for key, value in raw.items():
        if key not in written or not same(written[key], value):
            result[key] = value
    return result, [key for key in written if key not in raw]


def with_extra(extra: Mapping[str, Any], kept: dict[str, Any], omit: object) -> dict[str, Any]:
    """``extra`` with the CASE data replaced (other formats' data stays)."""
    result = {k: v for k, v in extra.items() if k not in (KEPT, OMIT)}
    result[KEPT] = kept
    if omit:
        result[OMIT] = omit
    return result


def _kept(extra: Mapping[str, Any]) -> dict[str, Any]:
    kept = extra.get(KEPT)
    return dict(kept) if isinstance(kept, dict) else {}


def _finish(out: dict[str, Any], extra: Mapping[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Kept keys win over written ones; then skillgap's extension; then the omissions."""
    out.update(_kept(extra))
    if own:
        ext = out.get("extensions", {})
        if isinstance(ext, dict):
            out["extensions"] = {**ext, EXTENSION: own}
    for key in extra.get(OMIT, ()):
        out.pop(key, None)
    return out


def _statements(name: str, description: str) -> dict[str, str]:
    full = description or name
    out = {"fullStatement": full}
    if name != short_label(full):
        out["abbreviatedStatement"] = name
    return out


# --- CFItem ↔ Competency


def item_identifier(c: Competency) -> str:
    ident = _kept(c.extra).get("identifier")
    return ident if isinstance(ident, str) else stable_id(c.framework, c.code)


def competency_item(c: Competency, stamp: str) -> dict[str, Any]:
    ident = item_identifier(c)
    out: dict[str, Any] = {"identifier": ident, "uri": c.uri or f"urn:uuid:{ident}"}
    out |= _statements(c.name, c.description)
    if c.code != ident:
        out["humanCodingScheme"] = c.code
    if c.alt_labels:
        out["alternativeLabel"] = c.alt_labels[0]
    if c.skill_type:
        out["CFItemType"] = c.skill_type
    out["lastChangeDateTime"] = stamp
    return _finish(out, c.extra, competency_extension(c))


def competency_extension(c: Competency) -> dict[str, Any]:
    """What CASE has no field for: written in ``extensions.skillgap`` when not the default."""
    own: dict[str, Any] = {}
    if c.kind is not SkillKind.HARD:
        own["kind"] = c.kind.value
    if len(c.alt_labels) > 1:
        own["altLabels"] = list(c.alt_labels)
    if c.reuse_level:
        own["reuseLevel"] = c.reuse_level
    if c.retired:
        own["retired"] = True
    return own


def own_extension(item: Mapping[str, Any]) -> dict[str, Any] | None:
    ext = item.get("extensions")
    own = ext.get(EXTENSION) if isinstance(ext, dict) else None
    return own if isinstance(own, dict) else None


def is_group_item(item: Mapping[str, Any]) -> bool:
    """An item skillgap wrote for a capability group that is not a competency."""
    return same(own_extension(item), {"group": True})


def extension_fields(own: Mapping[str, Any] | None) -> dict[str, Any]:
    """Competency fields from ``extensions.skillgap``; {} unless it is exactly what
    ``competency_extension`` writes (checked by the caller, which writes it back)."""
    if not own:
        return {}
    fields: dict[str, Any] = {}
    kind, labels = own.get("kind"), own.get("altLabels")
    if kind == SkillKind.SOFT.value:
        fields["kind"] = SkillKind.SOFT
    if isinstance(labels, list) and all(isinstance(x, str) and x for x in labels):
        fields["alt_labels"] = tuple(labels)
    if isinstance(own.get("reuseLevel"), str):
        fields["reuse_level"] = own["reuseLevel"]
    if own.get("retired") is True:
        fields["retired"] = True
    return fields


def item_kept(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item's keys that are not mapped; skillgap's extension is read, not kept."""
    kept = {k: v for k, v in item.items() if k not in ITEM_MAPPED}
    ext = kept.get("extensions")
    if isinstance(ext, dict) and EXTENSION in ext:
        rest = {k: v for k, v in ext.items() if k != EXTENSION}
        if rest:
            kept["extensions"] = rest
        else:
            del kept["extensions"]
    return kept


# --- CFItem ↔ CapabilityGroup (a group that is not also a competency)


def group_item(framework: str, g: CapabilityGroup, stamp: str) -> dict[str, Any]:
    ident = group_identifier(framework, g)
    out: dict[str, Any] = {"identifier": ident, "uri": g.uri or f"urn:uuid:{ident}"}
    out |= _statements(g.name, g.description)
    out["humanCodingScheme"] = g.code
    out["lastChangeDateTime"] = stamp
    return _finish(out, g.extra, {"group": True})


def group_identifier(framework: str, g: CapabilityGroup) -> str:
    backed = g.extra.get(BACKED_BY)
    if isinstance(backed, str):
        return backed
    ident = _kept(g.extra).get("identifier")
    return ident if isinstance(ident, str) else stable_id(framework, f"group:{g.code}")


# --- CFDocument ↔ Framework


def document_identifier(f: Framework) -> str:
    ident = _kept(f.extra).get("CFDocument", {}).get("identifier")
    return ident if isinstance(ident, str) else stable_id(f.id, "document")


def document(f: Framework, stamp: str) -> dict[str, Any]:
    ident = document_identifier(f)
    out: dict[str, Any] = {
        "identifier": ident,
        "uri": f.uri or f"urn:uuid:{ident}",
        "creator": "skillgap",
        "title": f.name,
        "lastChangeDateTime": stamp,
        "caseVersion": "1.1",
        "version": f.version,
    }
    if f.description:
        out["description"] = f.description
    kept = _kept(f.extra).get("CFDocument", {})
    out.update(kept if isinstance(kept, dict) else {})
    for key in f.extra.get(OMIT, {}).get("CFDocument", ()):
        out.pop(key, None)
    return out
