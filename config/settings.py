"""The one place eventline reads configuration from.

Values come from (highest first) the environment (`EVENTLINE_*`), a `.env` file in the working
directory, then the defaults below. Build it with `get_settings()` at the edge (CLI command,
API startup, scheduler); library code takes what it needs as arguments so tests can pass their own.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "EVENTLINE_"
# The stores eventline is built and tested on (SQLAlchemy dialect names).
BACKENDS = ("sqlite", "postgresql")


class SettingsError(Exception):
    """A setting from the environment or `.env` has a value eventline cannot use."""


class Settings(BaseSettings):
    """Every setting has a default and a description (a test checks the README lists them)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        "sqlite:///eventline.db",
        description="SQLAlchemy URL of the store; SQLite file by default, "
        "postgresql+psycopg://... in production.",
    )
    log_level: str = Field(
        "WARNING", description="Python logging level: DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )
    api_token: SecretStr | None = Field(
        None,
        description="Bearer token required by the HTTP API's write endpoints (unset or empty: "
        "writes are off).",
    )
    max_request_bytes: int = Field(
        8_000_000,
        description="Largest HTTP API request body accepted, in bytes (larger ones get 413).",
    )
    api_threads: int = Field(
        2,
        ge=1,
        le=256,
        description="Threads of one `serve` process running requests at once (the rest wait).",
    )
    allow_private_urls: bool = Field(
        False, description="Allow fetching URLs that resolve to private or loopback addresses."
    )
    user_agent: str = Field(
        "eventline/0.1 (+https://github.com/eventline/eventline)",
        description="User-Agent header sent with every fetch.",
    )
    fetch_timeout: float = Field(
        20.0, description="Seconds a whole fetch (connect, headers, body, redirects) may take."
    )
    max_response_bytes: int = Field(
        10_000_000, description="Largest feed or page body accepted, in bytes."
    )
    max_article_bytes: int = Field(
        5_000_000, description="Largest article file accepted by ingest, in bytes."
    )
    max_redirects: int = Field(5, description="Redirects followed per fetch.")
    feeds_file: Path | None = Field(
        None,
        description="TOML file of feeds loaded at scheduler start (see config/feeds.example.toml).",
    )
    default_feed_interval: int = Field(
        900, description="Seconds between polls of a feed that sets no interval of its own."
    )
    max_feed_errors: int = Field(
        10, description="Consecutive failures after which a feed is disabled."
    )
    feed_jitter: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Up to this fraction of a feed's delay is added at random to its next check.",
    )
    use_spacy: bool = Field(
        True, description="Use the spaCy English model for actors when it is installed."
    )
    coref_merge: Literal["rules", "learned"] = Field(
        "learned",
        description="How mentions join events: 'rules' or 'learned' (ingest/data/coref.json).",
    )

    @field_validator("api_token")
    @classmethod
    def _empty_token_is_off(cls, value: SecretStr | None) -> SecretStr | None:
        """`EVENTLINE_API_TOKEN=` (set but empty) must not be a token everyone knows."""
        if value is not None and not value.get_secret_value().strip():
            return None
        return value

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        """`postgres://` and bare `postgresql://` URLs use psycopg 3, the driver we install;
        other databases are refused here rather than by a missing driver deep in SQLAlchemy."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        backend = value.partition(":")[0].partition("+")[0]
        if backend not in BACKENDS:
            raise ValueError(
                f"{backend or value!r} is not supported; use sqlite:///PATH "
                "or postgresql+psycopg://user@host/db"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        """A level name Python's logging knows, upper-cased (`info` works too)."""
        level = value.strip().upper()
        if level not in _LEVELS:
            raise ValueError(f"unknown log level; use one of {', '.join(_LEVELS)}")
        return level


_LEVELS = tuple(logging.getLevelName(n) for n in (10, 20, 30, 40, 50))
Source = Literal["environment", ".env", "default"]


def env_name(field: str) -> str:
    """The environment variable of a setting: `fetch_timeout` -> `EVENTLINE_FETCH_TIMEOUT`."""
    return ENV_PREFIX + field.upper()


def setting_sources(settings: Settings) -> dict[str, Source]:
    """Where each effective value came from (environment, `.env` file, or the default)."""
    environ = {k.upper() for k in os.environ}
    return {
        name: "environment"
        if env_name(name) in environ
        else ".env"
        if name in settings.model_fields_set
        else "default"
        for name in Settings.model_fields
    }


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***` (safe to print or log)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _one_line(exc: ValidationError) -> str:
    """`EVENTLINE_FETCH_TIMEOUT='abc': Input should be a valid number, ...` for each error."""
    parts = []
    for error in exc.errors(include_url=False):
        name = env_name(str(error["loc"][0])) if error["loc"] else ENV_PREFIX + "*"
        message = str(error["msg"]).removeprefix("Value error, ")
        value = error.get("input")
        if isinstance(value, str) and "://" in value:
            value = redact_url(value)
        parts.append(f"{name}={value!r}: {message}")
    return "; ".join(parts)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once; tests build their own `Settings(...)` instead.

    Raises SettingsError (one line naming the variable) when a value is unusable.
    """
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
