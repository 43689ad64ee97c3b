"""Your service's schema: the project's Patient, and what your service adds to it (lesson 06)."""

from pydantic import BaseModel, Field, model_validator

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


def echoed_fields(patient: PatientRequest) -> dict:
    """The request's fields that are not measurements: the client's own, answered back as sent."""
    return patient.model_dump(exclude=set(FEATURES))
