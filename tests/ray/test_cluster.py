"""Both services on a two-node Ray cluster: placement, a killed replica, a removed node,
autoscaling, and nothing left running (lessons/11, "When one machine is not enough").

Run by `make test-ray` after the contract suite, on the same cluster (tests/ray/harness.py). The
figures each test prints are the ones lesson 11 quotes from deploy/ray/reference/.
"""

import json
import os
import signal
import time
from pathlib import Path

import pytest

ray = pytest.importorskip(
    "ray", reason="Ray is not installed here: `make test-ray` installs it into .venv-ray"
)
pytestmark = pytest.mark.live

from ray import serve  # noqa: E402

from tests.ray import harness  # noqa: E402
from tests.ray.load import BoundedLoad  # noqa: E402
from tests.ray.processes import alive, cpu_seconds, descendants, resident_bytes  # noqa: E402

RESULTS = Path(os.environ.get("RAY_RESULTS", ".ray-results")) / "figures.json"
FIGURES: dict = {}


def record(name: str, value: object) -> None:
    """A figure for the report, printed and written to RESULTS as it comes."""
    FIGURES[name] = value
    print(f"\n{name}: {json.dumps(value)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(FIGURES, indent=2) + "\n")


def replicas(application: str) -> list[dict]:
    """The live replica actors of one application: where each runs, and its process."""
    found = []
    for actor in ray._private.state.actors().values():  # the cluster's own actor table
        if actor["State"] == "ALIVE" and actor["ActorClassName"].startswith(
            f"ServeReplica:{application}:"
        ):
            found.append({"node": actor["Address"]["NodeID"], "pid": actor["Pid"]})
    return found


def running_replicas(application: str) -> int:
    status = serve.status().applications.get(application)
    if status is None:
        return 0
    return sum(d.replica_states.get("RUNNING", 0) for d in status.deployments.values())


def wait_for_replicas(application: str, count: int, timeout: float) -> float:
    """Seconds until `application` has `count` running replicas (fails after `timeout`)."""
    started = time.monotonic()
    while running_replicas(application) != count:
        assert time.monotonic() - started < timeout, f"{application}: {serve.status()}"
        time.sleep(0.25)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def urls(live_servers) -> dict[str, str]:
    return {name: server.base_url for name, server in live_servers.items()}


def test_each_service_has_two_replicas_on_two_nodes(urls):
    placement = {}
    for service in ("fastapi", "flask"):
        wait_for_replicas(service, 2, timeout=60)
        nodes = [replica["node"][:8] for replica in replicas(service)]
        placement[service] = nodes
        assert len(set(nodes)) == 2, f"{service}'s replicas share a node: {nodes}"
    record("placement", placement)


def test_a_killed_replica_costs_at_most_one_request(urls, patient):
    victim = replicas("fastapi")[0]
    with BoundedLoad([urls["fastapi"] + "/predict"], patient) as load:
        time.sleep(3)
        os.kill(victim["pid"], signal.SIGKILL)  # a crash: no chance to drain
        recovered = wait_for_replicas("fastapi", 2, timeout=60)
        time.sleep(2)
    failures = load.failures()
    record(
        "replica_killed",
        {"requests": load.count(), "failed": len(failures), "two_replicas_again_s": recovered},
    )
    assert len(failures) <= 1, failures


def test_a_removed_node_fails_no_request(urls, patient):
    [worker] = harness.cluster().worker_nodes()
    targets = [urls["fastapi"] + "/predict", urls["flask"] + "/predict"]
    with BoundedLoad(targets, patient) as load:
        time.sleep(3)
        harness.cluster().cluster.remove_node(worker)
        recovered = max(wait_for_replicas(name, 2, timeout=90) for name in ("fastapi", "flask"))
        time.sleep(2)
    failures = load.failures()
    record(
        "node_removed",
        {"requests": load.count(), "failed": len(failures), "replicas_again_s": recovered},
    )
    assert failures == []


def test_autoscaling_goes_up_under_load_and_back_down(settings, patient):
    harness.cluster().add_node()  # room for more replicas again
    autoscaled = harness.deploy_application(
        "fastapi",
        settings,
        autoscaling_config={
            "min_replicas": 1,
            "max_replicas": 3,
            "target_ongoing_requests": 1,
            "upscale_delay_s": 1,
            "downscale_delay_s": 5,
        },
    )
    timeline = []
    started = time.monotonic()

    def note() -> int:
        count = running_replicas(autoscaled.name)
        if not timeline or timeline[-1][1] != count:
            timeline.append((round(time.monotonic() - started, 1), count))
        return count

    batch = {"instances": [patient] * 200}
    with BoundedLoad([autoscaled.base_url + "/predict/batch"], batch, clients=6):
        while note() < 3:
            assert time.monotonic() - started < 90, timeline
            time.sleep(0.5)
    while note() > 1:
        assert time.monotonic() - started < 180, timeline
        time.sleep(0.5)
    record("autoscaling_timeline_s_replicas", timeline)
    autoscaled.stop()


def test_costs_through_the_proxy(urls, patient):
    """CPU per request summed over every process of the cluster, and its memory at rest."""
    import requests

    cluster_processes = descendants()
    with requests.Session() as session:
        for _ in range(20):  # warm
            session.post(urls["fastapi"] + "/predict", json=patient, timeout=30)
        before, started = cpu_seconds(cluster_processes), time.monotonic()
        for _ in range(300):
            assert session.post(urls["fastapi"] + "/predict", json=patient, timeout=30).ok
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(cluster_processes) - before
    record(
        "costs",
        {
            "cpu_ms_per_request_all_processes": round(cpu / 300 * 1000, 2),
            "latency_ms_sequential": round(elapsed / 300 * 1000, 2),
            "processes": len(alive(cluster_processes)),
            "resident_mb": round(resident_bytes(cluster_processes) / 2**20),
            "cold_start_s": harness.COLD_START,
        },
    )


def test_stopping_the_cluster_leaves_nothing_running():
    started = descendants()
    assert started, "the cluster's processes were not found"
    harness.stop_cluster()
    deadline = time.monotonic() + 30
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert alive(started) == []
