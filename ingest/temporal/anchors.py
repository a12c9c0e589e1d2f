"""Where to try the patterns: anchor words and the positions a match could start at.

Running every pattern family over the whole text costs a regex attempt at every word; instead
one scan finds anchors (month and weekday names, unit words, years, clock numbers, "now"...),
and the patterns of the anchor's classes are tried only at the anchor and at the starts of the
modifier words right before it ("the past three | months").
"""

from __future__ import annotations

import re

from ingest.temporal.lexicon import ANCHORS, PREFIX_WORDS

MAX_PREFIX_WORDS = 7


def _trie_regex(words: list[str]) -> str:
    """A prefix-factored alternation: much faster for Python's regex engine than a flat one."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


# The `(?=...)` guards make the scan fail fast: most positions are neither a word start nor a
# digit, and the lookbehinds behind them are then never tried. Words are listed in the three
# casings news uses ("today", "Today", "TODAY") instead of scanning with IGNORECASE, which
# folds case at every character.
_CASED_ANCHORS = sorted({form for w in ANCHORS for form in (w, w.capitalize(), w.upper())})
_ANCHOR = re.compile(
    rf"\b(?=[a-zA-Z])(?P<word>{_trie_regex(_CASED_ANCHORS)})\b"
    r"|(?=[\dQH])(?:"
    r"(?<![\d$#.,])(?P<year>1\d{3}|20\d\d)(?!\d|,\d)"
    r"|(?<![\d$.])(?P<clock>\d{1,2})(?=[:.][0-5]\d\s*(?:(?i:[ap]\.?m)\b|[A-Z])|\s*(?i:[ap]\.?m)\b|"
    r"\s+(?i:o['’]clock)|:[0-5]\d\b)"
    r"|(?<=['’])(?P<decade>\d0)(?=s\b)"
    r"|(?<![\w$#.-])(?P<qcode>[QH][1-4]|[1-4][QH])(?![a-zA-Z]))"
)
# The token right before a position, if only spaces, hyphens or slashes separate them.
_PREVIOUS = re.compile(r"([A-Za-z]+|\d[\d,./]*)[\s/'’-]*\Z")


def anchor_starts(text: str) -> dict[int, set[str]]:
    """Start offset -> anchor classes whose patterns should be tried there."""
    starts: dict[int, set[str]] = {}
    for m in _ANCHOR.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            classes: tuple[str, ...] = ANCHORS[m.group().lower()]
        elif kind == "clock":
            classes = ("clock",)
        elif kind == "qcode":
            classes = ("qcode",)
        else:
            classes = ("year",)
        pos = m.start()
        starts.setdefault(pos, set()).update(classes)
        for _ in range(MAX_PREFIX_WORDS):
            prev = _PREVIOUS.search(text, max(0, pos - 24), pos)
            if prev is None:
                break
            token = prev.group(1)
            if not (token[0].isdigit() or token.lower() in PREFIX_WORDS):
                break
            pos = prev.start()
            starts.setdefault(pos, set()).update(classes)
    return starts
