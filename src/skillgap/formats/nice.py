"""NICE Workforce Framework for Cybersecurity (NIST SP 800-181 Rev. 1): NIST's components
file (CPRT JSON, v2.0.0 and later of the same shape) → a framework of knowledge and skill
statements, with the work roles as occupations.

The file holds ``documents``, ``elements`` (each an ``element_type``, ``element_identifier``,
``title`` and ``text``) and ``relationships`` (source element → destination element).

Mapping:

- knowledge (``K…``) and skill (``S…``) statements → competencies: code = element id, kind
  hard, skill_type ``"knowledge"`` / ``"skill"``; name = the statement when it fits in 80
  characters, else its first words (cut at a word boundary, ending in "…") with the whole
  statement as description (description is empty when the name is the statement).
- competency areas → capability groups (no parents: NICE nests nothing under them); a
  statement is in the group of the area that links to it (the first, if several do).
- work roles → occupations: code = work role id, title, description; skills = the K and S
  statements the role links to, in file order, all ESSENTIAL (NICE has no essential/optional
  split and no levels).
- tasks are *not* competencies (gap analysis is on knowledge and skills; a person is not
  rated on a task). Each occupation's ``extra`` lists its ``tasks`` (ids), its
  ``category`` (OG, DD, IO, PD, IN) and its ``opm_codes``, when it has them; the framework's
  ``extra`` holds ``tasks`` (id → statement), ``categories`` (id → title and text) and the
  source's ``document`` entry.
- ``sort`` elements (display order) and ``relationship_types`` are dropped.

Links that name an element missing from the file are skipped, with one warning per kind of
link (a count and three examples); so are unknown element types and links between kinds of
element this mapping does not use.

Errors name the file and the JSON path (or line, for bad JSON). A file that cannot be read
as this shape at all (bad JSON; ``documents``, ``elements`` or ``relationships`` missing or
not a list; no document) stops at once with an ``InputError``. Problems of single elements
and relationships (a missing or bad value, a duplicate element id) are all gathered, the
rest of the file read on, and reported together: as an ``InputErrors``, or as the
``InputError`` itself when there is only one. Nothing is returned when there is any.

Licence: NIST work, public domain in the U.S. (17 U.S.C. §105), licensed royalty-free
elsewhere; attribute NIST (``attribution()``) and do not imply NIST endorsement.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from skillgap.domain import (
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Occupation,
    OccupationSkill,
    Relation,
    SkillKind,
)
from skillgap.errors import InputError, ValidationError
from skillgap.formats.collect import ErrorList
from skillgap.formats.imports import FrameworkImport
from skillgap.formats.jsonio import examples, json_object, read_json_object, short_label
from skillgap.formats.tabular import Where, as_list, as_text

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_NAME = "Workforce Framework for Cybersecurity (NICE Framework)"
_STATEMENTS = ("knowledge", "skill")
_USED = {"category", "work_role", "competency_area", "task", "opm_code", *_STATEMENTS}
_IGNORED = {"sort"}
_TITLED = {"category", "work_role", "competency_area"}
_TEXTUAL = {"task", *_STATEMENTS}
_PLURALS = {
    "work_role": "work roles",
    "competency_area": "competency areas",
    "category": "categories",
}


def attribution(version: str) -> str:
    """The credit NIST asks for, as the README of the data suggests it."""
    return (
        "Contains material from the NICE Workforce Framework for Cybersecurity (NIST SP "
        f"800-181 Rev. 1), NICE Framework Components v{version}, National Institute of "
        "Standards and Technology."
    )


# --- shared by the JSON adapters (NICE, CASE)


@dataclass(frozen=True)
class _Element:
    type: str
    id: str
    title: str
    text: str


@dataclass
class _Links:
    """What the relationships say, by kind; problems gathered for the warnings."""

    category: dict[str, str] = field(default_factory=dict)  # work role → category
    needs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tasks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    opm_codes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    area: dict[str, str] = field(default_factory=dict)  # statement → competency area
    dangling: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    second_area: list[str] = field(default_factory=list)
    second_category: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    unused: Counter[str] = field(default_factory=Counter)


def read_nice(path: Path, *, framework_id: str = "nice") -> FrameworkImport:
    if not framework_id or ":" in framework_id:
        raise ValidationError(f"framework id {framework_id!r} must be non-empty and without ':'")
    file = path.name
    data = read_json_object(path)
    document = _document(data, file)  # the parts first: without them, nothing can be read
    elements_list = _list(data, "elements", file)
    relationships = _list(data, "relationships", file)
    errors = ErrorList()
    at = Where(file, "documents[0]")
    version = attempt(errors, as_text, document.get("version", "1"), at.sub("version"))
    name = attempt(errors, as_text, document.get("name", DEFAULT_NAME), at.sub("name"))
    uri = attempt(errors, as_text, document.get("website"), at.sub("website"), required=False)
    elements = _elements(*elements_list, errors)
    links = _links(*relationships, elements, errors)
    errors.raise_if_any()
    assert version is not None and name is not None  # else there was an error
    by_type: dict[str, list[_Element]] = defaultdict(list)
    for element in elements.values():
        by_type[element.type].append(element)

    groups = tuple(
        CapabilityGroup(code=e.id, name=e.title, description=e.text)
        for e in by_type["competency_area"]
    )
    competencies = tuple(
        _competency(framework_id, e, links.area.get(e.id))
        for e in elements.values()
        if e.type in _STATEMENTS
    )
    roles = by_type["work_role"]
    extra = {
        "document": document,
        "categories": {e.id: {"title": e.title, "text": e.text} for e in by_type["category"]},
        "tasks": {e.id: e.text for e in by_type["task"]},
    }
    framework = Framework(
        id=framework_id,
        name=name,
        version=version,
        description=attribution(version),
        source=file,
        groups=groups,
        competencies=competencies,
        uri=uri or None,
        extra=extra,
    )
    occupations = tuple(_occupation(framework_id, e, links) for e in roles)
    return FrameworkImport(framework, occupations, _warnings(data, elements, links))


def attempt(errors: ErrorList, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """``read(*args, **kwargs)``, or ``None`` when it raises an ``InputError`` (kept in
    ``errors``). As ``ErrorList.attempt``, without a closure for each value read."""
    try:
        return read(*args, **kwargs)
    except InputError as exc:
        errors.add(exc)
        return None


def _document(data: Mapping[str, Any], file: str) -> dict[str, Any]:
    where, documents = _list(data, "documents", file)
    if not documents:
        raise where.error("is empty (expected the framework's document)")
    return json_object(documents[0], where.sub(0))


def _list(data: Mapping[str, Any], key: str, file: str) -> tuple[Where, list[Any]]:
    where = Where(file, key)
    if data.get(key) is None:
        raise where.error("is missing")
    return where, as_list(data[key], where)


def _elements(where: Where, items: list[Any], errors: ErrorList) -> dict[str, _Element]:
    """The elements that read well; the errors of the others are kept in ``errors``."""
    found: dict[str, _Element] = {}
    first: dict[str, int] = {}  # every id read, good element or not: where it first came
    for i, item in enumerate(items):
        w = where.sub(i)
        raw = attempt(errors, json_object, item, w)
        if raw is None:
            continue
        before = len(errors)
        kind = attempt(errors, as_text, raw.get("element_type"), w.sub("element_type"))
        ident = attempt(errors, as_text, raw.get("element_identifier"), w.sub("element_identifier"))
        if ident is not None:
            if ident in first:
                errors.add(
                    w.sub("element_identifier").error(
                        f"element {ident!r} appears twice (first at elements[{first[ident]}])"
                    )
                )
            else:
                first[ident] = i
        title = attempt(errors, as_text, raw.get("title"), w.sub("title"), required=kind in _TITLED)
        text = attempt(errors, as_text, raw.get("text"), w.sub("text"), required=kind in _TEXTUAL)
        if kind is None or ident is None or title is None or text is None:
            continue
        if len(errors) == before:  # not a second element of the same id
            found[ident] = _Element(kind, ident, title, text)
    return found


def _links(
    where: Where, items: list[Any], elements: Mapping[str, _Element], errors: ErrorList
) -> _Links:
    """What the relationships that read well say; the errors of the others are kept."""
    links = _Links()
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(items):
        w = where.sub(i)
        raw = attempt(errors, json_object, item, w)
        if raw is None:
            continue
        src_id, dst_id = (
            attempt(errors, as_text, raw.get(key), w.sub(key))
            for key in ("source_element_identifier", "dest_element_identifier")
        )
        if src_id is None or dst_id is None:
            continue
        arrow = f"{src_id} → {dst_id}"
        src, dst = elements.get(src_id), elements.get(dst_id)
        if src is None or dst is None:
            links.dangling["" if src is None else src.type].append(arrow)
            continue
        if (src_id, dst_id) in seen:
            links.repeated.append(arrow)
            continue
        seen.add((src_id, dst_id))
        _link(links, src, dst)
    return links


def _link(links: _Links, src: _Element, dst: _Element) -> None:
    arrow = f"{src.id} → {dst.id}"
    match (src.type, dst.type):
        case ("category", "work_role"):
            if links.category.setdefault(dst.id, src.id) != src.id:
                links.second_category.append(arrow)
        case ("work_role", "knowledge" | "skill"):
            links.needs[src.id].append(dst.id)
        case ("work_role", "task"):
            links.tasks[src.id].append(dst.id)
        case ("work_role", "opm_code"):
            links.opm_codes[src.id].append(dst.id)
        case ("competency_area", "knowledge" | "skill"):
            if links.area.setdefault(dst.id, src.id) != src.id:
                links.second_area.append(arrow)
        case _:
            links.unused[f"{src.type} → {dst.type}"] += 1


def _competency(framework: str, e: _Element, group: str | None) -> Competency:
    name = short_label(e.text)
    return Competency(
        framework=framework,
        code=e.id,
        name=name,
        description=e.text if name != e.text else "",
        group=group,
        kind=SkillKind.HARD,
        skill_type=e.type,
    )


def _occupation(framework: str, e: _Element, links: _Links) -> Occupation:
    extra: dict[str, Any] = {
        "category": links.category.get(e.id),
        "tasks": links.tasks.get(e.id),
        "opm_codes": links.opm_codes.get(e.id),
    }
    return Occupation(
        framework=framework,
        code=e.id,
        title=e.title,
        description=e.text,
        skills=tuple(
            OccupationSkill(CompetencyRef(framework, code), Relation.ESSENTIAL)
            for code in links.needs.get(e.id, [])
        ),
        extra={key: value for key, value in extra.items() if value},
    )


def _warnings(
    data: Mapping[str, Any], elements: Mapping[str, _Element], links: _Links
) -> tuple[str, ...]:
    warnings = []
    documents = data["documents"]
    if len(documents) > 1:
        warnings.append(
            f"documents: the file describes {len(documents)} documents; the first one names "
            "the framework"
        )
    for kind, arrows in links.dangling.items():
        links_from = f"from {_PLURALS.get(kind, f'{kind} elements')} to" if kind else "from"
        warnings.append(
            f"relationships: skipped {_count(len(arrows), 'link')} {links_from} elements that "
            f"are not in the file: {examples(arrows)}"
        )
    unknown = Counter(e.type for e in elements.values() if e.type not in _USED | _IGNORED)
    if unknown:
        listed = ", ".join(f"{kind} ({n})" for kind, n in sorted(unknown.items()))
        warnings.append(f"elements: element types this import does not use were ignored: {listed}")
    if links.unused:
        listed = ", ".join(f"{kind} ({n})" for kind, n in sorted(links.unused.items()))
        warnings.append(f"relationships: links of kinds this import does not use: {listed}")
    for arrows, what in (
        (links.second_area, "to a second competency area (the first is kept)"),
        (links.second_category, "to a second category (the first is kept)"),
        (links.repeated, "listed twice (read once)"),
    ):
        if arrows:
            warnings.append(
                f"relationships: {_count(len(arrows), 'link')} {what}: {examples(arrows)}"
            )
    return tuple(warnings)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
