"""Open Badges payloads out of files, safely: what a file is, where a badge hides in it.

- ``sniff``: PNG, SVG, JSON, compact JWS or URL, judged from the bytes, not the file name.
- ``baking``: the badge baked into a PNG or SVG image, read and written (OB 1.x to 3.0).
- ``sources``: files, folders and zip backpacks turned into bounded inputs; JSON parsed with
  depth, duplicate-key and NaN checks.

Everything here treats its input as hostile: each read has a limit, and each failure is an
exception (``BakedBadgeError``, ``PayloadError``) or an error ``Input`` with a plain reason.
"""

from skillgap.formats.badges.baking import (
    BakedBadgeError,
    bake_png,
    bake_svg,
    extract_png,
    extract_svg,
)
from skillgap.formats.badges.sniff import Kind, sniff
from skillgap.formats.badges.sources import (
    JSON_MAX_DEPTH,
    Input,
    PayloadError,
    iter_inputs,
    load_json,
)

__all__ = [
    "JSON_MAX_DEPTH",
    "BakedBadgeError",
    "Input",
    "Kind",
    "PayloadError",
    "bake_png",
    "bake_svg",
    "extract_png",
    "extract_svg",
    "iter_inputs",
    "load_json",
    "sniff",
]
