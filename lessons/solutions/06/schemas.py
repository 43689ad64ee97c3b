"""The exercise's schema: the project's Patient, plus an optional patient_id (solution)."""

from pydantic import BaseModel, Field

from shared.schemas import FEATURES, Patient


class PatientRequest(Patient):
    """The body of POST /predict: the ten measurements (inherited) and nothing else."""

    patient_id: str | None = Field(default=None, max_length=64)


class Prediction(BaseModel):
    prediction: float
    patient_id: str | None = None


def echoed_fields(patient: PatientRequest) -> dict:
    """The request's fields that are not measurements: the client's own, answered back as sent."""
    return patient.model_dump(exclude=set(FEATURES))
