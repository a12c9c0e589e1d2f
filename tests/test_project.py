"""Project-level promises: documented settings, --help everywhere, one-way imports."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from config.settings import Settings
from tests.conftest import ROOT
from timeline.cli.main import app

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    """Every setting has a default, a one-line description (what `config show` prints) and a
    row in the README's configuration table."""
    field = Settings.model_fields[name]
    assert not field.is_required(), f"{name} has no default"
    assert field.description, f"{name} has no description"
    assert "\n" not in field.description and len(field.description) <= 100, name
    assert f"| `EVENTLINE_{name.upper()}` |" in README, f"README does not document {name}"


def test_postgres_urls_use_psycopg() -> None:
    assert Settings(database_url="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"
    assert Settings(database_url="sqlite:///x.db").database_url == "sqlite:///x.db"


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the CLI, sub-commands included."""
    out = []
    for name, cmd in getattr(group, "commands", {}).items():
        out.append((*prefix, name))
        out.extend(_commands(cmd, (*prefix, name)))
    return out


@pytest.mark.parametrize("command", _commands(typer.main.get_command(app)), ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_timeline_and_config_never_import_ingest() -> None:
    """Dependencies point one way: config <- timeline <- ingest (the CLI imports lazily)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import config, timeline\n"
        "for pkg in (config, timeline):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' in m.name: continue\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'ingest' or n.startswith('ingest.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_config_never_imports_timeline() -> None:
    code = (
        "import sys, config.settings; print([n for n in sys.modules if n.startswith('timeline')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
