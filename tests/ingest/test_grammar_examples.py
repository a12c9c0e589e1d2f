"""Every closed-class word list of ingest/data/grammar.toml does what its example says.

Each example runs through the real extractor (spaCy when installed) in an article published on
Monday 2025-04-21; `before` sentences are read first, in the same article. The expectation keys
are described at the top of grammar.toml.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ingest.analysis import analyse
from ingest.article import ArticleInput
from ingest.events import Mention
from ingest.events.words import load_grammar

DCT = date(2025, 4, 21)
EXAMPLES = [(name, spec["example"]) for name, spec in load_grammar().items() if "example" in spec]


def test_every_list_has_an_example() -> None:
    assert {name for name, _ in EXAMPLES} == set(load_grammar())


def last_sentence(example: dict[str, Any]) -> tuple[list[Mention], list[Mention]]:
    """The example sentence's mentions, and every mention of the article."""
    text = "\n\n".join([*example.get("before", []), example["text"]])
    found = analyse(ArticleInput("example.txt", text, published=DCT)).candidates
    start = text.rindex(example["text"])
    return [m for m in found if m.sentence_start >= start], found


@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_example(name: str, example: dict[str, Any]) -> None:
    mine, everything = last_sentence(example)
    described = [f"{m.trigger}/{m.type}/{m.modality}/{m.dating.start}/{m.agents}" for m in mine]
    if "mentions" in example:
        assert len(mine) == example["mentions"], described
    if "absent" in example:
        assert all(m.trigger != example["absent"] for m in mine), described
    if "trigger" not in example:
        return
    hits = [m for m in mine if m.trigger == example["trigger"]]
    assert hits, described
    m = hits[0]
    if "type" in example:
        assert m.type == example["type"], described
    if "modality" in example:
        assert m.modality == example["modality"], described
    if "agent" in example:
        assert example["agent"] in m.agents, described
    if "start" in example:
        assert str(m.dating.start) == example["start"], described
    if "precision" in example:
        assert m.dating.precision == example["precision"], described
    if "title" in example:
        assert m.title == example["title"], (described, m.title)
    if "link" in example:
        assert any(kind == example["link"] for _, kind in m.links), (described, m.links)
        assert all(0 <= target < len(everything) for target, _ in m.links)
