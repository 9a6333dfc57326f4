"""The workspace schema as SQLAlchemy Core tables, portable across SQLite and PostgreSQL.

Migrations (store/migrations/versions) create exactly this schema; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every backend."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String, primary_key=True)


workspace_meta = sa.Table(
    "workspace_meta",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

scales = sa.Table(
    "scales",
    metadata,
    _id(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
)

scale_levels = sa.Table(
    "scale_levels",
    metadata,
    sa.Column("scale_id", sa.ForeignKey("scales.id"), primary_key=True),
    sa.Column("value", sa.Integer, primary_key=True),
    sa.Column("label", sa.String, nullable=False),
    sa.Column("canonical", sa.Float, nullable=False),
    sa.Column("descriptor", sa.Text, nullable=False),
)

frameworks = sa.Table(
    "frameworks",
    metadata,
    _id(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("version", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("scale_id", sa.ForeignKey("scales.id"), nullable=False),
    # added in 0003
    sa.Column("uri", sa.String),
    sa.Column("extra", JSON),
)

capability_groups = sa.Table(
    "capability_groups",
    metadata,
    sa.Column("framework_id", sa.ForeignKey("frameworks.id"), primary_key=True),
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("parent", sa.String),
    # added in 0003
    sa.Column("uri", sa.String),
    sa.Column("extra", JSON),
)

competencies = sa.Table(
    "competencies",
    metadata,
    sa.Column("framework_id", sa.ForeignKey("frameworks.id"), primary_key=True),
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("group_code", sa.String),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("uri", sa.String, index=True),
    sa.Column("alt_labels", JSON, nullable=False),
    # added in 0003 (nullable: rows of older workspaces have none)
    sa.Column("skill_type", sa.String),
    sa.Column("reuse_level", sa.String),
    sa.Column("retired", sa.Boolean),
    sa.Column("extra", JSON),
)


def _competency_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["framework_id", "competency_code"],
        ["competencies.framework_id", "competencies.code"],
        name=f"fk_{table}_competency",
    )


occupations = sa.Table(
    "occupations",
    metadata,
    _id(),  # framework:code
    sa.Column("framework_id", sa.ForeignKey("frameworks.id"), nullable=False, index=True),
    sa.Column("code", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("uri", sa.String),
    sa.Column("alt_titles", JSON, nullable=False),
    sa.Column("level_scale", sa.String),
    sa.Column("extra", JSON),
)

occupation_skills = sa.Table(
    "occupation_skills",
    metadata,
    sa.Column("occupation_id", sa.ForeignKey("occupations.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("relation", sa.String(16), nullable=False),
    sa.Column("importance", sa.Float),
    sa.Column("level", sa.Float),
    _competency_fk("occupation_skills"),
)

roles = sa.Table(
    "roles",
    metadata,
    _id(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("family", sa.String, nullable=False),
)

requirements = sa.Table(
    "requirements",
    metadata,
    sa.Column("role_id", sa.ForeignKey("roles.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("importance", sa.String(16), nullable=False),
    sa.Column("horizon", sa.Date),
    _competency_fk("requirements"),
)

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

issuers = sa.Table(
    "issuers",
    metadata,
    _id(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("url", sa.String),
    sa.Column("email", sa.String),
    sa.Column("tier", sa.String(24), nullable=False),
)

achievements = sa.Table(
    "achievements",
    metadata,
    _id(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("issuer_id", sa.ForeignKey("issuers.id"), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("criteria", sa.Text, nullable=False),
    sa.Column("achievement_type", sa.String, nullable=False),
    sa.Column("assessment", sa.String(24), nullable=False),
    sa.Column("valid_for_days", sa.Integer),
    sa.Column("stackable_into", JSON, nullable=False),
)

alignments = sa.Table(
    "alignments",
    metadata,
    sa.Column("achievement_id", sa.ForeignKey("achievements.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("target_name", sa.String, nullable=False),
    sa.Column("framework_id", sa.String),
    sa.Column("competency_code", sa.String),
    sa.Column("level", sa.Integer),
    sa.Column("target_url", sa.String),
    sa.Column("status", sa.String(16), nullable=False),
    _competency_fk("alignments"),
)

awards = sa.Table(
    "awards",
    metadata,
    _id(),
    sa.Column("achievement_id", sa.ForeignKey("achievements.id"), nullable=False),
    sa.Column("recipient", sa.String, nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), index=True),
    sa.Column("issued_on", UTCDateTime, nullable=False),
    sa.Column("expires_on", UTCDateTime),
    sa.Column("evidence", JSON, nullable=False),
    sa.Column("verification", JSON),
    sa.Column("source", sa.Text, nullable=False),
    # added in 0004 (nullable: awards of older workspaces have none; read as "")
    sa.Column("format", sa.String),
    sa.Column("document", sa.Text),
)

observations = sa.Table(
    "observations",
    metadata,
    _id(),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("scale_id", sa.ForeignKey("scales.id"), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("observed_on", sa.Date, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("provenance", sa.Text, nullable=False),
    sa.Column("award_id", sa.ForeignKey("awards.id")),
    _competency_fk("observations"),
)

# added in 0005: credentials the organisation issued and signed itself. The signing key is
# never stored here; each row keeps the credential as handed out and its status list index.
issued_credentials = sa.Table(
    "issued_credentials",
    metadata,
    _id(),  # the credential's id (urn:uuid:...), also the id of the person's award
    sa.Column("award_id", sa.ForeignKey("awards.id"), nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("achievement_id", sa.ForeignKey("achievements.id"), nullable=False),
    sa.Column("status_index", sa.Integer, nullable=False, unique=True),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("issued_on", UTCDateTime, nullable=False),
    sa.Column("expires_on", UTCDateTime),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("revoked_on", UTCDateTime),
    sa.Column("revocation_reason", sa.Text),
    sa.Column("document", sa.Text, nullable=False),
)

# added in 0006: dated snapshots of the organisation's gaps, kept as they were computed. No
# foreign keys to people, roles or competencies: history outlives what it names, and must
# never stop a framework or a role from being replaced.
snapshots = sa.Table(
    "snapshots",
    metadata,
    _id(),
    sa.Column("taken_at", UTCDateTime, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False, index=True),
    sa.Column("reason", sa.String, nullable=False),
    # totals, so that listing snapshots reads no rows
    sa.Column("people", sa.Integer, nullable=False),
    sa.Column("assessed", sa.Integer, nullable=False),
    sa.Column("readiness_verified", sa.Float),
    sa.Column("readiness_best", sa.Float),
    sa.Column("ahead_verified", sa.Float),
    sa.Column("ahead_best", sa.Float),
    sa.Column("open_verified", sa.Integer, nullable=False),
    sa.Column("open_best", sa.Integer, nullable=False),
)

snapshot_people = sa.Table(
    "snapshot_people",
    metadata,
    sa.Column("snapshot_id", sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("person_id", sa.String, primary_key=True),
    sa.Column("department", sa.String),
    sa.Column("team", sa.String),
    sa.Column("role_id", sa.String, nullable=False),
    sa.Column("readiness_verified", sa.Float, nullable=False),
    sa.Column("readiness_best", sa.Float, nullable=False),
    sa.Column("horizon", sa.Date),
    sa.Column("horizon_readiness_verified", sa.Float),
    sa.Column("horizon_readiness_best", sa.Float),
)

snapshot_lines = sa.Table(
    "snapshot_lines",
    metadata,
    sa.Column("snapshot_id", sa.String, primary_key=True),
    sa.Column("person_id", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("importance", sa.String(16), nullable=False),
    sa.Column("required", sa.Float, nullable=False),
    sa.Column("held_verified", sa.Float),
    sa.Column("held_best", sa.Float),
    # No foreign key to snapshot_people, deliberately: lines are written once, only by the
    # snapshot mapper and only with their person's row, and checking one per line doubled
    # the time to store a snapshot of 100,000 people x 20 lines on PostgreSQL (21 s -> 9 s).
)

# added in 0007: the learning catalog, pathways and their awards, saved plans, pay and
# recognition rules and the audit log. Plans, like snapshots, are records: their lines name
# catalog items and competencies without foreign keys (the catalog may change after), but
# they do refer to the people they are for.
catalog_items = sa.Table(
    "catalog_items",
    metadata,
    _id(),
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
    _id(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("awards", sa.String),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("steps", JSON, nullable=False),
)

pathway_awards = sa.Table(
    "pathway_awards",
    metadata,
    _id(),
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
    _id(),
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

policies = sa.Table(
    "policies",
    metadata,
    _id(),
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

# added in 0008: users of the web application and API. Secrets only as hashes.
users = sa.Table(
    "users",
    metadata,
    _id(),  # a normalised e-mail address
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
    _id(),
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

#: Tables in an order that respects foreign keys (parents first).
ALL_TABLES: tuple[sa.Table, ...] = tuple(metadata.sorted_tables)
