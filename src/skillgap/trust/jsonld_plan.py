"""Specialising JSON-LD contexts to one "shape" of document, for ``jsonld.Canonicalizer``.

pyoxigraph re-processes the context on every parse and each type-scoped context at every node
of that type, which costs far more than the parse itself. So ``make_plan`` inlines a
``@context`` value once into a ``Plan`` (its terms, what each term's definition names, its
type-scoped contexts); ``scan_body`` walks a document once into a ``Scan`` (its node types with
their keys, the strings it uses, and what pyoxigraph would get wrong: numbers, ``@direction``,
bad language tags, lists of lists); and ``specialise`` gives the contexts for that shape: terms
the document cannot reach are pruned, and terms of a type-scoped context that the document uses
only inside nodes of that type are hoisted to the top level, which changes no triple (the
tests compare with pyld on thousands of generated documents).
``check_type_scopes`` refuses nodes whose type-scoped contexts clash or that need several
(``NeedsFullProcessor``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from skillgap.trust.jsonld_errors import JsonLdError, NeedsFullProcessor

__all__ = [
    "INT_LIMIT",
    "Json",
    "Plan",
    "Scan",
    "check_type_scopes",
    "dumps",
    "make_plan",
    "scan_body",
    "specialise",
    "type_scopes",
]

Json = Any
INT_LIMIT = 2**63  # pyoxigraph writes larger integers below 1e21 as doubles
_SCOPE_KEYWORDS = frozenset({"@protected", "@version"})


def dumps(value: Json) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise JsonLdError(f"not a JSON document: {exc}") from None


@dataclass(eq=False)
class Plan:
    """One ``@context`` value, inlined, with what specialising it needs (built once)."""

    contexts: list[Json]
    json: str
    terms: frozenset[str]
    refs: dict[str, frozenset[str]]  # term -> terms and prefixes its definitions name
    always: frozenset[str]  # terms named by keywords such as @vocab
    list_terms: frozenset[str]
    language_terms: frozenset[str]
    type_keys: tuple[str, ...]
    scopes: dict[str, dict[str, tuple[Json, bool]]]  # term -> its own context
    specialisable: bool
    shapes: dict[Any, str | JsonLdError] = field(default_factory=dict)


@dataclass
class Scan:
    """What one walk over the document body found."""

    objects: set[tuple[frozenset[str], frozenset[str]]] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    doubles: set[float] = field(default_factory=set)
    chained: set[tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=set)
    nested_context: bool = False
    big_floats: bool = False  # integral floats of 1e16 or more, which JSON writes as 1e+16


# --- what a document reaches in its contexts -------------------------------------------


def make_plan(contexts: list[Json], urls_only: bool) -> Plan:
    defs: dict[str, list[Json]] = {}
    keywords: list[Json] = []
    _collect(contexts, defs, keywords)
    terms = frozenset(defs)
    refs = {
        t: frozenset(_names(d for d in ds) | _names([t]) - {t}) & terms for t, ds in defs.items()
    }
    aliases = ("@type", {"@id": "@type"})
    type_ok = all(d in aliases for d in defs.get("type", [None])) and any(
        isinstance(c, dict) and c.get("type") in aliases for c in contexts
    )
    return Plan(
        contexts=contexts,
        json=dumps(contexts),
        terms=terms,
        refs=refs,
        always=frozenset(_names(keywords)) & terms,
        list_terms=_container_terms(defs, "@list"),
        language_terms=_container_terms(defs, "@language"),
        type_keys=("@type", "type") if type_ok else ("@type",),
        scopes=type_scopes(contexts),
        specialisable=urls_only and "@import" not in dumps(contexts),
    )


def _collect(context: Json, defs: dict[str, list[Json]], keywords: list[Json]) -> None:
    if isinstance(context, list):
        for item in context:
            _collect(item, defs, keywords)
    elif isinstance(context, dict):
        for key, value in context.items():
            if key.startswith("@"):
                keywords.append(value)
                continue
            defs.setdefault(key, []).append(value)
            if isinstance(value, dict) and "@context" in value:
                _collect(value["@context"], defs, keywords)


def _names(definitions: Iterable[Json]) -> set[str]:
    """Strings a term definition uses (and their prefixes), which may name other terms."""
    out: set[str] = set()
    for definition in definitions:
        if isinstance(definition, dict):
            values = [v for k, v in definition.items() if k != "@context"]
        else:
            values = [definition]
        for value in values:
            for s in value if isinstance(value, list) else [value]:
                if isinstance(s, str):
                    out.add(s)
                    out.add(s.partition(":")[0])
    return out


def type_scopes(contexts: list[Json]) -> dict[str, dict[str, tuple[Json, bool]]]:
    """Each top-level term's own context: term -> (definition, protected)."""
    scopes: dict[str, dict[str, tuple[Json, bool]]] = {}
    for context in contexts:
        for term, definition in context.items() if isinstance(context, dict) else ():
            scope = definition.get("@context") if isinstance(definition, dict) else None
            for part in scope if isinstance(scope, list) else [scope]:
                if isinstance(part, dict):
                    entries = scopes.setdefault(term, {})
                    for name, value in part.items():
                        if not name.startswith("@"):
                            protected = part.get("@protected") is True or (
                                isinstance(value, dict) and value.get("@protected") is True
                            )
                            entries[name] = (_normal(value), protected)
    return scopes


