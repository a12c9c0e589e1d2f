"""Settings for eventline: one pydantic-settings object, built on demand (never at import)."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
