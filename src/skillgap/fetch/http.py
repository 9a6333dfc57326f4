"""Fetching documents over the network, hardened: the URLs come from credentials, i.e. strangers.

A credential names URLs (status lists, issuer DID documents, images) that skillgap then asks
for. Without care that turns skillgap into a proxy into its own network (SSRF), a way to hang
it (slow servers) or to fill its memory (huge bodies). So:

- only ``https`` (``http`` only with ``allow_http``), no ``user:password@``, only the default
  port, and the host must resolve *only* to public addresses (not private, loopback,
  link-local, multicast, reserved, unspecified or site-local, also when wrapped in an IPv6
  address). ``allow_private`` lifts the address and port rules; ``trusted_hosts`` lifts them
  for named hosts only, for an issuer you run inside your own network.
- the connection goes to the address that was checked, never to a second DNS answer (DNS
  rebinding): the request is sent to the IP with the ``Host`` header and, for TLS, the SNI
  name and certificate check of the real host name (httpx's ``sni_hostname`` extension).
  Proxies from the environment are ignored (``trust_env=False``), since a proxy would resolve
  the name itself.
- redirects are followed by hand, each hop checked again, at most ``max_redirects``, never
  from https down to http.
- the body is streamed and cut at ``max_bytes``; compressed bodies are refused, so the cap
  counts what is kept. ``timeout`` bounds the whole fetch: every hop gets what is left of it
  and reading stops once it has passed (a server that stalls mid-read is cut off by the read
  timeout, so the worst case is below twice ``timeout``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from skillgap import __version__
from skillgap.errors import FetchError
from skillgap.fetch import Document, did_web_url

__all__ = [
    "DEFAULT_ACCEPT",
    "HttpFetcher",
    "HttpPolicy",
    "Resolver",
    "Target",
    "address_refusal",
    "system_resolve",
    "vet",
]

MiB = 1024 * 1024

#: Media types a verifier has a use for; ``*`` matches any run of characters.
DEFAULT_ACCEPT = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/*+json",
        "application/jwt",
        "text/plain",
        "image/png",
        "image/svg+xml",
    }
)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")

#: ``resolve(host, port)`` → the IP addresses of ``host`` as strings.
Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class HttpPolicy:
    """What the HTTP fetcher may do; the defaults are for URLs taken from strangers."""

    allow_http: bool = False
    allow_private: bool = False
    trusted_hosts: frozenset[str] = frozenset()
    max_bytes: int = 2 * MiB
    timeout: float = 10.0
    max_redirects: int = 3
    user_agent: str = f"skillgap/{__version__}"
    accept: frozenset[str] = field(default=DEFAULT_ACCEPT)

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.timeout <= 0 or self.max_redirects < 0:
            raise ValueError("max_bytes and timeout must be positive, max_redirects >= 0")
        object.__setattr__(self, "trusted_hosts", frozenset(h.lower() for h in self.trusted_hosts))

    def accepts(self, media_type: str) -> bool:
        """Whether ``media_type`` (lower case, without parameters) is in ``accept``."""
        for pattern in self.accept:
            if "*" not in pattern:
                if media_type == pattern:
                    return True
                continue
            head, tail = pattern.split("*", 1)
            if (
                len(media_type) > len(head) + len(tail)
                and media_type.startswith(head)
                and media_type.endswith(tail)
            ):
                return True
        return False


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the operating system gives for ``host`` (``socket.getaddrinfo``)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_LABELS = (
    ("is_unspecified", "the unspecified address"),
    ("is_loopback", "a loopback address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_site_local", "a site-local address"),
    ("is_reserved", "a reserved address"),
    ("is_private", "a private address"),
)


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be connected to (e.g. "a loopback address"), or None.

    An IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4, Teredo, NAT64) is judged by
    that IPv4 address too: ``::ffff:127.0.0.1`` reaches the loopback interface.
    """
    candidates: list[IPAddress] = []
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            candidates.append(address.sixtofour)
        if address.teredo is not None:
            candidates.extend(address.teredo)
        if address in _NAT64:
            candidates.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    for candidate in [*candidates, address]:  # the wrapped address says more: check it first
        for flag, label in _LABELS:
            if getattr(candidate, flag, False):
                return label
        if not candidate.is_global:
            return "not a public address"
    return None


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks: ``host`` as sent (IDNA), ``addresses`` to connect to."""

    url: httpx.URL
    host: str
    addresses: tuple[str, ...]
    literal: bool


def vet(url: str, policy: HttpPolicy, resolve: Resolver = system_resolve) -> Target:
    """Check ``url`` against ``policy`` and resolve its host, or raise FetchError.

    Nothing here opens a connection: a refused URL is refused before any packet is sent.
    """
    try:
        parsed = httpx.URL(url.split("#", 1)[0])
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchError(url, f"not a valid URL ({error})") from None
    if parsed.scheme not in _DEFAULT_PORTS:
        raise FetchError(url, "only https URLs can be fetched")
    if parsed.scheme == "http" and not policy.allow_http:
        raise FetchError(url, "plain http is refused: only https URLs are fetched")
    if parsed.userinfo:
        raise FetchError(url, "URLs with a user name or password are refused")
    host = parsed.raw_host.decode("ascii").lower()
    if not host:
        raise FetchError(url, "the URL has no host")
    literal = _ip_literal(host)
    if literal is None and not _HOST_NAME.fullmatch(host):
        raise FetchError(url, f"{host!r} is not a valid host name")
    open_host = policy.allow_private or host in policy.trusted_hosts
    port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    if literal is not None:
        addresses = [str(literal)]
    elif not open_host and f".{host.rstrip('.')}".endswith(".localhost"):  # RFC 6761
        raise FetchError(url, f"refused: {host} is a loopback name")
    else:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise FetchError(url, f"cannot resolve {host} ({error})") from None
        if not addresses:
            raise FetchError(url, f"cannot resolve {host} (no addresses)")
    for address in addresses:
        ip = _ip_literal(address)
        if ip is None:
            raise FetchError(url, f"the resolver gave {address!r} for {host}, not an address")
        reason = None if open_host else address_refusal(ip)
        if reason is not None:
            where = host if literal is not None else f"{host} resolves to {address}, which"
            raise FetchError(url, f"refused: {where} is {reason}")
    # After the addresses, whose refusal says more about what went wrong.
    if parsed.port is not None and not open_host:
        raise FetchError(url, f"port {parsed.port} refused: only the default port is fetched")
    return Target(parsed, host, tuple(addresses), literal is not None)


def _ip_literal(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


class HttpFetcher:
    """The hardened network fetcher (see the module docstring for the rules).

    ``resolve`` and ``ssl_context`` are the seams to the outside world: tests give a resolver
    that maps made-up host names to a local server, and a context that trusts its certificate.
    """

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        resolve: Resolver = system_resolve,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.policy = policy or HttpPolicy()
        self._resolve = resolve
        self._ssl_context = ssl_context or httpx.create_ssl_context()

    def fetch(self, url: str) -> Document:
        start = _network_url(url)
        deadline = time.monotonic() + self.policy.timeout
        with self._client() as client:
            try:
                return self._follow(client, url, start, deadline)
            except httpx.TimeoutException:
                raise FetchError(url, f"no answer within {self.policy.timeout:g} s") from None
            except httpx.ConnectError as error:
                raise FetchError(url, f"could not connect ({error})") from None
            except httpx.ProtocolError as error:
                raise FetchError(url, f"the server's answer is not valid HTTP ({error})") from None
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                raise FetchError(url, str(error) or type(error).__name__) from None

    def _client(self) -> httpx.Client:
        # A client per fetch and no keep-alive: a connection (and its certificate check) is
        # never reused for another host name that happens to share the address.
        return httpx.Client(
            verify=self._ssl_context,
            trust_env=False,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={
                "User-Agent": self.policy.user_agent,
                "Accept": ", ".join(sorted(self.policy.accept)),
                "Accept-Encoding": "identity",
            },
        )

    def _follow(self, client: httpx.Client, asked: str, start: str, deadline: float) -> Document:
        current = start
        seen: set[str] = set()
        for hop in range(self.policy.max_redirects + 1):
            try:
                target = vet(current, self.policy, self._resolve)
            except FetchError as error:
                if hop == 0:
                    raise FetchError(asked, error.reason) from None
                raise FetchError(asked, f"redirected to {current}: {error.reason}") from None
            seen.add(str(target.url))
            answer = self._hop(client, asked, target, deadline)
            if isinstance(answer, Document):
                return answer
            if target.url.scheme == "https" and answer.scheme != "https":
                raise FetchError(asked, f"redirect from https to {answer} refused")
            if str(answer) in seen:
                raise FetchError(asked, f"redirect loop at {answer}")
            current = str(answer)
        raise FetchError(asked, f"more than {self.policy.max_redirects} redirects")

    def _hop(
        self, client: httpx.Client, asked: str, target: Target, deadline: float
    ) -> Document | httpx.URL:
        """One request to ``target``: a Document, or the URL a redirect points to."""
        failure: httpx.HTTPError | None = None
        for address in target.addresses:
            request = self._request(client, asked, target, address, deadline)
            try:
                response = client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                failure = error  # try the host's next address
                continue
            try:
                return self._answer(asked, target, response, deadline)
            finally:
                response.close()
        if failure is None:  # cannot happen: vet() never returns a target without addresses
            raise FetchError(asked, "no address to connect to")
        raise failure

    def _request(
        self, client: httpx.Client, asked: str, target: Target, address: str, deadline: float
    ) -> httpx.Request:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(asked, f"no answer within {self.policy.timeout:g} s")
        if target.literal:
            return client.build_request("GET", target.url, timeout=remaining)
        extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
        return client.build_request(
            "GET",
            target.url.copy_with(host=address),
            headers={"Host": target.url.netloc.decode("ascii")},
            extensions=extensions,
            timeout=remaining,
        )

    def _answer(
        self, asked: str, target: Target, response: httpx.Response, deadline: float
    ) -> Document | httpx.URL:
        status = response.status_code
        location = response.headers.get("location")
        if status in _REDIRECTS and location:
            return target.url.join(location)
        media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not 200 <= status < 300:
            # An error page is the server's, not a document: only the status is kept.
            return Document(asked, status, media_type or "application/octet-stream", b"")
        if not media_type:
            raise FetchError(asked, "the answer has no Content-Type")
        if not self.policy.accepts(media_type):
            raise FetchError(asked, f"content type {media_type!r} is not accepted")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding != "identity":
            raise FetchError(asked, f"compressed answers ({encoding}) are refused")
        body = self._read(asked, response, deadline)
        return Document(asked, status, media_type, body)

    def _read(self, asked: str, response: httpx.Response, deadline: float) -> bytes:
        limit = self.policy.max_bytes
        too_big = FetchError(asked, f"larger than {limit} bytes")
        declared = response.headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise too_big
        body = bytearray()
        for chunk in response.iter_raw():  # raw: compressed bodies were refused
            body += chunk
            if len(body) > limit:
                raise too_big
            if time.monotonic() > deadline:
                raise FetchError(asked, f"no answer within {self.policy.timeout:g} s")
        return bytes(body)


def _network_url(url: str) -> str:
    """The http(s) URL to ask for ``url``, or FetchError if no network has it."""
    if url.startswith("did:web:"):
        try:
            return did_web_url(url)
        except ValueError as error:
            raise FetchError(url, str(error)) from None
    if url.split(":", 1)[0].lower() in _DEFAULT_PORTS:
        return url
    raise FetchError(url, "no network document for this identifier")
