"""The ASGI floor: no framework, only the protocol and the model's predict.

A FastAPI route adds routing, validation and serialization on top of this; the distance between
the two is what the framework costs. Like the seed apps it loads the model with joblib at import
(no SHA-256 check, no validation): a floor, not a service.
Run: `uvicorn benchmarks.baselines.bare_asgi:app`.
"""

import json
import os

import joblib

model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


async def read_body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body


async def answer(send, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def lifespan(receive, send) -> None:
    """Nothing to set up (the model loaded at import); acknowledge start-up and shutdown."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if scope["method"] != "POST" or scope["path"] != "/predict":
        await answer(send, 404, {"detail": "Not Found"})
        return
    data = json.loads(await read_body(receive))
    prediction = model.predict([[data[name] for name in FEATURES]])[0]
    await answer(send, 200, {"prediction": float(prediction)})
