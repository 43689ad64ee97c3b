"""Load the model artifact safely and predict with it.

Loading checks, in order: the artifact and its card exist, the artifact's SHA-256 matches the card
(before unpickling, because unpickling runs code), and the scikit-learn version matches the one that
trained it. Each failure is a `ModelLoadError` with one line that names the problem and the fix.
"""

import hashlib
import logging
import operator
import warnings
from collections.abc import Callable
from pathlib import Path

import joblib
import numpy as np
import sklearn
from pydantic import ValidationError
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from shared.core.errors import ModelLoadError
from shared.core.schemas import (
    FEATURES,
    BatchPredictionResponse,
    ModelCard,
    Patient,
    PredictionResponse,
)

MODEL_NAME = "diabetes-progression"
MODEL_VERSION = "1.0.0"  # bump when the data, features or estimator change
"""The model this project trains: its card carries both, V2 clients address it by both."""

RETRAIN_HINT = "run `make train` to build a fresh artifact"

feature_values = operator.attrgetter(*FEATURES)
"""A patient's ten values as a tuple, in the model's column order (one C call, not ten)."""

logger = logging.getLogger(__name__)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks so a large artifact needs little memory."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_card(card_path: Path) -> ModelCard:
    if not card_path.is_file():
        raise ModelLoadError(f"model card not found at {card_path}: {RETRAIN_HINT}")
    try:
        return ModelCard.model_validate_json(card_path.read_bytes())
    except ValidationError as error:
        raise ModelLoadError(f"model card {card_path} is invalid: {RETRAIN_HINT}") from error


def check_pinned(card: ModelCard, pinned_sha256: str | None) -> None:
    """A version is one artifact. Workers load the artifact when each starts, so one restarted
    after the artifact and its card were replaced in place would serve another model under the
    same `model_version`. A launch pins the SHA-256 its first load verified (MODEL_SHA256), and
    a worker refuses any other artifact: a new model is a new launch."""
    if pinned_sha256 is not None and card.sha256 != pinned_sha256:
        raise ModelLoadError(
            f"model artifact changed since the service started (its card says SHA-256 "
            f"{card.sha256[:12]}..., MODEL_SHA256 pins {pinned_sha256[:12]}...): refusing to "
            f"serve two models as version {card.version}; restart the whole service"
        )


def load_pipeline(model_path: Path, card: ModelCard) -> Pipeline:
    if not model_path.is_file():
        raise ModelLoadError(f"model artifact not found at {model_path}: {RETRAIN_HINT}")
    if file_sha256(model_path) != card.sha256:
        raise ModelLoadError(
            f"model artifact {model_path} does not match the SHA-256 in its card "
            f"(tampered or truncated): refusing to unpickle it; {RETRAIN_HINT}"
        )
    if card.sklearn_version != sklearn.__version__:
        raise ModelLoadError(
            f"model artifact was trained with scikit-learn {card.sklearn_version} but "
            f"{sklearn.__version__} is installed: {RETRAIN_HINT}"
        )
    try:
        # scikit-learn only warns when it unpickles another version's estimator: make it fatal.
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            pipeline = joblib.load(model_path)
    except InconsistentVersionWarning as error:
        # The warning's own text spans lines; the start-up error is one line.
        raise ModelLoadError(
            f"model artifact {model_path} holds a {error.estimator_name} pickled by scikit-learn "
            f"{error.original_sklearn_version} but {error.current_sklearn_version} is installed: "
            f"{RETRAIN_HINT}"
        ) from error
    except Exception as error:  # a corrupt pickle can fail in any way: KeyError, EOFError, ...
        raise ModelLoadError(
            f"model artifact {model_path} cannot be read: {RETRAIN_HINT}"
        ) from error
    if not isinstance(pipeline, Pipeline):
        raise ModelLoadError(f"model artifact {model_path} is not a scikit-learn Pipeline")
    return pipeline


Predict = Callable[[np.ndarray], np.ndarray]


def linear_arithmetic(pipeline: Pipeline) -> Predict | None:
    """A StandardScaler + linear regressor pipeline's `predict`, as the arithmetic it does, or
    None for any other pipeline.

    scikit-learn 1.9 spends about 400 µs on every `predict` checking its input (is it a
    dataframe? does it carry feature names?) around 4 µs of arithmetic: a profile of the Flask
    service under load found a third of its time there. The schema has checked the input already,
    so the services do the arithmetic themselves, in the order scikit-learn does it (center, scale,
    dot, add), which gives the very same floats (`Predictor` checks that at load).
    """
    if len(pipeline.steps) != 2:
        return None
    scaler, regressor = (step for _, step in pipeline.steps)
    if type(scaler) is not StandardScaler or type(regressor) not in (Ridge, LinearRegression):
        return None
    if not (scaler.with_mean and scaler.with_std) or regressor.coef_.ndim != 1:
        return None
    mean, scale = scaler.mean_, scaler.scale_
    coef, intercept = regressor.coef_, regressor.intercept_

    def predict(rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.float64)  # as scikit-learn reads them
        return ((rows - mean) / scale) @ coef + intercept

    return predict


