"""`eventline config show`: the effective settings, where each came from, secrets redacted."""

from __future__ import annotations

import json
from typing import Any

import typer

from timeline.cli.common import load_settings

config_app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)


def effective_settings() -> list[dict[str, Any]]:
    """Every setting: its variable, value (secrets as `***`), source and description."""
    from pydantic import SecretStr

    from config.settings import Settings, env_name, redact_url, setting_sources

    settings = load_settings()
    sources = setting_sources(settings)
    out = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = "***" if value.get_secret_value() else ""
        elif isinstance(value, str) and "://" in value:
            value = redact_url(value)
        elif value is not None and not isinstance(value, bool | int | float):
            value = str(value)
        out.append(
            {
                "name": env_name(name),
                "value": value,
                "source": sources[name],
                "description": field.description,
            }
        )
    return out


@config_app.command("show")
def show(as_json: bool = typer.Option(False, "--json", help="Print JSON instead.")) -> None:
    """Every setting with its value and its source (environment, .env or default).

    Secrets (the API token, a database password) are shown as ***.
    """
    rows = effective_settings()
    if as_json:
        typer.echo(json.dumps({"settings": rows}, indent=2))
        return
    for row in rows:
        value = "(unset)" if row["value"] is None else row["value"]
        if isinstance(value, bool):
            value = str(value).lower()
        typer.echo(f"{row['name']}={value}  ({row['source']})")
        typer.echo(f"    {row['description']}")


def register(app: typer.Typer) -> None:
    """Add the `config` command group to the main CLI."""
    app.add_typer(config_app, name="config")
