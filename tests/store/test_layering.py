"""The store is one layer: it never imports ingest, and nothing outside it speaks SQL.

"Speaks SQL" is checked on the syntax tree of every module of the shipped packages outside
`timeline/store/`: no SQLAlchemy/SQLModel import beyond the types and errors a caller needs
(Engine, Session, sqlalchemy.exc), no statement-running method called on a session or
connection, and no string literal that reads as a SQL statement.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

STORE = ROOT / "timeline" / "store"
PACKAGES = ("config", "ingest", "timeline")
# What a module outside the store may import from the ORM: types for signatures and the
# errors it must tell apart (a dropped connection is retried, a duplicate is skipped).
ALLOWED = {"sqlalchemy.engine": {"Engine"}, "sqlmodel": {"Session"}, "sqlalchemy.exc": None}
RUNS_SQL = {
    "exec", "execute", "scalar", "scalars", "add", "add_all", "delete", "flush", "merge",
    "refresh", "query", "get", "bulk_save_objects", "bulk_insert_mappings", "exec_driver_sql",
}  # fmt: skip
HANDLES = re.compile(r"(^|_)(session|conn|connection)$")
SQL_TEXT = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)"
    r"|ALTER\s+TABLE|PRAGMA\s+\w+|ANALYZE\b)",
    re.DOTALL,
)


def outside_store() -> list[Path]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return sorted(p for p in files if STORE not in p.parents)


def sql_uses(path: Path, *, root: Path = ROOT) -> list[str]:
    """Every place in `path` that builds or runs SQL, as "file:line: what"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("sqlalchemy", "sqlmodel"):
                    found.append(f"{where}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] not in ("sqlalchemy", "sqlmodel"):
                continue
            allowed = ALLOWED.get(node.module, set())
            for alias in node.names:
                if allowed is not None and alias.name not in allowed:
                    found.append(f"{where}:{node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if (
                node.func.attr in RUNS_SQL
                and isinstance(target, ast.Name)
                and HANDLES.search(target.id)
            ):
                found.append(f"{where}:{node.lineno}: {target.id}.{node.func.attr}(...)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_TEXT.search(node.value)
        ):
            found.append(f"{where}:{node.lineno}: SQL text {node.value[:40]!r}")
    return found


def test_no_sql_outside_the_store() -> None:
    offences = [hit for path in outside_store() for hit in sql_uses(path)]
    assert not offences, "\n".join(offences)


def test_the_check_sees_sql(tmp_path: Path) -> None:
    """The checker itself: each kind of SQL use is caught, plain code is not."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sqlalchemy import select, text\n"
        "from sqlmodel import Session\n"
        "def f(session: Session) -> None:\n"
        "    session.execute(text('SELECT id FROM event'))\n"
        "    session.add(object())\n",
        encoding="utf-8",
    )
    hits = sql_uses(bad, root=tmp_path)
    assert len(hits) == 5, hits  # select, text, execute, add, the SQL string
    fine = tmp_path / "fine.py"
    fine.write_text("from sqlmodel import Session\nd = {}\nd.get('x')\n", encoding="utf-8")
    assert sql_uses(fine, root=tmp_path) == []


def test_store_never_imports_ingest() -> None:
    for path in STORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n == "ingest" or n.startswith("ingest.") for n in names), path
    modules = sorted(
        "timeline.store." + ".".join(p.relative_to(STORE).with_suffix("").parts)
        for p in STORE.glob("*.py")
        if p.name != "__init__.py"
    )
    code = (
        f"import {', '.join(modules)}, sys\n"
        "leaked = sorted(m for m in sys.modules if m == 'ingest' or m.startswith('ingest.'))\n"
        "assert not leaked, leaked\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
