"""The exception tree: several input errors are still one input error."""

import pytest

from skillgap.errors import InputError, InputErrors, SkillgapError, ValidationError


def test_input_errors_is_an_input_error_located_at_the_first() -> None:
    first = InputError("is missing", file="a.csv", row=3, field="name")
    second = InputError("not a date", file="a.csv", row=7, field="hired")
    both = InputErrors([first, second])
    assert isinstance(both, InputError) and isinstance(both, ValidationError)
    assert isinstance(both, SkillgapError)
    assert (both.file, both.row, both.field, both.reason) == ("a.csv", 3, "name", "is missing")
    assert str(both).splitlines() == [
        "2 errors in a.csv:",
        "  a.csv, row 3, field 'name': is missing",
        "  a.csv, row 7, field 'hired': not a date",
    ]
    assert str(InputErrors([first])) == str(first)


def test_many_errors_are_counted_not_all_printed() -> None:
    many = InputErrors([InputError("bad", file="f.csv", row=n) for n in range(2, 32)])
    lines = str(many).splitlines()
    assert lines[0] == "30 errors in f.csv:" and lines[-1] == "  ... and 10 more"
    assert len(lines) == 1 + InputErrors.SHOWN + 1


def test_no_errors_is_a_bug_not_a_message() -> None:
    with pytest.raises(ValueError, match="at least one"):
        InputErrors([])
