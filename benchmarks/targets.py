"""What is measured: the two services and the baselines, and how each one's server starts.

The peers are other servers on the same artifact, each started from a virtual environment of its
own, `.venv-peers/<venv>/` (`make bench-peers` creates them from `benchmarks/peers/<venv>.txt`:
each pins its own FastAPI): the V2 servers MLServer and KServe (`benchmarks/peers/serve.py`), and
BentoML, LitServe and Ray Serve, whose APIs take the one-patient JSON on `/predict`.

The services start exactly as a user starts them, by their launchers (`python -m
fastapi_service.server`, `python -m flask_service.server`, which `make run-*` runs). The baselines
run under the very same launcher with only the application swapped (`--app`): the same uvicorn
settings for the ASGI apps, the same gunicorn settings and worker for the WSGI apps. Only the
Flask dev server has its own command. Every server is started with `taskset`, so it and its
workers stay on the servers' CPUs.
"""

import contextlib
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from benchmarks.payloads import JSON_HEADERS, PATIENT_JSON, V2_INFER_PATH, V2_JSON
from shared.core.settings import PROJECT_ROOT
from tests.support.processes import ManagedProcess

# One environment per peer family: MLServer 1.7 and KServe 0.21 pin conflicting FastAPIs.
PEERS_DIR = PROJECT_ROOT / ".venv-peers"


@dataclass(frozen=True)
class Target:
    """One thing to measure: a service or a baseline, and the family it is compared within."""

    name: str
    family: str  # "asgi", "wsgi", or "peer"
    description: str
    run_target: str  # the Makefile target whose server command it uses; a peer's serve.py mode
    app: str = ""  # for a baseline: the application swapped into that command
    venv: str = ""  # for a peer: its environment, .venv-peers/<venv>/
    serves: str = "predict"  # for a peer: "v2" (V2 infer) or "predict" (the one-patient JSON)
    peer_module: str = "benchmarks.peers.serve"  # for a peer: what `python -m` starts

    @property
    def is_service(self) -> bool:
        return not self.app and not self.is_peer

    @property
    def is_peer(self) -> bool:
        return self.family == "peer"

    @property
    def peer_python(self) -> Path:
        """A peer's interpreter, in `.venv-peers/<venv>/`."""
        return PEERS_DIR / self.venv / "bin" / "python"

    @property
    def is_v2_peer(self) -> bool:
        return self.is_peer and self.serves == "v2"

    @property
    def probe(self) -> tuple[str, str]:
        """The request (path, JSON body) that shows it serves: a V2 peer has only V2 inference."""
        return (V2_INFER_PATH, V2_JSON) if self.is_v2_peer else ("/predict", PATIENT_JSON)

    def command(self, port: int, workers: int) -> list[str]:
        if self.is_peer:
            serve = [str(self.peer_python), "-m", self.peer_module, *self.run_target.split()]
            return [*serve, "--port", str(port), "--workers", str(workers)]
        if self.app == "flask-dev-server":
            app = "benchmarks.baselines.seed_flask:app"
            return [".venv/bin/flask", "--app", app, "run", "--port", str(port)]
        service = self.run_target.removeprefix("run-")  # the launcher of run-fastapi, run-flask
        launcher = [".venv/bin/python", "-m", f"{service}_service.server"]
        launcher += ["--port", str(port), "--workers", str(workers)]
        return [*launcher, "--app", self.app] if self.app else launcher


