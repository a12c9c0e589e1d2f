"""Article pages: main text without comments or menus, the DCT and where it came from."""

from __future__ import annotations

from datetime import date

import pytest

from config.settings import Settings
from ingest.article import ArticleInput, SourceProblem
from ingest.fetch import make_client
from ingest.sources.pages import fetch_page_article
from tests.feeds.conftest import FeedServer, send


def get(
    server: FeedServer, settings: Settings, path: str, **kw: object
) -> ArticleInput | SourceProblem:
    with make_client(settings) as client:
        return fetch_page_article(server.url(path), client=client, settings=settings, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("page", "published", "source"),
    [
        ("talks", date(2025, 4, 21), "html_meta"),
        ("sanctions", date(2025, 4, 22), "html_meta"),
        ("protest", date(2025, 4, 22), "dateline"),
    ],
)
def test_page_dates(
    server: FeedServer, settings: Settings, page: str, published: date, source: str
) -> None:
    server.file(f"/{page}.html", f"{page}.html")
    art = get(server, settings, f"/{page}.html")
    assert isinstance(art, ArticleInput)
    assert (art.published, art.published_source) == (published, source)
    assert art.location == server.url(f"/{page}.html") and art.title
    assert "Home" not in art.text.split("\n\n")[0]


def test_feed_date_wins_and_comments_are_dropped(server: FeedServer, settings: Settings) -> None:
    server.file("/talks.html", "talks.html")
    art = get(server, settings, "/talks.html", published=date(2025, 4, 20), feed_id=None)
    assert isinstance(art, ArticleInput)
    assert (art.published, art.published_source) == (date(2025, 4, 20), "feed")
    assert "Reader42" not in art.text and "Subscribe" not in art.text
    assert not art.text.startswith("Putin says Moscow is open")  # headline not repeated


def test_problems_are_prefixed_by_step(server: FeedServer, settings: Settings) -> None:
    server.handler("/pdf", lambda h: send(h, 200, b"%PDF-1.7", Content_Type="application/pdf"))
    server.handler("/empty", lambda h: send(h, 200, b"<html><body></body></html>",
                                            Content_Type="text/html"))  # fmt: skip
    # A 404 will not heal by retrying: a feed entry then uses the feed's own text.
    assert get(server, settings, "/missing") == SourceProblem(
        server.url("/missing"), "fetch: HTTP 404 Not Found", permanent=True
    )
    pdf = get(server, settings, "/pdf")
    assert (
        isinstance(pdf, SourceProblem)
        and pdf.reason == "extract: not an HTML page (application/pdf)"
        and pdf.permanent
    )
    empty = get(server, settings, "/empty")
    assert isinstance(empty, SourceProblem) and empty.reason.startswith("extract: no article text")
    assert empty.permanent
    server.handler("/busy", lambda h: send(h, 503, b"try later"))
    busy = get(server, settings, "/busy")
    assert isinstance(busy, SourceProblem) and not busy.permanent  # may work next time


def test_charset_from_the_header(server: FeedServer, settings: Settings) -> None:
    html = ("<html><body><article><p>" + "Le café est ouvert ce lundi à Kyiv. " * 20
            + "</p></article></body></html>").encode("latin-1")  # fmt: skip
    server.handler(
        "/fr", lambda h: send(h, 200, html, Content_Type="text/html; charset=iso-8859-1")
    )
    art = get(server, settings, "/fr")
    assert isinstance(art, ArticleInput) and "café" in art.text and "à Kyiv" in art.text
