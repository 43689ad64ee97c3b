"""Exercise 17 (given): the query of GET /feature, shared by both twins."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

FeatureName = Literal["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


class FeatureQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: FeatureName
