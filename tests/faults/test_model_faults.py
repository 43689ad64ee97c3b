"""A model artifact that cannot be served stops the start: `make run-<service>` exits non-zero
with one line that names the problem and the fix (`shared/core/preflight.py`). We chose refusing to
start over starting with `/ready` 503: a deployment then fails loudly where it is rolled out,
instead of serving 503s behind a load balancer that only checks /health.
"""

import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import joblib
import pytest
import sklearn.base
from sklearn.exceptions import InconsistentVersionWarning

from shared.core.errors import ModelLoadError
from shared.core.model import file_sha256
from shared.core.settings import Settings
from tests.support.clients import create_app
from tests.support.servers import LiveServer


def write_card(card_path: Path, **changes: object) -> None:
    card = json.loads(card_path.read_text())
    card_path.write_text(json.dumps({**card, **changes}))


def missing_artifact(model: Path) -> None:
    model.unlink()


def missing_card(model: Path) -> None:
    model.with_suffix(".json").unlink()


def truncated_artifact(model: Path) -> None:
    model.write_bytes(model.read_bytes()[:1000])


def tampered_artifact(model: Path) -> None:
    """One byte changed: the size is the same, only the hash can tell."""
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))


def card_from_another_sklearn(model: Path) -> None:
    write_card(model.with_suffix(".json"), sklearn_version="1.0.2")


def pickled_by_another_sklearn(model: Path) -> None:
    """Hash and card agree, but the estimators inside say they were pickled by 1.0.2: only
    unpickling can tell (scikit-learn's InconsistentVersionWarning, made fatal by the loader)."""
    pipeline = joblib.load(model)
    original = sklearn.base.__version__
    sklearn.base.__version__ = "1.0.2"  # what BaseEstimator.__getstate__ records
    try:
        joblib.dump(pipeline, model)
    finally:
        sklearn.base.__version__ = original
    write_card(model.with_suffix(".json"), sha256=file_sha256(model))


FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing-artifact": (missing_artifact, "model artifact not found"),
    "missing-card": (missing_card, "model card not found"),
    "truncated": (truncated_artifact, "does not match the SHA-256"),
    "tampered": (tampered_artifact, "does not match the SHA-256"),
    "card-from-another-sklearn": (card_from_another_sklearn, "trained with scikit-learn 1.0.2"),
    "pickled-by-another-sklearn": (pickled_by_another_sklearn, "pickled by scikit-learn 1.0.2"),
}


@pytest.fixture(params=list(FAULTS))
def fault(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def broken_settings(fault: str, settings: Settings, tmp_path: Path) -> Settings:
    """The session's model copied to a folder of its own, then broken."""
    model = tmp_path / "diabetes.joblib"
    shutil.copy(settings.model_path, model)
    shutil.copy(settings.card_path, model.with_suffix(".json"))
    FAULTS[fault][0](model)
    return settings.model_copy(update={"model_path": model})


def test_the_loader_refuses_the_broken_artifact(service, broken_settings, fault):
    with pytest.raises(ModelLoadError, match=FAULTS[fault][1]), warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistentVersionWarning)
        app = create_app(service, broken_settings)
        if service == "fastapi":  # FastAPI loads in its lifespan, when a client starts it
            from fastapi.testclient import TestClient

            with TestClient(app):
                pass


@pytest.mark.live
@pytest.mark.parametrize(
    # The same preflight refuses every fault: a few through `make`, to keep the suite quick.
    "fault",
    ["missing-artifact", "tampered", "card-from-another-sklearn", "pickled-by-another-sklearn"],
)
def test_run_target_refuses_to_start_with_one_clear_line(service, broken_settings, fault):
    server = LiveServer(service, broken_settings, workers=2)
    try:
        exit_status = server.process.wait(timeout=120)
        output = server.output()
    finally:
        server.stop()
    assert exit_status != 0
    lines = [line for line in output.splitlines() if line.startswith("cannot start:")]
    assert len(lines) == 1, output
    assert FAULTS[fault][1] in lines[0]
    assert "make train" in lines[0]
    assert "Traceback" not in output
