"""Issued credentials: what the organisation signed itself, with its status list index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_credentials",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("award_id", sa.String, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("achievement_id", sa.String, nullable=False),
        sa.Column("status_index", sa.Integer, nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("issued_on", sa.DateTime, nullable=False),
        sa.Column("expires_on", sa.DateTime),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("revoked_on", sa.DateTime),
        sa.Column("revocation_reason", sa.Text),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_issued_credentials"),
        sa.UniqueConstraint("status_index", name="uq_issued_credentials_status_index"),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name="fk_issued_credentials_award_id_awards"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.employee_id"],
            name="fk_issued_credentials_person_id_people",
        ),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name="fk_issued_credentials_achievement_id_achievements",
        ),
    )
    op.create_index("ix_issued_credentials_person_id", "issued_credentials", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_issued_credentials_person_id", table_name="issued_credentials")
    op.drop_table("issued_credentials")
