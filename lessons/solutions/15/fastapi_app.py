"""Exercise 15, solved: the blocking model call runs in FastAPI's thread pool."""

import slow_model
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient


def create_app() -> FastAPI:
    app = FastAPI()

    @app.post("/predict")
    def predict(patient: Patient) -> dict:
        # A plain `def`: FastAPI runs it in its thread pool, so while one call blocks in the
        # model, the event loop keeps serving the other requests.
        features = [getattr(patient, name) for name in FEATURES]
        return {"prediction": slow_model.predict(features)}

    return app
