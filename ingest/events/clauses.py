"""Where a sentence's clauses begin and end, with or without a parser.

Without spaCy the clause structure comes from punctuation and closed-class words: quotations,
relative clauses and parentheses (", which won an election last week,") describe something
else than the main event, and the reported content after a reporting verb runs to the next
clause boundary. With spaCy's dependency parse, `parse.py` finds every clause head instead.
"""

from __future__ import annotations

import re

from ingest.events.words import BOUNDARY_WORDS, COMMA_BOUNDARY_WORDS
from ingest.text.tokens import Token

_RELATIVE = re.compile(r",\s*(?:which|who|whose|whom|where)\b[^,;—]*|\([^)]*\)")
CLAUSE_MARKS = frozenset({",", ";", ":", "—", "“", "”", '"'})


# A news story's dateline before its first sentence: "YUSHU, Qinghai - ", "MOSCOW (Reuters) -",
# "WASHINGTON — ". The place it names is where the story was filed, not an actor.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+){0,3}(?:, [A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})?"
    r"(?: \([^)]{1,40}\))? ?[-–—]{1,2} "
)


def dateline_end(text: str) -> int:
    """Where the sentence proper begins after a dateline (0 without one)."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside quotation marks; an unmatched mark runs to the sentence edge
    (quotations often span several sentences)."""
    spans: list[tuple[int, int]] = []
    opening: int | None = None
    for i, ch in enumerate(text):
        if ch == "“" or (ch == '"' and _opens(text, i)):
            opening = i
        elif ch in '”"':
            spans.append((0 if opening is None else opening, i))
            opening = None
    if opening is not None:
        spans.append((opening, len(text)))
    return spans


def _opens(text: str, i: int) -> bool:
    """Whether the straight quote at i opens a quotation: it starts the sentence or follows a
    space or an opening bracket, and a word follows it (a closing one follows a word)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–") and not after.isspace()


def relative_spans(text: str) -> list[tuple[int, int]]:
    """Relative clauses and parentheses (", which won an election last week,"): they describe
    a noun, so neither their verbs nor their dates belong to the sentence's main event."""
    return [(m.start(), m.end()) for m in _RELATIVE.finditer(text)]


def inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < offset < end for start, end in spans)


def content_end(tokens: list[Token], start: int) -> int:
    """Index of the last token of the reported content that begins at token `start`."""
    for i in range(start, len(tokens)):
        word = tokens[i].lower
        if word in BOUNDARY_WORDS and i > start:
            return i - 1
        if tokens[i].text in {";", "—"}:
            return i - 1
        if (
            tokens[i].text == ","
            and i + 1 < len(tokens)
            and tokens[i + 1].lower in COMMA_BOUNDARY_WORDS | BOUNDARY_WORDS
        ):
            return i - 1
    return len(tokens) - 1


def clause_start(tokens: list[Token], first: int) -> int:
    """Offset where the clause of token `first` begins (after the last comma or quote)."""
    for i in range(first - 1, -1, -1):
        if tokens[i].text in CLAUSE_MARKS:
            return tokens[i].end
    return 0
