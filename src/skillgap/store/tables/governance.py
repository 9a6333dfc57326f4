"""Pay and recognition rules (policies) and the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import JSON, UTCDateTime, id_column, metadata

# added in 0007, with the learning catalog (learning.py): pay and recognition rules and the
# audit log.
policies = sa.Table(
    "policies",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("effect", sa.String(24), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("importance", JSON, nullable=False),
    sa.Column("meets_level", sa.Boolean, nullable=False),
    sa.Column("include_future", sa.Boolean, nullable=False),
    sa.Column("min_quality", sa.Float),
    sa.Column("min_assessment", sa.String(24)),
    sa.Column("issuer_tiers", JSON, nullable=False),
    sa.Column("competencies", JSON, nullable=False),  # [[framework id, code], ...]
    sa.Column("min_count", sa.Integer, nullable=False),
    sa.Column("amount", sa.Float),
)

# Append-only; ids increase in recording order. Details are JSON text, kept as written.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String, nullable=False),
    sa.Column("action", sa.String, nullable=False, index=True),
    sa.Column("subject", sa.String, nullable=False),
    sa.Column("details", sa.Text, nullable=False),
)
