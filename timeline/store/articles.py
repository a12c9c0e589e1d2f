"""Stored articles: the duplicate checks that make re-ingesting a no-op, and the insert."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from timeline.store.models import Article

IN_CHUNK = 500  # values per IN (...) list


def find_article(
    *, session: Session, location: str, content_hash: str, url: str | None = None
) -> Article | None:
    """The stored article with this location, this original URL or this exact text."""
    same = [col(Article.location) == location, col(Article.content_hash) == content_hash]
    if url:
        same.append(col(Article.url) == url)
    return session.exec(select(Article).where(or_(*same))).first()


def add_article(*, session: Session, article: Article) -> int:
    """Insert the article now and return its id."""
    session.add(article)
    session.flush()
    assert article.id is not None
    return article.id


def known_locations(*, session: Session, locations: list[str]) -> set[str]:
    """Which of these locations are already stored."""
    found: set[str] = set()
    for i in range(0, len(locations), IN_CHUNK):
        chunk = locations[i : i + IN_CHUNK]
        found.update(
            session.execute(
                select(col(Article.location)).where(col(Article.location).in_(chunk))
            ).scalars()
        )
    return found
