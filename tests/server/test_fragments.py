"""The HTML drawn in Python (``server/web/fragments.py``) against the Jinja macro it
replaced: the same markup for every demo person's gap tables, and every text escaped; the
gap data the tables are drawn from, line by line against the gap lines."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from jinja2 import Environment

from skillgap.analysis.context import SkillContext
from skillgap.analysis.inventory import View
from skillgap.reports import gaps as gaps_module
from skillgap.reports.gaps import gaps_data
from skillgap.server.web.fragments import gap_table, text
from skillgap.services import explain as explain_service
from skillgap.services import people as people_service

from .conftest import Org

#: the template macro the fragment replaced (person.html before it moved to Python)
REFERENCE = """{% macro gap_table(d, caption) %}
<table>
  <caption>{{ caption }}</caption>
  <thead><tr><th scope="col">Competency</th><th scope="col">Importance</th><th scope="col">Required</th><th scope="col">Held</th><th scope="col">Status</th></tr></thead>
  <tbody>
  {% for r in d["requirements"] %}
    <tr class="gap-{{ r["status"] }}"><th scope="row">{{ r["name"] }}{% if r["since"] %} <span class="hint">(from {{ r["since"] }})</span>{% endif %}</th>
    <td>{{ r["importance"] }}</td><td>{{ r["required_label"] }} ({{ r["required_level"] }})</td>
    <td>{{ r["held_label"] or "nothing" }}{% if r["source"] %} <span class="hint">({{ r["source"] }})</span>{% endif %}{% if r["claimed_only"] %} <span class="claimed">claimed, not verified</span>{% endif %}</td>
    <td><span class="status status-{{ r["status"] }}">{{ r["status"] }}</span></td></tr>
  {% endfor %}
  </tbody>
