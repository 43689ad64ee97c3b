"""Ray Serve 2.60 on our artifact, for `make bench-peers`: one deployment, one replica.

    .venv-peers/ray/bin/python -m benchmarks.peers.ray_serve --port 9004
    .venv-peers/ray/bin/python -m benchmarks.peers.ray_serve --port 9005 --defaults

As Ray Serve's documentation writes a deployment: a class whose `__call__` takes the Starlette
request (the ten named features as JSON) and returns `{"prediction": ...}`, as our `/predict`
answers. Ray Serve cannot run in one process: this process starts a local Ray cluster (the GCS
server, a raylet and Ray's agents), Serve's controller, its HTTP proxy and the replica, each a
process; the benchmark counts the CPU of all of them. Its best configuration for one core, as
Serve's performance guide tunes it: one replica that takes the 30 connections' requests
together (`max_ongoing_requests`), per-request access logs off, no dashboard. `--defaults` keeps
Serve's defaults instead (5 ongoing requests per replica, access logs, the dashboard).
Imports nothing of the project.
"""

import argparse
import os
import signal
import sys
import tempfile
import time

import joblib
import ray
from ray import serve
from starlette.requests import Request

FEATURES = ("age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu")
# The load generator keeps 30 requests in flight: the replica may take all of them at once.
MAX_ONGOING_REQUESTS = 32
# Serve runs the user's code and its router each on an event loop of its own thread by default;
# on one core, one loop saves a thread switch per request (Serve's performance guide).
ONE_EVENT_LOOP = {
    "RAY_SERVE_RUN_USER_CODE_IN_SEPARATE_THREAD": "0",
    "RAY_SERVE_RUN_ROUTER_IN_SEPARATE_LOOP": "0",
}


class Diabetes:
    def __init__(self, model_path: str) -> None:
        self.pipeline = joblib.load(model_path)

    async def __call__(self, request: Request) -> dict:
        patient = await request.json()
        row = [float(patient[name]) for name in FEATURES]
        return {"prediction": float(self.pipeline.predict([row])[0])}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.ray_serve")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1, help="replicas")
    parser.add_argument("--defaults", action="store_true", help="Serve's default settings")
    args = parser.parse_args()
    # SIGTERM (the benchmark's stop) ends the driver through `finally`: Ray's processes go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    model_path = os.path.abspath(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
    # Before Ray starts: its processes inherit the environment. On a busy core the raylet and
    # Ray's agents can take longer to start than Ray waits for them by default.
    os.environ.setdefault("RAY_raylet_start_wait_time_s", "180")
    os.environ.setdefault("RAY_agent_register_timeout_ms", "180000")
    if not args.defaults:
        os.environ.update(ONE_EVENT_LOOP)
    # A local cluster of its own, in a folder of its own: never one another program started.
    folder = tempfile.mkdtemp(prefix="ray-peer-")
    ray.init(
        address="local",
        num_cpus=1,
        include_dashboard=args.defaults,
        log_to_driver=False,
        _temp_dir=folder,
    )
    try:
        logging = None if args.defaults else {"enable_access_log": False, "log_level": "WARNING"}
        serve.start(http_options={"host": "127.0.0.1", "port": args.port}, logging_config=logging)
        options = {"num_replicas": args.workers}
        if not args.defaults:
            options["max_ongoing_requests"] = MAX_ONGOING_REQUESTS
        deployment = serve.deployment(Diabetes, name="diabetes", **options)
        serve.run(deployment.bind(model_path), route_prefix="/predict")
        while True:
            time.sleep(3600)
    finally:
        serve.shutdown()
        ray.shutdown()


if __name__ == "__main__":
    main()
