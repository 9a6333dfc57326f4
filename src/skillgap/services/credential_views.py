"""Credentials held in the workspace: listed (for a person, by status, unmatched) and one
shown with its achievement, issuer, holder and the names of what it is aligned to."""

from __future__ import annotations

from dataclasses import dataclass

from skillgap.domain import Achievement, Award, CompetencyRef, Issuer, Person
from skillgap.errors import NotFoundError
from skillgap.services.summary import credential_indexes
from skillgap.store import Store


def _status(award: Award) -> str:
    return str(award.verification.status) if award.verification else "unverified"


@dataclass(frozen=True)
class CredentialRow:
    award: Award
    achievement: Achievement
    issuer: Issuer

    @property
    def status(self) -> str:
        return _status(self.award)


def list_credentials(
    store: Store,
    *,
    person_id: str | None = None,
    status: str | None = None,
    unmatched: bool = False,
) -> list[CredentialRow]:
    with store.transaction() as ws:
        if person_id is not None and ws.people.find(person_id) is None:
            raise NotFoundError(f"no person with employee id {person_id!r}")
        awards = ws.awards.for_person(person_id) if person_id else ws.awards.list()
        named = {award.achievement_id for award in awards}
        achievements, issuers = credential_indexes(ws, named)
    rows = []
    for award in awards:
        achievement = achievements[award.achievement_id]
        row = CredentialRow(award, achievement, issuers[achievement.issuer_id])
        if (status is None or row.status == status) and not (unmatched and award.person_id):
            rows.append(row)
    return rows


@dataclass(frozen=True)
class CredentialView:
    row: CredentialRow
    person: Person | None
    competencies: dict[CompetencyRef, str]  # the names of the competencies aligned to


def show_credential(store: Store, award_id: str) -> CredentialView:
    with store.transaction() as ws:
        award = ws.awards.find(award_id)
        if award is None:
            raise NotFoundError(f"no credential with id {award_id!r}")
        achievement = ws.achievements.get(award.achievement_id)
        issuer = ws.issuers.get(achievement.issuer_id)
        person = ws.people.find(award.person_id) if award.person_id else None
        refs = [a.competency for a in achievement.alignments if a.competency is not None]
        frameworks = {ref.framework: ws.frameworks.find(ref.framework) for ref in refs}
    names = {
        ref: framework.competency(ref.code).name
        for ref in refs
        if (framework := frameworks[ref.framework]) is not None and framework.has(ref.code)
    }
    return CredentialView(CredentialRow(award, achievement, issuer), person, names)
