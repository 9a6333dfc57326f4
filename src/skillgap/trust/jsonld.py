"""Canonical N-Quads (RDFC-1.0) of JSON-LD credentials, from pinned contexts, in safe mode.

A Data Integrity proof signs the canonical N-Quads of a credential, so a verifier has to
reproduce them byte for byte as the issuer's library did (jsonld.js, pyld). pyoxigraph parses
JSON-LD and canonicalises in Rust; this module prepares its input and guards the few places
where it differs from those libraries:

- contexts are never fetched: every context URL is replaced by its pinned content;
- JSON-LD "safe mode": a first context ``{"@vocab": UNDEFINED}`` (overridden by any later
  ``@vocab``) turns each term or type the contexts do not define into an IRI under
  ``UNDEFINED``; seeing one raises ``UndefinedTerms`` where pyoxigraph would silently drop it.
  Relative IRIs are resolved against a sentinel base and refused the same way;
- doubles are written as jsonld.js does (``toExponential(15)``, 16 significant digits), where
  pyoxigraph writes the shortest form; ``@direction``, bad language tags, lists of lists and
  integers of 2**63 or more, which pyoxigraph treats differently or drops, raise
  ``JsonLdError``.

Speed: pyoxigraph re-processes the context on every parse and each type-scoped context at
every node of that type, which costs far more than the parse itself (a 2.5 KB Open Badge with
the VC 2.0 and OB 3.0 contexts: about 2.5 ms). So for each "shape" of document (its node types
with their keys, and the terms its values name) the contexts are specialised once and cached:
terms the document cannot reach are pruned, and terms of a type-scoped context that the
document uses only inside nodes of that type are moved to the top level, which changes no
triple (the tests compare with pyld on thousands of generated documents). That takes a 2.5 KB
Open Badge from 2.4 ms to about 0.5 ms. ``Canonicalizer(specialise=False)`` skips it.

pyoxigraph applies one type-scoped context per node and does not check protected terms, so a
node whose types' contexts clash or are both still needed is refused (``JsonLdError``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from skillgap.trust import jsonld_reference as reference
from skillgap.trust.contexts import ContextStore, PinnedContext, UnknownContext, pinned

__all__ = [
    "UNDEFINED",
    "Canonicalizer",
    "JsonLdError",
    "UndefinedTerms",
    "UnknownContext",
    "canonicalize_rdf",
]

UNDEFINED = "urn:skillgap:undefined:"
_SENTINEL: dict[str, str] = {"@vocab": UNDEFINED}
_BASE = "skillgap-relative://document/"  # relative references resolve to this scheme
_RELATIVE = "skillgap-relative:"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_INT_LIMIT = 2**63  # pyoxigraph writes larger integers below 1e21 as doubles
_CACHE_LIMIT = 1024
_SCOPE_KEYWORDS = frozenset({"@protected", "@version"})
_DOUBLE_FORM = re.compile(r"-?\d\.\d+E-?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NONCHAR = re.compile(r"(?<!\\)((?:\\\\)*)\\uFFF([EF])")
Json = Any


class JsonLdError(ValueError):
    """A document that cannot be turned into RDF as the JSON-LD libraries would."""


class NeedsFullProcessor(JsonLdError):
    """A node needs several type-scoped contexts: only the full JSON-LD processor can do it."""


class UndefinedTerms(ValueError):
    """Terms or types the document's contexts do not define (JSON-LD safe mode refuses them)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(sorted(set(terms)))
        super().__init__("not defined by the document's contexts: " + ", ".join(self.terms))


@dataclass(eq=False)
class _Plan:
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
class _Scan:
    """What one walk over the document body found."""

    objects: set[tuple[frozenset[str], frozenset[str]]] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    doubles: set[float] = field(default_factory=set)
    chained: set[tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=set)
    nested_context: bool = False
    big_floats: bool = False  # integral floats of 1e16 or more, which JSON writes as 1e+16


