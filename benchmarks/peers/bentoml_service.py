"""BentoML 1.4 on our artifact, for `make bench-peers`: a `@bentoml.service`, one `@bentoml.api`.

    .venv-peers/bentoml/bin/python -m benchmarks.peers.bentoml_service --port 9002

(which runs `bentoml serve benchmarks.peers.bentoml_service:Diabetes` on that port).

As BentoML's documentation writes a service for a scikit-learn model: the API's parameters are
the ten named features (BentoML builds the request schema from them, and validates with
pydantic), the answer `{"prediction": ...}` as our `/predict` gives. Imports nothing of the
project.
"""

import argparse
import os
import sys
from pathlib import Path

import bentoml
import joblib

FEATURES = ("age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu")


# Its best configuration for one core: one worker, no access log line per request (our services
# run without one too), and an `async def` API: the prediction, well under a millisecond, runs on
# the event loop instead of a thread pool (twice the req/s here). `--defaults` keeps BentoML's
# access log, as a user gets it.
DEFAULTS = os.environ.get("BENTOML_PEER_DEFAULTS") == "1"
ACCESS_LOG = {"access": {"enabled": DEFAULTS}}


@bentoml.service(workers=1, traffic={"timeout": 30}, logging=ACCESS_LOG)
class Diabetes:
    def __init__(self) -> None:
        self.pipeline = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

    @bentoml.api(route="/predict")
    async def predict(
        self,
        age: float,
        sex: float,
        bmi: float,
        bp: float,
        tc: float,
        ldl: float,
        hdl: float,
        tch: float,
        ltg: float,
        glu: float,
    ) -> dict:
        row = [age, sex, bmi, bp, tc, ldl, hdl, tch, ltg, glu]
        return {"prediction": float(self.pipeline.predict([row])[0])}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.bentoml_service")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1, help="only 1: set in @bentoml.service")
    parser.add_argument("--defaults", action="store_true", help="BentoML's access log on")
    args = parser.parse_args()
    if args.defaults:
        os.environ["BENTOML_PEER_DEFAULTS"] = "1"  # read by the service's module, in `serve`
    bentoml_cli = Path(sys.executable).parent / "bentoml"
    service = "benchmarks.peers.bentoml_service:Diabetes"
    command = [str(bentoml_cli), "serve", service, "--host", "127.0.0.1", "--port", str(args.port)]
    os.execv(bentoml_cli, command)


if __name__ == "__main__":
    main()
