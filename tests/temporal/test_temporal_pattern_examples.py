"""Every row of the pattern table keeps its examples honest (a corpus in the manner of
ctparse's): the row's own regex matches the bracketed extent, and the whole tagger returns that
extent with the expected type and value."""

from __future__ import annotations

import datetime
import re

import pytest

from ingest.temporal import tag
from ingest.temporal.patterns import FLAGS, PATTERNS, Pattern

CASES = [
    pytest.param(p, example, id=f"{p.name}-{i}")
    for p in PATTERNS
    for i, example in enumerate(p.examples)
]


def test_every_pattern_has_an_example() -> None:
    assert [p.name for p in PATTERNS if not p.examples] == []


@pytest.mark.parametrize(("pattern", "example"), CASES)
def test_pattern_example(pattern: Pattern, example: tuple[str, str, str]) -> None:
    marked, dct, expected = example
    begin, end = marked.index("["), marked.index("]") - 1
    text = marked.replace("[", "").replace("]", "")
    own = re.compile(pattern.regex, FLAGS).match(text, begin)
    assert own is not None and own.end() == end, f"{pattern.name} does not match {marked!r}"
    type_, value = expected.split()
    got = [(t.begin, t.end, t.type, t.value) for t in tag(text, datetime.date.fromisoformat(dct))]
    assert (begin, end, type_, value) in got, got
