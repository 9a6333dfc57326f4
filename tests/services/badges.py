"""Credentials built for the import tests: an Open Badges 2.0 academy whose hosted assertions,
BadgeClasses and issuer profile are served by the in-memory fetcher (hosted badges need no
signatures, so they verify as valid), unsigned Open Badges 3.0 credentials (stored with a
``malformed`` report), and a workspace with people and a framework to match against."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skillgap.domain import Competency, Framework, Person
from skillgap.fetch import MemoryFetcher
from skillgap.store import Store

HOST = "https://badges.example.org"
ISSUER_ID = f"{HOST}/issuer"
AT = datetime(2025, 6, 1, tzinfo=UTC)
OB2 = "https://w3id.org/openbadges/v2"
ESCO_PYTHON = "http://data.europa.eu/esco/skill/python"

FRAMEWORK = Framework(
    "esco",
    "ESCO",
    uri="http://data.europa.eu/esco",
    competencies=(
        Competency("esco", "python", "Python (computer programming)", uri=ESCO_PYTHON),
        Competency("esco", "sql", "SQL", alt_labels=("Structured Query Language",)),
        Competency("esco", "teamwork", "work in teams"),
    ),
)
ANN = Person("E1", "Ann", emails=("ann@example.org",), identifiers=("did:example:ann",))
BOB = Person("E2", "Bob", emails=("bob@example.org",))


def hashed(email: str, salt: str = "s4lt") -> dict[str, Any]:
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return {"type": "email", "hashed": True, "salt": salt, "identity": f"sha256${digest}"}


def plain(email: str) -> dict[str, Any]:
    return {"type": "email", "hashed": False, "identity": email}


class Academy:
    """An OB 2.0 issuer: every document it makes is served by ``fetcher``."""

    def __init__(self, host: str = HOST, name: str = "Example Academy") -> None:
        self.host = host
        self.fetcher = MemoryFetcher()
        self.issuer_id = f"{host}/issuer"
        self._publish(
            {"@context": OB2, "type": "Issuer", "id": self.issuer_id, "name": name, "url": host}
        )

    def badge(self, slug: str, name: str, alignment: Sequence[dict[str, Any]] = ()) -> str:
        badge_id = f"{self.host}/badges/{slug}"
        self._publish(
            {
                "@context": OB2,
                "type": "BadgeClass",
                "id": badge_id,
                "name": name,
                "description": f"{name}, assessed by a project.",
                "criteria": {"narrative": "Build a working tool."},
                "issuer": self.issuer_id,
                "alignment": list(alignment),
            }
        )
        return badge_id

    def award(
        self, n: int, badge_id: str, recipient: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        assertion = {
            "@context": OB2,
            "type": "Assertion",
            "id": f"{self.host}/assertions/{n}",
            "recipient": recipient,
            "badge": badge_id,
            "verification": {"type": "hosted"},
            "issuedOn": "2025-03-01T00:00:00Z",
            **extra,
        }
        self._publish(assertion)
        return assertion

    def revoke(self, assertion: dict[str, Any]) -> None:
        self.fetcher.add(assertion["id"], "", status=410)

    def _publish(self, document: dict[str, Any]) -> None:
        self.fetcher.add(document["id"], json.dumps(document))


def python_academy() -> tuple[Academy, str]:
    """An academy with one badge aligned exactly (ESCO URI) to esco:python."""
    academy = Academy()
    badge = academy.badge(
        "python",
        "Python Practitioner",
        [{"targetName": "Python", "targetUrl": ESCO_PYTHON, "targetFramework": "ESCO"}],
    )
    return academy, badge


def ob3(
    n: int,
    subject: dict[str, Any],
    *,
    achievement: dict[str, Any] | None = None,
    issuer: str = "did:example:issuer",
) -> dict[str, Any]:
    """An Open Badges 3.0 credential without a proof (it verifies as malformed)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Institute"},
        "validFrom": "2024-09-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            **subject,
            "achievement": achievement
            or {
                "id": "https://example.org/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "criteria": {"narrative": "Worked in a team for a term."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Work in teams",
                        "targetUrl": "https://example.org/frameworks/teamwork",
                    }
                ],
            },
        },
    }


def write(folder: Path, name: str, document: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = document if isinstance(document, str) else json.dumps(document, indent=1)
    path.write_text(text, encoding="utf-8")
    return path


def prepare(store: Store, *people: Person) -> None:
    with store.transaction() as ws:
        ws.frameworks.add(FRAMEWORK)
        ws.people.add_all(people or (ANN, BOB))
