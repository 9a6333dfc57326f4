"""What an aggregate refers to, checked the same way by every store.

The memory twin checks these rules before each write; the SQL store relies on foreign keys
and, when the database refuses a batch, runs the same rules to say *what* is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from skillgap.domain import (
    Achievement,
    Award,
    CompetencyRef,
    Framework,
    Observation,
    Occupation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.domain.catalog import CatalogItem, no_cycle
from skillgap.domain.pathways import Pathway, PathwayAward, UnitKind
from skillgap.domain.plans import Plan
from skillgap.domain.users import ApiToken, Session, User
from skillgap.errors import ValidationError
from skillgap.issuing import IssuedCredential


class Lookup(Protocol):
    """Answers what the workspace (inside the current transaction) holds."""

    def has(self, kind: str, key: str) -> bool:
        """kind: scale, issuer, achievement, person, award, catalog item, pathway or user."""
        ...

    def has_competency(self, ref: CompetencyRef) -> bool: ...

    def email_owner(self, email: str) -> str | None: ...

    def identifier_owner(self, identifier: str) -> str | None: ...

    def scale(self, scale_id: str) -> ProficiencyScale | None: ...

    def issued_index_owner(self, index: int) -> str | None:
        """The issued credential holding status list index ``index``, if any."""
        ...

    def catalog_graph(self) -> dict[str, tuple[str, ...]]:
        """Every stored catalog item's id -> the ids of its prerequisites."""
        ...

    def pathways_using(self, item_id: str) -> list[str]:
        """The ids of the pathways with the catalog item as a unit, in id order."""
        ...

    def pathway_award_for(self, pathway_id: str) -> str | None:
        """The first (by id) pathway award of the pathway, if any."""
        ...


def problem(item: object, lookup: Lookup) -> str | None:
    """Why ``item`` cannot be stored next to what ``lookup`` holds, or None."""
    match item:
        case Framework():
            stored = lookup.scale(item.scale.id)
            if stored is not None and stored != item.scale:
                return (
                    f"framework {item.id!r} brings scale {item.scale.id!r}, which differs from "
                    "the scale of that id already stored"
                )
        case Role():
            return _competencies(
                f"role {item.id!r}", [r.competency for r in item.requirements], lookup
            )
        case Person():
            if len(set(item.emails)) != len(item.emails):
                return f"person {item.employee_id!r} lists an e-mail address twice"
            for email in item.emails:
                owner = lookup.email_owner(email)
                if owner is not None and owner != item.employee_id:
                    return f"e-mail {email!r} already belongs to person {owner!r}"
            if len(set(item.identifiers)) != len(item.identifiers):
                return f"person {item.employee_id!r} lists an identifier twice"
            for identifier in item.identifiers:
                owner = lookup.identifier_owner(identifier)
                if owner is not None and owner != item.employee_id:
                    return f"identifier {identifier!r} already belongs to person {owner!r}"
        case Achievement():
            owner = f"achievement {item.id!r}"
            if not lookup.has("issuer", item.issuer_id):
                return _missing(owner, "issuer", item.issuer_id)
            refs = [a.competency for a in item.alignments if a.competency is not None]
            return _competencies(owner, refs, lookup)
        case Award():
            owner = f"award {item.id!r}"
            if not lookup.has("achievement", item.achievement_id):
                return _missing(owner, "achievement", item.achievement_id)
            if item.person_id is not None and not lookup.has("person", item.person_id):
                return _missing(owner, "person", item.person_id)
        case Occupation():
            return _competencies(
                f"occupation {item.id!r}", [skill.competency for skill in item.skills], lookup
            )
        case Observation():
            owner = f"observation {item.id!r}"
            for kind, key in (("person", item.person_id), ("scale", item.scale_id)):
                if not lookup.has(kind, key):
                    return _missing(owner, kind, key)
            if item.award_id is not None and not lookup.has("award", item.award_id):
                return _missing(owner, "award", item.award_id)
            return _competencies(owner, [item.competency], lookup)
        case IssuedCredential():
            owner = f"issued credential {item.id!r}"
            for kind, key in (
                ("award", item.award_id),
                ("person", item.person_id),
                ("achievement", item.achievement_id),
            ):
                if not lookup.has(kind, key):
                    return _missing(owner, kind, key)
            holder = lookup.issued_index_owner(item.status_index)
            if holder is not None and holder != item.id:
                return f"status list index {item.status_index} is already used by {holder!r}"
        case CatalogItem():
            return catalog_problem([item], lookup)
        case Pathway():
            for step in item.steps:
                for unit in step.units:
                    if unit.kind is UnitKind.ITEM and not lookup.has("catalog item", unit.id):
                        return _missing(
                            f"pathway {item.id!r}, step {step.id!r},", "catalog item", unit.id
                        )
        case PathwayAward():
            owner = f"pathway award {item.id!r}"
            for kind, key in (("pathway", item.pathway_id), ("person", item.person_id)):
                if not lookup.has(kind, key):
                    return _missing(owner, kind, key)
        case Plan():
            people = [line.person_id for line in item.lines]
            people += [gap.person_id for gap in item.open_gaps]
            for person in dict.fromkeys(people):
                if not lookup.has("person", person):
                    return _missing(f"plan {item.id!r}", "person", person)
        case User() | ApiToken():
            what = "user" if isinstance(item, User) else "API token"
            if item.person_id is not None and not lookup.has("person", item.person_id):
                return _missing(f"{what} {item.id!r}", "person", item.person_id)
        case Session():
            if not lookup.has("user", item.user_id):
                return _missing("a session", "user", item.user_id)
    return None


def first_problem(items: Sequence[object], lookup: Lookup) -> str | None:
    """The first of the items' problems (items that cannot refer to each other), or None."""
    return next((r for item in items if (r := problem(item, lookup)) is not None), None)


def catalog_problem(items: Sequence[CatalogItem], lookup: Lookup) -> str | None:
    """Why a batch of catalog items cannot be stored (added, or one put in place), or None:
    a prerequisite neither stored nor in the batch, or prerequisites that would loop."""
    graph = lookup.catalog_graph()
    batch = {item.id for item in items}
    for item in items:
        for needed in item.prerequisites:
            if needed not in batch and needed not in graph:
                return _missing(f"catalog item {item.id!r}", "catalog item", needed)
    graph.update({item.id: item.prerequisites for item in items})
    try:
        no_cycle(graph, "catalog item prerequisites")
    except ValidationError as exc:
        return str(exc)
    return None


def removal_problem(kind: str, key: str, lookup: Lookup) -> str | None:
    """Why the stored ``kind`` ``key`` cannot be removed (something refers to it), or None.

    kind: catalog item, pathway or policy rule."""
    if kind == "catalog item":
        graph = lookup.catalog_graph()
        needers = sorted(other for other, needs in graph.items() if key in needs)
        if needers:
            return f"catalog item {key!r} is needed by {needers[0]!r}"
        pathways = lookup.pathways_using(key)
        if pathways:
            return f"catalog item {key!r} is used by pathway {pathways[0]!r}"
    elif kind == "pathway":
        award = lookup.pathway_award_for(key)
        if award is not None:
            return f"pathway {key!r} is referred to by pathway award {award!r}"
    return None


def _missing(owner: str, kind: str, key: str) -> str:
    return f"{owner} refers to {kind} {key!r}, which the workspace does not hold"


def _competencies(owner: str, refs: list[CompetencyRef], lookup: Lookup) -> str | None:
    for ref in refs:
        if not lookup.has_competency(ref):
            return f"{owner} refers to competency {ref}, which the workspace does not hold"
    return None
