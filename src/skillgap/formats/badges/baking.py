"""Baked badges: the credential carried inside a PNG or SVG image, read and written safely.

What the specifications put where (Open Badges baking, 1.x to 3.0):

- PNG, OB 3.0: an ``iTXt`` chunk with keyword ``openbadgecredential``; OB 2.0: an ``iTXt``
  chunk with keyword ``openbadges``; OB 1.x (legacy): a ``tEXt`` chunk ``openbadges`` holding
  the hosted assertion's URL. The text is JSON, a compact JWS, or that URL.
- SVG, OB 3.0: ``<openbadges:credential>`` in ``https://purl.imsglobal.org/ob/v3p0``, a compact
  JWS in its ``verify`` attribute or the JSON in its body (CDATA); OB 2.0:
  ``<openbadges:assertion>`` in ``http://openbadges.org``, a JWS or the hosted URL in ``verify``,
  the JSON in its body.

Images arrive from strangers, so every read is bounded: input size, chunk count and length,
CRCs, decompressed size (a compressed ``iTXt`` is a zip bomb waiting to happen), and XML without
DTDs (no entity expansion, no external files). Two badges in one image are an error, not a
choice: a verifier that picks the first and a viewer that shows the second would disagree.
Every failure is a ``BakedBadgeError`` whose message says what is wrong and where.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import fromstring

from skillgap.errors import ValidationError
from skillgap.formats.badges.sniff import PNG_SIGNATURE, Kind, sniff

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_PNG_CHUNKS",
    "MAX_TEXT_BYTES",
    "OB2_NAMESPACE",
    "OB3_NAMESPACE",
    "BakedBadgeError",
    "Version",
    "bake_png",
    "bake_svg",
    "extract_png",
    "extract_svg",
]

MAX_IMAGE_BYTES = 10 * 2**20
MAX_PNG_CHUNKS = 10_000
MAX_TEXT_BYTES = 2**20  # a badge's text, after decompression
_MAX_CHUNK_LENGTH = 2**31 - 1  # the PNG specification's own limit

OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_OB2_KEYWORD = b"openbadges"
_OB3_KEYWORD = b"openbadgecredential"
_KEYWORDS = (_OB2_KEYWORD, _OB3_KEYWORD)
_TEXT_CHUNKS = (b"tEXt", b"iTXt", b"zTXt")
_SVG_ELEMENTS = {f"{{{OB2_NAMESPACE}}}assertion", f"{{{OB3_NAMESPACE}}}credential"}

Version = Literal["3.0", "2.0"]


class BakedBadgeError(ValidationError, ValueError):
    """An image that cannot be read (or baked) as a badge; the message names the reason."""


# --- PNG ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    kind: bytes
    start: int  # offset of the length field
    end: int  # offset just after the CRC
    data: bytes

    @property
    def name(self) -> str:
        return self.kind.decode("ascii")


def extract_png(data: bytes) -> str | None:
    """The badge text baked into a PNG (JSON, compact JWS or URL), or None if there is none."""
    chunks = _png_chunks(data)
    found = [chunk for chunk in chunks if _badge_keyword(chunk) is not None]
    if not found:
        return None
    if len(found) > 1:  # before any decompression: many bombs must not cost many inflations
        where = ", ".join(f"{c.name} at byte {c.start}" for c in found)
        raise BakedBadgeError(f"PNG holds {len(found)} Open Badges chunks ({where}): ambiguous")
    return _badge_text(found[0])


def bake_png(image: bytes, payload: str, *, version: Version = "3.0") -> bytes:
    """``image`` with ``payload`` in an uncompressed ``iTXt`` chunk just before ``IEND``.

    The keyword is ``openbadgecredential`` for 3.0 and ``openbadges`` for 2.0. Any badge chunk
    already there is removed first (the specification lets a baker overwrite), so the result
    holds exactly one. Bytes after ``IEND`` are dropped.
    """
    text = _checked_payload(payload, version, allowed=(Kind.JSON, Kind.JWT))
    keyword = _OB3_KEYWORD if version == "3.0" else _OB2_KEYWORD
    chunks = _png_chunks(image)
    body = keyword + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")  # flags 0, no lang/title
    baked = _chunk_bytes(b"iTXt", body)
    parts = [PNG_SIGNATURE]
    for chunk in chunks:
        if chunk.kind == b"IEND":
            parts.append(baked)
        if _badge_keyword(chunk) is None:
            parts.append(image[chunk.start : chunk.end])
    result = b"".join(parts)
    if len(result) > MAX_IMAGE_BYTES:
        raise BakedBadgeError(f"baked PNG would be larger than {_mib(MAX_IMAGE_BYTES)}")
    return result


def _png_chunks(data: bytes) -> list[_Chunk]:
    """Every chunk up to and including ``IEND``, each checked: bounds, type, CRC."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BakedBadgeError(f"PNG image is larger than {_mib(MAX_IMAGE_BYTES)}")
    if not data.startswith(PNG_SIGNATURE):
        raise BakedBadgeError("not a PNG image: the PNG signature is missing")
    chunks: list[_Chunk] = []
    at = len(PNG_SIGNATURE)
    while True:
        if len(chunks) >= MAX_PNG_CHUNKS:
            raise BakedBadgeError(f"PNG has more than {MAX_PNG_CHUNKS} chunks")
        if len(data) - at < 12:
            raise BakedBadgeError(f"PNG is truncated at byte {at}: it ends without an IEND chunk")
        length, kind = struct.unpack_from(">I4s", data, at)
        if not kind.isalpha() or not kind.isascii():
            raise BakedBadgeError(f"PNG chunk at byte {at} has an invalid type {kind!r}")
        name = kind.decode("ascii")
        if length > _MAX_CHUNK_LENGTH:
            raise BakedBadgeError(f"PNG chunk {name!r} at byte {at} declares {length} bytes")
        end = at + 12 + length
        if end > len(data):
            raise BakedBadgeError(
                f"PNG is truncated: chunk {name!r} at byte {at} declares {length} bytes, "
                f"only {len(data) - at - 12} remain"
            )
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[at + 4 : end - 4]) != crc:
            raise BakedBadgeError(f"PNG chunk {name!r} at byte {at} has a bad CRC")
        if not chunks and kind != b"IHDR":
            raise BakedBadgeError(f"PNG starts with a {name!r} chunk, not IHDR")
        chunks.append(_Chunk(kind, at, end, data[at + 8 : end - 4]))
        if kind == b"IEND":
            return chunks
        at = end


