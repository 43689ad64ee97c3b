"""Your service's schema: the project's Patient, and what your service adds to it (lesson 06)."""

from pydantic import BaseModel, Field, model_validator  # noqa: F401 (you will use them)

from shared.core.schemas import FEATURES, Patient


class PatientRequest(Patient):
    """The body of POST /predict: the ten measurements (inherited), and the client's own id."""

    # TODO (step 1): an optional `patient_id` in schemas.py, here and in Prediction: a string of
    #   at most 64 characters, None when the client sends none.
    # TODO (step 4): in schemas.py, a rule across two fields: a @model_validator(mode="after")
    #   that raises ValueError("ldl cannot exceed tc ...") when ldl > tc.

    def row(self) -> list[list[float]]:
        """The one row the model wants: the ten measurements, in FEATURES order."""
        return [[getattr(self, name) for name in FEATURES]]


class Prediction(BaseModel):
    prediction: float


def echoed_fields(patient: PatientRequest) -> dict:
    """The request's fields that are not measurements: the client's own, answered back as sent."""
    return patient.model_dump(exclude=set(FEATURES))
