"""The store: every table, migration and line of SQL eventline has.

- `models`     the SQLModel tables
- `engine`     engines, migrations, sessions (the plumbing)
- `migrations` Alembic revisions
- `query`      the read side behind the CLI, the API and the web page
- `events`     events, their sources and links: what ingest writes and merges against
- `actors`     actors and their aliases
- `articles`   stored articles (duplicate checks, inserts)
- `feeds`      polled feeds: the list, claims, outcomes
- `runs`       ingest runs
- `stories`    stories and their members, the facts the story model reads, inferred links

Nothing here imports `ingest`; nothing outside this package builds SQL.
"""
