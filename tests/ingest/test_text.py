"""Publication dates, boilerplate removal and sentence splitting."""

from __future__ import annotations

from datetime import date

from ingest.dates import find_dct, parse_date
from ingest.text.clean import body_text, classify, paragraphs
from ingest.text.sentences import split_sentences
from tests.conftest import SEEDS


def test_dct_from_dateline_beats_other_dates() -> None:
    text = "COMMENTSOn Monday, April 21, 2025, the minister spoke. In March 3, 2024 ..."
    assert find_dct(text) == (date(2025, 4, 21), "dateline")


def test_dct_from_caption_date_when_no_dateline() -> None:
    text = "Headline\n\nA leader speaks in Moscow, Russia, April 21, 2025. REUTERS\n\nBody said."
    assert find_dct(text) == (date(2025, 4, 21), "text")


def test_no_dct_is_none_not_today() -> None:
    assert find_dct("Officials said on Friday they would meet.") == (None, "none")


def test_parse_date_formats() -> None:
    assert parse_date("Mon, 21 Apr 2025 09:00:00 +0000") == date(2025, 4, 21)
    assert parse_date("2025-04-21T23:30:00Z") == date(2025, 4, 21)
    assert parse_date("21 April 2025") == date(2025, 4, 21)
    assert parse_date("not a date") is None
    assert parse_date("") is None


def test_boilerplate_captions_and_headlines_are_not_body() -> None:
    assert classify("Subscribe to our newsletter") == "boilerplate"
    assert (
        classify("A leader speaks in Moscow, April 21, 2025. Sputnik/Pool via REUTERS") == "caption"
    )
    assert classify("Ukrainian Delegation to Meet Allies in London") == "headline"
    assert classify("The minister said on Friday that talks would resume next week.") == "body"


def test_seed_body_drops_menu_caption_and_widgets() -> None:
    text = (SEEDS / "000_cb83dc8ea2603296.txt").read_text()
    body = body_text(text)
    assert "REUTERS" not in body
    assert "Subscribe" not in body
    assert not body.startswith("Home")
    glued = (SEEDS / "001_5d60efc459c9e1f5.txt").read_text()
    assert paragraphs(glued)[0].text.startswith("On Monday, April 21, 2025")


def test_sentences_respect_abbreviations_and_offsets() -> None:
    text = (
        "On Friday, U.S. President Donald Trump spoke. Mr. Smith left at 5 p.m. Monday.\n\nNew one."
    )
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "On Friday, U.S. President Donald Trump spoke.",
        "Mr. Smith left at 5 p.m. Monday.",
        "New one.",
    ]
    for s in sents:
        assert text[s.start : s.start + len(s.text)] == s.text
