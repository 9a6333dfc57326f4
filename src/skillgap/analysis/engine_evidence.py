"""The awards' credential observations as the gap engine's columns, an award at a time.

At 100,000 people, 150,000 counted awards give about 690,000 observations. Each award's
observations are its achievement's (``evidence.AwardEvidence``: a template per
achievement), so the columns are built from one row per award and the 1,500 templates:
the per-award values are repeated by the size of the award's template, the template's
values gathered, and only the ids are made one by one. A row per observation through
Python (``ObservationColumns._of``) took several times longer.
"""

from __future__ import annotations

import numpy as np

from skillgap.analysis.engine_build import I64, SOURCE_CODE, ObservationColumns
from skillgap.analysis.evidence import AwardEvidence
from skillgap.domain import CompetencyRef, SourceKind


def evidence_columns(evidence: AwardEvidence) -> ObservationColumns:
    """The observations ``evidence.rows()`` lists, in that order, as columns."""
    refs: dict[CompetencyRef, int] = {}
    scales: dict[str, int] = {}
    shape: dict[str, int] = {}  # achievement -> its template's number
    starts: list[int] = []  # each template's first row in the flat template columns
    suffixes: list[str] = []
    competency: list[int] = []
    scale: list[int] = []
    level: list[int] = []
    for achievement, observed in evidence.templates.items():
        shape[achievement] = len(starts)
        starts.append(len(suffixes))
        for suffix, ref, lv, scale_id in observed:
            suffixes.append(suffix)
            competency.append(refs.setdefault(ref, len(refs)))
            scale.append(scales.setdefault(scale_id, len(scales)))
            level.append(lv)
    bounds = np.array([*starts, len(suffixes)], dtype=np.int64)
    sizes: I64 = bounds[1:] - bounds[:-1]  # each template's number of observations

    people: dict[str, int] = {}
    awards = evidence.awards
    person = np.fromiter(
        (people.setdefault(a[1], len(people)) for a in awards), np.int32, len(awards)
    )
    day = np.fromiter((a[2].toordinal() for a in awards), np.int64, len(awards))
    weight = np.fromiter((a[3] for a in awards), np.float64, len(awards))
    template: I64 = np.fromiter((shape[a[4]] for a in awards), np.int64, len(awards))

    count: I64 = sizes[template]
    total = int(count.sum())
    first = np.cumsum(count) - count  # each award's first observation
    row = np.repeat(np.asarray(starts, dtype=np.int64)[template] - first, count)
    row += np.arange(total, dtype=np.int64)  # each observation's row of the templates
    ids = np.strings.add(
        np.repeat(np.array([a[0] for a in awards], dtype=np.str_), count),
        np.array(suffixes, dtype=np.str_)[row] if suffixes else np.zeros(0, dtype="<U1"),
    )
    return ObservationColumns(
        person_ids=tuple(people),
        person=np.repeat(person, count),
        competencies=tuple(refs),
        competency=np.asarray(competency, dtype=np.int32)[row],
        scale_ids=tuple(scales),
        scale=np.asarray(scale, dtype=np.int32)[row],
        level=np.asarray(level, dtype=np.int64)[row],
        source=np.full(total, SOURCE_CODE[SourceKind.CREDENTIAL], dtype=np.int8),
        observed_on=np.repeat(day, count),
        confidence=np.repeat(weight, count),
        ids=ids if total else np.zeros(0, dtype="<U1"),
    )
