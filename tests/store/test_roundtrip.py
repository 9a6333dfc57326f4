"""Property tests: any domain value that is stored reads back equal, on every backend.

The ``store`` fixture gives a MemoryStore, a SQLite file per test function, or the session's
PostgreSQL workspace; each Hypothesis example clears it first (hence the suppressed
function-scoped-fixture health check).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skillgap.domain import (
    KPM_SCALE,
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Check,
    CheckStatus,
    Competency,
    CompetencyRef,
    Evidence,
    ExpiryPolicy,
    Framework,
    Importance,
    Issuer,
    IssuerTier,
    Level,
    Observation,
    Person,
    ProficiencyScale,
    Requirement,
    Role,
    SkillKind,
    SourceKind,
    VerificationReport,
    VerificationStatus,
)
from skillgap.store import Store, Workspace

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# --------------------------------------------------------------------------- strategies

#: Any character but the NUL PostgreSQL cannot store in text, and lone surrogates.
CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
INT32 = st.integers(-(2**31), 2**31 - 1)  # Integer columns are 32-bit on PostgreSQL


def texts(min_size: int = 0, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(CHARACTERS, min_size=min_size, max_size=max_size)


IDS = texts(min_size=1)
OPTIONAL_TEXTS = st.none() | texts()


def unambiguous(moment: datetime) -> bool:
    """Not in a DST gap or fold: Python's == is False across zones for such times (PEP 495)."""
    return moment.utcoffset() == moment.replace(fold=1 - moment.fold).utcoffset()


ZONES: st.SearchStrategy[tzinfo] = st.one_of(
    st.just(UTC),
    st.builds(lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-1439, 1439)),
    st.timezones(),
)
AWARE_DATETIMES = st.datetimes(
    min_value=datetime(2, 1, 1),  # keeps the conversion to UTC within datetime's range
    max_value=datetime(9998, 12, 31),
    timezones=ZONES,
    allow_imaginary=False,
).filter(unambiguous)


@st.composite
def scales(draw: st.DrawFn) -> ProficiencyScale:
    values = sorted(draw(st.sets(INT32, min_size=1, max_size=5)))
    canonical = sorted(draw(st.lists(st.floats(0, 5), min_size=len(values), max_size=len(values))))
    levels = tuple(
        Level(value, draw(texts()), position, draw(texts(max_size=30)))
        for value, position in zip(values, canonical, strict=True)
    )
    return ProficiencyScale(draw(IDS), draw(texts()), levels, draw(texts(max_size=30)))


@st.composite
def frameworks(draw: st.DrawFn, min_competencies: int = 0) -> Framework:
    id = draw(IDS.filter(lambda s: ":" not in s))
    group_codes = draw(st.lists(IDS, unique=True, max_size=4))
    groups = tuple(
        CapabilityGroup(
            code,
            draw(texts()),
            draw(texts(max_size=30)),
            draw(st.none() | st.sampled_from(group_codes[:i])) if i else None,  # no cycles
        )
        for i, code in enumerate(group_codes)
    )
    codes = draw(st.lists(IDS, unique=True, min_size=min_competencies, max_size=5))
    competencies = tuple(
        Competency(
            framework=id,
            code=code,
            name=draw(texts()),
            description=draw(texts(max_size=30)),
            group=draw(st.none() | st.sampled_from(group_codes)) if group_codes else None,
            kind=draw(st.sampled_from(SkillKind)),
            uri=draw(OPTIONAL_TEXTS),
            alt_labels=tuple(draw(st.lists(texts(), max_size=3))),
        )
        for code in codes
    )
    return Framework(
        id=id,
        name=draw(texts()),
        version=draw(texts(max_size=5)),
        description=draw(texts(max_size=30)),
        source=draw(texts()),
        scale=draw(scales()),
        groups=groups,
        competencies=competencies,
    )


@st.composite
def roles(draw: st.DrawFn, framework: Framework) -> Role:
    refs = [c.ref for c in framework.competencies]
    needs = draw(
        st.lists(st.tuples(st.sampled_from(refs), st.none() | st.dates()), unique=True, max_size=6)
    )
    return Role(
        id=draw(IDS),
        name=draw(texts()),
        description=draw(texts(max_size=30)),
        family=draw(texts()),
        requirements=tuple(
            Requirement(ref, draw(INT32), draw(st.sampled_from(Importance)), horizon)
            for ref, horizon in needs
        ),
    )


EMAILS = (
    st.builds(lambda local, domain: f"{local}@{domain}", texts(1, 10), texts(1, 10))
    .map(lambda text: text.strip().lower())
    .filter(lambda text: "@" in text and text == text.strip().lower())
)


IDENTIFIERS = st.builds(
    lambda scheme, rest: f"{scheme}:{rest}",
    st.sampled_from(["did", "https", "urn"]),
    st.text(CHARACTERS.filter(lambda c: not c.isspace()), min_size=1, max_size=12),
)


