"""Exercise 02: train the diabetes model with another estimator, save it, and write its card.

`train_and_save` is written; you write `build_pipeline` and `save`.
"""

import json  # noqa: F401 (you will use it)
from pathlib import Path

from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from shared.core.model import file_sha256  # noqa: F401 (you will use it)
from shared.core.train import SPLIT_SEED, TEST_FRACTION, load_data


def build_pipeline() -> Pipeline:
    """A scaler and an estimator other than Ridge (try Lasso, or a RandomForestRegressor)."""
    raise NotImplementedError("return a Pipeline with a StandardScaler and another estimator")


def save(pipeline: Pipeline, model_path: Path, r2: float) -> None:
    """Write the artifact with joblib, then its card beside it (same name, .json), holding
    "estimator" (the estimator's class name), "r2", and "sha256" of the artifact file."""
    raise NotImplementedError("joblib.dump the pipeline, then write the card as JSON")


def train_and_save(model_path: Path) -> float:
    """Fit on the training split, score on the held-out split, save; returns the R²."""
    features, target = load_data()
    x_train, x_test, y_train, y_test = train_test_split(
        features, target, test_size=TEST_FRACTION, random_state=SPLIT_SEED
    )
    pipeline = build_pipeline().fit(x_train, y_train)
    r2 = round(float(r2_score(y_test, pipeline.predict(x_test))), 4)
    save(pipeline, model_path, r2)
    return r2
