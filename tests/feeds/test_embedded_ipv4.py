"""Issue 10 fault 7: IPv6 forms that lead to an IPv4 address are judged by that address, and
`feeds add` (and the feeds file) refuse what `feeds poll` would refuse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from config.settings import get_settings
from ingest.netsafety import UnsafeURL, UrlPolicy, check_url
from timeline.cli.main import app
from timeline.store.engine import open_store
from timeline.store.models import Feed

STRICT = UrlPolicy()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[2002:7f00:1::]/", "loopback address 127.0.0.1"),  # 6to4
        ("http://[2002:a00:1::]/feed", "private address 10.0.0.1"),  # 6to4
        ("http://[2002:a9fe:a9fe::]/latest/meta-data/", "link-local address 169.254.169.254"),
        # Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted: 80ff:fffe)
        ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "loopback address 127.0.0.1"),
        ("http://[64:ff9b::7f00:1]/", "loopback address 127.0.0.1"),  # NAT64
        ("http://[64:ff9b::c0a8:1]/", "private address 192.168.0.1"),  # NAT64
        ("http://[64:ff9b:1::a00:1]/", "local-use NAT64"),
        ("http://[::ffff:7f00:1]/", "loopback address 127.0.0.1"),  # IPv4-mapped, hex form
        ("http://[::ffff:10.0.0.1]/", "private address 10.0.0.1"),
    ],
)
def test_embedded_ipv4_is_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURL, match=reason):
        check_url(url, STRICT)


def test_6to4_of_a_public_address_is_allowed() -> None:
    check_url("http://[2002:5db8:d70e::1]/feed", STRICT)  # 93.184.215.14


@pytest.fixture
def strict_cli(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    for key, value in {
        "EVENTLINE_DATABASE_URL": sqlite_url,
        "EVENTLINE_ALLOW_PRIVATE_URLS": "false",
        "EVENTLINE_USE_SPACY": "false",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("EVENTLINE_FEEDS_FILE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def feed_urls(url: str) -> list[str]:
    with Session(open_store(url)) as s:
        return [f.url for f in s.exec(select(Feed)).all()]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/rss", "http://[2002:7f00:1::]/rss", "http://[64:ff9b::a00:1]/rss"],
)
def test_feeds_add_refuses_what_poll_refuses(
    strict_cli: CliRunner, sqlite_url: str, url: str
) -> None:
    result = strict_cli.invoke(app, ["feeds", "add", url])
    assert result.exit_code == 2, result.output
    assert "Error:" in result.output and "refused" in result.output
    assert feed_urls(sqlite_url) == []


def test_feeds_file_with_a_private_feed_is_refused(
    strict_cli: CliRunner, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text('[[feed]]\nurl = "http://[::ffff:7f00:1]/rss"\n')
    monkeypatch.setenv("EVENTLINE_FEEDS_FILE", str(feeds_file))
    get_settings.cache_clear()
    result = strict_cli.invoke(app, ["feeds", "poll"])
    assert result.exit_code == 1
    assert "feeds.toml" in result.output and "loopback address 127.0.0.1" in result.output
    assert feed_urls(sqlite_url) == []


def test_opml_import_with_a_private_feed_is_refused(
    strict_cli: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline type="rss" text="x" xmlUrl="http://[2002:a9fe:a9fe::]/rss"/></body></opml>'
    )
    result = strict_cli.invoke(app, ["feeds", "import", str(opml)])
    assert result.exit_code == 1, result.output
    assert "link-local address 169.254.169.254" in result.output
    assert feed_urls(sqlite_url) == []
