"""A Ray cluster of several nodes on one machine, every socket on loopback, with both services.

`ray start --node-ip-address=127.0.0.1` rewrites the address to the machine's own and listens on
every interface, so the nodes are started with `ray.cluster_utils.Cluster` (Ray's own multi-node
test cluster) instead, each port given explicitly so Ray picks none itself. `make run-ray` and
`make test-ray` both start it from here.
"""

import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from deploy.ray.loopback import LOOPBACK, free_loopback_port

CONFIG_FILE = Path(__file__).with_name("serve.yaml")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETUP_HOOK = "deploy.ray.loopback.keep_grpc_on_loopback"
WORKER_PORTS_PER_NODE = 40  # one per worker process: replicas, the controller, the proxy, tasks


def free_port_range(count: int) -> int:
    """The first of `count` consecutive loopback ports that are all free right now."""
    for _ in range(50):
        first = free_loopback_port()
        if first + count < 65535 and all(port_is_free(first + i) for i in range(count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports on loopback")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def node_ports() -> dict[str, int]:
    """Every port one node listens on, chosen here (Ray would otherwise bind some of them on all
    interfaces, or pick fixed ones that collide between nodes)."""
    first_worker_port = free_port_range(WORKER_PORTS_PER_NODE)
    return {
        "node_manager_port": free_loopback_port(),
        "object_manager_port": free_loopback_port(),
        "metrics_agent_port": free_loopback_port(),
        "metrics_export_port": free_loopback_port(),
        "dashboard_agent_listen_port": free_loopback_port(),
        "runtime_env_agent_port": free_loopback_port(),
        "min_worker_port": first_worker_port,
        "max_worker_port": first_worker_port + WORKER_PORTS_PER_NODE - 1,
    }


def ray_environment(root_dir: str) -> dict[str, str]:
    """What every Ray process inherits from this one (the nodes are its children)."""
    return {
        "RAY_TMPDIR": root_dir,
        "RAY_USAGE_STATS_ENABLED": "0",  # no usage report sent anywhere
        # Ray's single-machine mode (its default on macOS): "127.0.0.1" stays 127.0.0.1, where
        # it would otherwise be rewritten to the machine's own address when a driver connects.
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        # The head's own metric servers, which would otherwise listen on fixed ports.
        "AUTOSCALER_METRIC_PORT": str(free_loopback_port()),
        "DASHBOARD_METRIC_PORT": str(free_loopback_port()),
        # The proxy's server set up as the services' own (deploy/ray/loopback.py).
        "RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH": "deploy.ray.loopback.proxy_middlewares",
        # The replicas import deploy.ray from the project's folder.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


@dataclass
class LoopbackCluster:
    """`nodes` Ray nodes on loopback; Serve's one HTTP proxy on the head, on `http_port`."""

    nodes: int = 2
    cpus_per_node: int = 6  # logical CPUs: what Ray schedules by, not the machine's cores
    http_port: int = 8000
    # Short: Ray puts its Unix sockets in here, and their paths may not exceed 107 bytes.
    root_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    cluster: Any = None

    @property
    def temp_dir(self) -> str:
        """Ray's session folders and logs: `$RAY_TMPDIR/ray`, where Ray looks for them."""
        return f"{self.root_dir}/ray"

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.http_port}"

    def start(self) -> "LoopbackCluster":
        Path(self.temp_dir).mkdir(exist_ok=True)
        os.environ.update(ray_environment(self.root_dir))  # before Ray reads it at import
        import ray
        from ray import serve
        from ray._private import ray_constants
        from ray.cluster_utils import Cluster

        ray_constants.ENABLE_RAY_CLUSTER = False  # in case Ray was imported before
        head = {
            "node_ip_address": LOOPBACK,
            "num_cpus": self.cpus_per_node,
            "include_dashboard": False,
            "temp_dir": self.temp_dir,
            "gcs_server_port": free_loopback_port(),
            **node_ports(),
        }
        self.cluster = Cluster(initialize_head=True, head_node_args=head)
        for _ in range(self.nodes - 1):
            self.add_node()
        ray.init(
            address=self.cluster.address,
            runtime_env={"worker_process_setup_hook": SETUP_HOOK},
            logging_level="WARNING",
            log_to_driver=False,
        )
        serve.start(
            proxy_location="HeadOnly",  # one proxy, one port: every node shares this host
            http_options={"host": LOOPBACK, "port": self.http_port},
        )
        return self

    def add_node(self) -> Any:
        return self.cluster.add_node(
            node_ip_address=LOOPBACK,
            num_cpus=self.cpus_per_node,
            temp_dir=self.temp_dir,
            **node_ports(),
        )

    def worker_nodes(self) -> list[Any]:
        return list(self.cluster.worker_nodes)

    def stop(self) -> None:
        """Serve, then every node this cluster started; nothing else."""
        import ray
        from ray import serve

        try:
            if ray.is_initialized():
                serve.shutdown()
        finally:
            ray.shutdown()
            if self.cluster is not None:
                self.cluster.shutdown()
                self.cluster = None
            shutil.rmtree(self.root_dir, ignore_errors=True)  # sessions and logs


def serve_config(env: dict[str, str] | None = None, path: Path = CONFIG_FILE) -> dict[str, Any]:
    """serve.yaml, with `env` added to every application's environment variables."""
    config = yaml.safe_load(path.read_text())
    for application in config["applications"]:
        runtime_env = application.setdefault("runtime_env", {})
        runtime_env.setdefault("env_vars", {}).update(env or {})
    return config


def deploy(config: dict[str, Any], timeout: float = 120) -> None:
    """Deploy every application of a Serve config (what `serve deploy` sends), then wait until
    each is RUNNING."""
    from ray import serve
    from ray.serve.context import _get_global_client
    from ray.serve.schema import ServeDeploySchema

    _get_global_client().deploy_apps(ServeDeploySchema(**config))
    names = [application["name"] for application in config["applications"]]
    wait_until_running(names, timeout)
    del serve


def wait_until_running(names: list[str], timeout: float = 120) -> None:
    from ray import serve

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        applications = serve.status().applications
        states = {
            name: applications[name].status if name in applications else None for name in names
        }
        if all(state == "RUNNING" for state in states.values()):
            return
        failed = [name for name, state in states.items() if state == "DEPLOY_FAILED"]
        if failed:
            raise RuntimeError(f"Serve could not deploy {failed}: {serve.status()}")
        time.sleep(0.5)
    raise RuntimeError(f"not RUNNING within {timeout} s: {serve.status()}")
