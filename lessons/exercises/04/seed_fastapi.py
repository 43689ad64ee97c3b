# Exercise 04: the seed FastAPI app. TODO: answer 422, not 500, to a body that is not a patient.
import os

import joblib
from fastapi import FastAPI

app = FastAPI()
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


@app.post("/predict")
def predict(data: dict):
    prediction = model.predict([[data[name] for name in FEATURES]])[0]
    return {"prediction": prediction}
