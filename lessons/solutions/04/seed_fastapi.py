# Exercise 04, solved: the seed FastAPI app, validating its body with the shared schema.
import os

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient

app = FastAPI()
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))


@app.post("/predict")
def predict(patient: Patient):  # FastAPI validates the body: a mistake is a 422 with its loc
    prediction = model.predict([[getattr(patient, name) for name in FEATURES]])[0]
    return {"prediction": prediction}
