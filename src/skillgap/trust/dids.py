"""From a proof's ``verificationMethod`` to a public key, and from a key to its issuer.

Supported: ``did:key`` and ``did:jwk`` (derived locally, no network), ``did:web`` (the DID
document comes through the Fetcher), and ``https`` key or controller documents (Open Badges
2.0 CryptographicKey, Open Badges 3.0 / VC Data Integrity controller documents). Every
fetched document must name itself: its ``id`` must be what was asked for, or a document
hosted anywhere could speak for anyone.

Errors: ``Unresolvable`` when a document cannot be had (no answer, HTTP error status), which
makes a credential unverifiable rather than invalid; ``InvalidDidDocument`` when the document
is malformed, does not hold the key, or the DID method is not supported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from skillgap.errors import FetchError
from skillgap.fetch import Fetcher, did_web_url
from skillgap.formats.badges.sources import load_json
from skillgap.trust.key_algorithms import KeyFormatError
from skillgap.trust.multibase import MultibaseError, b64url_decode
from skillgap.trust.public_key import PublicKey

__all__ = [
    "DidError",
    "InvalidDidDocument",
    "Unresolvable",
    "VerificationMethod",
    "did_document",
    "issuer_controls",
    "resolve_verification_method",
]

MAX_DOCUMENT = 256 * 1024
MAX_DEPTH = 32
# where a document may list or embed verification methods
METHOD_LISTS = ("verificationMethod", "assertionMethod", "authentication", "publicKey")


class DidError(ValueError):
    """A verification method or DID that cannot be resolved; the message says why."""


class Unresolvable(DidError):
    """The document cannot be had (no answer, or an HTTP error status)."""


class InvalidDidDocument(DidError):
    """The document is malformed, lacks the key, or the DID method is not supported."""


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method; ``raw`` is the JSON object it was read from."""

    id: str
    type: str
    controller: str
    key: PublicKey
    raw: dict[str, Any] = field(compare=False, hash=False)


def resolve_verification_method(vm_ref: str, fetcher: Fetcher) -> VerificationMethod:
    """Resolve a verification method reference (DID URL or https URL) to its key."""
    if not isinstance(vm_ref, str) or not vm_ref:
        raise InvalidDidDocument("the verification method reference is empty")
    base, _, fragment = vm_ref.partition("#")
    if base.startswith(("did:key:", "did:jwk:", "did:web:")):
        document = did_document(base, fetcher)
        return _find_method(document, base, fragment, vm_ref)
    if base.startswith("did:"):
        method = base.split(":", 2)[1]
        raise InvalidDidDocument(f"DID method did:{method} is not supported ({vm_ref})")
    if urlsplit(base).scheme == "https":
        document = _fetch_json(base, fetcher)
        return _find_https_method(document, base, fragment, vm_ref)
    raise InvalidDidDocument(
        f"{vm_ref!r} is not a supported verification method (did:key, did:jwk, did:web, https)"
    )


def did_document(did: str, fetcher: Fetcher) -> dict[str, Any]:
    """The DID document of ``did``: derived for did:key/did:jwk, fetched for did:web."""
    if "#" in did or "?" in did:
        raise InvalidDidDocument(f"{did!r} is a DID URL; a DID document is looked up by DID")
    if did.startswith("did:key:"):
        return _did_key_document(did)
    if did.startswith("did:jwk:"):
        return _did_jwk_document(did)
    if did.startswith("did:web:"):
        try:
            did_web_url(did)
        except ValueError as exc:
            raise InvalidDidDocument(str(exc)) from None
        document = _fetch_json(did, fetcher)
        if document.get("id") != did:
            raise InvalidDidDocument(
                f"the DID document fetched for {did} has id {document.get('id')!r}, not the DID"
            )
        return document
    raise InvalidDidDocument(f"{did!r}: only did:key, did:jwk and did:web are supported")


def profile_document(url: str, fetcher: Fetcher) -> dict[str, Any]:
    """An https issuer profile or controller document (its ``id`` must be the URL)."""
    if not url.startswith("https://") and not url.startswith("http://"):
        raise InvalidDidDocument(f"{url!r} is neither a DID nor an http(s) URL")
    document = _fetch_json(url.split("#", 1)[0], fetcher)
    if document.get("id") not in (url, url.split("#", 1)[0]):
        raise InvalidDidDocument(f"the profile fetched from {url} has id {document.get('id')!r}")
    return document


