"""Start another V2 server on our artifact, for `make bench-peers`: MLServer or KServe.

    .venv-peers/mlserver/bin/python -m benchmarks.peers.serve mlserver --port 9000
    .venv-peers/mlserver/bin/python -m benchmarks.peers.serve mlserver-default --port 9002
    .venv-peers/kserve/bin/python -m benchmarks.peers.serve kserve --port 9001

Each peer runs in a virtual environment of its own (MLServer pins its own FastAPI, KServe another
one), so this file imports nothing of the project but `tests/support/processes.py`, which needs
only the standard library: the rest is the standard library and the peer's packages. The model is
the same `models/diabetes.joblib` (MODEL_PATH), served under the same name, so the same V2 request
(benchmarks/payloads.py) reaches every server at the same path.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from tests.support.processes import free_port

MODEL_NAME = "diabetes-progression"  # as shared.core.train.MODEL_NAME
MODEL_VERSION = "1.0.0"
# MLServer's adaptive batching, as its documentation's example: up to 32 requests, 2 ms at most.
ADAPTIVE_BATCHING = {"max_batch_size": 32, "max_batch_time": 0.002}


def model_path() -> Path:
    return Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib")).resolve()


def serve_mlserver(port: int, workers: int, one_process: bool, adaptive_batching: bool) -> None:
    """`mlserver start` on a fresh folder holding the two settings files MLServer reads.

    Loopback only, and its gRPC and metrics ports (always started) on free ports. By default
    MLServer runs inference in `parallel_workers` worker processes (1) beside the HTTP process:
    on the one core the benchmark gives each server, every request then crosses a process
    boundary between two processes sharing that core. Its best configuration there, as a serving
    engineer would set it, is `parallel_workers: 0`, inference in the HTTP process
    (`one_process`); the default is measured beside it. Started in that folder, MLServer writes
    its `.metrics` and `.envs` there, not in the project.
    """
    folder = Path(tempfile.mkdtemp(prefix="mlserver-"))
    settings = {
        "host": "127.0.0.1",
        "http_port": port,
        "grpc_port": free_port(),
        "metrics_port": free_port(),
    }
    if one_process:
        settings["parallel_workers"] = 0
    elif workers > 1:
        settings["parallel_workers"] = workers
    model_settings = {
        "name": MODEL_NAME,
        "implementation": "mlserver_sklearn.SKLearnModel",
        "parameters": {"uri": str(model_path()), "version": MODEL_VERSION},
        **(ADAPTIVE_BATCHING if adaptive_batching else {}),
    }
    (folder / "settings.json").write_text(json.dumps(settings))
    (folder / "model-settings.json").write_text(json.dumps(model_settings))
    os.chdir(folder)
    mlserver = Path(sys.executable).parent / "mlserver"
    os.execv(mlserver, [str(mlserver), "start", str(folder)])


def serve_kserve(port: int, workers: int) -> None:
    """KServe's Python model server with a custom `kserve.Model`: what its documentation shows
    for a model it has no runtime for. Imported here: only the kserve environment has it."""
    import joblib
    import numpy as np
    import uvicorn
    from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer

    class LoopbackConfig(uvicorn.Config):
        """KServe hard-codes host 0.0.0.0; the benchmark stays on loopback, as every server."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **{**kwargs, "host": "127.0.0.1"})

    uvicorn.Config = LoopbackConfig

    class DiabetesModel(Model):
        def __init__(self) -> None:
            super().__init__(MODEL_NAME)
            self.pipeline = None

        def load(self) -> bool:
            self.pipeline = joblib.load(model_path())
            self.ready = True
            return self.ready

        def predict(self, payload: InferRequest, headers=None, response_headers=None):
            rows = np.asarray(payload.inputs[0].as_numpy(), dtype=np.float64)
            predictions = self.pipeline.predict(rows.reshape(-1, 10))
            output = InferOutput(name="prediction", shape=[len(predictions), 1], datatype="FP64")
            output.set_data_from_numpy(predictions.reshape(-1, 1))
            # The response id must be a string: KServe refuses None (PITFALLS.md).
            return InferResponse(
                response_id=payload.id or "",
                model_name=MODEL_NAME,
                infer_outputs=[output],
            )

    model = DiabetesModel()
    model.load()
    ModelServer(http_port=port, grpc_port=free_port(), enable_grpc=False, workers=workers).start(
        [model]
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.serve")
    parser.add_argument(
        "peer", choices=["mlserver", "mlserver-default", "mlserver-batched", "kserve"]
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.peer == "kserve":
        serve_kserve(args.port, args.workers)
    else:
        serve_mlserver(
            args.port,
            args.workers,
            one_process=args.peer != "mlserver-default",
            adaptive_batching=args.peer == "mlserver-batched",
        )


if __name__ == "__main__":
    main()
