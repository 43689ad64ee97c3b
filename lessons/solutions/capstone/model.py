"""The loaded classifier, shared by both twins: the framework-free core of the capstone."""

import json
from pathlib import Path

import joblib
from schemas import BatchPrediction, ClassPrediction, Prediction, Wine


class WineModel:
    def __init__(self, model_path: Path) -> None:
        card = json.loads(model_path.with_suffix(".json").read_text())
        self.pipeline = joblib.load(model_path)
        self.classes: list[str] = card["classes"]
        self.version: str = card["version"]

    def _classify(self, wines: list[Wine]) -> list[ClassPrediction]:
        rows = [wine.row() for wine in wines]
        results = []
        for probabilities in self.pipeline.predict_proba(rows):
            by_class = dict(zip(self.classes, map(float, probabilities), strict=True))
            best = max(by_class, key=by_class.get)
            results.append(
                ClassPrediction.model_validate({"class": best, "probabilities": by_class})
            )
        return results

    def predict_one(self, wine: Wine) -> Prediction:
        (result,) = self._classify([wine])
        return Prediction(**result.model_dump(by_alias=True), model_version=self.version)

    def predict_batch(self, wines: list[Wine]) -> BatchPrediction:
        return BatchPrediction(predictions=self._classify(wines), model_version=self.version)
