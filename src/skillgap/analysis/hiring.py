"""Build or buy: the gaps no learning plan closes in time, as hiring needs per role, and the
skills section of a job posting for each.

What counts as "cannot close before its horizon" (the input, one tuple per gap: the person,
the role they need it for, an ``OpenGap``, and the horizon, the date the role needs the
level by; ``None``: now, earlier than any date):

- a plan's open gaps (``Plan.open_gaps``: no catalog item reaches the level, the budget or
  the deadline ran out ...), with the plan's own reason;
- the gaps a plan closes only after the horizon: ``late_gaps`` turns a person's gap and
  plan into ``OpenGap``s, the reason naming the line and its due date. A gap closes when the
  last line that lists it in ``closes`` is due; a gap the plan neither closes nor leaves
  open (a plan made for another profile) is open too, and says so.

Rules of a need:

- one need per role (by id); one requirement row per competency: the level is the highest
  canonical level asked among its gaps (what the hire should bring), the importance the
  highest, ``people_short`` the distinct people, ``need_by`` the earliest horizon, and the
  reasons the distinct ``OpenGap.reason``s, most frequent first;
- rows: critical first, then important, then useful; then the most people short, then the
  competency; needs: the earliest ``need_by`` first, then the most people short, then the
  role id;
- ``posting_text``: plain text in three parts, must-have (critical), important and
  nice-to-have (useful), each skill with its level in words: the label (and descriptor) of
  the highest level of the competency's framework scale not above the level needed (so a
  posting never asks for more than the need), on the canonical 0-5 scale without a context.
  The people short are never named in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from skillgap.analysis.context import SkillContext
from skillgap.analysis.gaps import PersonGap
from skillgap.domain import DEFAULT_SCALE, CompetencyRef, Importance, Person, ProficiencyScale, Role
from skillgap.domain.plans import OpenGap, Plan
from skillgap.errors import NotFoundError, ValidationError

IMPORTANCE_OF_WEIGHT = {i.weight: i for i in Importance}
SECTIONS = (
    (Importance.CRITICAL, "Must have"),
    (Importance.IMPORTANT, "Important"),
    (Importance.USEFUL, "Nice to have"),
)


@dataclass(frozen=True)
class HiringRequirement:
    competency: CompetencyRef
    name: str
    level: float  # canonical 0-5
    level_words: str  # "Advanced — handles complex, novel cases; guides others"
    importance: Importance
    people_short: int
    need_by: date | None  # None: now
    reasons: tuple[str, ...]  # why no plan closes it in time, most frequent first


@dataclass(frozen=True)
class HiringNeed:
    role: Role
    requirements: tuple[HiringRequirement, ...]
    people: tuple[str, ...]  # the employee ids short (for the record; never in a posting)
    need_by: date | None


def hiring_needs(
    open_gaps: Iterable[tuple[Person, Role, OpenGap, date | None]],
    *,
    context: SkillContext | None = None,
    names: Mapping[CompetencyRef, str] | None = None,
) -> list[HiringNeed]:
    """Group the gaps no plan closes in time into one hiring need per role. Competency
    names come from ``names``, else the context's frameworks, else the code."""
    roles: dict[str, Role] = {}
    rows: dict[str, dict[CompetencyRef, list[tuple[str, OpenGap, date | None]]]] = {}
    for person, role, gap, horizon in open_gaps:
        if gap.person_id != person.employee_id:
            raise ValidationError(
                f"open gap of {gap.person_id!r} given for person {person.employee_id!r}"
            )
        if gap.weight not in IMPORTANCE_OF_WEIGHT:
            raise ValidationError(
                f"open gap of {gap.person_id!r}: weight {gap.weight} is no importance"
            )
        roles.setdefault(role.id, role)
        per_role = rows.setdefault(role.id, {})
        per_role.setdefault(gap.competency, []).append((person.employee_id, gap, horizon))
    needs = []
    for role_id, per_competency in rows.items():
        requirements = sorted(
            (_requirement(ref, found, context, names) for ref, found in per_competency.items()),
            key=lambda r: (-r.importance.weight, -r.people_short, r.competency),
        )
        people = sorted({pid for found in per_competency.values() for pid, _, _ in found})
        needs.append(
            HiringNeed(roles[role_id], tuple(requirements), tuple(people), _earliest(requirements))
        )
    return sorted(needs, key=lambda n: (_day(n.need_by), -len(n.people), n.role.id))


