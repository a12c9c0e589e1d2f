"""Who an event's agent is: a quotation's speaker comes from its attribution, not from inside
the quotation; a name that owns a role noun ("Malawi's election commission") is no agent; a
title given in apposition ("X, the president of Y,") lets "the president" mean X later
(made-up sentences; the Malawi story showed the failures)."""

from __future__ import annotations

from datetime import date

from ingest.analysis import analyse
from ingest.article import ArticleInput
from ingest.events import Mention
from ingest.events.clauses import quoted_spans

DCT = date(2025, 4, 21)


def mains(text: str) -> list[Mention]:
    found = analyse(ArticleInput("example.txt", text, published=DCT)).candidates
    return [m for m in found if m.primary]


def test_straight_quotes_are_quotations() -> None:
    text = '"Therefore, declare Joyce Banda president," she said.'
    assert [text[a : b + 1] for a, b in quoted_spans(text)] == [
        '"Therefore, declare Joyce Banda president,"'
    ]
    closing_only = 'we mourn together," Wen told them.'
    assert [closing_only[a : b + 1] for a, b in quoted_spans(closing_only)] == [
        'we mourn together,"'
    ]


def test_a_verb_inside_a_quotation_is_not_the_speakers_act() -> None:
    text = (
        "Commission chairwoman Anastacia Msosa spoke on Friday.\n\n"
        '"Therefore, I declare Peter Mutharika the winner of the elections," Msosa said.'
    )
    last = mains(text)[-1]
    assert last.trigger == "said"
    assert last.agents == ["Anastacia Msosa"]


def test_a_possessive_name_owning_a_role_noun_is_not_the_agent() -> None:
    (m,) = mains("Earlier Malawi's election commission said he had won more than 2.7m votes.")
    assert m.agents == ["Malawi's election commission"]
    assert m.title.startswith("Malawi's election commission says he had won")
    # a person's title after the possessive still names the person
    (m,) = mains("Zimbabwe's President Robert Mugabe said on Monday he would attend.")
    assert m.agents == ["Robert Mugabe"]


def test_a_title_in_apposition_is_remembered() -> None:
    text = (
        "Peter Mutharika, the president of the African country of Malawi, was inaugurated "
        "on Friday.\n\nRival Lazarus Chakwera rejected the results.\n\n"
        '"We will prioritize agriculture," the president said.'
    )
    assert mains(text)[-1].agents == ["Peter Mutharika"]
