import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillgap.domain import DEFAULT_SCALE, KPM_SCALE, Level, ProficiencyScale, convert
from skillgap.errors import ValidationError


def test_kpm_maps_onto_the_canonical_scale() -> None:
    assert [KPM_SCALE.to_canonical(v) for v in (0, 1, 2, 3)] == [0.0, 2.0, 3.0, 4.0]
    assert convert(3, KPM_SCALE, DEFAULT_SCALE) == 4
    assert convert(2, DEFAULT_SCALE, KPM_SCALE) == 1  # Knowledge


def test_conversion_never_rounds_up() -> None:
    # 0-5 level 1 (Awareness) is below KPM Knowledge (canonical 2): it reads as 0, not 1.
    assert convert(1, DEFAULT_SCALE, KPM_SCALE) == 0
    # 0-5 Expert (5) is above Mastery (4): it reads as Mastery, the highest KPM level.
    assert convert(5, DEFAULT_SCALE, KPM_SCALE) == 3


@given(st.sampled_from([lv.value for lv in DEFAULT_SCALE.levels]))
def test_identity_on_the_same_scale(value: int) -> None:
    assert convert(value, DEFAULT_SCALE, DEFAULT_SCALE) == value


@given(st.sampled_from([lv.value for lv in KPM_SCALE.levels]))
def test_kpm_round_trips_through_0_to_5(value: int) -> None:
    assert convert(convert(value, KPM_SCALE, DEFAULT_SCALE), DEFAULT_SCALE, KPM_SCALE) == value


def test_level_not_on_scale_is_named() -> None:
    with pytest.raises(ValidationError, match="level 7 is not on scale 'kpm'"):
        KPM_SCALE.level(7)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ((), "has no levels"),
        ((Level(1, "a", 1.0), Level(0, "b", 2.0)), "unique and ascending"),
        ((Level(0, "a", 3.0), Level(1, "b", 2.0)), "must not decrease"),
        ((Level(0, "a", 0.0), Level(1, "b", 6.0)), "within 0-5"),
    ],
)
def test_invalid_scales_are_refused(levels: tuple[Level, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ProficiencyScale("s", "S", levels)


def test_the_builtin_numeric_scales_follow_the_documented_rules() -> None:
    from skillgap.domain import EIGHT_LEVEL_SCALE, ONE_TO_FIVE_SCALE, ONET_LEVEL_SCALE
    from skillgap.domain import SEVEN_LEVEL_SCALE as SEVEN

    assert [lv.canonical for lv in ONE_TO_FIVE_SCALE.levels] == [1, 2, 3, 4, 5]
    assert ONET_LEVEL_SCALE.to_canonical(7) == 5.0
    assert ONET_LEVEL_SCALE.to_canonical(0) == 0.0
    assert abs(ONET_LEVEL_SCALE.to_canonical(4) - 20 / 7) < 1e-3
    assert (SEVEN.to_canonical(1), SEVEN.to_canonical(4), SEVEN.to_canonical(7)) == (1, 3, 5)
    assert (EIGHT_LEVEL_SCALE.to_canonical(1), EIGHT_LEVEL_SCALE.to_canonical(8)) == (1, 5)
    # never rounding up: SFIA level 4 (canonical 3) is 0-5 Proficient; O*NET LV 4 (2.86) is 2
    assert convert(4, SEVEN, DEFAULT_SCALE) == 3
    assert convert(4, ONET_LEVEL_SCALE, DEFAULT_SCALE) == 2
