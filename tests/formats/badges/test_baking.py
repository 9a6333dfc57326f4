"""Baked badges in real PNG and SVG images: round trips, the specification's own examples, and
hostile images (truncated, bad CRCs, bombs, DTDs) that must fail fast with a plain reason."""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Iterator

import pytest

from skillgap.errors import SkillgapError
from skillgap.formats.badges import BakedBadgeError, bake_png, bake_svg, extract_png, extract_svg
from skillgap.formats.badges.baking import MAX_IMAGE_BYTES, MAX_PNG_CHUNKS

CREDENTIAL = '{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}'
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuZWR1In0.c2lnbmF0dXJl"
HOSTED = "https://example.org/assertions/1"
SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- a real PNG, built here -----------------------------------------------------------------


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*extra: bytes, width: int = 2, height: int = 2) -> bytes:
    """A valid greyscale PNG (filter byte 0 per row), with ``extra`` chunks before IEND."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + bytes(range(width)) for _ in range(height))
    return (
        SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + b"".join(extra)
        + chunk(b"IEND", b"")
    )


def itxt(
    keyword: bytes, text: bytes, *, flag: int = 0, lang: bytes = b"", title: bytes = b""
) -> bytes:
    return chunk(
        b"iTXt", keyword + b"\x00" + bytes([flag, 0]) + lang + b"\x00" + title + b"\x00" + text
    )


def chunk_types(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    at = len(SIGNATURE)
    while at < len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        yield kind, data[at + 8 : at + 8 + length]
        at += 12 + length


# --- PNG: reading and baking ----------------------------------------------------------------


def test_an_image_without_a_badge_has_none() -> None:
    assert extract_png(png(chunk(b"tEXt", b"Comment\x00made by hand"))) is None


@pytest.mark.parametrize(
    ("version", "keyword"), [("3.0", b"openbadgecredential"), ("2.0", b"openbadges")]
)
def test_png_round_trip_uses_the_versions_keyword(version: str, keyword: bytes) -> None:
    baked = bake_png(png(), CREDENTIAL, version=version)  # type: ignore[arg-type]
    assert extract_png(baked) == CREDENTIAL
    kinds = [kind for kind, _ in chunk_types(baked)]
    assert kinds == [b"IHDR", b"IDAT", b"iTXt", b"IEND"]
    body = dict(chunk_types(baked))[b"iTXt"]
    assert body == keyword + b"\x00\x00\x00\x00\x00" + CREDENTIAL.encode()  # uncompressed


def test_png_round_trip_of_a_compact_jws() -> None:
    assert extract_png(bake_png(png(), f"  {JWS}\n")) == JWS


def test_baking_again_replaces_the_badge_of_either_version() -> None:
    once = bake_png(png(), CREDENTIAL, version="2.0")
    twice = bake_png(once, JWS, version="3.0")
    assert extract_png(twice) == JWS
    assert [kind for kind, _ in chunk_types(twice)].count(b"iTXt") == 1


def test_baking_keeps_other_chunks_and_drops_bytes_after_iend() -> None:
    image = png(chunk(b"tEXt", b"Comment\x00hello")) + b"trailing junk"
    baked = bake_png(image, CREDENTIAL)
    assert [kind for kind, _ in chunk_types(baked)] == [b"IHDR", b"IDAT", b"tEXt", b"iTXt", b"IEND"]


def test_compressed_itxt_with_language_and_translated_keyword_is_read() -> None:
    body = itxt(
        b"openbadges", zlib.compress(CREDENTIAL.encode()), flag=1, lang=b"en", title=b"Badge"
    )
    assert extract_png(png(body)) == CREDENTIAL


def test_legacy_text_chunk_holds_the_hosted_url() -> None:
    assert extract_png(png(chunk(b"tEXt", b"openbadges\x00" + HOSTED.encode()))) == HOSTED


def test_a_keyword_is_matched_exactly() -> None:
    assert extract_png(png(itxt(b"OpenBadges", CREDENTIAL.encode()))) is None
    assert extract_png(png(itxt(b"openbadgesx", CREDENTIAL.encode()))) is None


def test_bytes_after_iend_are_ignored_when_reading() -> None:
    assert extract_png(png(itxt(b"openbadges", JWS.encode())) + b"\x00garbage") == JWS


# --- PNG: hostile or broken images ----------------------------------------------------------


def test_errors_are_skillgap_errors_and_value_errors() -> None:
    with pytest.raises(BakedBadgeError) as caught:
        extract_png(b"GIF89a")
    assert isinstance(caught.value, SkillgapError)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "not a PNG image: the PNG signature is missing"


def test_a_bad_crc_names_the_chunk_and_its_offset() -> None:
    image = bytearray(png(itxt(b"openbadges", CREDENTIAL.encode())))
    at = image.index(b"iTXt") - 4
    image[at + 20] ^= 0xFF  # a byte of the text, so the stored CRC no longer matches
    with pytest.raises(BakedBadgeError, match=rf"^PNG chunk 'iTXt' at byte {at} has a bad CRC$"):
        extract_png(bytes(image))


@pytest.mark.parametrize("cut", [9, 20, 40, -13, -5])
def test_a_truncated_png_is_refused(cut: int) -> None:
    image = png(itxt(b"openbadges", CREDENTIAL.encode()))
    with pytest.raises(BakedBadgeError, match="truncated"):
        extract_png(image[:cut])


def test_a_chunk_length_past_the_end_or_the_png_limit_is_refused() -> None:
    image = png()
    at = len(SIGNATURE) + 25  # the IDAT chunk: after the signature and the 25-byte IHDR
    huge = image[:at] + struct.pack(">I", 0xFFFFFFF0) + image[at + 4 :]
    with pytest.raises(
        BakedBadgeError, match=rf"^PNG chunk 'IDAT' at byte {at} declares 4294967280"
    ):
        extract_png(huge)
    long = image[:at] + struct.pack(">I", 5000) + image[at + 4 :]
    with pytest.raises(BakedBadgeError, match="truncated: chunk 'IDAT' .* declares 5000 bytes"):
        extract_png(long)


def test_other_structural_faults() -> None:
    no_header = SIGNATURE + chunk(b"IDAT", b"") + chunk(b"IEND", b"")
    with pytest.raises(BakedBadgeError, match="starts with a 'IDAT' chunk, not IHDR"):
        extract_png(no_header)
    bad_type = png(chunk(b"a\x00b!", b""))
    with pytest.raises(BakedBadgeError, match="invalid type"):
        extract_png(bad_type)
    with pytest.raises(BakedBadgeError, match="larger than 10 MiB"):
        extract_png(png(chunk(b"zzZz", bytes(MAX_IMAGE_BYTES))))


def test_too_many_chunks_are_refused_fast() -> None:
    many = png(*[chunk(b"tIME", b"1234567")] * MAX_PNG_CHUNKS)
    started = time.perf_counter()
    with pytest.raises(BakedBadgeError, match=f"more than {MAX_PNG_CHUNKS} chunks"):
        extract_png(many)
    assert time.perf_counter() - started < 2


def zero_bomb(size: int) -> bytes:
    """``size`` zero bytes, deflated (about a thousandth of the size), built in 1 MiB steps."""
    packer = zlib.compressobj(9)
    block = bytes(2**20)
    return b"".join(packer.compress(block) for _ in range(size // 2**20)) + packer.flush()


def test_a_decompression_bomb_stops_at_the_cap_quickly() -> None:
    bomb = zero_bomb(100 * 2**20)
    assert len(bomb) < 200_000
    image = png(itxt(b"openbadgecredential", bomb, flag=1))
    started = time.perf_counter()
    with pytest.raises(BakedBadgeError, match="compressed text expands past 1 MiB"):
        extract_png(image)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (itxt(b"openbadges", b"not zlib", flag=1), "compressed text is corrupt"),
        (
            itxt(b"openbadges", zlib.compress(b"x" * 100)[:-6], flag=1),
            "compressed text is truncated",
        ),
        (itxt(b"openbadges", CREDENTIAL.encode(), flag=2), r"unknown compression \(flag 2"),
        (itxt(b"openbadges", b"\xff\xfe"), r"text is not UTF-8 \(byte 0\)"),
        (itxt(b"openbadges", b"  \n"), "the Open Badges data is empty"),
        (chunk(b"iTXt", b"openbadges\x00\x00\x00no-more-fields"), r"malformed iTXt"),
        (chunk(b"zTXt", b"openbadges\x00\x00" + zlib.compress(b"{}")), "not zTXt"),
    ],
)
def test_a_broken_badge_chunk_says_what_is_wrong(body: bytes, reason: str) -> None:
    with pytest.raises(BakedBadgeError, match=reason):
        extract_png(png(body))


def test_several_badge_chunks_are_ambiguous() -> None:
    image = png(
        itxt(b"openbadges", CREDENTIAL.encode()),
        chunk(b"tEXt", b"openbadges\x00" + HOSTED.encode()),
    )
    with pytest.raises(
        BakedBadgeError, match=r"holds 2 Open Badges chunks \(iTXt at byte \d+, tEXt"
    ):
        extract_png(image)


def test_many_compressed_bombs_are_refused_before_inflating_any() -> None:
    bomb = itxt(b"openbadges", zero_bomb(8 * 2**20), flag=1)
    started = time.perf_counter()
    with pytest.raises(BakedBadgeError, match="holds 500 Open Badges chunks"):
        extract_png(png(*[bomb] * 500))
    assert time.perf_counter() - started < 1


def test_baking_refuses_what_it_cannot_bake() -> None:
    with pytest.raises(BakedBadgeError, match="PNG signature is missing"):
        bake_png(b"<svg/>", CREDENTIAL)
    with pytest.raises(BakedBadgeError, match="must be one of: json, jwt"):
        bake_png(png(), "hello")
    with pytest.raises(BakedBadgeError, match="unknown Open Badges version '1.0'"):
        bake_png(png(), CREDENTIAL, version="1.0")  # type: ignore[arg-type]
    with pytest.raises(BakedBadgeError, match="baked PNG would be larger than 10 MiB"):
        bake_png(png(chunk(b"zzZz", bytes(MAX_IMAGE_BYTES - 200))), '{"x": "' + "a" * 500 + '"}')


# --- SVG ------------------------------------------------------------------------------------

SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- drawn by hand -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" data-note="a &gt; b">
  <circle cx="256" cy="256" r="200"/>
</svg>
"""

