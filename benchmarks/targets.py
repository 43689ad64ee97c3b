"""What is measured: the two services and the baselines, and how each one's server starts.

The peers are other V2 servers on the same artifact (MLServer, KServe's model server), started
from their own virtual environments, `.venv-peers/mlserver/` and `.venv-peers/kserve/` (`make
bench-peers` creates them: each pins its own FastAPI), by `benchmarks/peers/serve.py`.

The services start exactly as a user starts them, by their launchers (`python -m
fastapi_service.server`, `python -m flask_service.server`, which `make run-*` runs). The baselines
run under the very same launcher with only the application swapped (`--app`): the same uvicorn
settings for the ASGI apps, the same gunicorn settings and worker for the WSGI apps. Only the
Flask dev server has its own command. Every server is started with `taskset`, so it and its
workers stay on the servers' CPUs.
"""

from dataclasses import dataclass
from pathlib import Path

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

    @property
    def is_service(self) -> bool:
        return not self.app and not self.is_peer

    @property
    def is_peer(self) -> bool:
        return self.family == "peer"

    @property
    def peer_python(self) -> Path:
        """A peer's interpreter: `.venv-peers/mlserver/` or `.venv-peers/kserve/`."""
        return PEERS_DIR / self.run_target.split("-")[0] / "bin" / "python"

    @property
    def probe(self) -> tuple[str, str]:
        """The request (path, JSON body) that shows it serves: a peer has only V2 inference."""
        return (V2_INFER_PATH, V2_JSON) if self.is_peer else ("/predict", PATIENT_JSON)

    def command(self, port: int, workers: int) -> list[str]:
        if self.is_peer:
            serve = [str(self.peer_python), "-m", "benchmarks.peers.serve", self.run_target]
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
PEERS = {
    "mlserver": Target(
        "mlserver",
        "peer",
        "MLServer + mlserver-sklearn, defaults",
        "mlserver",
    ),
    "mlserver-batched": Target(
        "mlserver-batched",
        "peer",
        "MLServer + mlserver-sklearn, adaptive batching (max_batch_size 32, max_batch_time 2 ms)",
        "mlserver-batched",
    ),
    "kserve": Target(
        "kserve",
        "peer",
        "KServe's Python model server, a custom kserve.Model around the artifact",
        "kserve",
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

    def wait_ready(self, timeout: float = 60) -> None:
        self.wait_until(self.answers_a_prediction, timeout)

    def has_path(self, path: str) -> bool:
        """Whether the service's OpenAPI document declares `path` (baselines have none)."""
        try:
            document = requests.get(self.base_url + "/openapi.json", timeout=5).json()
        except (requests.RequestException, ValueError):
            return False
        return path in document.get("paths", {})
