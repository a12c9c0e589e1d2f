"""Temporal normaliser: TIMEX3 tagging and resolution for English news.

    from ingest.temporal import Timex, tag
    tag("Putin said on Monday ...", datetime.date(2025, 4, 21))
    ReferenceTime.from_timexes(timexes, dct).at(offset)   # the day the story is on there

Pure Python (regex + dateutil's computus); see tagger.py for the pipeline and patterns.py for
the table of expressions.
"""

from ingest.temporal.model import Timex
from ingest.temporal.reference import Anchor, ReferenceTime
from ingest.temporal.tagger import tag

__all__ = ["Anchor", "ReferenceTime", "Timex", "tag"]
