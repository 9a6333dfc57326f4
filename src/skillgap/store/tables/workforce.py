"""People, their e-mail addresses and the identifiers (DIDs, URLs) naming them as
credential recipients.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import JSON, metadata

people = sa.Table(
    "people",
    metadata,
    sa.Column("employee_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("department", sa.String, index=True),
    sa.Column("team", sa.String),
    sa.Column("manager_id", sa.String),
    sa.Column("role_id", sa.String),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("hire_date", sa.Date),
    sa.Column("attributes", JSON, nullable=False),
)

person_emails = sa.Table(
    "person_emails",
    metadata,
    sa.Column("email", sa.String, primary_key=True),
    sa.Column("employee_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
)

# added in 0004: DIDs and URLs naming a person as a credential recipient, each one person's
person_identifiers = sa.Table(
    "person_identifiers",
    metadata,
    sa.Column("identifier", sa.String, primary_key=True),
    sa.Column("employee_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
)
