"""A small organisation that issues its own credentials: a framework, an internal review
board with one achievement, two people (Ann with a DID, Bob with only an e-mail), and keys
generated once per test session (real Ed25519; generating one per test adds nothing)."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

from skillgap.clock import FixedClock
from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    Competency,
    CompetencyRef,
    ExpiryPolicy,
    Framework,
    Issuer,
    IssuerTier,
    Person,
)
from skillgap.fetch.documents import DirectoryFetcher
from skillgap.issuing import IssuerProfile
from skillgap.issuing.issuer_setup import KeySource
from skillgap.issuing.keystore import KeyStore, MemoryKeyStore
from skillgap.store import Store
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.result import Verified
from skillgap.trust.verifier import Verifier

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ESCO_PYTHON = "http://data.europa.eu/esco/skill/python"
KEY = PrivateKey.generate_ed25519()
OTHER_KEY = PrivateKey.generate_ed25519()

FRAMEWORK = Framework(
    "esco",
    "ESCO",
    uri="http://data.europa.eu/esco",
    competencies=(
        Competency("esco", "python", "Python (computer programming)", uri=ESCO_PYTHON),
        Competency("esco", "sql", "SQL", description="Query relational databases."),
        Competency("esco", "teamwork", "work in teams"),
    ),
)
BOARD = Issuer(
    "https://skills.acme.example/board", "Acme Skills Board", tier=IssuerTier.INTERNAL_BOARD
)
VENDOR = Issuer("https://vendor.example/issuer", "Vendor Academy", tier=IssuerTier.INDUSTRY_VENDOR)
PYTHON = Achievement(
    "python-practitioner",
    "Python Practitioner",
    BOARD.id,
    description="Writes and reviews production Python.",
    criteria="Ship a reviewed service to production.",
    achievement_type="MicroCredential",
    alignments=(
        Alignment("Python", CompetencyRef("esco", "python"), level=3),
        Alignment("SQL", CompetencyRef("esco", "sql"), level=2),
        Alignment("Teamwork", CompetencyRef("esco", "teamwork"), status=AlignmentStatus.SUGGESTED),
    ),
    expiry=ExpiryPolicy(365),
)
FOREVER = Achievement("mentor", "Mentor", BOARD.id, achievement_type="Mentoring")
VENDOR_CERT = Achievement("https://vendor.example/cert", "Vendor Cert", VENDOR.id)
ANN = Person("E1", "Ann", emails=("ann@example.org",), identifiers=("did:example:ann",))
BOB = Person("E2", "Bob", emails=("bob@example.org",))
NOBODY = Person("E3", "Nobody")


def seed(store: Store) -> None:
    with store.transaction() as ws:
        ws.frameworks.add(FRAMEWORK)
        ws.issuers.add_all([BOARD, VENDOR])
        ws.achievements.add_all([PYTHON, FOREVER, VENDOR_CERT])
        ws.people.add_all([ANN, BOB, NOBODY])


def clock(moment: datetime = AT) -> FixedClock:
    return FixedClock(moment)


def keys_of(store: KeyStore) -> KeySource:
    def source(profile: IssuerProfile) -> KeyStore:
        return store

    return source


def memory_keys(key: PrivateKey = KEY) -> MemoryKeyStore:
    return MemoryKeyStore(key)


def verify_with(site: Path, path: Path, at: datetime = AT) -> Verified:
    """Verify a file as an air-gapped verifier would, with the folder ``publish`` wrote."""
    return Verifier(DirectoryFetcher(site), at).verify_bytes(path.name, path.read_bytes())


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = b"\x00\x00\x01\x00\x00\x01"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>
"""