SERVICES = {
    "fastapi": Target("fastapi", "asgi", "FastAPI service, `make run-fastapi`", "run-fastapi"),
    "flask": Target("flask", "wsgi", "Flask service, `make run-flask`", "run-flask"),
}
BASELINES = {
    "seed-fastapi": Target(
        "seed-fastapi",
        "asgi",
        "seed FastAPI app, uvicorn (flags of run-fastapi)",
        "run-fastapi",
        "benchmarks.baselines.seed_fastapi:app",
    ),
    "seed-flask": Target(
        "seed-flask",
        "wsgi",
        "seed Flask app, gunicorn (flags of run-flask)",
        "run-flask",
        "benchmarks.baselines.seed_flask:app",
    ),
    "seed-flask-dev": Target(
        "seed-flask-dev",
        "wsgi",
        "seed Flask app, Flask's dev server (1 process, threaded)",
        "run-flask",
        "flask-dev-server",
    ),
    "seed-fastapi-async": Target(
        "seed-fastapi-async",
        "asgi",
        "seed FastAPI app with `async def`: predict on the event loop",
        "run-fastapi",
        "benchmarks.baselines.seed_fastapi_async:app",
    ),
    "seed-fastapi-threadpool": Target(
        "seed-fastapi-threadpool",
        "asgi",
        "seed FastAPI app, `async def` + run_in_threadpool(predict)",
        "run-fastapi",
        "benchmarks.baselines.seed_fastapi_threadpool:app",
    ),
    "fastapi-unbatched": Target(
        "fastapi-unbatched",
        "asgi",
        "FastAPI service with MICRO_BATCHING=false",
        "run-fastapi",
        "benchmarks.baselines.fastapi_unbatched:app",
    ),
    "fastapi-sklearn": Target(
        "fastapi-sklearn",
        "asgi",
        "FastAPI service predicting with scikit-learn's predict, as the peers do",
        "run-fastapi",
        "benchmarks.baselines.fastapi_sklearn_predict:app",
    ),
    "bare-asgi": Target(
        "bare-asgi",
        "asgi",
        "bare ASGI app + predict, uvicorn (flags of run-fastapi)",
        "run-fastapi",
        "benchmarks.baselines.bare_asgi:app",
    ),
    "bare-wsgi": Target(
        "bare-wsgi",
        "wsgi",
        "bare WSGI app + predict, gunicorn (flags of run-flask)",
        "run-flask",
        "benchmarks.baselines.bare_wsgi:app",
    ),
}
# Each peer in its best configuration for one core (one process where it can be one), and its
# default beside it where the two differ; the description says what runs.
PEERS = {
    "mlserver": Target(
        "mlserver",
        "peer",
        "MLServer 1.7 + mlserver-sklearn, one process (parallel_workers: 0)",
        "mlserver",
        venv="mlserver",
        serves="v2",
    ),
    "mlserver-default": Target(
        "mlserver-default",
        "peer",
        "MLServer 1.7, its default: HTTP process + 1 inference worker (parallel_workers: 1)",
        "mlserver-default",
        venv="mlserver",
        serves="v2",
    ),
    "mlserver-batched": Target(
        "mlserver-batched",
        "peer",
        "MLServer 1.7, one process, adaptive batching (max_batch_size 32, max_batch_time 2 ms)",
        "mlserver-batched",
        venv="mlserver",
        serves="v2",
    ),
    "kserve": Target(
        "kserve",
        "peer",
        "KServe 0.21 model server, one process (workers=1), a custom kserve.Model",
        "kserve",
        venv="kserve",
        serves="v2",
    ),
    "bentoml": Target(
        "bentoml",
        "peer",
        "BentoML 1.4, @bentoml.service(workers=1), async API, no access log: 1 worker "
        "process + its supervisor (circus)",
        "",
        venv="bentoml",
        peer_module="benchmarks.peers.bentoml_service",
    ),
    "bentoml-default": Target(
        "bentoml-default",
        "peer",
        "BentoML 1.4, as above with its default access log (a line per request)",
        "--defaults",
        venv="bentoml",
        peer_module="benchmarks.peers.bentoml_service",
    ),
    "litserve": Target(
        "litserve",
        "peer",
        "LitServe 0.2, a LitAPI, its defaults (the best of its queue and API-server options "
        "here): main process + 1 API server + 1 inference worker process",
        "",
        venv="litserve",
        peer_module="benchmarks.peers.litserve_server",
    ),
    "ray-serve": Target(
        "ray-serve",
        "peer",
        "Ray Serve 2.60, 1 replica, max_ongoing_requests 32, no access log, one event loop: "
        "a local Ray cluster (GCS, raylet, agents), controller, proxy and replica processes",
        "",
        venv="ray",
        peer_module="benchmarks.peers.ray_serve",
    ),
    "ray-serve-default": Target(
        "ray-serve-default",
        "peer",
        "Ray Serve 2.60, 1 replica, Serve's defaults (max_ongoing_requests 5, access log)",
        "--defaults",
        venv="ray",
        peer_module="benchmarks.peers.ray_serve",
    ),
}
TARGETS = {**SERVICES, **BASELINES, **PEERS}
# What `make bench` compares against: the floors and the seed. The other baselines are variants
# for lesson 15's question (`make bench-async`).
DEFAULT_BASELINES = ["seed-fastapi", "seed-flask", "seed-flask-dev", "bare-asgi", "bare-wsgi"]


def cpu_sets(cpus: list[int]) -> tuple[list[int], list[int]] | None:
    """Servers on the first half of the CPUs, the load generator on the rest; None on 1 CPU."""
    if len(cpus) < 2:
        return None
    half = len(cpus) // 2
    return cpus[:half], cpus[half:]


def pinned(command: list[str], cpus: list[int] | None) -> list[str]:
    """`taskset -c ...` before a command: it and every process it starts stay on those CPUs."""
    if not cpus:
        return command
    return ["taskset", "-c", ",".join(map(str, cpus)), *command]


class Server(ManagedProcess):
    """A running target, in its own process group, stopped with SIGTERM to the group."""

    def __init__(self, target: Target, port: int, command: list[str], env: dict, log: Path):
        self.target = target
        self.base_url = f"http://127.0.0.1:{port}"
        super().__init__(command, cwd=PROJECT_ROOT, env=env, log=log)

    def answers_a_prediction(self) -> bool:
        """Ready when a real prediction succeeds (the baselines have no /ready)."""
        path, body = self.target.probe
        try:
            response = requests.post(
                self.base_url + path, data=body, headers=JSON_HEADERS, timeout=2
            )
        except requests.RequestException:  # not listening yet
            return False
        return response.status_code == 200

    def wait_ready(self, timeout: float = 180) -> None:
        """Up to 3 minutes: a Ray cluster on one busy core starts slowly."""
        self.wait_until(self.answers_a_prediction, timeout)

    def has_path(self, path: str) -> bool:
        """Whether the service's OpenAPI document declares `path` (baselines have none)."""
        try:
            document = requests.get(self.base_url + "/openapi.json", timeout=5).json()
        except (requests.RequestException, ValueError):
            return False
        return path in document.get("paths", {})

    def processes(self) -> list[psutil.Process]:
        """The server's process and all it started, those in sessions of their own included."""
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def pause(self) -> None:
        """SIGSTOP every process of a peer between its own measurements: an idle Ray cluster
        takes a quarter of the servers' core, which would be taken from whoever is measured."""
        for process in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                process.suspend()

    def resume(self) -> None:
        for process in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                process.resume()

    def stop(self, timeout: float = 30) -> int:
        self.resume()  # a stopped process would not act on SIGTERM
        return super().stop(timeout)
