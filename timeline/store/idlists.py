"""An id list bound as one parameter: `column IN (SELECT value FROM json_each(:ids))` on
SQLite, `column = ANY(:ids)` on Postgres.

SQLAlchemy expands a plain `IN (...)` list into one parameter per id at every execution: for
the story update's reads (hundreds of ids, four statements per article) that expansion cost
as much CPU as the queries. A statement built once with this comparison takes the list as
one JSON text or one array. Example: `in_ids(Event.id, "sqlite")` with
`{"ids": ids_value([3, 5], "sqlite")}` reads events 3 and 5.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ARRAY, ColumnElement, Integer, bindparam, func, literal_column
from sqlalchemy import select as sa_select


def in_ids(column: Any, dialect: str, name: str = "ids") -> ColumnElement[bool]:
    """`column` is one of the ids bound as `name` (see `ids_value`)."""
    if dialect == "postgresql":
        return cast(ColumnElement[bool], column == func.any(bindparam(name, type_=ARRAY(Integer))))
    values: Any = sa_select(literal_column("value")).select_from(func.json_each(bindparam(name)))
    return cast(ColumnElement[bool], column.in_(values))


def ids_value(ids: Sequence[int], dialect: str) -> Any:
    """The parameter value `in_ids` reads: a list on Postgres, a JSON array on SQLite."""
    return list(ids) if dialect == "postgresql" else json.dumps(list(ids))
