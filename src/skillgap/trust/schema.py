"""JSON Schema validation of Open Badges 3.0 credentials against the 1EdTech schemas.

The schemas ship with skillgap (``trust/schemas``, copied unmodified from the specification).
Every credential is first checked by the schema compiled to Python (fastjsonschema, about
25 times faster); only one that fails goes through ``jsonschema`` to get every message. The
schemas use no keyword whose meaning differs between draft 2019-09 and draft-07, the newest
draft fastjsonschema compiles; a test checks the two agree.
They describe the final OB 3.0 (VC 2.0) shape; credentials built on the VC 1.1 data model
(``issuanceDate``, the ``credentials/v1`` context) predate them and are checked structurally by
the verifier instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft201909Validator
from jsonschema.exceptions import best_match

SCHEMAS = {
    "AchievementCredential": "achievementcredential.json",
    "EndorsementCredential": "endorsementcredential.json",
    "Profile": "profile.json",
}
MAX_ERRORS = 5


def _schema(name: str) -> dict[str, Any]:
    text = resources.files("skillgap.trust").joinpath("schemas", SCHEMAS[name]).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _any(value: object) -> bool:
    return True


@cache
def _compiled(name: str) -> Callable[[Any], Any]:
    schema = {**_schema(name), "$schema": "http://json-schema.org/draft-07/schema#"}
    # Formats are not asserted (as with jsonschema without a format checker).
    formats = {"date-time": _any, "date": _any, "uri": _any, "email": _any}
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema, formats=formats)
    return validate


def conforms(document: Any, schema: str = "AchievementCredential") -> bool:
    """The fast check alone: does ``document`` satisfy the named schema?"""
    try:
        _compiled(schema)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _validator(name: str) -> Draft201909Validator:
    schema = _schema(name)
    Draft201909Validator.check_schema(schema)
    # Formats are not asserted: the schemas mark dates "date-time", which the verifier parses
    # itself with a clearer message.
    return Draft201909Validator(schema)


def schema_errors(document: Any, schema: str = "AchievementCredential") -> list[str]:
    """Human messages for the ways ``document`` breaks the named schema (empty: it conforms)."""
    if conforms(document, schema):
        return []
    validator = _validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return []
    first = best_match(errors)
    messages = [_describe(first)]
    for error in errors:
        text = _describe(error)
        if text not in messages:
            messages.append(text)
        if len(messages) >= MAX_ERRORS:
            break
    return messages


def _describe(error: Any) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(the document)"
    message = str(error.message)
    if len(message) > 200:
        message = message[:197] + "..."
    return f"{where}: {message}"
