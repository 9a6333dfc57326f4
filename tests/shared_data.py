"""Where the shared, openly licensed data and published vectors are (``../shared`` from the
project root): ``$SKILLGAP_SHARED`` if set, else next to this checkout, else /work/shared (a
clean clone elsewhere, as CI makes, still finds them). The product never reads them."""

from __future__ import annotations

import os
from pathlib import Path


def _shared() -> Path:
    given = os.environ.get("SKILLGAP_SHARED")
    if given:
        return Path(given)
    beside = Path(__file__).resolve().parents[2] / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


SHARED = _shared()
VECTORS = SHARED / "vectors"
DATA = SHARED / "data"
