"""Another process commits while a request is being answered (PostgreSQL: each read is a
statement of its own, read committed). A request reads the workspace's revision once and
takes the shared indexes (achievements, issuers) as they were then, but a person's awards
are read afresh: they may name an achievement, of an issuer, committed after that
revision. Such a credential is shown with what it names, read from the store, never a
KeyError (a 500)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skillgap.domain import Achievement, Alignment, Award, Issuer
from skillgap.domain.credentials import AssessmentType, IssuerTier
from skillgap.server.cache import CachedStore, ReadCache, one_revision
from skillgap.services import credential_views
from skillgap.services import explain as explain_service
from skillgap.services.summary import achievement_index, quality_of
from skillgap.store.schema import open_store

from .conftest import EMPLOYEE, Org


def _role_competency(org: Org) -> Alignment:
    with org.store.transaction() as ws:
        person = ws.people.get(EMPLOYEE)
        assert person.role_id is not None
        requirement = ws.roles.get(person.role_id).requirements[0]
    return Alignment("a skill of the role", requirement.competency, 5)


def _commit_elsewhere(org: Org, alignment: Alignment) -> None:
    """A new issuer, an achievement of it and an award of it to EMPLOYEE, committed by
    another store (another process, the command line)."""
    other = open_store(org.settings)
    try:
        with other.transaction() as ws:
            ws.issuers.add(Issuer("late-issuer", "Late Issuer", tier=IssuerTier.ACCREDITED))
            ws.achievements.add(
                Achievement(
                    "late-badge",
                    "Late Badge",
                    "late-issuer",
                    assessment=AssessmentType.PERFORMANCE,
                    alignments=(alignment,),
                )
            )
            ws.awards.add(
                Award(
                    "late-award",
                    "late-badge",
                    "someone@example.org",
                    datetime(2026, 11, 1, tzinfo=UTC),
                    person_id=EMPLOYEE,
                )
            )
    finally:
        other.close()


@pytest.mark.postgres
def test_a_credential_committed_during_a_request_is_shown_with_what_it_names(
    postgres_org: Org,
) -> None:
    cached = CachedStore(postgres_org.store, ReadCache())
    alignment = _role_competency(postgres_org)
    with one_revision():
        before = credential_views.list_credentials(cached, person_id=EMPLOYEE)
        explain_service.person_gaps(cached, postgres_org.clock, EMPLOYEE)
        _commit_elsewhere(postgres_org, alignment)
        with cached.transaction() as ws:  # the index is still the one of the request's revision
            assert "late-badge" not in achievement_index(ws)
        rows = credential_views.list_credentials(cached, person_id=EMPLOYEE)
        late = [r for r in rows if r.award.id == "late-award"]
        assert len(rows) == len(before) + 1
        assert late[0].achievement.name == "Late Badge"
        assert late[0].issuer.name == "Late Issuer"
        gaps = explain_service.person_gaps(cached, postgres_org.clock, EMPLOYEE)
        with cached.transaction() as ws:
            judged = quality_of(ws, {"late-badge"})
    assert judged["late-badge"].passes
    line = next(g for g in gaps.now.lines if g.item.requirement.competency == alignment.competency)
    assert line.holding is not None
    assert "late-award" in {o.award_id for o in line.holding.evidence}
