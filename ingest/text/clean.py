"""Boilerplate removal: keep the article's body paragraphs, label the rest.

News text scraped or pasted from a site carries menus, photo captions, headlines, newsletter
prompts and comment widgets. None of them reports an event, and captions carry dates that are
not the events' dates, so only `body` paragraphs reach the event extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Widget words that pages glue onto the next paragraph ("COMMENTSOn Monday, ...").
_GLUED_WIDGET = re.compile(r"^(?:COMMENTS|ADVERTISEMENT|ADVERTISING|SHARE|SUBSCRIBE)(?=[A-Z][a-z])")
_BOILERPLATE = re.compile(
    r"^(?:subscribe\b|sign up\b|follow us\b|share this\b|read more\b|related\b|advertisement$"
    r"|comments?$|click here\b|all rights reserved\b|copyright\b|©)",
    re.IGNORECASE,
)
# Photo credits: agency names after a slash or "via", "Photo:", "(AP Photo/...)".
_CAPTION = re.compile(
    r"(?:/\s*(?:REUTERS|AP|AFP|Getty Images|Pool|EPA|Anadolu)\b|\bvia (?:REUTERS|AP|AFP|Getty)\b"
    r"|\((?:AP|AFP|Reuters) Photo\b|^(?:photo|image|file photo|caption)\s*:|\bREUTERS\s*$)",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*\s*$|[\"”]\s*$")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of the article with its offset in the original text and what it is."""

    text: str
    start: int
    kind: str  # body | headline | caption | boilerplate


def paragraphs(text: str) -> list[Paragraph]:
    """Every non-empty line or block of `text`, labelled body/headline/caption/boilerplate."""
    out: list[Paragraph] = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        glued = _GLUED_WIDGET.match(stripped)
        if glued:
            stripped = stripped[glued.end() :]
            start += glued.end()
        out.append(Paragraph(stripped, start, classify(stripped)))
    return out


def classify(line: str) -> str:
    """What kind of paragraph a line is; `body` only for running prose."""
    if _BOILERPLATE.match(line):
        return "boilerplate"
    if _CAPTION.search(line):
        return "caption"
    words = len(line.split())
    if not _TERMINAL.search(line) and words <= 25:
        return "headline"
    if words < 4:
        return "boilerplate"
    return "body"


def body_text(text: str) -> str:
    """The body paragraphs joined by blank lines: what an article is stored as."""
    return "\n\n".join(p.text for p in paragraphs(text) if p.kind == "body")


def headline(text: str) -> str | None:
    """The first headline-like line that reads as a title (several words), if any."""
    for p in paragraphs(text):
        if p.kind == "headline" and len(p.text.split()) >= 4:
            return p.text
        if p.kind == "body":
            break
    return None
