from pathlib import Path

import pytest

from skillgap.domain import DEFAULT_SCALE, convert
from skillgap.errors import InputError, InputErrors
from skillgap.formats.scales import read_scale

GOOD = """id: acme-4
name: ACME four levels
levels:
  - {value: 1, label: Learner, canonical: 1, descriptor: Needs guidance.}
  - {value: 2, label: Practitioner, canonical: 2.5}
  - {value: 3, label: Senior, canonical: 4}
  - {value: 4, label: Authority, canonical: 5}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scale.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_scale_with_descriptors_maps_onto_0_to_5(tmp_path: Path) -> None:
    scale = read_scale(write(tmp_path, GOOD))
    assert scale.id == "acme-4" and scale.level(1).descriptor == "Needs guidance."
    assert convert(2, scale, DEFAULT_SCALE) == 2  # 2.5 reads as Knowledge, never rounded up
    assert convert(3, DEFAULT_SCALE, scale) == 2


def test_every_bad_level_is_reported_at_once(tmp_path: Path) -> None:
    bad = GOOD.replace("canonical: 2.5", "canonical: 7").replace("label: Senior", "label: ''")
    with pytest.raises(InputErrors) as caught:
        read_scale(write(tmp_path, bad))
    text = str(caught.value)
    assert "field 'levels[1].canonical': 7 is not within 0-5" in text
    assert "field 'levels[2].label': is missing" in text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{value: 2, label: Practitioner, canonical: 2.5}",
            "{value: 1, label: P, canonical: 2.5}",
            "unique and ascending",
        ),
        ("canonical: 4}", "canonical: 2}", "must not decrease"),
        ("canonical: 4}", "canonical: 4, colour: red}", "unknown key 'colour'"),
        ("id: acme-4", "ident: acme-4", "unknown key 'ident'"),
    ],
)
def test_broken_scales_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises((InputError, InputErrors), match=message):
        read_scale(write(tmp_path, GOOD.replace(old, new)))
