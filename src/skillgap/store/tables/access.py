"""Who may use the web application and API: users, API tokens, sessions and login
failures. Secrets only as hashes.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import UTCDateTime, id_column, metadata

# added in 0008: users of the web application and API. Secrets only as hashes.
users = sa.Table(
    "users",
    metadata,
    id_column(),  # a normalised e-mail address
    sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), index=True),
    sa.Column("active", sa.Boolean, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String, nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.employee_id")),
    sa.Column("revoked_at", UTCDateTime),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_hash", sa.String, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String, nullable=False, index=True),
    sa.Column("at", UTCDateTime, nullable=False),
)
