"""Sniffing: the bytes decide what a file is, whatever it is called."""

from __future__ import annotations

import base64
import json

import pytest

from skillgap.formats.badges import Kind, sniff
from skillgap.formats.badges.sniff import SVG_WINDOW


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


HEADER = b64url(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
PAYLOAD = b64url(json.dumps({"iss": "https://example.edu"}).encode())
JWS = f"{HEADER}.{PAYLOAD}.{b64url(bytes(64))}"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Kind.PNG),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", Kind.SVG),
        (b"<svg>", Kind.SVG),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- a comment -->\n<svg\n viewBox="0 0 1 1">',
            Kind.SVG,
        ),
        (b'<?xml version="1.0"?><?xml-stylesheet href="a.css"?><svg/>', Kind.SVG),
        (
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/svg11.dtd">\n<svg>',
            Kind.SVG,  # the SVG reader then refuses the DTD, with a reason
        ),
        (b'<!DOCTYPE svg [<!ENTITY a "x">]><svg>', Kind.SVG),
        (b"<s:svg xmlns:s='http://www.w3.org/2000/svg'/>", Kind.SVG),
        (b"<svgx/>", Kind.UNKNOWN),
        (b"<html><svg/></html>", Kind.UNKNOWN),
        (b"<!-- never closed <svg>", Kind.UNKNOWN),
        (b"<?xml version='1.0'", Kind.UNKNOWN),
        (b"<!--" + b"x" * SVG_WINDOW + b"--><svg/>", Kind.UNKNOWN),  # beyond the window
        (b'{"type": "Assertion"}', Kind.JSON),
        (b"\xef\xbb\xbf \n\t[1, 2]", Kind.JSON),
        (JWS.encode(), Kind.JWT),
        (b"\n  " + JWS.encode() + b"  \r\n", Kind.JWT),
        (f"{HEADER}.{b64url(b'{}')}.".encode(), Kind.JWT),  # alg "none": empty signature
        (b"report.final.v2", Kind.UNKNOWN),  # three dotted parts, but no JOSE header
        (b"eyJhbGciOiJFZERTQSJ9.e30", Kind.UNKNOWN),  # two parts
        (JWS.encode() + b" " + JWS.encode(), Kind.UNKNOWN),
        (b"https://example.org/assertions/1", Kind.URL),
        (b"  HTTP://example.org/a?b=c#d\n", Kind.URL),
        (b"https://example.org/a\nhttps://example.org/b", Kind.UNKNOWN),  # not a single URL
        (b"https:///no-host", Kind.UNKNOWN),
        (b"ftp://example.org/a", Kind.UNKNOWN),
        (b"https://exa mple.org", Kind.UNKNOWN),
        (b"https://example.org/\xff", Kind.UNKNOWN),
        (b"", Kind.UNKNOWN),
        (b"   ", Kind.UNKNOWN),
        (b"GIF89a\x01\x00", Kind.UNKNOWN),
        (bytes(range(256)), Kind.UNKNOWN),
    ],
)
def test_sniff(data: bytes, kind: Kind) -> None:
    assert sniff(data) is kind


def test_kinds_read_as_words() -> None:
    assert [str(kind) for kind in Kind] == ["png", "svg", "json", "jwt", "url", "unknown"]
