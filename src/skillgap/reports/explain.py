"""What the one-person reports (reports/gaps.py, reports/why.py) share: levels with their
labels, dates, and the person as JSON-ready data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillgap.analysis.gaps import GapStatus
from skillgap.analysis.inventory import View
from skillgap.domain import Person, ProficiencyScale

STATUS_STYLE = {GapStatus.MET: "green", GapStatus.PARTIAL: "yellow", GapStatus.MISSING: "red"}


def level_text(scale: ProficiencyScale, canonical: float | None) -> str:
    """A canonical 0-5 level read on ``scale``: "3 Proficient"; "2 Proficiency (3 on 0-5)"
    where the scale's values are not the canonical ones; between two levels, the lower one."""
    if canonical is None:
        return "none"
    value = scale.from_canonical(canonical)
    level = scale.level(value)
    text = f"{value} {level.label}"
    if abs(level.canonical - canonical) > 1e-9 or abs(level.value - canonical) > 1e-9:
        text += f" ({canonical:g} on 0-5)"
    return text


def day(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def person_data(person: Person) -> dict[str, Any]:
    return {
        "employee_id": person.employee_id,
        "name": person.name,
        "department": person.department,
        "team": person.team,
        "role": person.role_id,
        "active": person.active,
    }


def level_label(scale: ProficiencyScale, value: int | None) -> str | None:
    return None if value is None else scale.level(value).label


def scale_level_text(scale: ProficiencyScale, value: int) -> str:
    level = scale.level(value)
    text = f"{value} {level.label}"
    if abs(level.canonical - value) > 1e-9:
        text += f" ({level.canonical:g} on 0-5)"
    return text


def view_name(view: View) -> str:
    return view.value.replace("-", " ")
