"""One person explained, on small hand-made data (no store, no CLI)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from skillgap.analysis.context import SkillContext, resolve_competency
from skillgap.analysis.evidence import Exclusion
from skillgap.analysis.explain import (
    PersonEvidence,
    next_horizon,
    now_and_horizon,
    person_evidence,
    profile_gaps,
)
from skillgap.analysis.explain_competency import AlignmentExclusion, explain_competency
from skillgap.analysis.gaps import GapStatus, person_gap
from skillgap.analysis.inventory import View
from skillgap.domain import (
    KPM_SCALE,
    Alignment,
    AlignmentStatus,
    Competency,
    CompetencyRef,
    Framework,
    SourceKind,
)
from skillgap.errors import NotFoundError, ValidationError
from tests.analysis.builders import (
    ANA,
    FRAMEWORK,
    ISSUERS,
    ROLE,
    SQL,
    TALK,
    VIZ,
    achievement,
    award,
    obs,
)

AS_OF = date(2026, 11, 1)
HORIZON = date(2027, 12, 31)
ACHIEVEMENTS = {
    a.id: a
    for a in (
        achievement(
            "sql-cert",
            alignments=(
                Alignment("SQL", SQL, 3),
                Alignment("Visualisation", VIZ, 2, status=AlignmentStatus.SUGGESTED),
            ),
        ),
        achievement("sql-mill", issuer="mill", alignments=(Alignment("SQL", SQL, 5),)),
        achievement("viz-cert", alignments=(Alignment("Visualisation", VIZ, 4),)),
    )
}


def evidence() -> PersonEvidence:
    awards = [
        award("a1", "sql-cert", issued=datetime(2025, 1, 1, tzinfo=UTC)),
        award("a2", "sql-mill", issued=datetime(2025, 2, 1, tzinfo=UTC)),
        award("a3", "viz-cert", issued=datetime(2027, 1, 1, tzinfo=UTC)),  # after AS_OF
        award("b1", "viz-cert", person="E2"),  # someone else's
    ]
    ratings = [
        obs("E1", VIZ, 4, SourceKind.SELF, on=date(2026, 3, 1)),
        obs("E1", VIZ, 1, SourceKind.MANAGER, on=date(2026, 2, 1)),
        obs("E1", VIZ, 2, SourceKind.MANAGER, on=date(2026, 12, 1)),  # after AS_OF
        obs("E1", TALK, 4, SourceKind.SELF, on=date(2026, 3, 1)),
        obs("E2", TALK, 5, SourceKind.MANAGER),
    ]
    context = SkillContext.of([FRAMEWORK], [KPM_SCALE])
    return person_evidence(ANA, awards, ACHIEVEMENTS, ISSUERS, ratings, context, AS_OF)


def test_every_award_of_the_person_is_judged_and_only_theirs() -> None:
    found = {o.award.id: o.exclusions for o in evidence().outcomes}
    assert found == {
        "a1": (),
        "a2": (Exclusion.UNTRUSTED_ISSUER,),
        "a3": (Exclusion.NOT_YET_ISSUED,),
    }


def test_an_alignment_that_is_only_suggested_gives_no_evidence_from_a_counted_award() -> None:
    viz = explain_competency(evidence(), VIZ, ROLE)
    by_award = {c.outcome.award.id: c for c in viz.credentials}
    assert list(by_award) == ["a1", "a3"]  # issue order; a2 is not aligned to VIZ
    a1 = by_award["a1"]
    assert a1.outcome.counted and not a1.counts
    assert a1.reasons == (AlignmentExclusion.NOT_CONFIRMED,)
    assert a1.reasons[0].label == "alignment only suggested (not exact or confirmed)"
    assert by_award["a3"].reasons == (Exclusion.NOT_YET_ISSUED,)
    assert viz.reading(View.VERIFIED) is None


def test_the_verified_level_names_the_award_it_comes_from() -> None:
    sql = explain_competency(evidence(), SQL, ROLE)
    counted = [c for c in sql.credentials if c.counts]
    assert [c.outcome.award.id for c in counted] == ["a1"]
    reading = sql.reading(View.VERIFIED)
    assert reading is not None and reading.level == 3.0
    assert sql.evidence_for(reading) is counted[0]
    mill = next(c for c in sql.credentials if c.outcome.award.id == "a2")
    assert mill.reasons == (Exclusion.UNTRUSTED_ISSUER,) and mill.canonical == 5.0


def test_ratings_after_the_date_are_listed_but_not_read() -> None:
    viz = explain_competency(evidence(), VIZ, ROLE)
    assert [(r.observation.level, r.after_as_of) for r in viz.ratings] == [
        (1, False),
        (4, False),
        (2, True),
    ]
    assert viz.holding is not None and viz.holding.manager is not None
    assert viz.holding.manager.level == 1.0  # the later rating of 2 is after AS_OF
    best = viz.reading(View.BEST_AVAILABLE)
    assert best is not None and best.observation.source is SourceKind.MANAGER  # not self 4


def test_the_requirement_now_and_at_each_horizon_in_both_views() -> None:
    viz = explain_competency(evidence(), VIZ, ROLE)
    assert [(c.on, c.future) for c in viz.requirements] == [(AS_OF, False), (HORIZON, True)]
    now, later = viz.requirements
    assert now.verified is not None and now.best_available is not None
    assert (now.verified.required, now.verified.status) == (2.0, GapStatus.MISSING)
    assert (now.best_available.held, now.best_available.gap) == (1.0, 1.0)
    assert later.verified is not None and later.verified.required == 4.0
    unrequired = explain_competency(evidence(), SQL, replace(ROLE, requirements=()))
    assert [(c.verified, c.best_available) for c in unrequired.requirements] == [(None, None)]
    assert explain_competency(evidence(), SQL, None).requirements == ()


def test_profile_gaps_agree_with_person_gap_and_list_claims_met_on_ratings_alone() -> None:
    ev = evidence()
    for view, on in [(v, d) for v in View for d in (AS_OF, HORIZON)]:
        profile = profile_gaps(ev, ROLE, view, on)
        expected = person_gap(ANA, ROLE, ev.inventory, ev.context, view=view, horizon=on)
        assert profile.gap == expected  # every item, in the role's order (one pass, same rule)
        for line in profile.lines:  # and each line holds the item of either view
            ref = line.item.requirement.competency
            for v, item in (
                (View.VERIFIED, line.verified),
                (View.BEST_AVAILABLE, line.best_available),
            ):
                other = person_gap(ANA, ROLE, ev.inventory, ev.context, view=v, horizon=on)
                assert item in [i for i in other.items if i.requirement.competency == ref]
        assert profile.readiness == pytest.approx(expected.readiness)
        weighted = [line.item.weighted_gap for line in profile.lines]
        assert weighted == sorted(weighted, reverse=True)
        assert [line.item for line in profile.lines if line.item.gap > 0] == list(
            expected.open_items
        )
    # TALK (4, useful) is met on the self rating of 4 alone; VIZ (2) only partly, by the manager
    claimed = profile_gaps(ev, ROLE, View.VERIFIED, AS_OF).claimed_only
    assert [line.item.requirement.competency for line in claimed] == [TALK]
    claim = claimed[0].claim
    assert claim is not None and claim.observation.source is SourceKind.SELF


@pytest.mark.parametrize("view", list(View))
def test_a_requirement_in_force_now_and_at_the_horizon_is_judged_once(view: View) -> None:
    ev = evidence()
    now, later = now_and_horizon(ev, ROLE, view, AS_OF, HORIZON)
    assert later is not None
    assert (now, later) == (
        profile_gaps(ev, ROLE, view, AS_OF),
        profile_gaps(ev, ROLE, view, HORIZON, future=True),
    )  # the same figures as each profile on its own
    before = {id(line.item.requirement): line for line in now.lines}
    shared = [line for line in later.lines if id(line.item.requirement) in before]
    raised = [line for line in later.lines if id(line.item.requirement) not in before]
    assert shared and raised  # the role keeps some requirements and raises VIZ
    assert all(line is before[id(line.item.requirement)] for line in shared)  # one line each
    assert [line.item.requirement.competency for line in raised] == [VIZ]
    assert now_and_horizon(ev, ROLE, view, AS_OF, None) == (now, None)


def test_the_next_horizon_is_the_first_after_the_date() -> None:
    assert next_horizon(ROLE, AS_OF) == HORIZON
    assert next_horizon(ROLE, HORIZON) is None


OTHER = Framework(
    "other",
    "Other",
    competencies=(
        Competency("other", "sql", "Structured Query Language"),
        Competency("other", "viz", "Visualisation"),
    ),
)
TWO = SkillContext.of([FRAMEWORK, OTHER])


@pytest.mark.parametrize(
    ("text", "preferred", "expected"),
    [
        ("fw:sql", (), SQL),
        ("other:sql", ("fw",), CompetencyRef("other", "sql")),
        ("sql", ("fw",), SQL),  # the role's framework first
        ("sql", ("other",), CompetencyRef("other", "sql")),
        ("  COMMUNICATION ", (), TALK),  # an exact name, case-insensitive
        ("structured query language", ("fw",), CompetencyRef("other", "sql")),
        ("Visualisation", ("other", "other"), CompetencyRef("other", "viz")),
    ],
)
def test_a_competency_is_named_by_ref_code_or_name(
    text: str, preferred: tuple[str, ...], expected: CompetencyRef
) -> None:
    assert resolve_competency(text, TWO, preferred) == expected


def test_a_name_that_fits_several_competencies_or_none_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"several competencies \(fw:viz, other:viz\)"):
        resolve_competency("visualisation", TWO)
    with pytest.raises(NotFoundError, match="no competency 'dance'"):
        resolve_competency("dance", TWO, ("fw",))
    with pytest.raises(NotFoundError, match="competency 'dance' is not in framework 'fw'"):
        resolve_competency("fw:dance", TWO)
    with pytest.raises(ValidationError, match="name a competency"):
        resolve_competency(" ", TWO)
