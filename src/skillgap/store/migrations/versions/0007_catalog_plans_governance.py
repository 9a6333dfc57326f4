"""The learning catalog, pathways and their awards, saved plans, policy rules, audit log.

Revision ID: 0007
Revises: 0006
Create Date: 2027-02-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _fk(table: str, column: str, target: str, key: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{key}"], name=f"fk_{table}_{column}_{target}"
    )


def upgrade() -> None:
    op.create_table(
        "catalog_items",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("provider", sa.String, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("internal", sa.Boolean, nullable=False),
        sa.Column("hours", sa.Float, nullable=False),
        sa.Column("cost", sa.Float, nullable=False),
        sa.Column("issuer_tier", sa.String(24), nullable=False),
        sa.Column("assessment", sa.String(24), nullable=False),
        sa.Column("valid_for_days", sa.Integer),
        sa.Column("achievement_id", sa.String),
        sa.Column("url", sa.String),
        sa.Column("description", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_items"),
    )
    op.create_index("ix_catalog_items_achievement_id", "catalog_items", ["achievement_id"])
    op.create_table(
        "catalog_outcomes",
        sa.Column("item_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("competency_code", sa.String, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("item_id", "position", name="pk_catalog_outcomes"),
        _fk("catalog_outcomes", "item_id", "catalog_items"),
    )
    op.create_table(
        "catalog_prerequisites",
        sa.Column("item_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("needs_id", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("item_id", "position", name="pk_catalog_prerequisites"),
        _fk("catalog_prerequisites", "item_id", "catalog_items"),
        _fk("catalog_prerequisites", "needs_id", "catalog_items"),
    )
    op.create_index("ix_catalog_prerequisites_needs_id", "catalog_prerequisites", ["needs_id"])
    op.create_table(
        "pathways",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("awards", sa.String),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("steps", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pathways"),
    )
    op.create_table(
        "pathway_awards",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("pathway_id", sa.String, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("achievement_id", sa.String, nullable=False),
        sa.Column("completed_at", sa.DateTime, nullable=False),
        sa.Column("units", JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("issued_id", sa.String),
        sa.Column("note", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pathway_awards"),
        _fk("pathway_awards", "pathway_id", "pathways"),
        _fk("pathway_awards", "person_id", "people", "employee_id"),
    )
    op.create_index("ix_pathway_awards_pathway_id", "pathway_awards", ["pathway_id"])
    op.create_index("ix_pathway_awards_person_id", "pathway_awards", ["person_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("subject", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_index("ix_plans_subject", "plans", ["subject"])
    op.create_table(
        "plan_lines",
        sa.Column("plan_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("item_id", sa.String, nullable=False),
        sa.Column("closes", JSON, nullable=False),
        sa.Column("cost", sa.Float, nullable=False),
        sa.Column("hours", sa.Float, nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "position", name="pk_plan_lines"),
        _fk("plan_lines", "plan_id", "plans"),
        _fk("plan_lines", "person_id", "people", "employee_id"),
    )
    op.create_index("ix_plan_lines_person_id", "plan_lines", ["person_id"])
    op.create_table(
        "plan_open_gaps",
        sa.Column("plan_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("competency_code", sa.String, nullable=False),
        sa.Column("required", sa.Float, nullable=False),
        sa.Column("held", sa.Float),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "position", name="pk_plan_open_gaps"),
        _fk("plan_open_gaps", "plan_id", "plans"),
        _fk("plan_open_gaps", "person_id", "people", "employee_id"),
    )
    op.create_table(
        "policies",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("effect", sa.String(24), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("importance", JSON, nullable=False),
        sa.Column("meets_level", sa.Boolean, nullable=False),
        sa.Column("include_future", sa.Boolean, nullable=False),
        sa.Column("min_quality", sa.Float),
        sa.Column("min_assessment", sa.String(24)),
        sa.Column("issuer_tiers", JSON, nullable=False),
        sa.Column("competencies", JSON, nullable=False),
        sa.Column("min_count", sa.Integer, nullable=False),
        sa.Column("amount", sa.Float),
        sa.PrimaryKeyConstraint("id", name="pk_policies"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("subject", sa.String, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("policies")
    op.drop_table("plan_open_gaps")
    op.drop_index("ix_plan_lines_person_id", table_name="plan_lines")
    op.drop_table("plan_lines")
    op.drop_index("ix_plans_subject", table_name="plans")
    op.drop_table("plans")
    op.drop_index("ix_pathway_awards_person_id", table_name="pathway_awards")
    op.drop_index("ix_pathway_awards_pathway_id", table_name="pathway_awards")
    op.drop_table("pathway_awards")
    op.drop_table("pathways")
    op.drop_index("ix_catalog_prerequisites_needs_id", table_name="catalog_prerequisites")
    op.drop_table("catalog_prerequisites")
    op.drop_table("catalog_outcomes")
    op.drop_index("ix_catalog_items_achievement_id", table_name="catalog_items")
    op.drop_table("catalog_items")