def _requirement(
    ref: CompetencyRef,
    found: list[tuple[str, OpenGap, date | None]],
    context: SkillContext | None,
    names: Mapping[CompetencyRef, str] | None,
) -> HiringRequirement:
    level = max(gap.required for _, gap, _ in found)
    reasons = Counter(gap.reason for _, gap, _ in found if gap.reason)
    return HiringRequirement(
        competency=ref,
        name=_name(ref, context, names),
        level=level,
        level_words=level_words(level, _scale(ref, context)),
        importance=IMPORTANCE_OF_WEIGHT[max(gap.weight for _, gap, _ in found)],
        people_short=len({pid for pid, _, _ in found}),
        need_by=min((h for _, _, h in found), key=_day),
        reasons=tuple(r for r, _ in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))),
    )


def _day(when: date | None) -> date:
    return date.min if when is None else when


def _earliest(requirements: list[HiringRequirement]) -> date | None:
    return min((r.need_by for r in requirements), key=_day)


def _name(
    ref: CompetencyRef, context: SkillContext | None, names: Mapping[CompetencyRef, str] | None
) -> str:
    if names and ref in names:
        return names[ref]
    if context is not None:
        try:
            return context.competency(ref).name
        except NotFoundError:
            pass
    return ref.code


def _scale(ref: CompetencyRef, context: SkillContext | None) -> ProficiencyScale:
    if context is None or ref.framework not in context.frameworks:
        return DEFAULT_SCALE
    return context.frameworks[ref.framework].scale


def level_words(level: float, scale: ProficiencyScale) -> str:
    """The highest level of ``scale`` not above canonical ``level``, in words: its label
    (``level 4 of 7`` for a scale of numbers) and its descriptor, if it has one."""
    step = scale.level(scale.from_canonical(level))
    label = step.label
    if label.isdigit():
        label = f"level {label} of {scale.levels[-1].value}"
    descriptor = step.descriptor.strip().rstrip(".")
    if descriptor:
        return f"{label} — {descriptor[:1].lower()}{descriptor[1:]}"
    return label


def posting_text(need: HiringNeed) -> str:
    """The skills section of a job posting for ``need``, as plain text."""
    lines = [f"Skills: {need.role.name or need.role.id}"]
    for importance, title in SECTIONS:
        chosen = [r for r in need.requirements if r.importance is importance]
        if chosen:
            lines += ["", title]
            lines += [f"- {r.name}: {r.level_words}" for r in chosen]
    return "\n".join(lines) + "\n"


def late_gaps(gap: PersonGap, plan: Plan, need_by: date) -> list[OpenGap]:
    """The open items of ``gap`` that ``plan`` does not close by ``need_by``: left open by
    the plan, closed only by lines due after ``need_by``, or not in the plan at all."""
    pid = gap.person.employee_id
    left = {g.competency: g for g in plan.open_gaps if g.person_id == pid}
    found = []
    for item in gap.open_items:
        ref = item.requirement.competency
        if ref in left:
            found.append(left[ref])
            continue
        lines = [line for line in plan.lines if line.person_id == pid and ref in line.closes]
        if not lines:
            reason = f"plan {plan.id} does not close it"
        else:
            last = max(lines, key=lambda line: (line.due, line.item_id))
            if last.due <= need_by:
                continue
            reason = (
                f"plan {plan.id} closes it with {last.item_id} due {last.due.isoformat()}, "
                f"after {need_by.isoformat()}"
            )
        found.append(
            OpenGap(pid, ref, item.required, item.held, item.requirement.importance.weight, reason)
        )
    return found
