"""Loading refuses anything it cannot trust, with one clear message; prediction is right."""

import json
import shutil

import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from shared.core import model
from shared.core.errors import ModelLoadError
from shared.core.model import Predictor, linear_arithmetic, probe_rows
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
    assert predictor.predict_one(Patient(**patient)).prediction == expected  # the same float


@pytest.mark.parametrize("count", [1, 2, 7, 256, 1000])
def test_the_arithmetic_gives_scikit_learns_very_floats(predictor, count):
    """The services predict with the pipeline's arithmetic (scikit-learn's checks skipped): for
    any rows, within the training range and far outside it, integers too, the same floats."""
    assert linear_arithmetic(predictor.pipeline) is not None  # the project's pipeline folds
    rng = np.random.default_rng(count)
    rows = rng.normal(0, 100, size=(count, len(FEATURES)))
    rows[::2] = np.round(rows[::2])
    predicted = predictor.predict_rows(rows).predictions
    assert predicted == predictor.pipeline.predict(rows).tolist()


def test_another_pipeline_keeps_scikit_learns_predict(predictor):
    """A pipeline that is not a scaler and a linear model is predicted by scikit-learn."""
    rows = probe_rows(predictor.card)
    tree = Pipeline([("scale", StandardScaler()), ("regress", DecisionTreeRegressor())])
    tree.fit(rows, predictor.pipeline.predict(rows))
    assert linear_arithmetic(tree) is None
    other = Predictor(tree, predictor.card)
    assert other.predict_rows(rows).predictions == tree.predict(rows).tolist()


def test_arithmetic_that_disagrees_is_not_used(predictor, monkeypatch, caplog):
    """Should the arithmetic ever differ from scikit-learn's (another version, another order of
    operations), the load notices on its probe rows and keeps scikit-learn's predict."""
    monkeypatch.setattr(model, "linear_arithmetic", lambda pipeline: lambda rows: rows[:, 0])
    with caplog.at_level("WARNING"):
        other = Predictor(predictor.pipeline, predictor.card)
    rows = probe_rows(predictor.card)
    assert other.predict_rows(rows).predictions == predictor.pipeline.predict(rows).tolist()
    assert "differs from its predict" in caplog.text


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
