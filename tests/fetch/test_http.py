"""HttpFetcher against real local servers (plain and TLS), and the SSRF guard.

Nothing here reaches the internet: servers listen on 127.0.0.1, and made-up host names
(``public.test``) reach them through the fetcher's resolver seam, which is also how the
tests show that the fetcher connects to the address it checked and nothing else.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from skillgap import __version__
from skillgap.errors import FetchError
from skillgap.fetch.http import HttpFetcher, HttpPolicy, address_refusal, vet

DOC = b'{"id": "doc"}'
LOCAL = HttpPolicy(allow_http=True, allow_private=True, max_bytes=1000, timeout=2.0)


# -- the local server ------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self) -> None:
        self.server.hits.append((self.path, self.headers.get("Host"), self.headers))
        route = ROUTES.get(self.path)
        if route is None:
            self.reply(404, b"<h1>Not found</h1>", "text/html")
        else:
            route(self)

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "application/json",
        *,
        length: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.reply(status, b"", None, headers={"Location": location})

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: list[tuple[str, str | None, Any]] = []
        self.release = threading.Event()  # set at teardown: slow handlers stop waiting
        self.sni: list[str | None] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{'https' if isinstance(self.socket, ssl.SSLSocket) else 'http'}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.hits]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the fetcher hanging up on a too-big or too-slow answer is the point


def drip(handler: Handler) -> None:
    handler.reply(200, b"", length=False)
    for _ in range(100):
        if handler.server.release.wait(0.05):
            return
        handler.wfile.write(b" ")


def whoami(handler: Handler) -> None:
    headers = {k: handler.headers.get(k) for k in ("Host", "User-Agent", "Accept-Encoding")}
    handler.reply(200, json.dumps(headers).encode())


def slow(handler: Handler) -> None:
    handler.server.release.wait(5)
    handler.reply(200, DOC)


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/doc.json": lambda h: h.reply(200, DOC, "application/ld+json; charset=utf-8"),
    "/.well-known/did.json": lambda h: h.reply(200, DOC, "application/did+json"),
    "/vc": lambda h: h.reply(200, DOC, "application/vc+ld+json"),
    "/gone": lambda h: h.reply(410, b"<h1>Gone</h1>", "text/html"),
    "/html": lambda h: h.reply(200, b"<html></html>", "text/html"),
    "/no-type": lambda h: h.reply(200, DOC, None),
    "/gzip": lambda h: h.reply(200, DOC, headers={"Content-Encoding": "gzip"}),
    "/big": lambda h: h.reply(200, b"x" * 1001),
    "/big-stream": lambda h: h.reply(200, b"x" * 5000, length=False),
    "/exact-stream": lambda h: h.reply(200, b"x" * 1000, length=False),
    "/slow": slow,
    "/drip": drip,
    "/whoami": whoami,
    "/r0": lambda h: h.redirect("/r1"),
    "/r1": lambda h: h.redirect("/r2"),
    "/r2": lambda h: h.redirect("r3", 301),
    "/r3": lambda h: h.redirect(h.server.url("/doc.json"), 307),
    "/loop": lambda h: h.redirect("/loop"),
    "/no-location": lambda h: h.reply(302, b"", None),
    "/to-ftp": lambda h: h.redirect("ftp://files.example/x"),
    "/to-loopback": lambda h: h.redirect(h.server.url("/doc.json")),
    "/to-evil": lambda h: h.redirect(h.server.url("/doc.json", host="evil.test")),
    "/to-http": lambda h: h.redirect(f"http://public.test:{h.server.port}/doc.json"),
}


def serve(server: LocalServer) -> Iterator[LocalServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve(LocalServer())


class FakeDNS:
    """The resolver seam: made-up names to fixed addresses, remembering every question."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        try:
            return list(self.table[host])
        except KeyError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"the guard should have refused before resolving {host}")


# -- plain HTTP against the local server -----------------------------------------------------


def test_200_json_with_charset_parameter(server: LocalServer) -> None:
    document = HttpFetcher(LOCAL).fetch(server.url("/doc.json") + "#frag")
    assert (document.status, document.content_type, document.body) == (
        200,
        "application/ld+json",
        DOC,
    )
    assert document.url.endswith("/doc.json#frag")  # the URL asked for


def test_any_plus_json_type_is_accepted(server: LocalServer) -> None:
    assert HttpFetcher(LOCAL).fetch(server.url("/vc")).content_type == "application/vc+ld+json"


def test_sends_user_agent_and_asks_for_uncompressed(server: LocalServer) -> None:
    seen = json.loads(HttpFetcher(LOCAL).fetch(server.url("/whoami")).body)
    assert seen["User-Agent"] == f"skillgap/{__version__}"
    assert seen["Accept-Encoding"] == "identity"


