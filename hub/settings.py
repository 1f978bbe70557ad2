"""Hub settings, read from ``HUB_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub import redaction

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class HubSettings(BaseSettings):
    """Everything the hub reads from its environment; secrets are `SecretStr`."""

    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    data_dir: Path = Path(".hub")
    database_url: SecretStr | None = None
    log_level: LogLevel = "INFO"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


def register_secrets(settings: BaseSettings) -> None:
    """Register every `SecretStr` value of `settings` with the redactor."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if not isinstance(value, SecretStr):
            continue
        secret = value.get_secret_value()
        # For a URL only the password is secret: keeping host and database readable in
        # logs helps, and URL user-info is redacted by pattern anyway.
        if "://" not in secret:
            redaction.register_secret(secret)
            continue
        try:
            password = urlsplit(secret).password
        except ValueError:  # unparsable: hide all of it rather than guess
            password = secret
        if password:
            redaction.register_secret(password)
            redaction.register_secret(unquote(password))


def get_settings() -> HubSettings:
    """Read settings from the environment now (no caching) and register their secrets."""
    settings = HubSettings()
    register_secrets(settings)
    return settings


def state_store_url(settings: HubSettings) -> str:
    """The state store's database URL: `database_url`, else SQLite in `data_dir`."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    path = (settings.data_dir.expanduser() / "hub.db").resolve()
    return f"sqlite:///{path}"
