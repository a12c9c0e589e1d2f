"""timeline.store.tables restates columns of the SQLModel tables for Core reads: each one must
say what the model says, or a query would read a column that is not there (or mistype it)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, TypeDecorator
from sqlmodel import SQLModel

import timeline.store.models  # noqa: F401  (registers the model tables)
from timeline.store import tables


def _base(column: Column[Any]) -> Any:
    """The column's SQL type, through SQLModel's AutoString-style decorators."""
    kind = column.type
    return kind.impl if isinstance(kind, TypeDecorator) else kind


@pytest.mark.parametrize("table", tables.metadata.sorted_tables, ids=lambda t: t.name)
def test_every_core_column_matches_the_model(table: Any) -> None:
    model = SQLModel.metadata.tables[table.name]
    for column in table.columns:
        assert column.name in model.columns, f"{table.name}.{column.name} is not in the model"
        theirs, ours = _base(model.columns[column.name]), _base(column)
        where = f"{table.name}.{column.name}"
        assert type(theirs) is type(ours), f"{where}: model {theirs!r}, tables {ours!r}"
        for attribute in ("length", "timezone"):
            assert getattr(theirs, attribute, None) == getattr(ours, attribute, None), where
        assert model.columns[column.name].nullable == column.nullable, where
        assert model.columns[column.name].primary_key == column.primary_key, where
