"""Article pages: fetch one URL and keep its main text (trafilatura), title and date.

Used for feed entries that carry only a teaser and for `eventline ingest URL`. The DCT comes
from the first place that states it, and where it came from is kept: the feed entry ("feed"),
the page's metadata ("html_meta": meta tags, JSON-LD, the URL), or the text itself
("dateline"/"text", ingest.dates.find_dct). Comments are left out: readers' remarks are not
reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from config.settings import Settings
from ingest.article import ArticleInput, SourceProblem
from ingest.dates import find_dct, parse_date
from ingest.fetch import PAGE_ACCEPT, FetchError, SafeClient, fetch

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
# htmldate: look at metadata and the URL only, not at dates written in the body; the body is
# find_dct's job, and its answer is stored as "dateline"/"text", not as metadata.
DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}


class ExtractError(Exception):
    """A fetched page with no article text in it."""


@dataclass(frozen=True, slots=True)
class PageText:
    """What trafilatura found on a page."""

    text: str
    title: str | None
    published: date | None


def extract_page(html: str | bytes, *, url: str) -> PageText:
    """Main text (paragraphs separated by blank lines), title and metadata date of a page."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        with_metadata=True,
        date_extraction_params=DATE_PARAMS,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ExtractError("no article text found on the page")
    title = getattr(doc, "title", None) or None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if title and lines and lines[0] == title.strip():
        lines = lines[1:]  # trafilatura repeats the headline as the first line
    if not lines:
        raise ExtractError("no article text found on the page")
    raw_date = getattr(doc, "date", None)
    return PageText("\n\n".join(lines), title, parse_date(raw_date) if raw_date else None)


def decode_html(content: bytes, content_type: str) -> str | bytes:
    """Text decoded with the charset the server declared, else the bytes for trafilatura's
    own detection (it reads <meta charset> and sniffs)."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            try:
                return content.decode(value.strip().strip("\"'"), errors="replace")
            except LookupError:
                break
    return content


def fetch_page_article(
    url: str,
    *,
    client: SafeClient,
    settings: Settings,
    location: str | None = None,
    title: str | None = None,
    published: date | None = None,
    feed_id: int | None = None,
) -> ArticleInput | SourceProblem:
    """The article at `url`, or a SourceProblem ("fetch: ...", "extract: ...") saying why not.

    `title` and `published` come from a feed entry when there is one; they win over the page.
    `settings` is accepted for symmetry with other sources; the limits live on the client.
    """
    del settings
    where = location or url
    try:
        result = fetch(client, url, accept=PAGE_ACCEPT)
    except FetchError as exc:
        # 4xx (gone, forbidden, not found) will not change by retrying; 429, 5xx and network
        # errors may.
        gone = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
        return SourceProblem(where, f"fetch: {exc}", permanent=gone)
    content_type = result.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        kind = content_type.split(";")[0]
        return SourceProblem(where, f"extract: not an HTML page ({kind})", permanent=True)
    try:
        page = extract_page(decode_html(result.content, content_type), url=result.url)
    except ExtractError as exc:
        return SourceProblem(where, f"extract: {exc}", permanent=True)
    except Exception as exc:  # trafilatura/lxml on hostile markup: this page only
        return SourceProblem(where, f"extract: {type(exc).__name__}: {exc}", permanent=True)
    dct: date | None
    if published is not None:
        dct, source = published, "feed"
    elif page.published is not None:
        dct, source = page.published, "html_meta"
    else:
        dct, source = find_dct(page.text)
    return ArticleInput(
        location=where,
        text=page.text,
        title=title or page.title,
        published=dct,
        published_source=source,
        feed_id=feed_id,
        text_source="page",
    )
