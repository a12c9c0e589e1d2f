"""Only http(s), never the operator's own network, on every hop and at connect time."""

from __future__ import annotations

import pytest

from config.settings import Settings
from ingest.fetch import FetchError, fetch, make_client
from ingest.netsafety import GuardedBackend, UnsafeURL, UrlPolicy, check_url
from tests.feeds.conftest import FeedServer, make_settings, send

STRICT = UrlPolicy()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/feed", "loopback"),
        ("http://localhost:8080/feed", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.10/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.0.1/", "non-public"),
        ("ftp://example.com/feed", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http:///nohost", "no host"),
    ],
)
def test_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURL, match=reason):
        check_url(url, STRICT)


def test_public_and_allowed() -> None:
    check_url("http://93.184.215.14/feed", STRICT)
    check_url("http://127.0.0.1:9/feed", UrlPolicy(allow_private=True))
    check_url("http://127.0.0.1:9/feed", UrlPolicy(allowed_hosts=frozenset({"127.0.0.1"})))


def test_loopback_refused_by_default_before_any_request(
    server: FeedServer, sqlite_url: str
) -> None:
    url = server.file("/feeds/world.xml", "world.xml")
    settings = make_settings(sqlite_url, allow_private_urls=False)
    with (
        make_client(settings) as client,
        pytest.raises(FetchError, match=r"refused 127\.0\.0\.1: loopback"),
    ):
        fetch(client, url)
    assert server.log == []


def test_every_redirect_hop_is_checked(server: FeedServer, sqlite_url: str) -> None:
    """127.0.0.1 is allowed by name; its redirect to localhost (also loopback) is not."""
    port = server.base.rsplit(":", 1)[1]
    server.file("/feeds/world.xml", "world.xml")
    start = server.handler(
        "/moved", lambda h: send(h, 301, Location=f"http://localhost:{port}/feeds/world.xml")
    )
    settings = make_settings(sqlite_url, allow_private_urls=False)
    client = make_client(settings, allowed_hosts=frozenset({"127.0.0.1"}))
    with client, pytest.raises(FetchError, match=r"refused localhost \(127\.0\.0\.1\): loopback"):
        fetch(client, start)
    assert [s.path for s in server.log] == ["/moved"]


def test_connect_time_guard_refuses_a_host_that_resolves_private() -> None:
    """The backend re-checks at connect time, so a DNS answer that changed after the URL
    check (rebinding) still cannot reach a private address."""
    backend = GuardedBackend(STRICT)
    with pytest.raises(UnsafeURL, match="loopback"):
        backend.connect_tcp("localhost", 80, timeout=1)


def test_settings_default_is_strict() -> None:
    assert Settings(_env_file=None).allow_private_urls is False  # type: ignore[call-arg]


def test_strict_client_connects_through_the_guard(sqlite_url: str) -> None:
    """make_client's transport (ingest.transport, public httpx and httpcore API) connects
    through GuardedBackend, inside the deadline wrapper."""
    from ingest.deadline import DeadlineBackend
    from ingest.netsafety import address_kind

    client = make_client(make_settings(sqlite_url, allow_private_urls=False))
    with client:
        backend = client.transport.network_backend
        assert isinstance(backend, DeadlineBackend)
        guard = backend.inner
        assert isinstance(guard, GuardedBackend) and not guard.policy.allow_private
    import ipaddress

    assert address_kind(ipaddress.ip_address("8.8.8.8")) is None