def issuer_controls(issuer_id: str, vm: VerificationMethod, fetcher: Fetcher) -> tuple[bool, str]:
    """Whether the issuer controls the key that signed, with an explanation for people.

    - did:web issuer: its DID document's ``assertionMethod`` must list the method (by id or
      embedded); that is the issuer's own statement that the key may sign for it.
    - other DIDs (did:key, did:jwk): the method must belong to that very DID.
    - https issuer: the method is the issuer's when its id is ``issuer#…``, or its document
      names the issuer as controller/owner and is hosted on the issuer's own site. Otherwise
      the issuer profile is fetched and must list the method (``verificationMethod``,
      ``assertionMethod`` or Open Badges 2.0 ``publicKey``). A controller claim made from
      another site is not enough: anyone can publish a key that names someone else.

    Raises ``Unresolvable`` when the issuer's document cannot be had, ``InvalidDidDocument``
    when it is malformed.
    """
    if issuer_id.startswith("did:web:"):
        document = did_document(issuer_id, fetcher)
        if _lists(document, ("assertionMethod",), vm.id):
            return True, f"{vm.id} is listed in the assertionMethod of {issuer_id}"
        return False, f"the DID document of {issuer_id} does not list {vm.id} in assertionMethod"
    if issuer_id.startswith("did:"):
        if vm.id.partition("#")[0] == issuer_id and vm.controller == issuer_id:
            return True, f"{vm.id} is a key of the issuer {issuer_id}"
        return False, f"{vm.id} (controller {vm.controller}) is not a key of the issuer {issuer_id}"
    if urlsplit(issuer_id).scheme != "https":
        return False, f"issuer id {issuer_id!r} is neither a DID nor an https URL: no key binding"
    if vm.id.startswith(issuer_id + "#"):
        return True, f"{vm.id} is a key within the issuer's own document {issuer_id}"
    if vm.controller == issuer_id and _origin(vm.id) == _origin(issuer_id):
        return True, f"{vm.id} is published on the issuer's site with controller {issuer_id}"
    profile_url = issuer_id.partition("#")[0]
    profile = _fetch_json(profile_url, fetcher)
    if profile.get("id") != issuer_id:
        raise InvalidDidDocument(
            f"the issuer profile at {profile_url} has id {profile.get('id')!r}, not {issuer_id}"
        )
    if _lists(profile, METHOD_LISTS, vm.id):
        return True, f"the issuer profile {issuer_id} lists the key {vm.id}"
    return False, (
        f"the issuer profile {issuer_id} does not list the key {vm.id} (controller {vm.controller})"
    )


# --- locally derived DIDs ------------------------------------------------------------------


def _did_key_document(did: str) -> dict[str, Any]:
    encoded = did[len("did:key:") :]
    try:
        key = PublicKey.from_multibase(encoded)
    except KeyFormatError as exc:
        raise InvalidDidDocument(f"{did} is not a usable did:key: {exc}") from None
    if key.kind not in ("Ed25519", "P-256", "P-384") or not encoded.startswith("z"):
        raise InvalidDidDocument(f"{did} is not a usable did:key")
    method = {
        "id": f"{did}#{encoded}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": encoded,
    }
    return _single_key_document(did, method)


def _did_jwk_document(did: str) -> dict[str, Any]:
    try:
        jwk = load_json(b64url_decode(did[len("did:jwk:") :]), did)
    except (MultibaseError, ValueError) as exc:
        raise InvalidDidDocument(f"{did} does not encode a JSON JWK: {exc}") from None
    if not isinstance(jwk, dict):
        raise InvalidDidDocument(f"{did} does not encode a JWK object")
    if "d" in jwk:
        raise InvalidDidDocument(f"{did} carries private key material; it must not")
    try:
        PublicKey.from_jwk(jwk)
    except KeyFormatError as exc:
        raise InvalidDidDocument(f"{did} is not a usable did:jwk: {exc}") from None
    method = {"id": f"{did}#0", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
    return _single_key_document(did, method)


def _single_key_document(did: str, method: dict[str, Any]) -> dict[str, Any]:
    ref = method["id"]
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [ref],
        "authentication": [ref],
    }