@st.composite
def people(draw: st.DrawFn) -> Person:
    employee_id = draw(IDS.filter(str.strip))
    return Person(
        employee_id=employee_id,
        name=draw(texts()),
        emails=tuple(draw(st.lists(EMAILS, unique=True, max_size=3))),
        department=draw(OPTIONAL_TEXTS),
        team=draw(OPTIONAL_TEXTS),
        manager_id=draw(st.none() | IDS.filter(lambda s: s != employee_id)),
        role_id=draw(OPTIONAL_TEXTS),
        active=draw(st.booleans()),
        hire_date=draw(st.none() | st.dates()),
        attributes=draw(st.dictionaries(texts(), texts(max_size=30), max_size=4)),
        identifiers=tuple(draw(st.lists(IDENTIFIERS, unique=True, max_size=3))),
    )


ISSUERS = st.builds(
    Issuer,
    id=IDS,
    name=texts(),
    url=OPTIONAL_TEXTS,
    email=OPTIONAL_TEXTS,
    tier=st.sampled_from(IssuerTier),
)


@st.composite
def alignments(draw: st.DrawFn, refs: list[CompetencyRef]) -> Alignment:
    competency = draw(st.none() | st.sampled_from(refs))
    statuses = (
        list(AlignmentStatus)
        if competency is not None
        else [AlignmentStatus.SUGGESTED, AlignmentStatus.UNMAPPED]  # the others need one
    )
    return Alignment(
        target_name=draw(texts()),
        competency=competency,
        level=draw(st.none() | INT32),
        target_url=draw(OPTIONAL_TEXTS),
        status=draw(st.sampled_from(statuses)),
    )


@st.composite
def achievements(draw: st.DrawFn, issuer_id: str, framework: Framework) -> Achievement:
    id = draw(IDS)
    refs = [c.ref for c in framework.competencies]
    return Achievement(
        id=id,
        name=draw(texts()),
        issuer_id=issuer_id,
        description=draw(texts(max_size=30)),
        criteria=draw(texts(max_size=30)),
        achievement_type=draw(texts()),
        assessment=draw(st.sampled_from(AssessmentType)),
        alignments=tuple(draw(st.lists(alignments(refs), max_size=4))),
        expiry=ExpiryPolicy(draw(st.none() | st.integers(1, 36_525))),
        stackable_into=tuple(draw(st.lists(IDS.filter(lambda s: s != id), max_size=3))),
    )


REPORTS = st.builds(
    VerificationReport,
    status=st.sampled_from(VerificationStatus),
    checked_at=st.datetimes(timezones=st.none() | ZONES, allow_imaginary=False).filter(unambiguous),
    format=texts(),
    checks=st.lists(
        st.builds(Check, texts(), st.sampled_from(CheckStatus), texts(max_size=30)), max_size=4
    ).map(tuple),
)


@st.composite
def awards(draw: st.DrawFn) -> Award:
    first, second = sorted([draw(AWARE_DATETIMES), draw(AWARE_DATETIMES)])
    return Award(
        id=draw(IDS),
        achievement_id=ACHIEVEMENT.id,
        recipient=draw(texts()),
        issued_on=first,
        person_id=draw(st.sampled_from([None, PERSON.employee_id])),
        expires_on=draw(st.sampled_from([None, second])),
        evidence=tuple(
            draw(
                st.lists(
                    st.builds(Evidence, texts(), OPTIONAL_TEXTS, texts(max_size=30)), max_size=3
                )
            )
        ),
        verification=draw(st.none() | REPORTS),
        source=draw(texts()),
        format=draw(texts()),
        document=draw(texts(max_size=60)),
    )


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    source = draw(st.sampled_from(SourceKind))
    return Observation(
        id=draw(IDS),
        person_id=PERSON.employee_id,
        competency=draw(st.sampled_from([c.ref for c in FRAMEWORK.competencies])),
        level=draw(INT32),
        scale_id=draw(st.sampled_from([FRAMEWORK.scale.id, KPM_SCALE.id])),
        source=source,
        observed_on=draw(st.dates()),
        confidence=draw(st.floats(0, 1)),
        provenance=draw(texts(max_size=30)),
        award_id=AWARD.id
        if source is SourceKind.CREDENTIAL
        else draw(st.sampled_from([None, AWARD.id])),
    )


# --------------------------------------------------------------------------- fixed references

FRAMEWORK = Framework(
    "fw",
    "Framework",
    competencies=(
        Competency("fw", "python", "Python"),
        Competency("fw", "\u00e9t\u00e9", "\u00c9t\u00e9"),
    ),
)
ISSUER = Issuer("issuer", "Issuer")
ACHIEVEMENT = Achievement("achievement", "Achievement", ISSUER.id)
PERSON = Person("E1", "Person", emails=("e1@example.org",))
AWARD = Award(
    "award", ACHIEVEMENT.id, "e1@example.org", datetime(2024, 1, 1, tzinfo=UTC), PERSON.employee_id
)


