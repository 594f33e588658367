"""Settings from the environment and ``.env`` (pydantic-settings)."""

import logging
import os
import re
import socket
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set. Open Telegram, talk to @BotFather, send /newbot, "
    "then put the token it gives you in .env as TELEGRAM_BOT_TOKEN=… (see .env.example)."
)


class ConfigError(Exception):
    """A missing or invalid setting, said in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str | None = None
    database_url: str = "sqlite:///data/gofast.db"
    log_level: str = "INFO"
    default_push_time: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    default_time_zone: str = "UTC"
    flood_limit: int = Field(default=30, ge=1)  # updates per runner per 10 s before we ignore
    telegram_rate_limit: float = Field(default=30, ge=0)  # messages/s overall; 0: no limiter
    push_grace_minutes: int = Field(default=20, ge=1, le=240)  # older missed pushes are skipped
    weekly_push_day: int = Field(default=6, ge=0, le=6)  # 0 = Monday … 6 = Sunday
    gofast_secret_key: SecretStr | None = None  # Fernet key: encrypts Garmin tokens at rest
    garmin_sync_minutes: int = Field(default=30, ge=5)  # how often each account is synced
    weekly_push_time: str = Field(default="19:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # webhook mode (unset: long polling, the single-process default). Telegram POSTs to
    # WEBHOOK_URL; the proxy in front forwards to WEBHOOK_LISTEN:WEBHOOK_PORT, same path.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None  # Telegram sends it back in a header on every POST
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    # a worker that dies leaves its updates to the others after this long
    update_lease_seconds: float = Field(default=30, ge=1, le=600)
    # how many POSTs Telegram keeps open to us at once (its own default is 40)
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    worker_name: str = Field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    # the dashboard (a Telegram Mini App; unset: none). WEBAPP_URL is the https:// address
    # Telegram opens, ending in /app/. Webhook mode serves it from the webhook's server; in
    # polling mode a server of its own listens on WEBAPP_LISTEN:WEBAPP_PORT.
    webapp_url: str | None = None
    webapp_listen: str = "127.0.0.1"
    webapp_port: int = Field(default=8081, ge=0, le=65535)
    # how old a Mini App's signed launch data may be (Telegram's examples assume a day)
    webapp_auth_max_age_s: int = Field(default=86400, ge=60)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("telegram_base_url", "telegram_base_file_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("webhook_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be the https:// address Telegram POSTs updates to")
        return value or None

    @field_validator("webapp_url")
    @classmethod
    def _webapp_url(cls, value: str | None) -> str | None:
        if value and not (value.startswith("https://") and value.rstrip("/").endswith("/app")):
            raise ValueError("must be the https:// address of the dashboard, ending in /app/")
        return value.rstrip("/") + "/" if value else None

    @model_validator(mode="after")
    def _webhook_secret(self) -> "Settings":
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.webhook_url and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ValueError(
                "WEBHOOK_SECRET must be 16 to 256 of A-Z, a-z, 0-9, _ and - with WEBHOOK_URL"
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("use sqlite:///path or postgresql://user:password@host/database")
        return value

    @cached_property
    def file_url(self) -> str:
        """PTB's ``base_file_url``: the same host, ``/file/bot`` instead of ``/bot``."""
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        base = self.telegram_base_url
        head, _, _ = base.rpartition("/bot")
        return f"{head}/file/bot" if base.endswith("/bot") else f"{base}/file/bot"

    @property
    def on_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def database_shown(self) -> str:
        """The database URL without its password, for logs and the CLI."""
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", self.database_url)

    def secrets(self) -> list[str]:
        """What logs must never show, besides the token: the Garmin key, the webhook secret,
        the database password."""
        found = [
            secret.get_secret_value()
            for secret in (self.gofast_secret_key, self.webhook_secret)
            if secret is not None
        ]
        password = urlsplit(self.database_url).password
        return [value for value in (*found, password) if value]

    def require_token(self) -> str:
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(TOKEN_HELP)
        return self.telegram_bot_token.get_secret_value()


def load_settings(**overrides: Any) -> Settings:
    """Settings, or a :class:`ConfigError` naming the first bad one in a single line."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(f"Invalid setting {name}: {first['msg']}") from None
