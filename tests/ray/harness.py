"""The live tests against both services behind Ray Serve (`make test-ray`).

A pytest plugin (`-p tests.ray.harness`) and a live-server class (`LIVE_SERVER=
tests.ray.harness:RayServer`): the root conftest starts its live servers through this class, so
the contract suite runs unchanged against the services behind Ray's proxy. One loopback cluster
of two nodes serves the whole session; it is stopped when the session ends.
"""

import itertools
import time
from typing import Any

import pytest
import requests

from deploy.ray.cluster import LoopbackCluster, deploy, serve_config
from deploy.ray.loopback import free_loopback_port
from shared.settings import Settings

_cluster: LoopbackCluster | None = None
COLD_START: dict[str, float] = {}  # seconds: the cluster's start, the first deployment
_main_apps: set[str] = set()  # services whose serve.yaml application is already deployed
_numbers = itertools.count(2)


def cluster() -> LoopbackCluster:
    """The session's cluster, started on first use."""
    global _cluster
    if _cluster is None:
        started = time.monotonic()
        _cluster = LoopbackCluster(nodes=2, http_port=free_loopback_port()).start()
        COLD_START["cluster"] = round(time.monotonic() - started, 1)
    return _cluster


def stop_cluster() -> None:
    """Stop the cluster this session started: its nodes and every process they started."""
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


def service_env(settings: Settings, **env: str) -> dict[str, str]:
    """What `LiveServer` gives `make run-*`, for the replicas."""
    return {
        "MODEL_PATH": str(settings.model_path),
        "DATABASE_URL": settings.database_url,
        "API_KEY": settings.api_key.get_secret_value() if settings.api_key else "",
        "LOG_LEVEL": "WARNING",
        **env,
    }


class RayServer:
    """A service deployed on the session's cluster, with LiveServer's interface. The first one of
    each service, asked with no options, is serve.yaml's application (two replicas, under
    /fastapi or /flask): the suite's shared live server. Any other (fresh servers, other
    settings) is an application of its own, `workers` replicas under /<service>-<n>."""

    def __init__(
        self,
        service: str,
        settings: Settings,
        workers: int = 1,
        deployment: dict[str, Any] | None = None,
        **env: str,
    ) -> None:
        self.service = service
        config = serve_config(service_env(settings, **env))
        [application] = [app for app in config["applications"] if app["name"] == service]
        if env or workers != 1 or deployment or service in _main_apps:
            number = next(_numbers)
            application["name"] = f"{service}-{number}"
            application["route_prefix"] = f"/{service}-{number}"
            options = application["deployments"][0]
            options["num_replicas"] = workers
            if deployment:
                options.pop("num_replicas")  # autoscaling sets the count
                options.update(deployment)
        _main_apps.add(service)
        self.name = application["name"]
        self.base_url = cluster().base_url + application["route_prefix"]
        _deployed[self.name] = application
        started = time.monotonic()
        redeploy(config)
        COLD_START.setdefault("first_deployment", round(time.monotonic() - started, 1))

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base_url + "/ready", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not ready behind Ray within {timeout} s")

    def output(self) -> str:
        return f"see the replicas' logs in {cluster().temp_dir}"

    def stop(self, timeout: float = 30) -> int:
        if _cluster is not None and _deployed.pop(self.name, None) is not None:
            redeploy(serve_config())
        return 0


_deployed: dict[str, dict[str, Any]] = {}  # every application on the cluster, by name


def redeploy(config: dict[str, Any]) -> None:
    """Deploy `config` with every application in `_deployed`: Serve takes a config as the whole
    set of applications, and deletes any it does not name."""
    config["applications"] = list(_deployed.values())
    config["http_options"]["port"] = cluster().http_port
    deploy(config)


def deploy_application(service: str, settings: Settings, **deployment: Any) -> RayServer:
    """A fresh application of `service` with these deployment options (autoscaling, say)."""
    server = RayServer(service, settings, deployment=deployment)
    server.wait_ready()
    return server


def pytest_sessionfinish(session: pytest.Session) -> None:
    stop_cluster()
