# The seed FastAPI app with one word changed: `async def`. The prediction now runs on the event
# loop itself, with no thread-pool hop; see lessons/15-sync-async-and-the-event-loop.md.
import os

import joblib
from fastapi import FastAPI

app = FastAPI()
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


@app.post("/predict")
async def predict(data: dict):
    prediction = model.predict([[data[name] for name in FEATURES]])[0]
    return {"prediction": prediction}
