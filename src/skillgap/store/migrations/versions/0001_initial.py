"""The first workspace schema: frameworks, roles, people, credentials, observations.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _competency_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["framework_id", "competency_code"],
        ["competencies.framework_id", "competencies.code"],
        name=f"fk_{table}_competency",
    )


def upgrade() -> None:
    op.create_table(
        "scales",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scales"),
    )
    op.create_table(
        "scale_levels",
        sa.Column("scale_id", sa.String, nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("label", sa.String, nullable=False),
        sa.Column("canonical", sa.Float, nullable=False),
        sa.Column("descriptor", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("scale_id", "value", name="pk_scale_levels"),
        sa.ForeignKeyConstraint(
            ["scale_id"], ["scales.id"], name="fk_scale_levels_scale_id_scales"
        ),
    )
    op.create_table(
        "frameworks",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("version", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("scale_id", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_frameworks"),
        sa.ForeignKeyConstraint(["scale_id"], ["scales.id"], name="fk_frameworks_scale_id_scales"),
    )
    op.create_table(
        "capability_groups",
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("code", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("parent", sa.String),
        sa.PrimaryKeyConstraint("framework_id", "code", name="pk_capability_groups"),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name="fk_capability_groups_framework_id_frameworks"
        ),
    )
    op.create_table(
        "competencies",
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("code", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("group_code", sa.String),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("uri", sa.String),
        sa.Column("alt_labels", JSON, nullable=False),
        sa.PrimaryKeyConstraint("framework_id", "code", name="pk_competencies"),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name="fk_competencies_framework_id_frameworks"
        ),
    )
    op.create_index("ix_competencies_uri", "competencies", ["uri"])
    op.create_table(
        "roles",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("family", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_roles"),
    )
    op.create_table(
        "requirements",
        sa.Column("role_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("competency_code", sa.String, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("importance", sa.String(16), nullable=False),
        sa.Column("horizon", sa.Date),
        sa.PrimaryKeyConstraint("role_id", "position", name="pk_requirements"),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], name="fk_requirements_role_id_roles"),
        _competency_fk("requirements"),
    )
    op.create_table(
        "people",
        sa.Column("employee_id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("department", sa.String),
        sa.Column("team", sa.String),
        sa.Column("manager_id", sa.String),
        sa.Column("role_id", sa.String),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("hire_date", sa.Date),
        sa.Column("attributes", JSON, nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_people"),
    )
    op.create_index("ix_people_department", "people", ["department"])
    op.create_table(
        "person_emails",
        sa.Column("email", sa.String, nullable=False),
        sa.Column("employee_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("email", name="pk_person_emails"),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["people.employee_id"], name="fk_person_emails_employee_id_people"
        ),
    )
    op.create_index("ix_person_emails_employee_id", "person_emails", ["employee_id"])
    op.create_table(
        "issuers",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("url", sa.String),
        sa.Column("email", sa.String),
        sa.Column("tier", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_issuers"),
    )
    op.create_table(
        "achievements",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("issuer_id", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("achievement_type", sa.String, nullable=False),
        sa.Column("assessment", sa.String(24), nullable=False),
        sa.Column("valid_for_days", sa.Integer),
        sa.Column("stackable_into", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_achievements"),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name="fk_achievements_issuer_id_issuers"
        ),
    )
    op.create_table(
        "alignments",
        sa.Column("achievement_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("target_name", sa.String, nullable=False),
        sa.Column("framework_id", sa.String),
        sa.Column("competency_code", sa.String),
        sa.Column("level", sa.Integer),
        sa.Column("target_url", sa.String),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("achievement_id", "position", name="pk_alignments"),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name="fk_alignments_achievement_id_achievements",
        ),
        _competency_fk("alignments"),
    )
    op.create_table(
        "awards",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("achievement_id", sa.String, nullable=False),
        sa.Column("recipient", sa.String, nullable=False),
        sa.Column("person_id", sa.String),
        sa.Column("issued_on", sa.DateTime, nullable=False),
        sa.Column("expires_on", sa.DateTime),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("verification", JSON),
        sa.Column("source", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_awards"),
        sa.ForeignKeyConstraint(
            ["achievement_id"], ["achievements.id"], name="fk_awards_achievement_id_achievements"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.employee_id"], name="fk_awards_person_id_people"
        ),
    )
    op.create_index("ix_awards_person_id", "awards", ["person_id"])
    op.create_table(
        "observations",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("competency_code", sa.String, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("scale_id", sa.String, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("observed_on", sa.Date, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("provenance", sa.Text, nullable=False),
        sa.Column("award_id", sa.String),
        sa.PrimaryKeyConstraint("id", name="pk_observations"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.employee_id"], name="fk_observations_person_id_people"
        ),
        sa.ForeignKeyConstraint(
            ["scale_id"], ["scales.id"], name="fk_observations_scale_id_scales"
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name="fk_observations_award_id_awards"
        ),
        _competency_fk("observations"),
    )
    op.create_index("ix_observations_person_id", "observations", ["person_id"])


def downgrade() -> None:
    for table in (
        "observations",
        "awards",
        "alignments",
        "achievements",
        "issuers",
        "person_emails",
        "people",
        "requirements",
        "roles",
        "competencies",
        "capability_groups",
        "frameworks",
        "scale_levels",
        "scales",
    ):
        op.drop_table(table)
