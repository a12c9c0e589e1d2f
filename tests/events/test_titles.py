"""Titles tell a reader what happened: a dependent clause gets the subject its sentence gives
it, and an event takes its title from its best-formed source (made-up sentences; the rules
are general, the Malawi and Qinghai stories showed the failures)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ingest.analysis import analyse
from ingest.article import ArticleInput
from ingest.merge import SourceFacts, fragment, title_source

DCT = date(2025, 4, 21)


def titles(text: str) -> dict[str, str]:
    """Trigger -> title of every mention of a one-sentence article."""
    found = analyse(ArticleInput("example.txt", text, published=DCT)).candidates
    return {m.trigger: m.title for m in found}


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # a gerund clause takes the governing clause's subject, in the present tense
        (
            "Tembo rejected the official results on Monday, telling reporters that they had "
            "been rigged.",
            "telling",
            "Tembo tells reporters that they had been rigged",
        ),
        # a perfect participle clause becomes a finite one
        (
            "Joyce Banda was inaugurated on Friday after having been reelected to a second term.",
            "reelected",
            "Joyce Banda has been reelected to a second term",
        ),
        # a to-infinitive keeps its "to" (headline style: "X to do Y")
        (
            "The nurses' union plans to file a strike notice today.",
            "file",
            "The nurses' union to file a strike notice today",
        ),
        # a relative pronoun is the noun it stands for
        (
            "The war, which has now entered its fourth year, goes on.",
            "entered",
            "The war has now entered its fourth year",
        ),
    ],
)
def test_a_dependent_clause_gets_its_subject(text: str, trigger: str, expected: str) -> None:
    assert titles(text)[trigger] == expected


def facts(title: str, quote: str, *, main: bool, inferred: bool = True) -> SourceFacts:
    return SourceFacts(DCT, DCT, "day", inferred, "STATEMENT", "announced", title, quote, main)


def test_fragments_are_known_by_their_opening_word() -> None:
    assert fragment("Telling reporters", "Tembo rejected them, telling reporters so.")
    assert fragment("To fight corruption", "He promised to fight corruption.")
    assert fragment("Which contests the results", "The opposition, which contests the results")
    assert not fragment("Beijing says talks will go on", "Beijing says talks will go on.")
    assert not fragment("Tembo rejected the results", "Tembo rejected the results.")


def test_an_event_takes_the_title_of_its_best_formed_source() -> None:
    clause = facts("Telling reporters", "Tembo said so, telling reporters so.", main=False)
    whole = facts("John Tembo says he will go to court", "Tembo said he would sue.", main=True)
    # the clause-level source speaks for the event's date (an explicit one), not its title
    dated = facts(clause.title, clause.quote, main=False, inferred=False)
    for sources in ([clause, whole], [whole, clause], [dated, whole], [whole, dated]):
        assert title_source(sources).title == "John Tembo says he will go to court"
    # a main mention of another day does not name an event dated by a phrase of its own
    truce = facts("Failed Easter truce", "The failed Easter truce ended.", main=False)
    truce = replace(truce, start=date(2025, 4, 19), end=date(2025, 4, 19), date_inferred=False)
    later = facts("Putin indicates he would consider more truces", "Putin indicated.", main=True)
    assert title_source([truce, later]) is truce
    assert title_source([later, truce]) is truce
    two_main = [facts("Saying it was over", "x, saying it was over", main=True), whole]
    assert title_source(two_main) is whole


def test_a_report_without_a_named_agent_keeps_its_written_subject() -> None:
    found = analyse(
        ArticleInput(
            "example.txt",
            "The bank, which considers high prices a threat, had indicated on Monday it would "
            "raise the rate.",
            published=DCT,
        )
    ).candidates
    (main,) = [m for m in found if m.primary]
    assert main.title.startswith("The bank indicates ")


def test_a_reports_own_date_is_not_part_of_what_was_said() -> None:
    found = analyse(
        ArticleInput("example.txt", "Robert Mugabe said on Monday he would attend.", published=DCT)
    ).candidates
    (main,) = [m for m in found if m.primary]
    assert main.title == "Robert Mugabe says he would attend."
