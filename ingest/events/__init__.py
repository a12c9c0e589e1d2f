"""Mentions from sentences: every reported happening with its trigger, roles and date.

One question per module: `triggers` (which words name a happening), `clauses` (where clauses
begin and end), `parse` (every clause head, from spaCy's dependency parse), `agents` (who),
`dating` (when, at the discourse level), `content` (what a reporting verb reports), `links`
(how a mention relates to earlier ones), `titles` (the log line), `sentence` (one sentence end
to end), `article` (a whole article, headline and lead included).
"""

from ingest.events.model import ArticleState, Candidate, Dating, Mention
from ingest.events.sentence import SentenceAnalyser

__all__ = ["ArticleState", "Candidate", "Dating", "Mention", "SentenceAnalyser"]
