from dataclasses import replace

from skillgap.analysis.search import CompetencyIndex
from skillgap.formats.bundle import Bundle


def codes(index: CompetencyIndex, query: str, limit: int = 3) -> list[str]:
    return [hit.competency.code for hit in index.search(query, limit=limit)]


def test_labels_typos_and_partial_words(demo_bundle: Bundle) -> None:
    index = CompetencyIndex(demo_bundle.framework.competencies)
    assert codes(index, "data viz")[0] == "data-visualisation"
    assert codes(index, "pyhton")[0] == "python-for-data"
    assert codes(index, "promt enginering")[0] == "prompt-engineering"
    assert index.search("zzzz qqqq") == [] and index.search("  ") == []


def test_alternative_labels_and_descriptions_are_searched(demo_bundle: Bundle) -> None:
    framework = demo_bundle.framework
    index = CompetencyIndex(framework.competencies)
    alt = next(c for c in framework.competencies if c.alt_labels)
    hit = index.search(alt.alt_labels[0], limit=1)[0]
    assert hit.competency == alt
    described = next(c for c in framework.competencies if "dashboards" in c.description.lower())
    found = {h.competency.code: h.matched for h in index.search("dashboards", limit=20)}
    assert described.code in found


def test_retired_competencies_are_not_found(demo_bundle: Bundle) -> None:
    comps = [
        replace(c, retired=True) if c.code == "sql" else c
        for c in demo_bundle.framework.competencies
    ]
    index = CompetencyIndex(comps)
    assert "sql" not in codes(index, "sql", limit=10)
    assert len(index) == len(comps) - 1