OB3_JSON_EXAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"
  viewBox="0 0 512 512">
  <openbadges:credential>
    <![CDATA[
      {"id": "http://example.edu/credentials/3732", "proof": {}}
    ]]>
  </openbadges:credential>
  <!-- rest-of-image -->
</svg>"""

OB3_JWS_EXAMPLE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    b'<openbadges:credential verify="' + JWS.encode() + b'"></openbadges:credential></svg>'
)

OB2_HOSTED_EXAMPLE = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
  <openbadges:assertion verify="https://example.org/assertions/1">
    <![CDATA[{"id": "https://example.org/assertions/1", "verify": {"type": "hosted"}}]]>
  </openbadges:assertion>
</svg>"""

OB2_JSON_EXAMPLE = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org">
<ob:assertion><![CDATA[{"uid": "abc"}]]></ob:assertion></svg>"""


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (OB3_JSON_EXAMPLE, '{"id": "http://example.edu/credentials/3732", "proof": {}}'),
        (OB3_JWS_EXAMPLE, JWS),
        (OB2_HOSTED_EXAMPLE, HOSTED),  # verify wins: the body is a copy of what it points at
        (OB2_JSON_EXAMPLE, '{"uid": "abc"}'),  # any prefix: the namespace is what counts
        (SVG, None),
    ],
)
def test_svg_badges_as_the_specifications_show_them(image: bytes, expected: str | None) -> None:
    assert extract_svg(image) == expected


def test_svg_round_trip_of_ob3_json_keeps_every_other_byte() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    assert extract_svg(baked) == CREDENTIAL
    head = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" data-note="a &gt; b"'
    element = (
        b"<openbadges:credential><![CDATA[" + CREDENTIAL.encode() + b"]]></openbadges:credential>"
    )
    expected = SVG.replace(
        head + b">", head + b' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">' + element
    )
    assert baked == expected


@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_svg_round_trip_of_a_compact_jws_uses_verify(version: str) -> None:
    baked = bake_svg(SVG, JWS, version=version)  # type: ignore[arg-type]
    assert extract_svg(baked) == JWS
    assert b' verify="' + JWS.encode() + b'"' in baked


def test_svg_ob2_hosted_url_goes_in_verify_escaped() -> None:
    url = "https://example.org/a?x=1&y=<2>"
    baked = bake_svg(SVG, url, version="2.0")
    assert b'<openbadges:assertion verify="https://example.org/a?x=1&amp;y=&lt;2>">' in baked
    assert b'xmlns:openbadges="http://openbadges.org"' in baked
    assert extract_svg(baked) == url


def test_svg_cdata_end_marker_in_the_payload_is_split() -> None:
    payload = '{"note": "a]]>b]]>"}'
    baked = bake_svg(SVG, payload)
    assert b"]]]]><![CDATA[>" in baked
    assert extract_svg(baked) == payload


def test_svg_rebaking_replaces_the_badge_and_keeps_one() -> None:
    twice = bake_svg(bake_svg(OB2_HOSTED_EXAMPLE, CREDENTIAL, version="2.0"), JWS)
    assert extract_svg(twice) == JWS
    assert twice.count(b"openbadges:assertion") == 0
    assert twice.count(b"<openbadges:credential") == 1
    # the root's prefix is OB 2.0's: the new element declares its own namespace
    assert b'<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in twice


def test_svg_self_closing_root_and_tricky_attributes() -> None:
    image = b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg' title='x/>y' />"
    baked = bake_svg(image, CREDENTIAL)
    assert baked.startswith(b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg' title='x/>y'")
    assert baked.endswith(b"</openbadges:credential></svg>")
    assert extract_svg(baked) == CREDENTIAL


def test_svg_self_closing_badge_element_is_removed_when_rebaking() -> None:
    image = (
        b'<s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<g><openbadges:assertion verify="https://x.org/a" /></g></s:svg>'
    )
    baked = bake_svg(image, CREDENTIAL, version="2.0")
    assert b"<g></g>" in baked
    assert extract_svg(baked) == CREDENTIAL


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
<openbadges:assertion>&secret;</openbadges:assertion></svg>"""

