"""The exercise's schema: the project's Patient, plus what this exercise adds.

TODO (step 1): add an optional `patient_id` to both models below: a string of at most 64
characters, `None` when the client sends none. Then run `make exercise N=06`.
"""

from pydantic import BaseModel

from shared.core.schemas import FEATURES, Patient


class PatientRequest(Patient):
    """The body of POST /predict: the ten measurements (inherited) and nothing else."""


class Prediction(BaseModel):
    prediction: float


def echoed_fields(patient: PatientRequest) -> dict:
    """The request's fields that are not measurements: the client's own, answered back as sent."""
    return patient.model_dump(exclude=set(FEATURES))
