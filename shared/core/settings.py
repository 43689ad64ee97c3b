"""One settings class for both services, read from environment variables."""

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The repository root: default paths are relative to it, not to the current directory.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Everything a deployment may change; each field is read from the environment variable
    of the same name in capitals (MODEL_PATH, DATABASE_URL, ...)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    model_path: Path = Field(
        default=PROJECT_ROOT / "models" / "diabetes.joblib",
        description="The joblib artifact; its model card sits beside it with a .json suffix.",
    )
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'predictions.db'}",
        description="SQLAlchemy URL of the predictions store.",
    )
    api_key: SecretStr | None = Field(
        default=None, description="Key that DELETE requests must send in X-API-Key."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS; empty = off."
    )
    model_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        default=None,
        description="The artifact's SHA-256, set by the launcher from the artifact it verified: "
        "a worker that (re)starts later refuses any other artifact. Empty: the card's.",
    )
    log_level: str = Field(default="INFO", description="Python logging level name.")
    max_body_bytes: int = Field(
        default=1_000_000, gt=0, description="Request bodies larger than this are refused (413)."
    )
    request_timeout_seconds: float = Field(
        default=10,
        gt=0,
        description="A request whose head and body have not all arrived this many seconds after "
        "its first byte is dropped (408): a slow or stalled client cannot hold a connection.",
    )

    micro_batching: bool = Field(
        default=True,
        description="FastAPI only: predict concurrent /predict requests in one model call.",
    )

    @field_validator("model_sha256", mode="before")
    @classmethod
    def empty_means_unpinned(cls, value: object) -> object:
        """`MODEL_SHA256=` (a launcher that passes it through unset) pins nothing."""
        if isinstance(value, str):
            return value.strip().lower() or None
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        """Read `CORS_ORIGINS=https://a.example,https://b.example` as a list."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def card_path(self) -> Path:
        """The model card belongs to the artifact, so its path is derived, not configured."""
        return self.model_path.with_suffix(".json")
