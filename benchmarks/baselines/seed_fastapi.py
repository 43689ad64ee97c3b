# The seed: the FastAPI app a tutorial would write. Kept as a baseline; see lessons/04-the-seed.md.
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