def test_error_statuses_are_returned_not_raised(server: LocalServer) -> None:
    fetcher = HttpFetcher(LOCAL)
    gone = fetcher.fetch(server.url("/gone"))
    assert (gone.status, gone.ok, gone.body) == (410, False, b"")
    assert fetcher.fetch(server.url("/missing")).status == 404
    assert fetcher.fetch(server.url("/no-location")).status == 302


def test_redirect_chain_within_the_limit_is_followed(server: LocalServer) -> None:
    document = HttpFetcher(LOCAL).fetch(server.url("/r1"))
    assert (document.status, document.body) == (200, DOC)
    assert server.paths() == ["/r1", "/r2", "/r3", "/doc.json"]


def test_redirects_over_the_limit_are_refused(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="more than 3 redirects"):
        HttpFetcher(LOCAL).fetch(server.url("/r0"))
    assert "/doc.json" not in server.paths()


def test_redirect_loop_is_refused(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="redirect loop"):
        HttpFetcher(LOCAL).fetch(server.url("/loop"))
    assert server.paths() == ["/loop"]


def test_redirect_to_another_scheme_is_refused(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="redirected to ftp://files.example/x"):
        HttpFetcher(LOCAL).fetch(server.url("/to-ftp"))


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
def test_body_over_max_bytes_is_refused(server: LocalServer, path: str) -> None:
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        HttpFetcher(LOCAL).fetch(server.url(path))