def _badge_keyword(chunk: _Chunk) -> bytes | None:
    if chunk.kind not in _TEXT_CHUNKS:
        return None
    nul = chunk.data.find(b"\x00", 0, 80)  # keywords are 1 to 79 bytes
    if nul < 1:
        return None
    keyword = chunk.data[:nul]
    if keyword == _OB3_KEYWORD and chunk.kind != b"iTXt":
        return None
    return keyword if keyword in _KEYWORDS else None


def _badge_text(chunk: _Chunk) -> str:
    where = f"PNG chunk {chunk.name!r} at byte {chunk.start}"
    keyword = _badge_keyword(chunk)
    assert keyword is not None
    rest = chunk.data[len(keyword) + 1 :]
    if chunk.kind == b"tEXt":  # OB 1.x: the URL of the hosted assertion, in Latin-1
        return _nonempty(rest.decode("latin-1"), where)
    if chunk.kind == b"zTXt":
        raise BakedBadgeError(f"{where}: Open Badges data must be in iTXt or tEXt, not zTXt")
    fields = rest[2:].split(b"\x00", 2)  # language tag, translated keyword, text
    if len(rest) < 2 or len(fields) < 3:
        raise BakedBadgeError(f"{where}: malformed iTXt (missing fields)")
    flag, method = rest[0], rest[1]
    raw = fields[2]
    if flag == 1 and method == 0:
        raw = _inflate(raw, where)
    elif flag != 0:
        raise BakedBadgeError(f"{where}: unknown compression (flag {flag}, method {method})")
    if len(raw) > MAX_TEXT_BYTES:
        raise BakedBadgeError(f"{where}: badge text is larger than {_mib(MAX_TEXT_BYTES)}")
    try:
        return _nonempty(raw.decode("utf-8"), where)
    except UnicodeDecodeError as exc:
        raise BakedBadgeError(f"{where}: text is not UTF-8 (byte {exc.start})") from None


