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