class Canonicalizer:
    """RDFC-1.0 canonical N-Quads of JSON-LD documents; reuse one instance (it caches).

    Raises ``UndefinedTerms``, ``UnknownContext`` (a context URL with no pinned copy) or
    ``JsonLdError``; nothing else for any JSON-like document.
    """

    def __init__(self, store: ContextStore | None = None, *, specialise: bool = True) -> None:
        self._store = store if store is not None else pinned()
        self._specialise = specialise
        self._plans: dict[Any, _Plan] = {}
        self._memo: dict[tuple[str, str], str] = {}

    def canonical_nquads(
        self,
        document: Mapping[str, Json],
        overrides: Mapping[str, PinnedContext] | None = None,
        *,
        memo: bool = False,
    ) -> str:
        """Sorted canonical N-Quads, one ``" .\\n"``-terminated line per quad.

        ``overrides`` gives other content for some context URLs (an earlier version).
        ``memo`` caches the result by the document's JSON text: for small documents that
        recur, such as proof configurations.
        """
        if not isinstance(document, Mapping):
            raise JsonLdError("a JSON-LD document must be a JSON object")
        try:
            return self._fast(document, overrides, memo)
        except NeedsFullProcessor:
            return self._full(document, overrides)

    def _full(
        self, document: Mapping[str, Json], overrides: Mapping[str, PinnedContext] | None
    ) -> str:
        """The same N-Quads through pyld (see ``jsonld_reference``)."""
        body = {key: value for key, value in document.items() if key != "@context"}
        _limit_blank_labels(_strings_in(body))
        inlined = self._store.inline(document.get("@context"), dict(overrides or {}))
        full = {
            "@context": [_SENTINEL, *_with_sentinel(inlined)],
            **self._rewrite(body, overrides, set()),
        }
        try:
            nquads = reference.to_nquads(full, _BASE)
        except (reference.JsonLdFailure, TypeError, ValueError, RecursionError) as exc:
            raise JsonLdError(f"JSON-LD processing failed: {_root_cause(exc)}") from None
        try:
            dataset = ox.Dataset(ox.parse(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS))
        except (SyntaxError, ValueError) as exc:
            raise JsonLdError(str(exc)) from None
        result = _serialise(dataset)
        if UNDEFINED in result or _RELATIVE in result:
            _check_iris(dataset)
        return result

    def _fast(
        self,
        document: Mapping[str, Json],
        overrides: Mapping[str, PinnedContext] | None,
        memo: bool,
    ) -> str:
        plan = self._plan(document.get("@context"), overrides)
        body = {key: value for key, value in document.items() if key != "@context"}
        body_json = _dumps(body)
        memo_key = (plan.json, body_json)
        if memo and memo_key in self._memo:
            return self._memo[memo_key]
        scan = _scan(body, plan)
        _limit_blank_labels(scan.strings)
        scoped_types = set(plan.scopes)
        if scan.nested_context or scan.big_floats:
            body_json = _dumps(self._rewrite(body, overrides, scoped_types))
        if plan.specialisable and self._specialise and not scan.nested_context:
            context_json = self._specialised(plan, scan)
        else:
            context_json = plan.json
            _check_type_scopes(scan, plan, scoped_types)
        tail = "," + body_json[1:] if len(body_json) > 2 else "}"
        text = '{"@context":' + context_json + tail
        fix_numbers = bool(scan.doubles) or "double" in text
        result = _canonicalise(text, scan if fix_numbers else None)
        if memo:
            _remember(self._memo, memo_key, result)
        return result

    def _plan(self, context: Json, overrides: Mapping[str, PinnedContext] | None) -> _Plan:
        items = context if isinstance(context, list) else ([] if context is None else [context])
        urls_only = all(isinstance(item, str) for item in items)
        pinned_key = tuple(sorted((url, p.sha256) for url, p in (overrides or {}).items()))
        key = (tuple(items) if urls_only else _dumps(items), pinned_key)
        plan = self._plans.get(key)
        if plan is None:
            inlined = self._store.inline(items, dict(overrides or {}))
            plan = _make_plan([_SENTINEL, *_with_sentinel(inlined)], urls_only)
            _remember(self._plans, key, plan)
        return plan

    def _specialised(self, plan: _Plan, scan: _Scan) -> str:
        values = {s.partition(":")[0] for s in scan.strings if ":" in s}
        value_terms = (scan.strings | values) & plan.terms
        shape = (frozenset(scan.objects), frozenset(value_terms), frozenset(scan.chained))
        context_json = plan.shapes.get(shape)
        if context_json is None:
            try:
                contexts = _specialise(plan, scan.objects, value_terms)
                _check_type_scopes(scan, plan, _scopes(contexts))
                context_json = _dumps(contexts)
            except JsonLdError as exc:
                context_json = exc
            _remember(plan.shapes, shape, context_json)
        if isinstance(context_json, JsonLdError):
            raise context_json
        return context_json

    def _rewrite(
        self, value: Json, overrides: Mapping[str, PinnedContext] | None, scoped_types: set[str]
    ) -> Json:
        """A copy with nested contexts inlined and big integral floats written as integers."""
        if isinstance(value, list):
            return [self._rewrite(item, overrides, scoped_types) for item in value]
        if isinstance(value, float) and value.is_integer() and abs(value) < _INT_LIMIT:
            return int(value)  # JSON-LD reads 1e+16 as the integer 10000000000000000
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if key == "@context":
                out[key] = _with_sentinel(self._store.inline(item, dict(overrides or {})))
                scoped_types.update(_scopes(out[key]))
            else:
                out[key] = self._rewrite(item, overrides, scoped_types)
        return out


