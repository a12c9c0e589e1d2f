"""The one place eventline reads configuration from.

Values come from (highest first) the environment (`EVENTLINE_*`), a `.env` file in the working
directory, then the defaults below. Build it with `get_settings()` at the edge (CLI command,
API startup, scheduler); library code takes what it needs as arguments so tests can pass their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting has a default and a description (a test checks the README lists them)."""

    model_config = SettingsConfigDict(
        env_prefix="EVENTLINE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        "sqlite:///eventline.db",
        description="SQLAlchemy URL of the store; SQLite file by default, "
        "postgresql+psycopg://... in production.",
    )
    log_level: str = Field("WARNING", description="Python logging level for eventline's logs.")
    api_token: SecretStr | None = Field(
        None, description="Bearer token required by the HTTP API's write endpoints (unset: off)."
    )
    allow_private_urls: bool = Field(
        False, description="Allow fetching URLs that resolve to private or loopback addresses."
    )
    user_agent: str = Field(
        "eventline/0.1 (+https://github.com/eventline/eventline)",
        description="User-Agent header sent with every fetch.",
    )
    fetch_timeout: float = Field(20.0, description="Seconds before a fetch gives up.")
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
    use_spacy: bool = Field(
        True, description="Use the spaCy English model for actors when it is installed."
    )

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        """`postgres://` and bare `postgresql://` URLs use psycopg 3, the driver we install."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once; tests build their own `Settings(...)` instead."""
    return Settings()
