"""Users of the web application and API, their roles, API tokens and sessions.

Roles decide what a user may see: ``admin`` everything and user management, ``hr`` the
whole organisation, ``manager`` their reports down the manager tree, ``reviewer`` the
credential quality and alignment queue, ``employee`` themselves. Secrets are never held
here in the clear: passwords as KDF hashes, tokens and session ids as SHA-256 digests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from skillgap.errors import ValidationError


class UserRole(StrEnum):
    ADMIN = "admin"
    HR = "hr"
    MANAGER = "manager"
    REVIEWER = "reviewer"
    EMPLOYEE = "employee"

    @property
    def someone(self) -> str:
        """The role as a sentence names its holder: "an administrator", "an HR user"."""
        return _SOMEONE[self]

    @property
    def needs_person(self) -> bool:
        """Managers and employees see people relative to themselves: they must be one."""
        return self in (UserRole.MANAGER, UserRole.EMPLOYEE)


_SOMEONE = {
    UserRole.ADMIN: "an administrator",
    UserRole.HR: "an HR user",
    UserRole.MANAGER: "a manager",
    UserRole.REVIEWER: "a reviewer",
    UserRole.EMPLOYEE: "an employee",
}


@dataclass(frozen=True)
class User:
    id: str  # the login: a normalised e-mail address
    name: str
    role: UserRole
    password_hash: str
    created_at: datetime
    person_id: str | None = None  # the employee record the user is (managers, employees)
    active: bool = True

    def __post_init__(self) -> None:
        if "@" not in self.id or self.id != self.id.strip().lower():
            raise ValidationError(f"{self.id!r} is not a normalised e-mail address")
        if self.role.needs_person and not self.person_id:
            raise ValidationError(
                f"user {self.id!r}: a {self.role} must be linked to a person (--person)"
            )


@dataclass(frozen=True)
class ApiToken:
    """An integration's token: shown once, stored as the SHA-256 of its secret."""

    id: str  # public identifier, the token's prefix
    name: str
    role: UserRole
    secret_hash: str
    created_at: datetime
    created_by: str
    person_id: str | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Session:
    id_hash: str  # SHA-256 of the cookie value
    user_id: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
