from dataclasses import replace

from skillgap.analysis.versions import diff, next_version
from skillgap.domain import CapabilityGroup, Competency, Framework

OLD = Framework(
    "fw",
    "Skills",
    version="1",
    groups=(CapabilityGroup("data", "Data"), CapabilityGroup("old", "Old group")),
    competencies=(
        Competency("fw", "sql", "SQL", group="data"),
        Competency("fw", "viz", "Charts", group="data"),
        Competency("fw", "cobol", "COBOL", group="old"),
        Competency("fw", "fax", "Faxing", retired=True),
    ),
)
NEW = Framework(
    "fw",
    "Skills",
    version="2",
    groups=(CapabilityGroup("data", "Data"), CapabilityGroup("bi", "BI")),
    competencies=(
        Competency("fw", "sql", "SQL", group="data"),
        Competency("fw", "viz", "Data visualisation", group="bi"),
        Competency("fw", "python", "Python", group="data"),
        Competency("fw", "fax", "Faxing"),
    ),
)


def test_diff_names_every_kind_of_change() -> None:
    d = diff(OLD, NEW)
    assert (d.old_version, d.new_version) == ("1", "2")
    assert d.added == ("python",)
    assert d.removed == ("cobol",)
    assert [(r.code, r.old, r.new) for r in d.relabelled] == [
        ("viz", "Charts", "Data visualisation")
    ]
    assert [(m.code, m.old, m.new) for m in d.moved] == [("viz", "data", "bi")]
    assert d.returned == ("fax",) and d.changed


def test_a_first_import_adds_everything() -> None:
    d = diff(None, NEW)
    assert d.old_version is None and d.added == ("fax", "python", "sql", "viz")
    assert not (d.removed or d.relabelled or d.moved)
    assert next_version(None, NEW) is NEW


def test_the_stored_version_keeps_what_the_new_one_drops_as_retired() -> None:
    stored = next_version(OLD, NEW)
    assert [c.code for c in stored.competencies] == ["sql", "viz", "python", "fax", "cobol"]
    cobol = stored.competency("cobol")
    assert cobol.retired and cobol.group is None  # its group is gone
    assert not stored.competency("fax").retired  # listed again
    again = diff(stored, replace(NEW, version="3"))
    assert not again.changed  # retired ones do not count as removed twice
