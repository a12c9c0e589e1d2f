"""The article record every source produces and the pipeline consumes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date


class SourceError(Exception):
    """An input cannot be read as an article; the message is the one-line reason shown."""


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """An input (file, record, feed entry, URL) that could not be read, and why (one line)."""

    location: str
    reason: str
    # True when trying again cannot help (HTTP 404, not an HTML page, no text on it): a feed
    # entry then falls back to the text the feed itself carries.
    permanent: bool = False


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article as read from its source, before any processing.

    `published` is None when the source gave no date; the pipeline then looks in the text.
    """

    location: str
    text: str
    title: str | None = None
    published: date | None = None
    published_source: str = "none"
    feed_id: int | None = None
    url: str | None = None
    # Where `text` came from (stored as Article.text_source): "file", "feed", "page", "api";
    # a fallback says why, e.g. "feed (page failed: fetch: HTTP 404 Not Found)".
    text_source: str = "file"

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text with whitespace collapsed: the same story saved twice is one."""
        normalised = re.sub(r"\s+", " ", self.text).strip()
        return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