PUBLIC_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize("image", [BILLION_LAUGHS, EXTERNAL_ENTITY, PUBLIC_DOCTYPE])
def test_svg_with_a_dtd_is_refused_with_the_reason(image: bytes) -> None:
    started = time.perf_counter()
    for read in (extract_svg, lambda data: bake_svg(data, CREDENTIAL)):
        with pytest.raises(
            BakedBadgeError, match=r"^SVG has a DTD \(<!DOCTYPE>\), which is refused"
        ):
            read(image)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
            "not well-formed XML: mismatched tag",
        ),
        (b"<svg>&undefined;</svg>", "not well-formed XML: undefined entity"),
        (b"<html><body/></html>", r"not an SVG image: the root element is <html>"),
        (b"", "not well-formed XML"),
        (
            OB3_JWS_EXAMPLE.replace(b"</svg>", b"<openbadges:credential verify='a.b.c'/></svg>"),
            "holds 2",
        ),
        (
            OB3_JWS_EXAMPLE.replace(JWS.encode(), b"  "),
            r"<credential>: the Open Badges data is empty",
        ),
        (OB2_JSON_EXAMPLE.replace(b"<![CDATA", b"<b/><![CDATA"), "has child elements"),
        (b"<svg>" + b" " * MAX_IMAGE_BYTES + b"</svg>", "SVG image is larger than 10 MiB"),
    ],
)
def test_svg_faults_say_what_is_wrong(image: bytes, reason: str) -> None:
    with pytest.raises(BakedBadgeError, match=reason):
        extract_svg(image)


