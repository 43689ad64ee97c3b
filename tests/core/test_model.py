"""Loading refuses anything it cannot trust, with one clear message; prediction is right."""

import json
import shutil

import numpy as np
import pytest

from shared.core.errors import ModelLoadError
from shared.core.model import Predictor
from shared.core.schemas import FEATURES, Patient


@pytest.fixture
def artifact(model_path, tmp_path):
    """A private copy of the session's model and card, free to damage."""
    path = tmp_path / "model.joblib"
    shutil.copy(model_path, path)
    shutil.copy(model_path.with_suffix(".json"), path.with_suffix(".json"))
    return path


def load(path):
    return Predictor.load(path, path.with_suffix(".json"))


def test_a_sound_artifact_loads(artifact):
    assert load(artifact).version == "1.0.0"


def test_missing_artifact_says_where_and_what_to_do(artifact):
    artifact.unlink()
    with pytest.raises(ModelLoadError, match=r"model artifact not found at .*make train"):
        load(artifact)


def test_missing_card_says_what_to_do(artifact):
    artifact.with_suffix(".json").unlink()
    with pytest.raises(ModelLoadError, match=r"model card not found .*make train"):
        load(artifact)


def test_tampered_artifact_is_refused_before_unpickling(artifact):
    artifact.write_bytes(artifact.read_bytes() + b"\x00")
    with pytest.raises(ModelLoadError, match="does not match the SHA-256"):
        load(artifact)


def test_truncated_artifact_is_refused(artifact):
    artifact.write_bytes(artifact.read_bytes()[:100])
    with pytest.raises(ModelLoadError, match="does not match the SHA-256"):
        load(artifact)


def test_other_scikit_learn_version_is_an_error(artifact):
    card_path = artifact.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["sklearn_version"] = "0.24.2"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match=r"trained with scikit-learn 0\.24\.2"):
        load(artifact)


def test_invalid_card_is_an_error(artifact):
    artifact.with_suffix(".json").write_text("{}")
    with pytest.raises(ModelLoadError, match=r"model card .* is invalid"):
        load(artifact)


def test_matching_hash_but_unreadable_pickle_is_an_error(artifact):
    from shared.core.model import file_sha256

    artifact.write_bytes(b"not a pickle")
    card_path = artifact.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["sha256"] = file_sha256(artifact)
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="cannot be read"):
        load(artifact)


@pytest.fixture
def predictor(model_path):
    return Predictor.load(model_path, model_path.with_suffix(".json"))


def test_prediction_is_the_pipelines_prediction(predictor, patient):
    expected = predictor.pipeline.predict(np.array([[patient[name] for name in FEATURES]]))[0]
    assert predictor.predict_one(Patient(**patient)).prediction == pytest.approx(expected)


def test_batch_of_one_equals_single(predictor, patient):
    single = predictor.predict_one(Patient(**patient))
    batch = predictor.predict_batch([Patient(**patient)])
    assert batch.predictions == [single.prediction]


def test_out_of_range_lists_features_outside_training_range(predictor, patient):
    far = Patient(**{**patient, "age": 100, "bmi": 11})
    assert predictor.predict_one(far).out_of_range == ["age", "bmi"]


def test_training_range_edges_are_in_range(predictor, patient):
    edges = {feature.name: feature.train_max for feature in predictor.card.features}
    assert predictor.predict_one(Patient(**edges)).out_of_range == []
