"""What an aggregate refers to, checked the same way by every store.

The memory twin checks these rules before each write; the SQL store relies on foreign keys
and, when the database refuses a batch, runs the same rules to say *what* is missing.
"""

from __future__ import annotations

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
from skillgap.issuing import IssuedCredential


class Lookup(Protocol):
    """Answers what the workspace (inside the current transaction) holds."""

    def has(self, kind: str, key: str) -> bool:
        """kind: scale, issuer, achievement, person or award."""
        ...

    def has_competency(self, ref: CompetencyRef) -> bool: ...

    def email_owner(self, email: str) -> str | None: ...

    def identifier_owner(self, identifier: str) -> str | None: ...

    def scale(self, scale_id: str) -> ProficiencyScale | None: ...

    def issued_index_owner(self, index: int) -> str | None:
        """The issued credential holding status list index ``index``, if any."""
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
    return None


def _missing(owner: str, kind: str, key: str) -> str:
    return f"{owner} refers to {kind} {key!r}, which the workspace does not hold"


def _competencies(owner: str, refs: list[CompetencyRef], lookup: Lookup) -> str | None:
    for ref in refs:
        if not lookup.has_competency(ref):
            return f"{owner} refers to competency {ref}, which the workspace does not hold"
    return None
