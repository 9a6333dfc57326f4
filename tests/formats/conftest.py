"""Fixtures for the bundle reader tests: a private copy of the demo organisation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillgap.services.bundles import demo_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "org"
    shutil.copytree(demo_folder(), copy)
    return copy
