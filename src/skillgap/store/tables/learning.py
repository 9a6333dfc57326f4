"""The learning catalog (items, their outcomes and prerequisites), pathways and their
awards, and saved plans (their lines and the gaps they leave open).
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import JSON, UTCDateTime, id_column, metadata

# added in 0007: the learning catalog, pathways and their awards, saved plans (and, in
# governance.py, pay and recognition rules and the audit log). Plans, like snapshots, are
# records: their lines name catalog items and competencies without foreign keys (the catalog
# may change after), but they do refer to the people they are for.
catalog_items = sa.Table(
    "catalog_items",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("provider", sa.String, nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("internal", sa.Boolean, nullable=False),
    sa.Column("hours", sa.Float, nullable=False),
    sa.Column("cost", sa.Float, nullable=False),
    sa.Column("issuer_tier", sa.String(24), nullable=False),
    sa.Column("assessment", sa.String(24), nullable=False),
    sa.Column("valid_for_days", sa.Integer),
    sa.Column("achievement_id", sa.String, index=True),  # no foreign key: may come later
    sa.Column("url", sa.String),
    sa.Column("description", sa.Text, nullable=False),
)

catalog_outcomes = sa.Table(
    "catalog_outcomes",
    metadata,
    sa.Column("item_id", sa.ForeignKey("catalog_items.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
)

catalog_prerequisites = sa.Table(
    "catalog_prerequisites",
    metadata,
    sa.Column("item_id", sa.ForeignKey("catalog_items.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("needs_id", sa.ForeignKey("catalog_items.id"), nullable=False, index=True),
)

pathways = sa.Table(
    "pathways",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("awards", sa.String),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("steps", JSON, nullable=False),
)

pathway_awards = sa.Table(
    "pathway_awards",
    metadata,
    id_column(),
    sa.Column("pathway_id", sa.ForeignKey("pathways.id"), nullable=False, index=True),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("achievement_id", sa.String, nullable=False),
    sa.Column("completed_at", UTCDateTime, nullable=False),
    sa.Column("units", JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("issued_id", sa.String),
    sa.Column("note", sa.Text, nullable=False),
)

plans = sa.Table(
    "plans",
    metadata,
    id_column(),
    sa.Column("scope", sa.String(16), nullable=False),
    sa.Column("subject", sa.String, nullable=False, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("objective", sa.String(8), nullable=False),
    sa.Column("solver", sa.String(8), nullable=False),
    sa.Column("budget", sa.Float),
    sa.Column("deadline", sa.Date),
    sa.Column("target_role", sa.String),
    sa.Column("horizon", sa.Date),
    sa.Column("hours_per_week", sa.Float, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

plan_lines = sa.Table(
    "plan_lines",
    metadata,
    sa.Column("plan_id", sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("item_id", sa.String, nullable=False),
    sa.Column("closes", JSON, nullable=False),  # [[framework id, code], ...]
    sa.Column("cost", sa.Float, nullable=False),
    sa.Column("hours", sa.Float, nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

plan_open_gaps = sa.Table(
    "plan_open_gaps",
    metadata,
    sa.Column("plan_id", sa.ForeignKey("plans.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("required", sa.Float, nullable=False),
    sa.Column("held", sa.Float),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
