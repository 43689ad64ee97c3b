"""Training: deterministic, and the card tells the truth about the artifact."""

import json

import numpy as np
import pytest
import sklearn

from shared.core.model import MODEL_VERSION, file_sha256
from shared.core.schemas import FEATURES
from shared.core.train import load_data, train


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    path = tmp_path_factory.mktemp("train") / "model.joblib"
    return path, train(path)


def test_training_twice_gives_the_same_model(tmp_path):
    first, second = train(tmp_path / "a.joblib"), train(tmp_path / "b.joblib")
    assert first.metrics == second.metrics
    assert first.features == second.features
    import joblib

    coefficients = [joblib.load(tmp_path / name)[-1].coef_ for name in ("a.joblib", "b.joblib")]
    np.testing.assert_array_equal(*coefficients)


def test_card_is_written_beside_the_artifact(trained):
    path, card = trained
    assert json.loads(path.with_suffix(".json").read_text())["sha256"] == card.sha256


def test_card_hash_is_the_artifact_hash(trained):
    path, card = trained
    assert card.sha256 == file_sha256(path)


def test_card_records_versions(trained):
    _, card = trained
    assert card.version == MODEL_VERSION
    assert card.sklearn_version == sklearn.__version__
    assert card.python_version.count(".") == 2


def test_card_lists_features_in_model_order_with_training_ranges(trained):
    _, card = trained
    assert [feature.name for feature in card.features] == list(FEATURES)
    data, _ = load_data()
    for column, feature in enumerate(card.features):
        assert data[:, column].min() <= feature.train_min <= feature.train_max
        assert feature.train_max <= data[:, column].max()


def test_card_gives_the_targets_scale(trained):
    """The dataset's targets span 25 to 346; the training split's lie within."""
    _, card = trained
    _, target = load_data()
    assert target.min() <= card.target_min < card.target_max <= target.max()
    assert card.target_min <= 50 and card.target_max >= 300  # most of the range is in training


def test_held_out_metrics_are_those_of_a_useful_linear_model(trained):
    _, card = trained
    assert card.n_train + card.n_test == 442
    assert 0.3 < card.metrics.r2 < 0.7  # a linear model on this data scores about 0.45
    assert card.metrics.mae < card.metrics.rmse


def test_data_is_in_original_units():
    data, target = load_data()
    assert data.shape == (442, 10)
    assert set(np.unique(data[:, 1])) == {1.0, 2.0}  # sex coded 1/2, not scaled
    assert data[:, 0].max() == 79  # age in years
    assert target.min() > 0


def test_the_example_patient_is_the_datasets_first():
    from shared.core.schemas import EXAMPLE_PATIENT

    data, _ = load_data()
    assert [EXAMPLE_PATIENT[name] for name in FEATURES] == data[0].tolist()
