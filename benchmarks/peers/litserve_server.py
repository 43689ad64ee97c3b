"""LitServe 0.2 on our artifact, for `make bench-peers`: a `LitAPI` behind a `LitServer`.

    .venv-peers/litserve/bin/python -m benchmarks.peers.litserve_server --port 9003

As LitServe's documentation writes an API: `decode_request` takes the JSON body (the ten named
features), `predict` runs the model, `encode_response` builds `{"prediction": ...}`, as our
`/predict` answers. Its best configuration for one core: one API server process and one
inference worker (`workers_per_device=1`, no batching: one row per request). LitServe cannot run
in one process: the main process starts the API server (uvicorn) and the inference worker as
processes of their own, which pass each request through queues; the benchmark counts the CPU of
all three. Imports nothing of the project.
"""

import argparse
import os

import joblib
import litserve as ls

FEATURES = ("age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu")


class DiabetesAPI(ls.LitAPI):
    def setup(self, device: str) -> None:
        self.pipeline = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

    def decode_request(self, request: dict) -> list[float]:
        return [float(request[name]) for name in FEATURES]

    def predict(self, row: list[float]) -> float:
        return float(self.pipeline.predict([row])[0])

    def encode_response(self, prediction: float) -> dict:
        return {"prediction": prediction}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.litserve_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    server = ls.LitServer(
        DiabetesAPI(api_path="/predict"),
        accelerator="cpu",
        devices=1,
        workers_per_device=args.workers,
    )
    server.run(host="127.0.0.1", port=args.port, num_api_servers=1, generate_client_file=False)


if __name__ == "__main__":
    main()