def check_type_scopes(scan: Scan, plan: Plan, scoped_types: Iterable[str]) -> None:
    """Refuse nodes whose scoped contexts clash, or that pyoxigraph would misread.

    JSON-LD applies the contexts of a node's types in order, after those its ancestors' keys
    brought, and refuses a protected term redefined differently; pyoxigraph checks neither
    and applies only one type-scoped context per node, so a node needing two is refused.
    """
    remaining = frozenset(scoped_types)
    chains = [((), types) for types, _ in scan.objects if len(types & plan.scopes.keys()) > 1]
    for chain, types in [*chains, *scan.chained]:
        order = [*chain, *sorted(types & plan.scopes.keys())]
        for i, first in enumerate(order):
            for later in order[i + 1 :]:
                a, b = plan.scopes[first], plan.scopes[later]
                if any(a[t][1] and a[t][0] != b[t][0] for t in a.keys() & b.keys()):
                    raise JsonLdError(f"{first} and {later} clash (protected term redefined)")
        if len(types & remaining) > 1:
            names = ", ".join(sorted(types & remaining))
            raise NeedsFullProcessor(f"a node typed {names} needs several type-scoped contexts")


def _container_terms(defs: dict[str, list[Json]], container: str) -> frozenset[str]:
    def has(d: Json) -> bool:
        c = d.get("@container") if isinstance(d, dict) else None
        return c == container or (isinstance(c, list) and container in c)

    return frozenset(t for t, ds in defs.items() if any(has(d) for d in ds))


def scan_body(body: dict[str, Json], plan: Plan) -> Scan:
    """Walk the body once: its shape, its strings, and what pyoxigraph would get wrong."""
    scan = Scan()
    objects, strings, chained = scan.objects, scan.strings, scan.chained
    type_keys, list_terms, scopes = plan.type_keys, plan.list_terms, plan.scopes
    # (value, its key, the keys above it whose own contexts reach it)
    stack: list[tuple[Json, str, tuple[str, ...]]] = [(body, "", ())]
    while stack:
        value, key, chain = stack.pop()
        kind = type(value)
        if kind is str:
            strings.add(value)
        elif kind is dict:
            given = [value.get(type_key) for type_key in type_keys]
            types = frozenset(
                t for g in given for t in (g if type(g) is list else [g]) if type(t) is str
            )
            objects.add((types, frozenset(value)))
            if chain and types:
                chained.add((chain, types))
            for k, v in value.items():
                if k[:1] == "@":
                    _check_keyword(k, v, scan)
                elif k in plan.language_terms and type(v) is dict:
                    for tag in v:
                        if tag != "@none":
                            _check_language(tag)
                nested = k in scopes and (type(v) is dict or type(v) is list)
                stack.append((v, k, (*chain, k) if nested else chain))
        elif kind is list:
            if (key == "@list" or key in list_terms) and any(type(v) is list for v in value):
                raise JsonLdError(f"lists of lists ({key!r}) are not supported")
            stack.extend((v, key, chain) for v in value)
        elif kind is float or kind is int:
            _check_number(value, scan)
    return scan


def _check_number(value: float, scan: Scan) -> None:
    if type(value) is int and not -(10**300) < value < 10**300:
        raise JsonLdError("an integer of more than 300 digits is too large to canonicalise")
    magnitude = abs(value)
    if magnitude >= 1e21 or not float(value).is_integer():
        scan.doubles.add(float(value))  # written as jsonld.js does by _fix_doubles
    elif magnitude >= INT_LIMIT:
        raise JsonLdError(f"number {value!r} is too large to canonicalise reliably")
    elif type(value) is float and magnitude >= 1e16:
        scan.big_floats = True