def add_references(ws: Workspace) -> None:
    """What awards and observations refer to."""
    ws.frameworks.add(FRAMEWORK)
    ws.scales.add(KPM_SCALE)
    ws.issuers.add(ISSUER)
    ws.achievements.add(ACHIEVEMENT)
    ws.people.add(PERSON)
    ws.awards.add(AWARD)


def store_then_load(
    store: Store,
    repo: str,
    item: Any,
    key: str,
    prepare: Callable[[Workspace], None] = lambda ws: None,
) -> Any:
    with store.transaction() as ws:
        ws.clear()
        prepare(ws)
        getattr(ws, repo).add(item)
    with store.transaction() as ws:
        return getattr(ws, repo).get(key)


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(scale=scales())
def test_a_scale_reads_back_equal(store: Store, scale: ProficiencyScale) -> None:
    assert store_then_load(store, "scales", scale, scale.id) == scale


@PROPERTY
@given(framework=frameworks())
def test_a_framework_reads_back_equal(store: Store, framework: Framework) -> None:
    assert store_then_load(store, "frameworks", framework, framework.id) == framework
    with store.transaction() as ws:
        assert ws.scales.list() == [framework.scale]


@PROPERTY
@given(data=st.data())
def test_a_role_reads_back_equal(store: Store, data: st.DataObject) -> None:
    framework = data.draw(frameworks(min_competencies=1), label="framework")
    role = data.draw(roles(framework), label="role")
    loaded = store_then_load(store, "roles", role, role.id, lambda ws: ws.frameworks.add(framework))
    assert loaded == role


@PROPERTY
@given(person=people())
def test_a_person_reads_back_equal(store: Store, person: Person) -> None:
    assert store_then_load(store, "people", person, person.employee_id) == person
    with store.transaction() as ws:
        for email in person.emails:
            assert ws.people.by_email(email) == person
            shouted = f" {email.upper()} "
            # upper() does not always undo with lower() ("\u00b5" -> "\u039c" -> "\u03bc")
            if shouted.strip().lower() == email:
                assert ws.people.by_email(shouted) == person


@PROPERTY
@given(group=st.lists(people(), max_size=4, unique_by=lambda p: p.employee_id))
def test_people_list_back_in_id_order(store: Store, group: list[Person]) -> None:
    emails = [e for p in group for e in p.emails]
    assume(len(emails) == len(set(emails)))
    identifiers = [i for p in group for i in p.identifiers]
    assume(len(identifiers) == len(set(identifiers)))
    with store.transaction() as ws:
        ws.clear()
        ws.people.add_all(group)
    with store.transaction() as ws:
        assert ws.people.list() == sorted(group, key=lambda p: p.employee_id)


@PROPERTY
@given(issuer=ISSUERS)
def test_an_issuer_reads_back_equal(store: Store, issuer: Issuer) -> None:
    assert store_then_load(store, "issuers", issuer, issuer.id) == issuer


@PROPERTY
@given(data=st.data())
def test_an_achievement_reads_back_equal(store: Store, data: st.DataObject) -> None:
    framework = data.draw(frameworks(min_competencies=1), label="framework")
    issuer = data.draw(ISSUERS, label="issuer")
    achievement = data.draw(achievements(issuer.id, framework), label="achievement")

    def prepare(ws: Workspace) -> None:
        ws.frameworks.add(framework)
        ws.issuers.add(issuer)

    assert store_then_load(store, "achievements", achievement, achievement.id, prepare) == (
        achievement
    )


@PROPERTY
@given(award=awards())
def test_an_award_reads_back_equal(store: Store, award: Award) -> None:
    assume(award.id != AWARD.id)
    loaded = store_then_load(store, "awards", award, award.id, add_references)
    assert loaded == award
    # The instants are kept exactly (the SQL store hands them back in UTC).
    assert loaded.issued_on.astimezone(UTC) == award.issued_on.astimezone(UTC)


@PROPERTY
@given(observation=observations())
def test_an_observation_reads_back_equal(store: Store, observation: Observation) -> None:
    loaded = store_then_load(store, "observations", observation, observation.id, add_references)
    assert loaded == observation


@PROPERTY
@given(key=texts(), value=texts(max_size=200), other=texts(max_size=200))
def test_meta_reads_back_equal(store: Store, key: str, value: str, other: str) -> None:
    with store.transaction() as ws:
        ws.clear()
        ws.meta.set(key, value)
        ws.meta.set(key, other)
    with store.transaction() as ws:
        assert ws.meta.get(key) == other
        assert ws.meta.items() == {key: other}


def test_the_fixed_references_store(store: Store) -> None:
    """The fixed values the award and observation properties refer to are valid together."""
    with store.transaction() as ws:
        add_references(ws)
    with store.transaction() as ws:
        assert ws.awards.list() == [AWARD]
        assert ws.frameworks.list() == [FRAMEWORK]
