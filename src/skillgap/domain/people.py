"""People, as imported from HR records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from skillgap.errors import ValidationError


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    emails: tuple[str, ...] = ()
    department: str | None = None
    team: str | None = None
    manager_id: str | None = None
    role_id: str | None = None
    active: bool = True
    hire_date: date | None = None
    attributes: dict[str, str] = field(default_factory=dict, hash=False)
    #: DIDs and URLs that name the person as the recipient of a credential (an Open Badges
    #: 3.0 ``credentialSubject.id``, an OB 2.0 ``url`` identity); e-mails stay in ``emails``.
    identifiers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.employee_id.strip():
            raise ValidationError("a person needs an employee id")
        if self.manager_id == self.employee_id:
            raise ValidationError(f"person {self.employee_id!r} cannot manage themselves")
        for email in self.emails:
            if "@" not in email or email != email.strip().lower():
                raise ValidationError(
                    f"person {self.employee_id!r}: {email!r} is not a normalised e-mail address"
                )
        for identifier in self.identifiers:
            if not is_identifier(identifier):
                raise ValidationError(
                    f"person {self.employee_id!r}: {identifier!r} is not a DID or URL "
                    "(expected scheme:rest, e.g. did:web:example.org or https://...)"
                )


def normalise_email(text: str) -> str:
    return text.strip().lower()


# A URI's scheme, then no white space: "did:key:z6Mk...", "https://example.org/u/ann".
# Plain strings ("12345") are refused: without a scheme they could name anyone in any system.
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def is_identifier(text: str) -> bool:
    """A recipient identifier as stored: a URI (DID, URL, URN), nothing around it."""
    return _IDENTIFIER.fullmatch(text) is not None


def check_manager_tree(people: list[Person]) -> None:
    """Every manager must be a known person, and following managers must never loop."""
    by_id = {p.employee_id: p for p in people}
    for person in people:
        if person.manager_id is not None and person.manager_id not in by_id:
            raise ValidationError(
                f"person {person.employee_id!r} has manager {person.manager_id!r}, "
                "who is not among the people"
            )
    settled: set[str] = set()
    for person in people:
        path: list[str] = []
        node: Person | None = person
        while node is not None and node.employee_id not in settled:
            if node.employee_id in path:
                loop = " -> ".join([*path[path.index(node.employee_id) :], node.employee_id])
                raise ValidationError(f"the manager tree has a cycle: {loop}")
            path.append(node.employee_id)
            node = by_id.get(node.manager_id) if node.manager_id else None
        settled.update(path)
