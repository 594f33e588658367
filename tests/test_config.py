import pytest

from gofast.config import ConfigError, load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite:///data/gofast.db"
    with pytest.raises(ConfigError, match="BotFather"):
        settings.require_token()


def test_self_hosted_bot_api(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot/")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    settings = load_settings()
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.require_token() == "123:abc"
    assert "123:abc" not in repr(settings)  # the token never shows in logs


@pytest.mark.parametrize(
    ("name", "value"),
    [("LOG_LEVEL", "LOUD"), ("TELEGRAM_BASE_URL", "ftp://x"), ("DATABASE_URL", "mysql://x")],
)
def test_invalid_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path, name, value
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert name in str(caught.value) and "\n" not in str(caught.value)


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=42:xyz\nLOG_LEVEL=debug\n")
    settings = load_settings()
    assert settings.require_token() == "42:xyz" and settings.log_level == "DEBUG"


def test_postgres_url_is_shown_without_its_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://gofast:s3cret@db.internal:5432/gofast")
    settings = load_settings()
    assert settings.on_postgres
    assert settings.database_shown == "postgresql://gofast:***@db.internal:5432/gofast"


@pytest.mark.parametrize("secret", [None, "short", "has spaces in it, sixteen+"])
def test_a_webhook_needs_a_proper_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path, secret: str | None
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEBHOOK_URL", "https://coach.example.org/telegram")
    if secret is not None:
        monkeypatch.setenv("WEBHOOK_SECRET", secret)
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET") as caught:
        load_settings()
    assert "\n" not in str(caught.value)
    monkeypatch.setenv("WEBHOOK_SECRET", "a" * 32)
    assert load_settings().webhook_url == "https://coach.example.org/telegram"


def test_every_secret_is_known_to_the_log_filter(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://gofast:s3cret@db/gofast")
    monkeypatch.setenv("WEBHOOK_URL", "https://coach.example.org/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", "w" * 20)
    monkeypatch.setenv("GOFAST_SECRET_KEY", "k" * 44)
    assert sorted(load_settings().secrets()) == sorted(["s3cret", "w" * 20, "k" * 44])