def probe_rows(card: ModelCard) -> np.ndarray:
    """Rows to compare two predicts on: each feature's training bounds and 200 rows between and
    beyond them, always the same ones."""
    low = np.array([feature.train_min for feature in card.features])
    high = np.array([feature.train_max for feature in card.features])
    spread = np.random.default_rng(0).uniform(-0.5, 1.5, size=(200, len(low)))
    return np.vstack([low, high, low + spread * (high - low)])


def sklearn_predict(pipeline: Pipeline) -> Predict:
    """scikit-learn's own `predict`, without the checks it may skip: the schema has refused
    non-finite numbers, and the parameters were checked when the pipeline was fitted."""

    def predict(rows: np.ndarray) -> np.ndarray:
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return pipeline.predict(rows)

    return predict


def fastest_exact_predict(pipeline: Pipeline, card: ModelCard) -> Predict:
    """The pipeline's arithmetic when it gives exactly scikit-learn's predictions on the probe
    rows, all together and the first ones alone; scikit-learn's `predict` otherwise."""
    arithmetic = linear_arithmetic(pipeline)
    slow = sklearn_predict(pipeline)
    if arithmetic is None:
        return slow
    rows = probe_rows(card)
    alone = rows[:20, None]  # shape (20, 1, 10): twenty single-row batches
    if np.array_equal(arithmetic(rows), slow(rows)) and all(
        np.array_equal(arithmetic(row), slow(row)) for row in alone
    ):
        return arithmetic
    logger.warning("the pipeline's arithmetic differs from its predict: using its predict")
    return slow


class Predictor:
    """A loaded, verified model and its card: the one object both services predict with."""

    def __init__(self, pipeline: Pipeline, card: ModelCard, arithmetic: bool = True) -> None:
        """`arithmetic=False` keeps scikit-learn's `predict` whatever the pipeline (the
        benchmarks measure what the arithmetic is worth)."""
        self.pipeline = pipeline
        self.card = card
        self._predict = (
            fastest_exact_predict(pipeline, card) if arithmetic else sklearn_predict(pipeline)
        )
        self._train_min = np.array([feature.train_min for feature in card.features])
        self._train_max = np.array([feature.train_max for feature in card.features])

    @classmethod
    def load(
        cls,
        model_path: Path,
        card_path: Path,
        pinned_sha256: str | None = None,
        arithmetic: bool = True,
    ) -> "Predictor":
        """Load and verify the artifact; with `pinned_sha256` (MODEL_SHA256), only that one."""
        card = read_card(card_path)
        check_pinned(card, pinned_sha256)
        return cls(load_pipeline(model_path, card), card, arithmetic)

    @property
    def version(self) -> str:
        return self.card.version

    def predict_one(self, patient: Patient) -> PredictionResponse:
        batch = self.predict_batch([patient])
        return PredictionResponse(
            prediction=batch.predictions[0],
            model_version=batch.model_version,
            out_of_range=batch.out_of_range[0],
        )

    def predict_batch(self, patients: list[Patient]) -> BatchPredictionResponse:
        return self.predict_rows(np.array([feature_values(patient) for patient in patients]))

    def predict_rows(self, rows: np.ndarray) -> BatchPredictionResponse:
        """Rows of features already checked against the schema, shape (N, 10), in FEATURES order."""
        return BatchPredictionResponse(
            predictions=self._predict(rows).tolist(),
            model_version=self.version,
            out_of_range=self.out_of_range(rows),
        )

    def out_of_range(self, rows: np.ndarray) -> list[list[str]]:
        """For each row, the features outside the training range (accepted, but extrapolated).

        One pass over the few cells outside, not one numpy call per row: for 1,000 rows that
        took longer than the model's predict."""
        outside = (rows < self._train_min) | (rows > self._train_max)
        flags: list[list[str]] = [[] for _ in range(len(rows))]
        for row, column in zip(*np.nonzero(outside), strict=True):
            flags[row].append(FEATURES[column])
        return flags