def _inflate(raw: bytes, where: str) -> bytes:
    """Decompress at most ``MAX_TEXT_BYTES`` (+1 to notice more): a bomb stops right there."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise BakedBadgeError(f"{where}: compressed text is corrupt ({exc})") from None
    if len(out) > MAX_TEXT_BYTES:
        raise BakedBadgeError(f"{where}: compressed text expands past {_mib(MAX_TEXT_BYTES)}")
    if not inflater.eof:
        raise BakedBadgeError(f"{where}: compressed text is truncated")
    return out


def _chunk_bytes(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


# --- SVG ---------------------------------------------------------------------------------


def extract_svg(data: bytes) -> str | None:
    """The badge in an SVG: the ``verify`` attribute (a compact JWS, or a 2.0 hosted URL) if
    set, else the element's text (JSON); None when the SVG has no badge element."""
    found = _badge_elements(_parse_svg(data))
    if not found:
        return None
    if len(found) > 1:
        raise BakedBadgeError(f"SVG holds {len(found)} Open Badges elements: ambiguous")
    element = found[0]
    where = f"SVG element <{_local(element.tag)}>"
    if len(element):
        raise BakedBadgeError(f"{where} has child elements; expected text only")
    verify = (element.get("verify") or "").strip()
    return verify if verify else _nonempty(element.text or "", where)


def bake_svg(svg: bytes, payload: str, *, version: Version = "3.0") -> bytes:
    """``svg`` with the badge element as the root's first child; the rest is kept byte for byte.

    3.0 writes ``<openbadges:credential>``, 2.0 ``<openbadges:assertion>``. A compact JWS (or,
    for 2.0, a hosted assertion URL) goes in ``verify``; JSON goes in the body as CDATA. A badge
    element already there is removed. Only UTF-8 SVGs are baked (the payload is written as
    UTF-8 into the document's own bytes).
    """
    allowed = (Kind.JSON, Kind.JWT) if version == "3.0" else (Kind.JSON, Kind.JWT, Kind.URL)
    text = _checked_payload(payload, version, allowed=allowed)
    if _INVALID_XML_CHAR.search(text):
        raise BakedBadgeError("payload has a character XML does not allow")
    _parse_svg(svg)  # refuses DTDs, entities, malformed XML, a root that is not <svg>
    _require_utf8(svg)
    root_start, spans, declared = _layout(svg)
    tag_end = _tag_end(svg, root_start)
    root_tag = svg[root_start:tag_end]
    self_closing = root_tag.endswith(b"/>")
    namespace = OB3_NAMESPACE if version == "3.0" else OB2_NAMESPACE
    xmlns = b' xmlns:openbadges="' + namespace.encode() + b'"'
    local_xmlns = b""
    if declared is None:  # the specification's form: declared on the <svg> tag
        head = root_tag[: len(root_tag) - (2 if self_closing else 1)].rstrip()
        root_tag = head + xmlns + root_tag[len(head) :]
    elif declared != namespace:  # the prefix is bound to something else (the other version)
        local_xmlns = xmlns
    qname = b"openbadges:" + (b"credential" if version == "3.0" else b"assertion")
    if sniff(text.encode()) in (Kind.JWT, Kind.URL):
        element = b'<%s%s verify="%s"></%s>' % (qname, local_xmlns, _attr(text), qname)
    else:
        cdata = text.replace("]]>", "]]]]><![CDATA[>").encode("utf-8")
        element = b"<%s%s><![CDATA[%s]]></%s>" % (qname, local_xmlns, cdata, qname)
    parts = [svg[:root_start], root_tag[:-2] + b">" if self_closing else root_tag]
    parts.append(element)
    at = tag_end
    for start, end in spans:
        parts.append(svg[at:start])
        at = end
    parts.append(svg[at:])
    if self_closing:
        parts.append(b"</" + _ROOT_NAME.split(root_tag[1:], 1)[0] + b">")
    result = b"".join(parts)
    if extract_svg(result) != text.replace("\r\n", "\n").replace("\r", "\n"):
        raise BakedBadgeError("baked SVG does not read back the payload")  # a bug, not input
    return result