</table>
{% endmacro %}"""  # noqa: E501


def reference(profile: dict[str, Any], caption: str) -> str:
    env = Environment(autoescape=True, trim_blocks=False)
    return str(env.from_string(REFERENCE).module.gap_table(profile, caption))  # type: ignore[attr-defined]


def squeeze(html: str) -> str:
    """The markup without the whitespace between lines (the template's loop leaves some)."""
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.parametrize("view", list(View))
def test_every_demo_persons_tables_equal_the_former_macros(org: Org, view: View) -> None:
    people = [p for p in people_service.list_people(org.store) if p.role_id]
    assert len(people) > 20
    tables = 0
    for person in people:
        data = gaps_data(
            explain_service.person_gaps(org.store, org.clock, person.employee_id, view=view)
        )
        for profile in (data["now"], data["at_horizon"]):
            if profile is None:
                continue
            caption = f"Now ({profile['date']})"
            assert squeeze(str(gap_table(profile, caption))) == squeeze(reference(profile, caption))
            tables += 1
    assert tables > len(people)  # the horizon's tables were compared too


@pytest.mark.parametrize("view", list(View))
def test_each_line_of_the_data_says_what_its_own_gap_line_says(org: Org, view: View) -> None:
    """``gaps_data``'s lines (what the page's tables and ``skillgap gaps --json`` show) say
    what each gap line says: its requirement, levels, gap, source and whether it is only
    claimed, for lines held and not held, in both profiles."""
    people = [p for p in people_service.list_people(org.store) if p.role_id]
    kinds: set[tuple[bool, bool]] = set()  # (nothing held, only claimed) seen
    for person in people:
        result = explain_service.person_gaps(org.store, org.clock, person.employee_id, view=view)
        data = gaps_data(result)
        pairs = [(data["now"], result.now.lines)]
        if result.horizon is not None:
            pairs.append((data["at_horizon"], result.horizon.lines))
        for profile, lines in pairs:
            for said, line in zip(profile["requirements"], lines, strict=True):
                item, since = line.item, line.item.requirement.horizon
                assert (said["competency"], said["required"], said["held"], said["gap"]) == (
                    str(item.requirement.competency),
                    item.required,
                    item.held,
                    item.gap,
                )
                assert said["status"] == item.status.value
                assert said["source"] == (item.source.value if item.source else None)
                assert said["claimed_only"] is line.claimed_only
                assert said["since"] == (since.isoformat() if since else None)
                kinds.add((item.held is None, line.claimed_only))
    assert (True, False) in kinds
    if view is View.VERIFIED:
        assert (True, True) in kinds  # nothing verified, met on a rating alone


HOSTILE = {
    "status": 'gap"><script>',
    "name": "<img src=x onerror=alert(1)> & Co",
    "since": "2027-01-01</span>",
    "importance": "'essential'",
    "required_label": "Expert <b>",
    "required_level": 4,
    "held_label": "&amp;",
    "source": "self<",
    "claimed_only": True,
}


def test_every_text_is_escaped() -> None:
    profile = {"requirements": [HOSTILE, {**HOSTILE, "since": None, "held_label": None}]}
    drawn = str(gap_table(profile, "<caption>"))
    assert squeeze(drawn) == squeeze(reference(profile, "<caption>"))
    assert "<script>" not in drawn and "<img" not in drawn and "<b>" not in drawn
    assert "&amp;amp;" in drawn and "&lt;caption&gt;" in drawn
    assert "<td>nothing <span" in drawn  # no level held


def test_a_non_integer_level_is_refused_not_written() -> None:
    with pytest.raises(ValueError):
        gap_table({"requirements": [{**HOSTILE, "required_level": "4<script>"}]}, "x")


def test_escaping_is_kept_per_distinct_text() -> None:
    text.cache_clear()
    for _ in range(3):
        assert text("R&D") == "R&amp;D"
    assert text.cache_info().hits == 2 and text.cache_info().misses == 1


def test_a_line_in_force_now_and_at_the_horizon_is_one_dict_in_both_profiles(org: Org) -> None:
    """A requirement the role keeps at its horizon is one gap line (``now_and_horizon``)
    and one dict of ``gaps_data`` in both profiles; the tables drawn from them are the same
    as from copies."""
    shared_seen = 0
    for person in people_service.list_people(org.store):
        if not person.role_id:
            continue
        data = gaps_data(explain_service.person_gaps(org.store, org.clock, person.employee_id))
        later = data["at_horizon"]
        if later is None:
            continue
        now_lines = {id(line) for line in data["now"]["requirements"]}
        shared_seen += sum(id(line) in now_lines for line in later["requirements"])
        for profile in (data["now"], later):
            copied = {**profile, "requirements": [dict(r) for r in profile["requirements"]]}
            assert str(gap_table(profile, "x")) == str(gap_table(copied, "x"))
    assert shared_seen > 0


def test_a_renamed_competency_is_named_anew_on_the_next_answer(org: Org) -> None:
    """What a line says of its requirement is kept per context (frameworks and scales read
    once): a new context, as after a framework's new version, names it anew."""
    person = next(p for p in people_service.list_people(org.store) if p.role_id)
    result = explain_service.person_gaps(org.store, org.clock, person.employee_id)
    first = gaps_data(result)["now"]["requirements"][0]
    ref = result.now.lines[0].item.requirement.competency
    framework = result.context.frameworks[ref.framework]
    renamed = replace(
        framework,
        competencies=tuple(
            replace(c, name="Renamed <b>") if c.code == ref.code else c
            for c in framework.competencies
        ),
    )
    context = SkillContext({**result.context.frameworks, ref.framework: renamed}, {})
    context.scales.update(result.context.scales)
    again = gaps_data(replace(result, context=context))["now"]["requirements"][0]
    assert (first["competency"], again["competency"]) == (str(ref), str(ref))
    assert first["name"] != "Renamed <b>" and again["name"] == "Renamed <b>"
    assert gaps_data(result)["now"]["requirements"][0]["name"] == first["name"]


def test_the_kept_heads_start_afresh_past_their_bound(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gaps_module._Heads, "MOST", 3)
    person = next(p for p in people_service.list_people(org.store) if p.role_id)
    result = explain_service.person_gaps(org.store, org.clock, person.employee_id)
    first = gaps_data(result)
    kept = gaps_module._HEADS._kept
    assert kept is not None and kept[0]() is result.context
    assert len(kept[1]) > 3  # filled past the bound by one answer
    assert gaps_data(result) == first  # the next starts afresh, with the same figures
    again = gaps_module._HEADS._kept
    assert again is not None and again[1] is not kept[1] and again[0]() is result.context