def test_svg_baking_refuses_what_it_cannot_bake() -> None:
    latin = SVG.replace(b"UTF-8", b"ISO-8859-1")
    with pytest.raises(
        BakedBadgeError, match="only UTF-8 SVGs can be baked; this one declares ISO"
    ):
        bake_svg(latin, CREDENTIAL)
    utf16 = "<svg xmlns='http://www.w3.org/2000/svg'/>".encode("utf-16")
    with pytest.raises(BakedBadgeError, match="this one is UTF-16"):
        bake_svg(utf16, CREDENTIAL)
    with pytest.raises(BakedBadgeError, match="must be one of: json, jwt$"):
        bake_svg(SVG, HOSTED)  # OB 3.0 has no hosted verification
    with pytest.raises(BakedBadgeError, match="character XML does not allow"):
        bake_svg(SVG, '{"a": "\x01"}')
    with pytest.raises(BakedBadgeError, match="lone surrogate"):
        bake_svg(SVG, '{"a": "\ud800"}')


def test_svg_prefix_text_inside_an_attribute_value_is_not_a_declaration() -> None:
    image = b"""<svg xmlns="http://www.w3.org/2000/svg" title=' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'/>"""
    baked = bake_svg(image, CREDENTIAL)
    assert baked.count(b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"') == 2
    assert extract_svg(baked) == CREDENTIAL
