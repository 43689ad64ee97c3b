"""A version is one artifact: the artifact and its card replaced in place while the service runs.

Each worker loads the artifact when it starts, so a worker restarted after the swap (a crash, a
recycle) served the new model while the others served the old one, both as `model_version`
1.0.0: two predictions for one patient, a SHA on `/model` that depended on the worker. The
launchers' preflight now pins the SHA-256 it verified (MODEL_SHA256, in the environment the
workers inherit) and a worker refuses any other artifact. In-process: no live server is needed
to start a worker after the swap.
"""

import os
import shutil
from pathlib import Path

import joblib
import pytest
from fastapi.testclient import TestClient

from shared.core import preflight
from shared.core.errors import ModelLoadError
from shared.core.model import Predictor, file_sha256
from shared.core.schemas import ModelCard
from shared.core.settings import Settings
from tests.support.clients import create_app


def replace_in_place(model: Path) -> None:
    """Another model of the same version: a changed coefficient, a matching card, as a careless
    `make train` with other data, or a copy from another machine, would leave them."""
    pipeline = joblib.load(model)
    pipeline.named_steps["regress"].coef_[0] += 1.0
    joblib.dump(pipeline, model)
    card_path = model.with_suffix(".json")
    card = ModelCard.model_validate_json(card_path.read_text())
    card_path.write_text(card.model_copy(update={"sha256": file_sha256(model)}).model_dump_json())


@pytest.fixture
def swapped(settings: Settings, tmp_path: Path) -> tuple[Settings, str]:
    """Settings pinned to the artifact a launch verified, and that artifact then replaced."""
    model = tmp_path / "diabetes.joblib"
    shutil.copy(settings.model_path, model)
    shutil.copy(settings.card_path, model.with_suffix(".json"))
    started_with = file_sha256(model)
    replace_in_place(model)
    assert file_sha256(model) != started_with
    pinned = settings.model_copy(update={"model_path": model, "model_sha256": started_with})
    return pinned, started_with


def test_a_worker_started_after_the_swap_refuses_the_new_artifact(service, swapped):
    pinned, _ = swapped
    with pytest.raises(ModelLoadError, match="artifact changed since the service started"):
        app = create_app(service, pinned)
        if service == "fastapi":  # FastAPI loads in its lifespan, when a client starts it
            with TestClient(app):
                pass


def test_the_pinned_artifact_loads(settings):
    predictor = Predictor.load(
        settings.model_path, settings.card_path, file_sha256(settings.model_path)
    )
    assert predictor.card.sha256 == file_sha256(settings.model_path)


def test_an_empty_pin_pins_nothing(monkeypatch):
    monkeypatch.setenv("MODEL_SHA256", "")
    assert Settings().model_sha256 is None


def test_preflight_pins_the_artifact_for_the_workers(settings, monkeypatch, tmp_path):
    """The launchers call the preflight in their own process, then start the workers, which
    inherit its environment: the pin is the SHA-256 the preflight verified."""
    # Set (to "no pin") through monkeypatch, so the pin the preflight writes is undone after.
    monkeypatch.setenv("MODEL_SHA256", "")
    monkeypatch.setenv("MODEL_PATH", str(settings.model_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    assert preflight.main() == 0
    assert os.environ["MODEL_SHA256"] == file_sha256(settings.model_path)
