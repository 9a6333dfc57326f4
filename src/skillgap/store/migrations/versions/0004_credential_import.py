"""Credential import: the presented credential on each award, recipient identifiers on people.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: awards stored before this revision have neither; the mapper reads "".
    with op.batch_alter_table("awards") as batch:
        batch.add_column(sa.Column("format", sa.String))
        batch.add_column(sa.Column("document", sa.Text))
    op.create_table(
        "person_identifiers",
        sa.Column("identifier", sa.String, nullable=False),
        sa.Column("employee_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("identifier", name="pk_person_identifiers"),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["people.employee_id"],
            name="fk_person_identifiers_employee_id_people",
        ),
    )
    op.create_index("ix_person_identifiers_employee_id", "person_identifiers", ["employee_id"])


def downgrade() -> None:
    op.drop_index("ix_person_identifiers_employee_id", table_name="person_identifiers")
    op.drop_table("person_identifiers")
    with op.batch_alter_table("awards") as batch:
        batch.drop_column("document")
        batch.drop_column("format")
