"""Reading how an achievement was assessed from the text of an Open Badges credential.

Holds ``infer_assessment`` and the tables it reads with: the keyword patterns of each
kind of assessment (and of an unsupervised test), and the ``resultType`` and
``achievementType`` values that name one. ``analysis.quality`` scores the result (and
re-exports ``infer_assessment``); ``formats.badges`` records it on import.

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from skillgap.domain import AssessmentType

_NEGATED = re.compile(
    r"\b(?:un|non[- ]?)(?:proctored|supervised|invigilated)\b(?! learning)|\bwithout (?:a )?"
    r"(?:proctor|supervision|invigilat\w*)|\bnot (?:proctored|supervised|invigilated)\b|"
    r"\b(?:taken |done )?at home\b|\btake[- ]home\b|\bopen[- ]book\b",
    re.I,
)
_SIGNS: tuple[tuple[AssessmentType, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            AssessmentType.PERFORMANCE,
            r"\bobserv(?:ed|ation|ing)\b|\bon[- ]the[- ]job\b|\bin(?:to)? production\b|"
            r"\breal\b(?:\s+[\w-]+){0,2}\s+(?:workflows?|incidents?|customers?)\b|"
            r"\bapprentice(?:ship)?\b|\bpracticum\b|\b360[- ]degree\b|\bwork[- ]based\b|"
            r"\bdemonstrated (?:to|before|in front of)\b",
        ),
        (
            AssessmentType.PORTFOLIO,
            r"\bportfolio\b|\bcapstone\b|\bprojects?\b|\bcase stud(?:y|ies)\b|"
            r"\bwork samples?\b|\bpull requests?\b",
        ),
        (
            AssessmentType.PRACTICAL_EXAM,
            r"\bpractical (?:exam|examination|assessment|test|check)s?\b|"
            r"\bhands[- ]on (?:lab|exam|examination|assessment|test|tasks?)\b|"
            r"\blab (?:exam|examination|assessment)\b|\bsimulat(?:ed|ion)\b|"
            r"\bperformance[- ]based (?:exam|examination|assessment|test)\b",
        ),
        (
            AssessmentType.PROCTORED_EXAM,
            r"\bproctor(?:ed|ing)?\b|\binvigilat\w*|\bsupervised\b(?! learning)|"
            r"\b(?:test|exam|examination) (?:centre|center|hall)\b",
        ),
        (
            AssessmentType.UNPROCTORED_TEST,
            r"\bauto[- ]?graded\b|\b(?:test|exam|examination)s?\b",
        ),
        (
            AssessmentType.QUIZ,
            r"\bquiz\w*|\bmultiple[- ]choice questions?\b|\bknowledge checks?\b|"
            r"\banswer\w*\b[^.;]{0,30}\bquestions\b",
        ),
        (
            AssessmentType.ATTENDANCE,
            r"\battend\w*|\bparticipat\w*|\bcompletion\b|\bwatch\w*|"
            r"\bcomplet\w*\b[^.;]{0,40}\b(?:course|modules?|workshop|webinar|class|sessions?|"
            r"training|e-learning)\b",
        ),
    )
)
_RESULTS = {
    **dict.fromkeys(
        ("rubriccriterionlevel", "rubriccriterion", "rubricscore", "performancelevel"),
        AssessmentType.PRACTICAL_EXAM,
    ),
    **dict.fromkeys(
        ("rawscore", "scaledscore", "percent", "lettergrade", "gradepointaverage"),
        AssessmentType.UNPROCTORED_TEST,
    ),
}
_TYPES = {
    **dict.fromkeys(
        ("apprenticeshipcertificate", "journeymancertificate", "fieldwork", "internship"),
        AssessmentType.PERFORMANCE,
    ),
    "assignment": AssessmentType.PORTFOLIO,
    "license": AssessmentType.PROCTORED_EXAM,
    "assessment": AssessmentType.UNPROCTORED_TEST,
    **dict.fromkeys(
        ("certificateofcompletion", "cocurricular", "membership"), AssessmentType.ATTENDANCE
    ),
}


def infer_assessment(
    doc: Mapping[str, Any], *, evidence: bool = False
) -> tuple[AssessmentType, str]:
    """How an Open Badges 2.0 BadgeClass or 3.0 Achievement says it was assessed, and why.

    The most specific statement wins: what the criteria narrative says (the strongest kind
    of assessment it names: "a proctored exam and a case study" is a portfolio), else the
    description, else how results are reported (``resultDescription``: rubric levels are a
    judged performance, scores a test), else ``achievementType`` (an apprenticeship, a
    licence, a certificate of completion), else whether the award carries evidence of the
    earner's work. A test or exam that does not say it was supervised is unproctored.
    """
    criteria = doc.get("criteria")
    narrative = criteria.get("narrative") if isinstance(criteria, Mapping) else criteria
    for where, text in (("criteria", narrative), ("description", doc.get("description"))):
        if isinstance(text, str) and text.strip():
            found = _read_text(text)
            if found is not None:
                kind, words = found
                verb = "say" if where == "criteria" else "says"
                return kind, f"the {where} {verb} {words!r}"
    results = doc.get("resultDescription")
    for result in results if isinstance(results, list) else [results]:
        kind_of = result.get("resultType") if isinstance(result, Mapping) else None
        if isinstance(kind_of, str) and kind_of.casefold() in _RESULTS:
            return _RESULTS[kind_of.casefold()], f"results are reported as {kind_of}"
    declared = doc.get("achievementType")
    if isinstance(declared, str) and declared.casefold() in _TYPES:
        return _TYPES[declared.casefold()], f"its achievementType is {declared}"
    if evidence:
        return AssessmentType.PORTFOLIO, "the award carries evidence of the earner's work"
    return AssessmentType.UNKNOWN, "nothing in the credential says how it was assessed"


def _read_text(text: str) -> tuple[AssessmentType, str] | None:
    negated = _NEGATED.search(text)
    plain = _NEGATED.sub(" ", text)
    for kind, pattern in _SIGNS:
        if kind is AssessmentType.UNPROCTORED_TEST and negated:
            return kind, negated.group()
        match = pattern.search(plain)
        if match:
            return kind, match.group()
    return None
