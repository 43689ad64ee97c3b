"""Exercise 02, solved: a forest instead of Ridge, saved with joblib, with its card."""

import json
from pathlib import Path

import joblib
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from shared.core.model import file_sha256
from shared.core.train import SPLIT_SEED, TEST_FRACTION, load_data


def build_pipeline() -> Pipeline:
    """A scaler and an estimator other than Ridge (try Lasso, or a RandomForestRegressor)."""
    forest = RandomForestRegressor(n_estimators=50, min_samples_leaf=5, random_state=0)
    return Pipeline([("scale", StandardScaler()), ("regress", forest)])


def save(pipeline: Pipeline, model_path: Path, r2: float) -> None:
    """Write the artifact with joblib, then its card beside it (same name, .json), holding
    "estimator" (the estimator's class name), "r2", and "sha256" of the artifact file."""
    model_path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, model_path)
    card = {
        "estimator": type(pipeline[-1]).__name__,
        "r2": r2,
        "sha256": file_sha256(model_path),  # after dumping: the hash of the bytes on disk
    }
    model_path.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")


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
