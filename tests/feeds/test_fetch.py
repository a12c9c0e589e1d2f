"""fetch(): compression, redirects and conditional GET on a loopback server."""

from __future__ import annotations

import zlib

import pytest

from config.settings import Settings
from ingest.fetch import FetchError, fetch, make_client
from tests.feeds.conftest import FeedServer, send

TEXT = b"<rss version='2.0'><channel><title>t</title></channel></rss>" * 50


@pytest.mark.parametrize("raw", [True, False], ids=["raw-deflate", "zlib-deflate"])
def test_deflate_both_flavours(server: FeedServer, settings: Settings, raw: bool) -> None:
    packer = zlib.compressobj(wbits=-15 if raw else 15)
    body = packer.compress(TEXT) + packer.flush()
    url = server.handler("/d", lambda h: send(h, 200, body, Content_Encoding="deflate"))
    with make_client(settings) as client:
        assert fetch(client, url).content == TEXT


def test_corrupt_gzip_is_a_clear_error(server: FeedServer, settings: Settings) -> None:
    url = server.handler("/g", lambda h: send(h, 200, b"not gzip", Content_Encoding="gzip"))
    with make_client(settings) as client, pytest.raises(FetchError, match="corrupt compressed"):
        fetch(client, url)


def test_redirects_are_followed_and_validators_sent(server: FeedServer, settings: Settings) -> None:
    server.file("/feeds/world.xml", "world.xml")
    start = server.handler("/old", lambda h: send(h, 308, Location="/feeds/world.xml"))
    with make_client(settings) as client:
        first = fetch(client, start)
        assert first.url.endswith("/feeds/world.xml") and first.etag
        second = fetch(client, start, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    assert server.hits("/feeds/world.xml")[-1].headers["if-none-match"] == first.etag
