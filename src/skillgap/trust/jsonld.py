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

Speed: for each "shape" of document (its node types with their keys, and the terms its values
name) the contexts are specialised once and cached (see ``jsonld_plan``), which takes a 2.5 KB
Open Badge with the VC 2.0 and OB 3.0 contexts from 2.4 ms to about 0.5 ms.
``Canonicalizer(specialise=False)`` skips it.

pyoxigraph applies one type-scoped context per node and does not check protected terms, so a
node whose types' contexts clash or are both still needed is refused (``JsonLdError``), or
handed to pyld when it needs several type-scoped contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from skillgap.trust import jsonld_reference as reference
from skillgap.trust.contexts import ContextStore, PinnedContext, UnknownContext, pinned
from skillgap.trust.jsonld_errors import JsonLdError, NeedsFullProcessor, UndefinedTerms
from skillgap.trust.jsonld_plan import (
    INT_LIMIT,
    Json,
    Plan,
    Scan,
    check_type_scopes,
    dumps,
    make_plan,
    scan_body,
    specialise,
    type_scopes,
)

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
_CACHE_LIMIT = 1024
_DOUBLE_FORM = re.compile(r"-?\d\.\d+E-?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NONCHAR = re.compile(r"(?<!\\)((?:\\\\)*)\\uFFF([EF])")


class Canonicalizer:
    """RDFC-1.0 canonical N-Quads of JSON-LD documents; reuse one instance (it caches).

    Raises ``UndefinedTerms``, ``UnknownContext`` (a context URL with no pinned copy) or
    ``JsonLdError``; nothing else for any JSON-like document.
    """

    def __init__(self, store: ContextStore | None = None, *, specialise: bool = True) -> None:
        self._store = store if store is not None else pinned()
        self._specialise = specialise
        self._plans: dict[Any, Plan] = {}
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
        body_json = dumps(body)
        memo_key = (plan.json, body_json)
        if memo and memo_key in self._memo:
            return self._memo[memo_key]
        scan = scan_body(body, plan)
        _limit_blank_labels(scan.strings)
        scoped_types = set(plan.scopes)
        if scan.nested_context or scan.big_floats:
            body_json = dumps(self._rewrite(body, overrides, scoped_types))
        if plan.specialisable and self._specialise and not scan.nested_context:
            context_json = self._specialised(plan, scan)
        else:
            context_json = plan.json
            check_type_scopes(scan, plan, scoped_types)
        tail = "," + body_json[1:] if len(body_json) > 2 else "}"
        text = '{"@context":' + context_json + tail
        fix_numbers = bool(scan.doubles) or "double" in text
        result = _canonicalise(text, scan if fix_numbers else None)
        if memo:
            _remember(self._memo, memo_key, result)
        return result

    def _plan(self, context: Json, overrides: Mapping[str, PinnedContext] | None) -> Plan:
        items = context if isinstance(context, list) else ([] if context is None else [context])
        urls_only = all(isinstance(item, str) for item in items)
        pinned_key = tuple(sorted((url, p.sha256) for url, p in (overrides or {}).items()))
        key = (tuple(items) if urls_only else dumps(items), pinned_key)
        plan = self._plans.get(key)
        if plan is None:
            inlined = self._store.inline(items, dict(overrides or {}))
            plan = make_plan([_SENTINEL, *_with_sentinel(inlined)], urls_only)
            _remember(self._plans, key, plan)
        return plan

    def _specialised(self, plan: Plan, scan: Scan) -> str:
        values = {s.partition(":")[0] for s in scan.strings if ":" in s}
        value_terms = (scan.strings | values) & plan.terms
        shape = (frozenset(scan.objects), frozenset(value_terms), frozenset(scan.chained))
        context_json = plan.shapes.get(shape)
        if context_json is None:
            try:
                contexts = specialise(plan, scan.objects, value_terms)
                check_type_scopes(scan, plan, type_scopes(contexts))
                context_json = dumps(contexts)
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
        if isinstance(value, float) and value.is_integer() and abs(value) < INT_LIMIT:
            return int(value)  # JSON-LD reads 1e+16 as the integer 10000000000000000
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if key == "@context":
                out[key] = _with_sentinel(self._store.inline(item, dict(overrides or {})))
                scoped_types.update(type_scopes(out[key]))
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


# --- parsing, canonicalising, checking -------------------------------------------------


def _canonicalise(text: str, numbers: Scan | None) -> str:
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


def _fix_doubles(quads: Iterable[ox.Quad], scan: Scan) -> list[ox.Quad]:
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
