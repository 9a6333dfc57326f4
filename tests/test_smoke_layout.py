"""The public face of the package (as httpx tests its exported members)."""

import skillgap


def test_public_names() -> None:
    assert set(skillgap.__all__) == {"Settings", "SkillgapError", "__version__", "load_settings"}
    for name in skillgap.__all__:
        assert hasattr(skillgap, name)