# --- finding methods in documents ----------------------------------------------------------


def _find_method(
    document: dict[str, Any], base: str, fragment: str, vm_ref: str
) -> VerificationMethod:
    """The method ``vm_ref`` (or the only method, when no fragment is given)."""
    methods = list(_embedded_methods(document, base))
    if not fragment:
        distinct = {m_id for m_id, _ in methods}
        if len(distinct) != 1:
            raise InvalidDidDocument(
                f"{vm_ref} names a document with {len(distinct)} keys; a '#fragment' is needed"
            )
        return _method_from(methods[0][1], methods[0][0], document)
    for method_id, raw in methods:
        if method_id == vm_ref:
            return _method_from(raw, method_id, document)
    raise InvalidDidDocument(f"the document of {base} has no verification method {vm_ref}")


def _find_https_method(
    document: dict[str, Any], base: str, fragment: str, vm_ref: str
) -> VerificationMethod:
    doc_id = document.get("id")
    if doc_id == vm_ref and any(k.startswith("publicKey") for k in document):
        return _method_from(document, vm_ref, document)  # the document is the key itself
    if doc_id != base:
        raise InvalidDidDocument(
            f"the document at {base} has id {doc_id!r}; it must be {vm_ref!r} or {base!r}"
        )
    if not fragment:
        if not any(k.startswith("publicKey") for k in document):
            raise InvalidDidDocument(f"the document at {base} holds no public key")
        return _method_from(document, vm_ref, document)
    return _find_method(document, base, fragment, vm_ref)


def _embedded_methods(document: dict[str, Any], base: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(absolute id, method object) for every method written out in the document."""
    for name in METHOD_LISTS:
        entries = document.get(name, [])
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                yield _absolute(entry["id"], base), entry


def _lists(document: dict[str, Any], names: tuple[str, ...], vm_id: str) -> bool:
    base = str(document.get("id", ""))
    for name in names:
        entries = document.get(name, [])
        for entry in entries if isinstance(entries, list) else [entries]:
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and _absolute(ref, base) == vm_id:
                return True
    return False


def _method_from(
    raw: dict[str, Any], method_id: str, document: dict[str, Any]
) -> VerificationMethod:
    types = raw.get("type")
    type_name = (
        types
        if isinstance(types, str)
        else next((t for t in types or [] if isinstance(t, str)), "")
    )
    controller = raw.get("controller", raw.get("owner", document.get("id")))
    if isinstance(controller, dict):
        controller = controller.get("id")
    if not isinstance(controller, str) or not controller:
        raise InvalidDidDocument(f"verification method {method_id} has no controller")
    try:
        key = PublicKey.from_verification_method(raw)
    except KeyFormatError as exc:
        raise InvalidDidDocument(f"verification method {method_id}: {exc}") from None
    return VerificationMethod(method_id, type_name, controller, key, raw)


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _origin(url: str) -> str:
    if url.startswith("did:web:"):
        try:
            url = did_web_url(url)
        except ValueError:
            return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}" if parts.scheme == "https" else ""


# --- fetching ------------------------------------------------------------------------------


def _fetch_json(url: str, fetcher: Fetcher) -> dict[str, Any]:
    try:
        response = fetcher.fetch(url)
    except FetchError as exc:
        raise Unresolvable(f"{url} cannot be fetched: {exc.reason}") from None
    if response.status != 200:
        raise Unresolvable(f"{url} answered HTTP {response.status}")
    if len(response.body) > MAX_DOCUMENT:
        raise InvalidDidDocument(
            f"the document at {url} is {len(response.body)} bytes, over the "
            f"{MAX_DOCUMENT // 1024} KiB limit"
        )
    try:
        document = load_json(response.body, url)
    except ValueError as exc:
        raise InvalidDidDocument(f"the document at {url} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidDidDocument(f"the document at {url} is not a JSON object")
    if _depth(document) > MAX_DEPTH:
        raise InvalidDidDocument(f"the document at {url} is nested too deeply")
    return document


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest
