"""Settings come from environment variables with the conventional names."""

from pathlib import Path

from shared.core.settings import PROJECT_ROOT, Settings


def test_defaults_point_inside_the_project():
    settings = Settings()
    assert settings.model_path == PROJECT_ROOT / "models" / "diabetes.joblib"
    assert settings.card_path == PROJECT_ROOT / "models" / "diabetes.json"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.api_key is None
    assert settings.cors_origins == []


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("MODEL_PATH", "/srv/model.joblib")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/predictions")
    monkeypatch.setenv("API_KEY", "s3cret")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = Settings()
    assert settings.model_path == Path("/srv/model.joblib")
    assert settings.card_path == Path("/srv/model.json")
    assert settings.database_url == "postgresql://db/predictions"
    assert settings.api_key.get_secret_value() == "s3cret"
    assert settings.log_level == "debug"


def test_cors_origins_are_comma_separated(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example,")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_api_key_is_hidden_in_reprs(monkeypatch):
    monkeypatch.setenv("API_KEY", "s3cret")
    assert "s3cret" not in repr(Settings())