def _check_keyword(key: str, value: Json, scan: Scan) -> None:
    if key == "@context":
        scan.nested_context = True
    elif key == "@direction":
        raise JsonLdError('"@direction" is refused (JSON-LD safe mode without rdfDirection)')
    elif key == "@language" and isinstance(value, str):
        _check_language(value)


def _check_language(tag: str) -> None:
    try:
        ox.Literal("", language=tag)
    except ValueError as exc:
        raise JsonLdError(f"invalid language tag {tag!r}: {exc}") from None


# --- specialising the contexts for one shape of document --------------------------------


def specialise(
    plan: Plan, objects: set[tuple[frozenset[str], frozenset[str]]], value_terms: set[str]
) -> list[Json]:
    keys: set[str] = set().union(*(k for _, k in objects))
    key_prefixes = {k.partition(":")[0] for k in keys if ":" in k}
    keep = set((keys | key_prefixes | value_terms | plan.always) & plan.terms)
    todo = list(keep)
    while todo:
        for ref in plan.refs.get(todo.pop(), ()):
            if ref not in keep:
                keep.add(ref)
                todo.append(ref)
    contexts = [_prune(context, keep, keys) for context in plan.contexts]
    named = value_terms | key_prefixes | {r for t in keep for r in plan.refs.get(t, ())}
    hoisted = _hoist(contexts, objects, keys, named, plan)
    return [*contexts, hoisted] if hoisted else contexts


def _prune(context: Json, keep: set[str], keys: set[str]) -> Json:
    """Only the terms in ``keep``; a context a key brings (it propagates) stays whole."""
    if isinstance(context, list):
        return [_prune(item, keep, keys) for item in context]
    if not isinstance(context, dict):
        return context
    out = {}
    for key, value in context.items():
        if key.startswith("@"):
            out[key] = value
        elif key in keep:
            if isinstance(value, dict) and "@context" in value and key not in keys:
                value = {**value, "@context": _prune(value["@context"], keep, keys)}
            out[key] = value
    return out


def _hoist(
    contexts: list[Json],
    objects: set[tuple[frozenset[str], frozenset[str]]],
    keys: set[str],
    named: set[str],
    plan: Plan,
) -> dict[str, Json]:
    """Empty type-scoped contexts where that changes no triple; returns the moved terms.

    A term X in the scoped context of type T is dropped there when the top level defines X
    the same way, and moved to the top level when the top level does not define X and the
    document uses X only as a key of nodes typed T (and never as a value or prefix). Only
    terms defined identically everywhere, with absolute IRIs and no scoped context, move.
    """
    top: dict[str, list[Json]] = {}
    for context in contexts:
        if isinstance(context, dict):
            for key, value in context.items():
                top.setdefault(key, []).append(value)
    everywhere: dict[str, list[Json]] = {}
    _collect(contexts, everywhere, [])
    scopes: dict[str, dict[str, Json]] = {}
    for name, definitions in top.items():
        scope = definitions[0].get("@context") if isinstance(definitions[0], dict) else None
        if (
            not name.startswith("@")
            and len(everywhere[name]) == 1
            and isinstance(scope, dict)
            and name not in keys
            and all(k in _SCOPE_KEYWORDS for k in scope if k.startswith("@"))
        ):
            scopes[name] = scope
    hoisted: dict[str, Json] = {}
    for term in {t for scope in scopes.values() for t in scope if not t.startswith("@")}:
        definitions = everywhere[term]
        if any(_normal(d) != _normal(definitions[0]) for d in definitions):
            continue
        owners = {name for name, scope in scopes.items() if term in scope}
        if term not in top:
            if not _movable(term, definitions[0], plan, named):
                continue
            if any(term in k and not (t & owners) for t, k in objects):
                continue
            hoisted[term] = definitions[0]
        for name in owners:
            del scopes[name][term]
    for name, scope in scopes.items():
        if all(k.startswith("@") for k in scope):
            del top[name][0]["@context"]
    return hoisted


def _normal(definition: Json) -> Json:
    return {"@id": definition} if isinstance(definition, str) else definition


def _movable(term: str, definition: Json, plan: Plan, named: set[str]) -> bool:
    if ":" in term or term in named or (isinstance(definition, dict) and "@context" in definition):
        return False
    values = definition.values() if isinstance(definition, dict) else [definition]
    strings = [s for v in values for s in (v if isinstance(v, list) else [v])]
    return all(
        isinstance(s, str)
        and (s.startswith("@") or (":" in s and s.partition(":")[0] not in plan.terms))
        for s in strings
        if not isinstance(s, bool)
    )
