"""The workspace schema as SQLAlchemy Core tables, portable across SQLite and PostgreSQL.

Migrations (store/migrations/versions) create exactly this schema; a test compares them.

Every table belongs to the one ``metadata`` of ``base`` (with the column types and helpers
the tables share), and is defined in the module of its area:

- ``base``: ``workspace_meta`` (the workspace's key/value facts);
- ``skills``: scales, frameworks, capability groups, competencies, occupations, roles and
  their requirements;
- ``workforce``: people, their e-mail addresses and recipient identifiers;
- ``credentials``: issuers, achievements, alignments, awards, observations, issued
  credentials;
- ``history``: snapshots of the organisation's gaps;
- ``learning``: the learning catalog, pathways and their awards, plans;
- ``governance``: policies and the audit log;
- ``access``: users, API tokens, sessions and login failures.

This package gathers them all, so that importing it (``from skillgap.store import tables as
t``, then ``t.people``) always sees the whole schema, as Alembic and the schema check do.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.access import api_tokens, login_failures, sessions, users
from skillgap.store.tables.base import metadata, workspace_meta
from skillgap.store.tables.credentials import (
    achievements,
    alignments,
    awards,
    issued_credentials,
    issuers,
    observations,
)
from skillgap.store.tables.governance import audit_log, policies
from skillgap.store.tables.history import (
    snapshot_changes,
    snapshot_lines,
    snapshot_people,
    snapshot_periods,
    snapshots,
)
from skillgap.store.tables.learning import (
    catalog_items,
    catalog_outcomes,
    catalog_prerequisites,
    pathway_awards,
    pathways,
    plan_lines,
    plan_open_gaps,
    plans,
)
from skillgap.store.tables.skills import (
    capability_groups,
    competencies,
    frameworks,
    occupation_skills,
    occupations,
    requirements,
    roles,
    scale_levels,
    scales,
)
from skillgap.store.tables.workforce import people, person_emails, person_identifiers

#: Tables in an order that respects foreign keys (parents first).
ALL_TABLES: tuple[sa.Table, ...] = tuple(metadata.sorted_tables)

__all__ = [
    "ALL_TABLES",
    "achievements",
    "alignments",
    "api_tokens",
    "audit_log",
    "awards",
    "capability_groups",
    "catalog_items",
    "catalog_outcomes",
    "catalog_prerequisites",
    "competencies",
    "frameworks",
    "issued_credentials",
    "issuers",
    "login_failures",
    "metadata",
    "observations",
    "occupation_skills",
    "occupations",
    "pathway_awards",
    "pathways",
    "people",
    "person_emails",
    "person_identifiers",
    "plan_lines",
    "plan_open_gaps",
    "plans",
    "policies",
    "requirements",
    "roles",
    "scale_levels",
    "scales",
    "sessions",
    "snapshot_changes",
    "snapshot_lines",
    "snapshot_people",
    "snapshot_periods",
    "snapshots",
    "users",
    "workspace_meta",
]