def test_body_of_exactly_max_bytes_is_fine(server: LocalServer) -> None:
    assert len(HttpFetcher(LOCAL).fetch(server.url("/exact-stream")).body) == 1000


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_slow_server_times_out_within_the_total_timeout(server: LocalServer, path: str) -> None:
    policy = HttpPolicy(allow_http=True, allow_private=True, timeout=0.3)
    with pytest.raises(FetchError, match=r"no answer within 0.3 s"):
        HttpFetcher(policy).fetch(server.url(path))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/html", "content type 'text/html' is not accepted"),
        ("/no-type", "no Content-Type"),
        ("/gzip", "compressed answers"),
    ],
)
def test_unwanted_content_is_refused(server: LocalServer, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        HttpFetcher(LOCAL).fetch(server.url(path))


def test_connection_refused_is_a_fetch_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect"):
        HttpFetcher(LOCAL).fetch(f"http://127.0.0.1:{port}/")


# -- trusted hosts, redirects into the private network, DNS rebinding ------------------------


def trusting(**kwargs: Any) -> HttpPolicy:
    return HttpPolicy(trusted_hosts=frozenset({"Public.test"}), timeout=2.0, **kwargs)


def test_connects_to_the_checked_address_with_the_real_host_header(server: LocalServer) -> None:
    # public.test exists only in FakeDNS: the fetch can only work by connecting to the
    # address the guard was given, and it asks the resolver exactly once.
    dns = FakeDNS({"public.test": ["127.0.0.1"]})
    fetcher = HttpFetcher(trusting(allow_http=True), resolve=dns)
    document = fetcher.fetch(server.url("/doc.json", host="public.test"))
    assert document.body == DOC
    assert dns.asked == ["public.test"]
    assert server.hits[0][1] == f"public.test:{server.port}"


def test_redirect_from_a_trusted_host_to_loopback_is_refused(server: LocalServer) -> None:
    fetcher = HttpFetcher(
        trusting(allow_http=True), resolve=FakeDNS({"public.test": ["127.0.0.1"]})
    )
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/to-loopback", host="public.test"))
    assert "redirected to http://127.0.0.1" in caught.value.reason
    assert "loopback" in caught.value.reason
    assert server.paths() == ["/to-loopback"]


def test_redirect_to_a_name_resolving_to_a_private_address_is_refused(
    server: LocalServer,
) -> None:
    dns = FakeDNS({"public.test": ["127.0.0.1"], "evil.test": ["10.0.0.7"]})
    with pytest.raises(FetchError, match="evil.test resolves to 10.0.0.7, which is a private"):
        HttpFetcher(trusting(allow_http=True), resolve=dns).fetch(
            server.url("/to-evil", host="public.test")
        )
    assert dns.asked == ["public.test", "evil.test"]
    assert server.paths() == ["/to-evil"]


# -- TLS: SNI and certificate checked against the host name, not the address -----------------


def certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def tls_server(cert: tuple[Path, Path]) -> LocalServer:
    server = LocalServer()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)

    def record_sni(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        server.sni.append(name)

    context.sni_callback = record_sni
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


def tls_fetcher(trusted_cert: Path) -> HttpFetcher:
    return HttpFetcher(
        trusting(allow_http=True),
        resolve=FakeDNS({"public.test": ["127.0.0.1"]}),
        ssl_context=ssl.create_default_context(cafile=str(trusted_cert)),
    )


def test_did_web_over_tls_to_the_checked_address(tmp_path: Path) -> None:
    cert = certificate(tmp_path, "public.test")
    for server in serve(tls_server(cert)):
        document = tls_fetcher(cert[0]).fetch(f"did:web:public.test%3A{server.port}")
        assert (document.url, document.body) == (f"did:web:public.test%3A{server.port}", DOC)
        assert server.sni == ["public.test"]
        assert server.paths() == ["/.well-known/did.json"]


def test_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    cert = certificate(tmp_path, "other.test")
    for server in serve(tls_server(cert)):
        with pytest.raises(FetchError, match="could not connect.*(certificate|hostname)"):
            tls_fetcher(cert[0]).fetch(server.url("/doc.json", host="public.test"))
        assert server.hits == []


def test_redirect_from_https_to_http_is_refused(tmp_path: Path) -> None:
    cert = certificate(tmp_path, "public.test")
    for server in serve(tls_server(cert)):
        with pytest.raises(FetchError, match="redirect from https to http://public.test"):
            tls_fetcher(cert[0]).fetch(server.url("/to-http", host="public.test"))


# -- the guard, with the default policy: refused before any DNS or connection ----------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/", "plain http is refused"),
        ("https://127.0.0.1/", "loopback"),
        ("https://10.0.0.1/", "private"),
        ("https://[::1]/", "loopback"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://[::ffff:127.0.0.1]/", "loopback"),
        ("https://[::ffff:10.1.2.3]/", "private"),
        ("https://[64:ff9b::a00:1]/", "private"),  # NAT64 wrapping 10.0.0.1
        ("https://[2002:7f00:1::]/", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("https://[fe80::1]/", "link-local"),
        ("https://[fec0::1]/", "site-local"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://224.0.0.1/", "multicast"),
        ("https://100.64.0.1/", "not a public address"),
        ("https://240.0.0.1/", "reserved"),
        ("https://localhost/", "loopback name"),
        ("https://Api.LocalHost/", "loopback name"),
        ("https://localhost./", "loopback name"),
        ("https://user:secret@example.com/", "user name or password"),
        ("ftp://example.com/", "no network document"),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "no network document"),
        ("did:web:", "not a well-formed did:web DID"),
        ("https://exa mple.com/", "not a valid host name"),
        ("https://[not-ip]/", "not a valid URL"),
    ],
)
def test_guard_refuses_without_resolving_or_connecting(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        HttpFetcher(resolve=no_dns).fetch(url)
    assert caught.value.url == url


def test_other_ports_are_refused_without_connecting() -> None:
    # Checked after the addresses (a private address is the more telling refusal).
    dns = FakeDNS({"example.com": ["93.184.216.34"]})
    with pytest.raises(FetchError, match="port 8443 refused"):
        HttpFetcher(resolve=dns).fetch("https://example.com:8443/")
    with pytest.raises(FetchError, match="loopback"):
        HttpFetcher(resolve=dns).fetch("https://127.0.0.1:8443/")


def test_any_private_address_among_several_is_refused() -> None:
    dns = FakeDNS({"mixed.test": ["93.184.216.34", "2606:2800:220:1::1", "10.0.0.1"]})
    with pytest.raises(FetchError, match="mixed.test resolves to 10.0.0.1"):
        vet("https://mixed.test/", HttpPolicy(), dns)


def test_public_addresses_pass_and_are_kept_for_the_connection() -> None:
    dns = FakeDNS({"public.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = vet("https://public.example/a#b", HttpPolicy(), dns)
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1::1")
    assert (str(target.url), target.host, target.literal) == (
        "https://public.example/a",
        "public.example",
        False,
    )


def test_unresolvable_and_odd_resolver_answers() -> None:
    with pytest.raises(FetchError, match="cannot resolve nowhere.test"):
        vet("https://nowhere.test/", HttpPolicy(), FakeDNS({}))
    with pytest.raises(FetchError, match="cannot resolve empty.test"):
        vet("https://empty.test/", HttpPolicy(), FakeDNS({"empty.test": []}))
    with pytest.raises(FetchError, match="not an address"):
        vet("https://odd.test/", HttpPolicy(), FakeDNS({"odd.test": ["odd"]}))


def test_numeric_host_forms_are_judged_by_what_they_resolve_to() -> None:
    # "2130706433" is 127.0.0.1 to the system resolver (no network needed for numbers).
    with pytest.raises(FetchError, match="resolves to 127.0.0.1"):
        HttpFetcher().fetch("https://2130706433/")


def test_address_refusal_lets_public_addresses_through() -> None:
    assert address_refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert address_refusal(ipaddress.ip_address("2606:2800:220:1::1")) is None


def test_policy_content_types_and_limits() -> None:
    policy = HttpPolicy()
    assert policy.accepts("application/vc+ld+json")
    assert policy.accepts("image/svg+xml")
    assert not policy.accepts("application/+json")
    assert not policy.accepts("text/html")
    with pytest.raises(ValueError):
        HttpPolicy(max_bytes=0)
