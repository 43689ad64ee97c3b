"""The request and response shapes of the contract, as pydantic models.

Both services declare these same models on their routes, so both validate the same way and both
OpenAPI documents describe the same schemas.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

MAX_VALIDATION_ISSUES = 50
"""The most issues a 422 lists. A 4 kB batch of 1,000 empty objects breaks 10,000 rules: listing
them all made a 787 kB answer (an amplification a client gets for free); the first ones and the
count tell a client as much."""


MAX_BATCH = 1000
"""The largest batch `POST /predict/batch` accepts: bounds the work one request can ask for."""


def _measurement(low: float, high: float, description: str) -> object:
    """A finite JSON number inside a physical range. Strict: `true` and `"3"` are not numbers."""
    return Annotated[
        float,
        Field(
            strict=True,
            allow_inf_nan=False,
            ge=float(low),
            le=float(high),
            description=description,
        ),
    ]


def _reject_booleans(value: object) -> object:
    # In Python `True == 1`, so a Literal[1, 2] alone would take `true` for a sex of 1.
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "Input should be 1 or 2")
    return value


Sex = Annotated[
    Literal[1, 2],
    BeforeValidator(_reject_booleans),
    Field(description="Sex as the dataset codes it: 1 or 2"),
]


EXAMPLE_PATIENT: dict[str, float] = {
    "age": 59,
    "sex": 2,
    "bmi": 32.1,
    "bp": 101,
    "tc": 157,
    "ldl": 93.2,
    "hdl": 38,
    "tch": 4,
    "ltg": 4.8598,
    "glu": 87,
}
"""The dataset's first patient: a valid body for tests, benchmarks and examples."""


class ClosedObject(BaseModel):
    """A JSON object with known fields only: each unknown one is a 422 issue. An object with far
    more fields than it knows is refused whole, in one issue: pydantic would otherwise make one
    issue per unknown field (70,000 for a 1 MB body) and spend half a second writing them out."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_far_too_many_fields(cls, data: object) -> object:
        limit = len(cls.model_fields) + MAX_VALIDATION_ISSUES
        if isinstance(data, dict) and len(data) > limit:
            raise PydanticCustomError(
                "too_many_fields", "Input should have at most {limit} fields", {"limit": limit}
            )
        return data


class Patient(ClosedObject):
    """One patient's ten baseline measurements: the input of one prediction."""

    # The example is what Swagger UI's "Try it out" and generated clients start from
    # (`example`, not `examples`: flask-openapi3 drops a model's `examples`).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": EXAMPLE_PATIENT})

    age: _measurement(0, 120, "Age in years")
    sex: Sex
    bmi: _measurement(10, 80, "Body mass index, kg/m2")
    bp: _measurement(30, 250, "Mean arterial blood pressure, mm Hg")
    tc: _measurement(30, 700, "Total serum cholesterol, mg/dL (dataset column s1)")
    ldl: _measurement(0, 600, "Low-density lipoproteins, mg/dL (s2)")
    hdl: _measurement(5, 200, "High-density lipoproteins, mg/dL (s3)")
    tch: _measurement(0.5, 30, "Total cholesterol / HDL ratio (s4)")
    ltg: _measurement(0, 10, "Log of serum triglycerides level (s5)")
    glu: _measurement(20, 700, "Blood sugar level, mg/dL (s6)")


FEATURES: tuple[str, ...] = tuple(Patient.model_fields)
"""Feature names in the order the model expects its columns."""


class BatchRequest(ClosedObject):
    """Several patients predicted in one call."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"instances": [EXAMPLE_PATIENT]}}
    )

    instances: list[Patient] = Field(min_length=1, max_length=MAX_BATCH)


class PredictionResponse(BaseModel):
    prediction: float = Field(description="Predicted disease progression one year later")
    model_version: str
    out_of_range: list[str] = Field(
        description="Features outside the training range: the prediction extrapolates"
    )


class BatchPredictionResponse(BaseModel):
    predictions: list[float]
    model_version: str
    out_of_range: list[list[str]] = Field(description="For each instance, as in /predict")


class HealthResponse(BaseModel):
    status: Literal["ok"]


class ReadyResponse(BaseModel):
    status: Literal["ready"]
    model_version: str


class FeatureInfo(BaseModel):
    name: str
    description: str
    train_min: float
    train_max: float


class Metrics(BaseModel):
    r2: float
    mae: float
    rmse: float


class ModelCard(BaseModel):
    """What a client (and an auditor) needs to know about the served model."""

    name: str
    version: str
    created_at: datetime
    sklearn_version: str
    python_version: str
    estimator: str
    target: str
    target_min: float = Field(description="The smallest target in the training data")
    target_max: float = Field(
        description="The largest target in the training data: predictions are on this scale"
    )
    features: list[FeatureInfo]
    n_train: int
    n_test: int
    metrics: Metrics = Field(description="Measured on the held-out test split")
    sha256: str = Field(description="SHA-256 of the artifact file, checked before it is loaded")


class ErrorResponse(BaseModel):
    """Every error that is not a schema violation."""

    detail: str


class ValidationIssue(BaseModel):
    type: str
    loc: list[str | int]
    msg: str


def _integer_when_present(schema: dict) -> None:
    """Document a field that is absent, never null, as an integer (FastAPI and flask-openapi3
    would otherwise disagree on its null default)."""
    schema.pop("default", None)
    schema.pop("anyOf", None)
    schema["type"] = "integer"


class ValidationErrorResponse(BaseModel):
    """422: the body is JSON but breaks the schema; `loc` points at the field."""

    detail: list[ValidationIssue]
    error_count: int | None = Field(
        default=None,
        description="How many issues the body had, present only when `detail` lists the first "
        f"{MAX_VALIDATION_ISSUES} of them.",
        json_schema_extra=_integer_when_present,
    )


# The predictions resource: a stored log of predictions and the outcomes observed later.

MAX_PAGE_SIZE = 100
"""The most records one `GET /predictions` returns: bounds the work one request can ask for."""

SQL_INT_MAX = 2**63 - 1
"""The largest integer SQLite and PostgreSQL both store (signed 64 bits): bounds ids, offsets."""


class PredictionRecord(BaseModel):
    """One stored prediction: what the model was asked, what it answered, and what happened."""

    id: int
    created_at: datetime = Field(description="When the prediction was stored, in UTC")
    features: Patient
    prediction: float = Field(description="Predicted disease progression one year later")
    model_version: str
    actual: float | None = Field(
        description="The observed outcome, once recorded with PUT /predictions/{id}/actual"
    )


class PredictionPage(BaseModel):
    """A page of stored predictions, newest first."""

    items: list[PredictionRecord]
    total: int = Field(description="How many predictions are stored in all")
    limit: int
    offset: int


class PageQuery(BaseModel):
    """The query string of `GET /predictions`: which page to return."""

    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE, description="Records per page")
    offset: int = Field(default=0, ge=0, le=SQL_INT_MAX, description="Records to skip")


class ActualValue(ClosedObject):
    """The outcome observed for a stored prediction."""

    # 151: the outcome the dataset records for its first patient, the example patient.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"value": 151.0}})

    value: float = Field(
        strict=True,
        allow_inf_nan=False,
        ge=0.0,
        le=1000.0,
        description="Observed disease progression one year later, in the target's units "
        "(the dataset's values lie between 25 and 346)",
    )


class Performance(BaseModel):
    """The served model's live error, over the stored predictions that have an actual value."""

    count: int = Field(description="Predictions with an observed outcome")
    mae: float | None = Field(description="Mean absolute error; null while count is 0")
    rmse: float | None = Field(description="Root mean squared error; null while count is 0")