def _root_cause(exc: BaseException) -> str:
    """pyld wraps its errors several times; the innermost one says what went wrong."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    text = str(exc)
    if "protected term redefinition" in text:
        return f"protected term redefined ({text})"
    return text


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()  # rare; simpler and as good as LRU for the repeated shapes seen here
    cache[key] = value


def _dumps(value: Json) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise JsonLdError(f"not a JSON document: {exc}") from None


def _with_sentinel(context: Json) -> list[Json]:
    """A context as a flat list in which every ``null`` (reset) is followed by the sentinel."""
    if context is None:
        return [None, _SENTINEL]
    if isinstance(context, list):
        return [item for part in context for item in _with_sentinel(part)]
    if isinstance(context, dict):
        out = {}
        for key, value in context.items():
            if isinstance(value, dict) and "@context" in value:
                scoped = _with_sentinel(value["@context"])
                value = {**value, "@context": scoped[0] if len(scoped) == 1 else scoped}
            out[key] = value
        return [out]
    return [context]


# --- what a document reaches in its contexts -------------------------------------------


def _make_plan(contexts: list[Json], urls_only: bool) -> _Plan:
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
    return _Plan(
        contexts=contexts,
        json=_dumps(contexts),
        terms=terms,
        refs=refs,
        always=frozenset(_names(keywords)) & terms,
        list_terms=_container_terms(defs, "@list"),
        language_terms=_container_terms(defs, "@language"),
        type_keys=("@type", "type") if type_ok else ("@type",),
        scopes=_scopes(contexts),
        specialisable=urls_only and "@import" not in _dumps(contexts),
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


def _scopes(contexts: list[Json]) -> dict[str, dict[str, tuple[Json, bool]]]:
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


def _check_type_scopes(scan: _Scan, plan: _Plan, scoped_types: Iterable[str]) -> None:
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


def _scan(body: dict[str, Json], plan: _Plan) -> _Scan:
    """Walk the body once: its shape, its strings, and what pyoxigraph would get wrong."""
    scan = _Scan()
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


#: Distinct blank node labels ("_:b0") a document may use. Labels let a document share blank
#: nodes, and a graph of many shared, look-alike blank nodes makes RDFC-1.0 canonicalisation
#: take exponential time (8 nodes that all point at each other: seconds; 10: hours).
#: Credentials name nodes with IRIs or nest them, and need none.
MAX_BLANK_LABELS = 4


def _limit_blank_labels(strings: Iterable[str]) -> None:
    labels = {value for value in strings if value.startswith("_:")}
    if len(labels) > MAX_BLANK_LABELS:
        raise JsonLdError(
            f"{len(labels)} blank node labels (_:…) are refused (at most {MAX_BLANK_LABELS}): "
            "they can make canonicalisation run without end"
        )


def _strings_in(value: Json) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _check_number(value: float, scan: _Scan) -> None:
    if type(value) is int and not -(10**300) < value < 10**300:
        raise JsonLdError("an integer of more than 300 digits is too large to canonicalise")
    magnitude = abs(value)
    if magnitude >= 1e21 or not float(value).is_integer():
        scan.doubles.add(float(value))  # written as jsonld.js does by _fix_doubles
    elif magnitude >= _INT_LIMIT:
        raise JsonLdError(f"number {value!r} is too large to canonicalise reliably")
    elif type(value) is float and magnitude >= 1e16:
        scan.big_floats = True


def _check_keyword(key: str, value: Json, scan: _Scan) -> None:
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


def _specialise(
    plan: _Plan, objects: set[tuple[frozenset[str], frozenset[str]]], value_terms: set[str]
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
    plan: _Plan,
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


def _movable(term: str, definition: Json, plan: _Plan, named: set[str]) -> bool:
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


# --- parsing, canonicalising, checking -------------------------------------------------


def _canonicalise(text: str, numbers: _Scan | None) -> str:
    try:
        quads: Iterable[ox.Quad] = ox.parse(
            text.encode("utf-8"), ox.RdfFormat.JSON_LD, base_iri=_BASE
        )
        if numbers is not None:
            quads = _fix_doubles(quads, numbers)
        dataset = ox.Dataset(quads)
    except (SyntaxError, ValueError, OSError) as exc:
        raise JsonLdError(str(exc)) from None
    nquads = _serialise(dataset)
    if UNDEFINED in nquads or _RELATIVE in nquads:
        _check_iris(dataset)
    return nquads


def canonicalize_rdf(nquads: str) -> str:
    """Canonical N-Quads of an RDF dataset written as N-Quads (a published canonical form)."""
    try:
        dataset = ox.Dataset(ox.parse(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS))
    except (SyntaxError, ValueError) as exc:
        raise JsonLdError(str(exc)) from None
    return _serialise(dataset)


def _serialise(dataset: ox.Dataset) -> str:
    """RDFC-1.0: relabel the blank nodes, then one sorted line per quad."""
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = [str(quad) for quad in dataset]
    lines.sort()
    nquads = " .\n".join(lines) + " .\n" if lines else ""
    if "\\uFFF" in nquads:
        lines = sorted(_NONCHAR.sub(_unescape_nonchar, line) for line in lines)
        nquads = " .\n".join(lines) + " .\n"
    return nquads


def _unescape_nonchar(match: re.Match[str]) -> str:
    # pyoxigraph escapes U+FFFE and U+FFFF; canonical N-Quads write them as they are
    return match.group(1) + chr(0xFFF0 + int(match.group(2), 16))


def _fix_doubles(quads: Iterable[ox.Quad], scan: _Scan) -> list[ox.Quad]:
    """Write doubles as jsonld.js and pyld do: 16 significant digits, not the shortest form."""
    out = []
    for quad in quads:
        obj = quad.object
        if type(obj) is ox.Literal:
            lexical, datatype = obj.value, obj.datatype
            fixed = lexical
            if datatype.value == _XSD_DOUBLE and _DECIMAL.fullmatch(lexical):
                fixed = _double(float(lexical))
            elif _DOUBLE_FORM.fullmatch(lexical) and float(lexical) in scan.doubles:
                fixed = _double(float(lexical))
                if fixed != lexical and lexical in scan.strings:
                    raise JsonLdError(f"{lexical!r} is both a string and a number here")
            if fixed != lexical:
                obj = ox.Literal(fixed, datatype=datatype)
                quad = ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name)
        out.append(quad)
    return out


def _double(value: float) -> str:
    return re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{value:1.15E}")


def _check_iris(dataset: ox.Dataset) -> None:
    undefined: set[str] = set()
    relative: set[str] = set()
    for quad in dataset:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if type(term) is ox.Literal:
                term = term.datatype
            if type(term) is ox.NamedNode:
                if term.value.startswith(UNDEFINED):
                    undefined.add(term.value.removeprefix(UNDEFINED))
                elif term.value.startswith(_RELATIVE):
                    relative.add(term.value.removeprefix(_BASE))
    if undefined:
        raise UndefinedTerms(undefined)
    if relative:
        raise JsonLdError("relative IRI references are refused: " + ", ".join(sorted(relative)))