_ROOT_NAME = re.compile(rb"[\s/>]")  # what ends an element's name
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_INVALID_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _parse_svg(data: bytes) -> Element:
    if len(data) > MAX_IMAGE_BYTES:
        raise BakedBadgeError(f"SVG image is larger than {_mib(MAX_IMAGE_BYTES)}")
    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise BakedBadgeError(
            "SVG has a DTD (<!DOCTYPE>), which is refused: it can define entities that expand "
            "without bound or read other files"
        ) from None
    except EntitiesForbidden as exc:
        raise BakedBadgeError(f"SVG declares an entity ({exc.name}), which is refused") from None
    except ExternalReferenceForbidden:
        raise BakedBadgeError("SVG refers to an external resource, which is refused") from None
    except DefusedXmlException as exc:
        raise BakedBadgeError(f"SVG uses a refused XML feature ({exc})") from None
    except ParseError as exc:
        raise BakedBadgeError(f"SVG is not well-formed XML: {exc}") from None
    except ValueError as exc:  # e.g. an encoding expat cannot read
        raise BakedBadgeError(f"SVG cannot be read: {exc}") from None
    if _local(root.tag) != "svg":
        raise BakedBadgeError(f"not an SVG image: the root element is <{_local(root.tag)}>")
    return root


def _badge_elements(root: Element) -> list[Element]:
    return [element for element in root.iter() if element.tag in _SVG_ELEMENTS]


def _layout(svg: bytes) -> tuple[int, list[tuple[int, int]], str | None]:
    """Byte offset of the root's start tag, the byte spans of the outermost badge elements, and
    the namespace the root binds the ``openbadges`` prefix to (None if it does not).

    Run only on a document ``_parse_svg`` accepted (no DTD, so nothing to expand)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    badge_names = {tag[1:].replace("}", " ") for tag in _SVG_ELEMENTS}
    root_start = -1
    declared: str | None = None

    def namespace(prefix: str | None, uri: str) -> None:
        nonlocal declared
        if root_start < 0 and prefix == "openbadges":  # reported before the root's start
            declared = uri

    open_at: list[int] = []  # start offsets of the badge elements we are inside
    spans: list[tuple[int, int]] = []

    def start(name: str, _attrs: object) -> None:
        nonlocal root_start
        if root_start < 0:
            root_start = parser.CurrentByteIndex
        if name in badge_names or open_at:
            open_at.append(parser.CurrentByteIndex)

    def end(_name: str) -> None:
        if not open_at:
            return
        begin = open_at.pop()
        if open_at:
            return
        tag_end = _tag_end(svg, begin)
        if svg[tag_end - 2 : tag_end] != b"/>":
            tag_end = svg.index(b">", parser.CurrentByteIndex) + 1
        spans.append((begin, tag_end))

    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(svg, True)
    except expat.ExpatError as exc:  # not expected: the same bytes parsed once already
        raise BakedBadgeError(f"SVG is not well-formed XML: {exc}") from None
    return root_start, spans, declared


def _tag_end(data: bytes, at: int) -> int:
    """Offset just past the start tag at ``at`` (quoted attribute values may hold ``>``)."""
    match = _START_TAG.match(data, at)
    if match is None:
        raise BakedBadgeError(f"SVG start tag at byte {at} could not be delimited")
    return match.end()


def _require_utf8(svg: bytes) -> None:
    if svg.startswith((b"\xff\xfe", b"\xfe\xff")) or svg[:2] in (b"<\x00", b"\x00<"):
        raise BakedBadgeError("only UTF-8 SVGs can be baked; this one is UTF-16")
    declared = _ENCODING.match(svg.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        encoding = declared.group(1).decode("ascii", "replace")
        raise BakedBadgeError(f"only UTF-8 SVGs can be baked; this one declares {encoding}")


def _attr(text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return escaped.encode("utf-8")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- shared ------------------------------------------------------------------------------


def _checked_payload(payload: str, version: str, *, allowed: tuple[Kind, ...]) -> str:
    if version not in ("3.0", "2.0"):
        raise BakedBadgeError(f"unknown Open Badges version {version!r} (expected 3.0 or 2.0)")
    text = payload.strip()
    try:
        kind = sniff(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise BakedBadgeError("payload is not valid Unicode text (lone surrogate)") from None
    if kind not in allowed:
        names = ", ".join(k.value for k in allowed)
        raise BakedBadgeError(f"payload for Open Badges {version} must be one of: {names}")
    return text


def _nonempty(text: str, where: str) -> str:
    text = text.strip()
    if not text:
        raise BakedBadgeError(f"{where}: the Open Badges data is empty")
    return text


def _mib(size: int) -> str:
    return f"{size / 2**20:g} MiB"
