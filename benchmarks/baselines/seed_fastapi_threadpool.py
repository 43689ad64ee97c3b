# The seed FastAPI app as `async def` that sends the prediction to the thread pool explicitly:
# what a plain `def` endpoint does implicitly. See lessons/15-sync-async-and-the-event-loop.md.
import os

import joblib
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

app = FastAPI()
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


@app.post("/predict")
async def predict(data: dict):
    rows = [[data[name] for name in FEATURES]]
    prediction = (await run_in_threadpool(model.predict, rows))[0]
    return {"prediction": prediction}
