"""Train the wine classifier, write its artifact and card: `python train.py models/wine.joblib`."""

import json
import sys
from pathlib import Path

import joblib
from schemas import FEATURES
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

MODEL_VERSION = "1.0.0"


def train(model_path: Path) -> dict:
    """Fit on 80 % of the wines, score on the rest, save the pipeline and its card beside it."""
    dataset = load_wine()
    x_train, x_test, y_train, y_test = train_test_split(
        dataset.data, dataset.target, test_size=0.2, random_state=42, stratify=dataset.target
    )
    pipeline = Pipeline([("scale", StandardScaler()), ("classify", LogisticRegression())])
    pipeline.fit(x_train, y_train)
    card = {
        "name": "wine-class",
        "version": MODEL_VERSION,
        "features": list(FEATURES),
        "classes": [str(name) for name in dataset.target_names],  # index i = class i
        "accuracy": round(float(accuracy_score(y_test, pipeline.predict(x_test))), 4),
    }
    model_path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, model_path)
    model_path.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    return card


if __name__ == "__main__":
    print(train(Path(sys.argv[1] if len(sys.argv) > 1 else "models/wine.joblib")))
