"""A synthetic organisation: the demo bundle with its people (and their evidence) copied."""

from __future__ import annotations

from dataclasses import replace

from skillgap.analysis.summary import WorkspaceData
from skillgap.formats.bundle import Bundle


def scaled(bundle: Bundle, copies: int) -> WorkspaceData:
    """``copies`` x the demo's people, each copy with its own ids, e-mails and evidence."""
    people, awards, claims = [], [], []
    for n in range(copies):

        def pid(old: str | None, n: int = n) -> str | None:
            return None if old is None else f"{old}-{n}"

        for p in bundle.people:
            people.append(
                replace(
                    p,
                    employee_id=f"{p.employee_id}-{n}",
                    manager_id=pid(p.manager_id),
                    emails=tuple(f"{n}.{e}" for e in p.emails),
                )
            )
        awards += [replace(a, id=f"{a.id}-{n}", person_id=pid(a.person_id)) for a in bundle.awards]
        claims += [
            replace(c, id=f"{c.id}-{n}", person_id=f"{c.person_id}-{n}") for c in bundle.claims
        ]
    return WorkspaceData(
        frameworks=[bundle.framework],
        roles=bundle.roles,
        people=people,
        issuers=bundle.issuers,
        achievements=bundle.achievements,
        awards=awards,
        observations=claims,
    )
