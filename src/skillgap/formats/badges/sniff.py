"""Guess what a blob of bytes is, cheaply, before choosing a reader for it.

A badge reaches skillgap as a baked image, a JSON document, a compact JWS, or (Open Badges 1.x,
and hosted 2.0 assertions) a bare URL. File names and extensions lie, so the bytes decide.
Sniffing never parses a document fully: it looks at the first bytes (an SVG's prolog at most
``SVG_WINDOW`` bytes deep) and, for the short text forms, at the whole trimmed text with one
regular expression. The reader chosen afterwards does the real, bounded parsing.
"""

from __future__ import annotations

import base64
import binascii
import re
from enum import StrEnum
from urllib.parse import urlsplit

__all__ = ["PNG_SIGNATURE", "SVG_WINDOW", "Kind", "is_compact_jws", "is_url", "sniff"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_WINDOW = 64 * 1024  # how far into the prolog (declaration, comments, doctype) to look

_UTF8_BOM = b"\xef\xbb\xbf"
_SPACE = re.compile(rb"[ \t\r\n]*")
# Header and payload are base64url; the signature may be empty (alg "none", detached).
_JWS = re.compile(rb"([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_URL = re.compile(rb"https?://\S+", re.IGNORECASE)
_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")


class Kind(StrEnum):
    PNG = "png"
    SVG = "svg"
    JSON = "json"
    JWT = "jwt"  # a compact JWS (a signed JWT, or an OB 2.0 signed assertion)
    URL = "url"
    UNKNOWN = "unknown"


def sniff(data: bytes) -> Kind:
    """The kind of ``data``; ``UNKNOWN`` when it is none of the forms a badge comes in."""
    if data.startswith(PNG_SIGNATURE):
        return Kind.PNG
    body = data.removeprefix(_UTF8_BOM)
    start = _skip_space(body, 0)
    first = body[start : start + 1]
    if first in (b"{", b"["):
        return Kind.JSON
    if first == b"<":
        return Kind.SVG if _is_svg(body, start) else Kind.UNKNOWN
    text = body.strip(b" \t\r\n")
    if is_compact_jws(text):
        return Kind.JWT
    if is_url(text):
        return Kind.URL
    return Kind.UNKNOWN


def is_compact_jws(text: bytes) -> bool:
    """Three base64url segments whose first decodes to a JSON object (the JOSE header).

    Checking the header keeps ``report.final.v2`` or a dotted file name from passing as a JWS.
    """
    match = _JWS.fullmatch(text)
    if match is None:
        return False
    header = match.group(1)
    try:
        decoded = base64.urlsafe_b64decode(header + b"=" * (-len(header) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.lstrip(b" \t\r\n").startswith(b"{")


def is_url(text: bytes) -> bool:
    """One http(s) URL with a host, and nothing else (no spaces, no second line)."""
    if _URL.fullmatch(text) is None:
        return False
    try:
        return bool(urlsplit(text.decode("utf-8")).hostname)
    except (UnicodeDecodeError, ValueError):
        return False


def _skip_space(data: bytes, at: int) -> int:
    match = _SPACE.match(data, at)
    return match.end() if match else at


def _is_svg(data: bytes, at: int) -> bool:
    """True when an ``<svg`` root follows the prolog: whitespace, an XML declaration,
    processing instructions, comments and a doctype (which the SVG reader then refuses, with a
    reason: better than calling a real SVG "unknown")."""
    window = data[:SVG_WINDOW]
    while True:
        at = _skip_space(window, at)
        if window.startswith(b"<?", at):
            end = window.find(b"?>", at + 2)
            at = end + 2
        elif window.startswith(b"<!--", at):
            end = window.find(b"-->", at + 4)
            at = end + 3
        elif window.startswith(b"<!DOCTYPE", at):
            end = _doctype_end(window, at)
            at = end + 1
        else:
            return _SVG_ROOT.match(window, at) is not None
        if end < 0:
            return False


def _doctype_end(data: bytes, at: int) -> int:
    """Index of the ``>`` closing a doctype, past its internal subset ``[...]`` if any."""
    close = data.find(b">", at)
    bracket = data.find(b"[", at)
    if bracket < 0 or (0 <= close < bracket):
        return close
    subset_end = data.find(b"]", bracket)
    return -1 if subset_end < 0 else data.find(b">", subset_end)
