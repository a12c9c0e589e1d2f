"""`eventline feeds ...`: invoke the command, then look at the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from config.settings import get_settings
from tests.feeds.conftest import FeedServer
from tests.feeds.test_poll import serve_all
from timeline.cli.main import app
from timeline.store.engine import make_engine
from timeline.store.models import Article, Feed


@pytest.fixture
def cli(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    for key, value in {
        "EVENTLINE_DATABASE_URL": sqlite_url,
        "EVENTLINE_ALLOW_PRIVATE_URLS": "true",
        "EVENTLINE_USE_SPACY": "false",
        "EVENTLINE_FETCH_TIMEOUT": "2",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("EVENTLINE_FEEDS_FILE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def rows(url: str) -> list[Feed]:
    with Session(make_engine(url)) as s:
        return list(s.exec(select(Feed)).all())


def test_add_list_pause_resume_remove(cli: CliRunner, sqlite_url: str) -> None:
    ok = cli.invoke(app, ["feeds", "add", "https://example.test/rss", "--every", "30m",
                          "--name", "Example"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "added feed #1" in ok.output
    (feed,) = rows(sqlite_url)
    assert (feed.interval_seconds, feed.name, feed.next_check_at) == (1800, "Example", None)
    assert cli.invoke(app, ["feeds", "add", "https://example.test/cron", "--cron",
                            "*/15 * * * *"]).exit_code == 0  # fmt: skip
    listed = cli.invoke(app, ["feeds", "list", "--json"])
    data = json.loads(listed.output)["feeds"]
    assert [f["status"] for f in data] == ["active", "active"] and data[1]["cron"]
    table = cli.invoke(app, ["feeds", "list"])
    assert table.exit_code == 0 and "30m" in table.output and "due now" in table.output
    assert cli.invoke(app, ["feeds", "pause", "1"]).exit_code == 0
    assert rows(sqlite_url)[0].paused
    assert cli.invoke(app, ["feeds", "resume", "https://example.test/rss"]).exit_code == 0
    assert not rows(sqlite_url)[0].paused
    assert cli.invoke(app, ["feeds", "remove", "#2"]).exit_code == 0
    assert len(rows(sqlite_url)) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["add", "ftp://x.test/feed"], 2, "not an http(s) URL"),
        (["add", "https://x.test/f", "--every", "soon"], 2, "cannot read interval"),
        (["add", "https://x.test/f", "--cron", "every day"], 2, "invalid cron expression"),
        (["add", "https://x.test/f", "--every", "1h", "--cron", "0 * * * *"], 2, "not both"),
        (["remove", "42"], 1, "no feed '42'"),
        (["pause", "https://nowhere.test/"], 1, "no feed"),
    ],
)
def test_errors_are_one_line(cli: CliRunner, args: list[str], code: int, message: str) -> None:
    result = cli.invoke(app, ["feeds", *args])
    assert result.exit_code == code
    assert "Error:" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_duplicate_feed_is_refused(cli: CliRunner) -> None:
    assert cli.invoke(app, ["feeds", "add", "https://x.test/f"]).exit_code == 0
    again = cli.invoke(app, ["feeds", "add", "https://x.test/f"])
    assert again.exit_code == 1 and "already has this URL" in again.output


def test_poll_once_from_the_feeds_file(
    cli: CliRunner, server: FeedServer, sqlite_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    rss, atom = serve_all(server)
    bad = server.url("/feeds/missing.xml")
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        f'[defaults]\nevery = "1h"\n\n[[feed]]\nurl = "{rss}"\nname = "World"\n\n'
        f'[[feed]]\nurl = "{atom}"\ncron = "0 * * * *"\n\n[[feed]]\nurl = "{bad}"\n'
    )
    monkeypatch.setenv("EVENTLINE_FEEDS_FILE", str(feeds_file))
    get_settings.cache_clear()
    result = cli.invoke(app, ["feeds", "poll"])
    assert result.exit_code == 1  # one feed failed
    assert "fetch: HTTP 404 Not Found" in result.output
    assert "Error: 1 of 3 feeds had errors" in result.output
    with Session(make_engine(sqlite_url)) as s:
        assert len(s.exec(select(Article)).all()) == 4
    by_url = {f.url: f for f in rows(sqlite_url)}
    assert by_url[rss].name == "World" and by_url[rss].interval_seconds == 3600
    assert by_url[atom].cron == "0 * * * *"
    assert cli.invoke(app, ["feeds", "poll"]).exit_code == 0  # nothing due: success


def test_bad_feeds_file_is_an_error(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text('[[feed]]\nurl = "https://x.test/"\nevery = "often"\n')
    monkeypatch.setenv("EVENTLINE_FEEDS_FILE", str(feeds_file))
    get_settings.cache_clear()
    result = cli.invoke(app, ["feeds", "poll"])
    assert result.exit_code == 1 and "feed #1: cannot read interval 'often'" in result.output


def test_example_feeds_file_loads() -> None:
    from ingest.feeds_config import load_feeds_file
    from tests.conftest import ROOT

    specs = load_feeds_file(ROOT / "config" / "feeds.example.toml")
    assert len(specs) == 3 and specs[2].cron and specs[1].interval_seconds == 1800


def test_ingest_url_uses_the_page_fetcher(
    cli: CliRunner, server: FeedServer, sqlite_url: str
) -> None:
    serve_all(server)
    result = cli.invoke(app, ["ingest", "--quiet", server.url("/articles/sanctions.html")])
    assert result.exit_code == 0, result.output
    with Session(make_engine(sqlite_url)) as s:
        (art,) = s.exec(select(Article)).all()
    assert art.published_source == "html_meta" and "shadow fleet" in art.text
    missing = cli.invoke(app, ["ingest", "--quiet", server.url("/nope.html")])
    assert missing.exit_code == 1 and "fetch: HTTP 404 Not Found" in missing.output


def test_list_fits_80_columns(
    cli: CliRunner, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Status, times and the last error are all on screen at 80 columns, none of them cut."""
    long_url = "https://news.example.test/world/europe/rss/very/long/path/to/the/feed.xml"
    assert cli.invoke(app, ["feeds", "add", long_url, "--name", "Example World"]).exit_code == 0
    assert (
        cli.invoke(app, ["feeds", "add", "https://b.example.test/rss", "--every", "2h"]).exit_code
        == 0
    )
    error = "fetch: HTTP 503 from https://b.example.test/rss after 3 tries (Service Unavailable)"
    with Session(make_engine(sqlite_url)) as s:
        feed = s.exec(select(Feed).where(Feed.url == "https://b.example.test/rss")).one()
        feed.error_count, feed.last_error = 3, error
        s.add(feed)
        s.commit()
    monkeypatch.setenv("COLUMNS", "80")
    result = cli.invoke(app, ["feeds", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    flat = " ".join(line.strip() for line in lines)
    assert "failing (3)" in flat and "due now" in flat and "never" in flat
    # Folded, not cut: the whole URL and the whole error are there.
    feed_column = "".join(line[5:40] for line in lines).replace(" ", "")
    assert long_url in feed_column and error.replace(" ", "") in feed_column
    assert "every 2h" in flat
    wide = cli.invoke(app, ["feeds", "list", "--wide"]).output
    assert "every 2h" in wide and error in wide


def test_feeds_by_name_and_tag(cli: CliRunner, sqlite_url: str) -> None:
    add = ["feeds", "add", "https://a.example.test/rss", "--name", "Agence  World", "-t", "world",
           "--tag", "economy,world"]  # fmt: skip
    assert cli.invoke(app, add).exit_code == 0
    assert (
        cli.invoke(app, ["feeds", "add", "https://b.example.test/rss", "-t", "sport"]).exit_code
        == 0
    )
    (feed, _) = rows(sqlite_url)
    assert (feed.name, feed.tags) == ("Agence World", ["world", "economy"])
    # The name addresses the feed wherever an id or URL does.
    assert cli.invoke(app, ["feeds", "pause", "Agence World"]).exit_code == 0
    assert rows(sqlite_url)[0].paused
    again = cli.invoke(
        app, ["feeds", "add", "https://c.example.test/rss", "--name", "Agence World"]
    )
    assert again.exit_code == 1 and "already named 'Agence World'" in again.output
    numeric = cli.invoke(app, ["feeds", "add", "https://c.example.test/rss", "--name", "42"])
    assert numeric.exit_code == 2 and "cannot be a feed name" in numeric.output
    world = json.loads(cli.invoke(app, ["feeds", "list", "--json", "--tag", "WORLD"]).output)[
        "feeds"
    ]
    assert [(f["name"], f["tags"]) for f in world] == [("Agence World", ["world", "economy"])]
    assert "#world #economy" in cli.invoke(app, ["feeds", "list"]).output
    assert cli.invoke(app, ["feeds", "remove", "Agence World"]).exit_code == 0
    assert [f.url for f in rows(sqlite_url)] == ["https://b.example.test/rss"]


def test_opml_round_trip(
    cli: CliRunner, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export, import into a new store, export again: the same feeds, names and tags."""
    for args in (
        [
            "https://a.example.test/rss",
            "--name",
            "Agence & Co <World>",
            "-t",
            "world",
            "-t",
            "news/europe",
        ],
        ["https://b.example.test/atom", "--name", "Béta Sport", "-t", "sport", "--every", "2h"],
        ["https://c.example.test/feed?x=1&y=2"],
    ):
        assert cli.invoke(app, ["feeds", "add", *args]).exit_code == 0
    exported = tmp_path / "feeds.opml"
    assert cli.invoke(app, ["feeds", "export", str(exported)]).exit_code == 0
    text = exported.read_text(encoding="utf-8")
    assert (
        text.startswith("<?xml")
        and '<outline text="world">' in text
        and 'category="world,news/europe"' in text
    )

    other = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("EVENTLINE_DATABASE_URL", other)
    get_settings.cache_clear()
    imported = cli.invoke(app, ["feeds", "import", str(exported)])
    assert imported.exit_code == 0, imported.output
    assert "3 feeds, 3 new, 0 updated" in imported.output

    def summary(url: str) -> list[tuple[str, str | None, list[str] | None]]:
        return sorted((f.url, f.name, f.tags) for f in rows(url))

    assert summary(other) == summary(sqlite_url)
    # Importing the same list again changes nothing.
    assert "3 feeds, 0 new, 3 updated" in cli.invoke(app, ["feeds", "import", str(exported)]).output
    assert len(rows(other)) == 3
    again = cli.invoke(app, ["feeds", "export"]).output
    assert again.split("<body>")[1] == text.split("<body>")[1]


def test_opml_from_another_reader_and_bad_files(
    cli: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    opml = tmp_path / "reader.opml"
    opml.write_text(
        '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<opml version="1.0"><head><title>My feeds</title></head><body>'
        '<outline text="Tech"><outline text="Folder"><outline type="rss" text="Deep &e;" '
        'xmlUrl="https://deep.example.test/rss"/></outline></outline>'
        '<outline type="rss" title="Top" xmlUrl="https://top.example.test/rss"/></body></opml>'
    )
    result = cli.invoke(app, ["feeds", "import", str(opml)])
    assert result.exit_code == 0, result.output
    feeds = {f.url: f for f in rows(sqlite_url)}
    assert feeds["https://top.example.test/rss"].name == "Top"
    deep = feeds["https://deep.example.test/rss"]
    assert "root:" not in (deep.name or "")  # the external entity was never read
    assert deep.tags == ["Tech/Folder"]
    bad = tmp_path / "bad.opml"
    bad.write_text('<opml><body><outline xmlUrl="ftp://x.test/feed"/></body></opml>')
    for path, says in ((bad, "not an http(s) URL"), (tmp_path / "missing.opml", "cannot read")):
        out = cli.invoke(app, ["feeds", "import", str(path)])
        assert out.exit_code == 1 and says in out.output and "Traceback" not in out.output
