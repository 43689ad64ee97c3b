"""Train the model and write the artifact and its card: `python -m shared.core.train`.

Deterministic: a fixed split seed and a closed-form regressor, so the same library versions always
produce the same coefficients and metrics.
"""

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from shared.core.model import MODEL_NAME, MODEL_VERSION, file_sha256
from shared.core.schemas import FEATURES, FeatureInfo, Metrics, ModelCard, Patient
from shared.core.settings import Settings

SPLIT_SEED = 42
TEST_FRACTION = 0.2


def load_data() -> tuple[np.ndarray, np.ndarray]:
    """The diabetes data in original units, columns in the order of `FEATURES`."""
    dataset = load_diabetes(scaled=False)
    return dataset.data, dataset.target


def build_pipeline() -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("regress", Ridge(alpha=1.0))])


def evaluate(pipeline: Pipeline, features: np.ndarray, target: np.ndarray) -> Metrics:
    predicted = pipeline.predict(features)
    return Metrics(
        r2=round(float(r2_score(target, predicted)), 4),
        mae=round(float(mean_absolute_error(target, predicted)), 4),
        rmse=round(float(np.sqrt(mean_squared_error(target, predicted))), 4),
    )


def train(model_path: Path) -> ModelCard:
    """Fit, evaluate on the held-out split, save the artifact and write its card beside it."""
    features, target = load_data()
    x_train, x_test, y_train, y_test = train_test_split(
        features, target, test_size=TEST_FRACTION, random_state=SPLIT_SEED
    )
    pipeline = build_pipeline().fit(x_train, y_train)

    model_path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, model_path)
    card = ModelCard(
        name=MODEL_NAME,
        version=MODEL_VERSION,
        created_at=datetime.now(UTC),
        sklearn_version=sklearn.__version__,
        python_version=platform.python_version(),
        estimator="StandardScaler + Ridge(alpha=1.0)",
        target="Quantitative measure of disease progression one year after baseline",
        target_min=float(y_train.min()),
        target_max=float(y_train.max()),
        features=[
            FeatureInfo(
                name=name,
                description=Patient.model_fields[name].description or "",
                train_min=float(x_train[:, column].min()),
                train_max=float(x_train[:, column].max()),
            )
            for column, name in enumerate(FEATURES)
        ],
        n_train=len(x_train),
        n_test=len(x_test),
        metrics=evaluate(pipeline, x_test, y_test),
        sha256=file_sha256(model_path),
    )
    model_path.with_suffix(".json").write_text(card.model_dump_json(indent=2) + "\n")
    return card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model-path", type=Path, default=None, help="default: MODEL_PATH from the settings"
    )
    args = parser.parse_args()
    model_path = args.model_path or Settings().model_path
    card = train(model_path)
    print(json.dumps({"artifact": str(model_path), **card.metrics.model_dump()}))


if __name__ == "__main__":
    main()
