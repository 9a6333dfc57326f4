"""The O*NET content model: skill and knowledge competencies, their groups, level anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from skillgap.domain import CapabilityGroup, Competency, SkillKind
from skillgap.errors import InputError
from skillgap.formats.onet._notes import Notes, Tally
from skillgap.formats.onet._sheets import Table

ELEMENT_ID = "Element ID"
ELEMENT_NAME = "Element Name"
DESCRIPTION = "Description"
SCALE_ID = "Scale ID"
ANCHOR_VALUE = "Anchor Value"
ANCHOR_DESCRIPTION = "Anchor Description"

CONTENT_MODEL_COLUMNS = (ELEMENT_ID, ELEMENT_NAME, DESCRIPTION)
ANCHOR_COLUMNS = (ELEMENT_ID, SCALE_ID, ANCHOR_VALUE, ANCHOR_DESCRIPTION)

#: Content-model branches whose leaves are competencies, and their O*NET type.
BRANCHES = {"2.A": "skill", "2.B": "skill", "2.C": "knowledge"}
#: Branches whose competencies are soft skills: 2.A.2 Process (Critical Thinking, Active
#: Learning, Learning Strategies, Monitoring) and 2.B.1 Social Skills (Social
#: Perceptiveness, Coordination, Persuasion, Negotiation, Instructing, Service Orientation).
SOFT_BRANCHES = ("2.A.2", "2.B.1")
DESCRIPTOR_URI = "https://www.onetonline.org/find/descriptor/result/{}"

_ELEMENT_ID = re.compile(r"[0-9]+(?:\.[0-9A-Za-z]+)*")


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    description: str


def element_key(element_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts outline positions naturally: 2.C.9 before 2.C.10."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in element_id.split("."))


def read_content_model(table: Table) -> dict[str, Element]:
    """The elements by id; a bad row is skipped, its error kept in ``table.errors``."""
    elements: dict[str, Element] = {}
    first: dict[str, int] = {}  # every id read, of good rows and bad
    for row in table:
        try:
            element_id = row.text(ELEMENT_ID)
            if not _ELEMENT_ID.fullmatch(element_id):
                raise row.error(ELEMENT_ID, f"{element_id!r} is not an outline position (2.A.1.a)")
            if element_id in first:
                raise row.error(
                    ELEMENT_ID, f"{element_id!r} appears twice (first at row {first[element_id]})"
                )
            first[element_id] = row.number
            elements[element_id] = Element(
                element_id, row.text(ELEMENT_NAME), row.optional(DESCRIPTION)
            )
        except InputError as exc:
            table.errors.add(exc)
    return elements


def competency_elements(elements: dict[str, Element]) -> dict[str, str]:
    """The leaves of the skill and knowledge branches, in outline order, each with its O*NET
    type ("skill" or "knowledge")."""
    ids = [e for e in elements if any(e.startswith(f"{b}.") for b in BRANCHES)]
    parents = {e.rpartition(".")[0] for e in ids}
    leaves = sorted((e for e in ids if e not in parents), key=element_key)
    return {e: BRANCHES[".".join(e.split(".")[:2])] for e in leaves}


def read_anchors(table: Table, wanted: set[str]) -> dict[str, list[list[Any]]]:
    """The LV anchors of the ``wanted`` elements: ``[[value, text], ...]`` by value; a bad
    row is skipped, its error kept in ``table.errors``."""
    anchors: dict[str, list[list[Any]]] = {}
    for row in table:
        try:
            element_id = row.text(ELEMENT_ID)
            if element_id not in wanted or row.text(SCALE_ID) != "LV":
                continue
            value = row.numeric(ANCHOR_VALUE)
            text = row.text(ANCHOR_DESCRIPTION)
        except InputError as exc:
            table.errors.add(exc)
            continue
        anchors.setdefault(element_id, []).append(
            [int(value) if value.is_integer() else value, text]
        )
    for items in anchors.values():
        items.sort(key=lambda item: item[0])
    return anchors


def build(
    framework_id: str,
    elements: dict[str, Element],
    types: dict[str, str],
    anchors: dict[str, list[list[Any]]],
    notes: Notes,
    file: str,
) -> tuple[list[CapabilityGroup], list[Competency]]:
    """Groups from the outline (every ancestor of a competency below the top level "2"),
    parents by the outline prefix; competencies from the leaves."""
    group_ids: set[str] = set()
    for element_id in types:
        parts = element_id.split(".")
        group_ids.update(".".join(parts[:n]) for n in range(2, len(parts)))
    missing = Tally()
    groups = []
    for group_id in sorted(group_ids, key=element_key):
        element = elements.get(group_id)
        if element is None:
            missing.add(group_id)
        parent = group_id.rpartition(".")[0]
        groups.append(
            CapabilityGroup(
                code=group_id,
                name=element.name if element else group_id,
                description=element.description if element else "",
                parent=parent if parent in group_ids else None,
            )
        )
    missing.warn(notes, f"{file}: groups of the outline it does not name, named by their id")
    competencies = [
        Competency(
            framework=framework_id,
            code=element_id,
            name=elements[element_id].name,
            description=elements[element_id].description,
            group=element_id.rpartition(".")[0],
            kind=SkillKind.SOFT if _in(element_id, SOFT_BRANCHES) else SkillKind.HARD,
            uri=DESCRIPTOR_URI.format(element_id),
            skill_type=skill_type,
            extra={"level_anchors": anchors[element_id]} if element_id in anchors else {},
        )
        for element_id, skill_type in types.items()
    ]
    return groups, competencies


def _in(element_id: str, branches: tuple[str, ...]) -> bool:
    return any(element_id == b or element_id.startswith(f"{b}.") for b in branches)
