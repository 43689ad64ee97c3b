"""Your service's schema: the project's Patient, and what your service adds to it (lesson 06)."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.core.schemas import FEATURES, Patient


class PatientRequest(Patient):
    """The body of POST /predict: the ten measurements (inherited), and the client's own id."""

    patient_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def ldl_within_tc(self) -> "PatientRequest":
        # A rule across two fields: it runs once both are valid on their own.
        if self.ldl > self.tc:
            raise ValueError("ldl cannot exceed tc (LDL is part of the total cholesterol)")
        return self

    def row(self) -> list[list[float]]:
        """The one row the model wants: the ten measurements, in FEATURES order."""
        return [[getattr(self, name) for name in FEATURES]]


class Prediction(BaseModel):
    prediction: float
    patient_id: str | None = Field(default=None, max_length=64)


class PatientBatch(BaseModel):
    """The body of POST /predict/batch: 1 to 1000 patients, and nothing else."""

    model_config = ConfigDict(extra="forbid")

    instances: list[PatientRequest] = Field(min_length=1, max_length=1000)


class PredictionBatch(BaseModel):
    predictions: list[Prediction]


def echoed_fields(patient: PatientRequest) -> dict:
    """The request's fields that are not measurements: the client's own, answered back as sent."""
    return patient.model_dump(exclude=set(FEATURES))


def predict_batch(model: object, patients: list[PatientRequest]) -> PredictionBatch:
    """One call of the model for all the patients, each answer with the client's own fields."""
    values = model.predict([patient.row()[0] for patient in patients])
    answers = [
        Prediction(prediction=float(value), **echoed_fields(patient))
        for patient, value in zip(patients, values, strict=True)
    ]
    return PredictionBatch(predictions=answers)
