"""Exercise 15: a FastAPI app whose route blocks the event loop. TODO: fix it (see README.md)."""

import slow_model
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient


def create_app() -> FastAPI:
    app = FastAPI()

    @app.post("/predict")
    async def predict(patient: Patient) -> dict:
        # slow_model.predict blocks for 0.1 s. Inside `async def`, the event loop waits with it:
        # no other request of this worker moves meanwhile.
        features = [getattr(patient, name) for name in FEATURES]
        return {"prediction": slow_model.predict(features)}

    return app
