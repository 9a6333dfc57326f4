"""Framework standards: source fields on frameworks, groups and competencies; occupations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("frameworks") as batch:
        batch.add_column(sa.Column("uri", sa.String))
        batch.add_column(sa.Column("extra", JSON))
    with op.batch_alter_table("capability_groups") as batch:
        batch.add_column(sa.Column("uri", sa.String))
        batch.add_column(sa.Column("extra", JSON))
    with op.batch_alter_table("competencies") as batch:
        batch.add_column(sa.Column("skill_type", sa.String))
        batch.add_column(sa.Column("reuse_level", sa.String))
        batch.add_column(sa.Column("retired", sa.Boolean))
        batch.add_column(sa.Column("extra", JSON))
    op.create_table(
        "occupations",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("code", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("uri", sa.String),
        sa.Column("alt_titles", JSON, nullable=False),
        sa.Column("level_scale", sa.String),
        sa.Column("extra", JSON),
        sa.PrimaryKeyConstraint("id", name="pk_occupations"),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name="fk_occupations_framework_id_frameworks"
        ),
    )
    op.create_index("ix_occupations_framework_id", "occupations", ["framework_id"])
    op.create_table(
        "occupation_skills",
        sa.Column("occupation_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("competency_code", sa.String, nullable=False),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("importance", sa.Float),
        sa.Column("level", sa.Float),
        sa.PrimaryKeyConstraint("occupation_id", "position", name="pk_occupation_skills"),
        sa.ForeignKeyConstraint(
            ["occupation_id"],
            ["occupations.id"],
            name="fk_occupation_skills_occupation_id_occupations",
        ),
        sa.ForeignKeyConstraint(
            ["framework_id", "competency_code"],
            ["competencies.framework_id", "competencies.code"],
            name="fk_occupation_skills_competency",
        ),
    )


def downgrade() -> None:
    op.drop_table("occupation_skills")
    op.drop_table("occupations")
    with op.batch_alter_table("competencies") as batch:
        for column in ("extra", "retired", "reuse_level", "skill_type"):
            batch.drop_column(column)
    with op.batch_alter_table("capability_groups") as batch:
        batch.drop_column("extra")
        batch.drop_column("uri")
    with op.batch_alter_table("frameworks") as batch:
        batch.drop_column("extra")
        batch.drop_column("uri")
