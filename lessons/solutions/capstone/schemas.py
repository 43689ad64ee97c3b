"""The capstone's contract as pydantic models: one wine in, its class and probabilities out."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# The dataset's 13 measurements, in the model's column order. The 12th is named
# "od280/od315_of_diluted_wines" in scikit-learn: a slash makes a poor JSON key.
FEATURES: tuple[str, ...] = (
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280_od315_of_diluted_wines",
    "proline",
)

# A finite number, at least 0: strict, so "12.5" (a string) and true are refused, not converted.
Measurement = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]


class Wine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alcohol: Measurement
    malic_acid: Measurement
    ash: Measurement
    alcalinity_of_ash: Measurement
    magnesium: Measurement
    total_phenols: Measurement
    flavanoids: Measurement
    nonflavanoid_phenols: Measurement
    proanthocyanins: Measurement
    color_intensity: Measurement
    hue: Measurement
    od280_od315_of_diluted_wines: Measurement
    proline: Measurement

    def row(self) -> list[float]:
        return [getattr(self, name) for name in FEATURES]


class WineBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instances: list[Wine] = Field(min_length=1, max_length=1000)


class ClassPrediction(BaseModel):
    # `class` is a Python keyword: the field is `class_`, and JSON calls it "class" (its alias).
    class_: str = Field(alias="class")
    probabilities: dict[str, float]


class Prediction(ClassPrediction):
    model_version: str


class BatchPrediction(BaseModel):
    predictions: list[ClassPrediction]
    model_version: str
