"""Both services on a two-node Ray cluster: placement, a killed replica, a removed node,
autoscaling, and nothing left running (lessons/11, "When one machine is not enough").

Run by `make test-ray` after the contract suite, on the same cluster (tests/ray/harness.py). The
figures each test prints are the ones lesson 11 quotes from deploy/ray/reference/.
"""

import json
import os
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ray = pytest.importorskip(
    "ray", reason="Ray is not installed here: `make test-ray` installs it into .venv-ray"
)
pytestmark = pytest.mark.live

from ray import serve  # noqa: E402

from tests.ray import harness  # noqa: E402
from tests.ray.load import BoundedLoad  # noqa: E402
from tests.ray.processes import (  # noqa: E402
    alive,
    cpu_seconds,
    cpu_used,
    descendants,
    resident_bytes,
)

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


def wait_for_replicas(
    application: str, count: int, timeout: float, gone: set[str] | None = None
) -> float:
    """Seconds until `application` has `count` running replicas, none of them on a node or in a
    process named in `gone` (Serve may still count a killed replica as running for a moment)."""
    started = time.monotonic()
    while True:
        live = replicas(application)
        where = {r["node"] for r in live} | {str(r["pid"]) for r in live}
        replaced = not gone or not where & gone
        if replaced and len(live) == count and running_replicas(application) == count:
            return time.monotonic() - started
        assert time.monotonic() - started < timeout, f"{application}: {serve.status()}"
        time.sleep(0.25)


@pytest.fixture(scope="module")
def urls(live_servers) -> dict[str, str]:
    return {name: server.base_url for name, server in live_servers.items()}


def raw_answer(base_url: str, request: bytes) -> bytes:
    """Send bytes to the proxy's port as they are, and read its whole answer."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    with socket.create_connection((host, port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_the_proxy_answers_as_the_services_do(urls):
    """One X-Request-ID in the services' form, no `server` header, and the contract's JSON 400
    for a request the proxy cannot parse."""
    import requests

    for url in urls.values():
        answer = requests.get(url + "/health", timeout=30)
        assert "server" not in answer.headers
        assert len(answer.headers["X-Request-ID"]) == 32  # one id, uuid4().hex, not two
    garbage = raw_answer(urls["fastapi"], b"NOT HTTP AT ALL\r\n\r\n")
    head, _, body = garbage.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"application/json" in head.lower()
    assert json.loads(body)["detail"]


def test_each_service_has_two_replicas_on_two_nodes(urls):
    placement = {}
    for service in ("fastapi", "flask"):
        wait_for_replicas(service, 2, timeout=60)
        nodes = [replica["node"][:8] for replica in replicas(service)]
        placement[service] = nodes
        assert len(set(nodes)) == 2, f"{service}'s replicas share a node: {nodes}"
    record("placement", placement)
    record("machine", {"cores": os.cpu_count(), "load_average": os.getloadavg()})


def test_a_killed_replica_costs_at_most_one_request(urls, patient):
    """A SIGKILLed replica loses the request it had accepted, and nothing else: Ray's router
    retries a request the dead replica never accepted, and sends new ones to the live replica.

    One client sending without pause, so at most one request is inside the victim when it dies:
    the kill may cost that one, and no other. (With two clients, both of their requests were
    inside it in one run: the router balances on counts it caches. Every request inside a
    killed replica is lost, which is why a client retries an idempotent request.)"""
    victim = replicas("fastapi")[0]
    with BoundedLoad([urls["fastapi"] + "/predict"], patient, clients=1) as load:
        time.sleep(3)
        killed_at = time.monotonic() - load.started
        os.kill(victim["pid"], signal.SIGKILL)  # a crash: no chance to drain
        recovered = wait_for_replicas("fastapi", 2, timeout=60, gone={str(victim["pid"])})
        time.sleep(2)
    failures = load.failures()
    served_after = [result for result in load.results if result[0] > killed_at + 5]
    record(
        "replica_killed",
        {
            "clients": 1,
            "requests": load.count(),
            "failed": len(failures),
            "served_after_the_kill": len(served_after),
            "two_replicas_again_s": recovered,
        },
    )
    assert len(failures) <= 1, failures
    assert served_after and all(result[2] == 200 for result in served_after)


def test_a_removed_node_fails_no_request(urls, patient):
    [worker] = harness.cluster().worker_nodes()
    targets = [urls["fastapi"] + "/predict", urls["flask"] + "/predict"]
    with BoundedLoad(targets, patient) as load:
        time.sleep(3)
        harness.cluster().cluster.remove_node(worker)
        gone = {worker.node_id}
        recovered = max(
            wait_for_replicas(name, 2, timeout=90, gone=gone) for name in ("fastapi", "flask")
        )
        time.sleep(2)
    failures = load.failures()
    record(
        "node_removed",
        {"requests": load.count(), "failed": len(failures), "replicas_again_s": recovered},
    )
    assert failures == []


def test_autoscaling_goes_up_under_load_and_back_down(urls, patient):
    """FastAPI's application from 2 fixed replicas to autoscaled between 1 and 3: more
    requests in flight than 1 per replica adds replicas (each takes as long to start as the
    machine allows), none for 5 s removes them down to 1."""
    harness.update_deployment(
        "fastapi",
        autoscaling_config={
            "min_replicas": 1,
            "max_replicas": 3,
            "target_ongoing_requests": 1,
            "upscale_delay_s": 1,
            "downscale_delay_s": 5,
        },
    )
    timeline: list[tuple[float, int | str]] = []
    counts = []
    started = time.monotonic()

    def note() -> int:
        count = running_replicas("fastapi")
        if not counts or counts[-1] != count:
            counts.append(count)
            timeline.append((round(time.monotonic() - started, 1), count))
        return count

    batch = {"instances": [patient] * 200}
    with BoundedLoad([urls["fastapi"] + "/predict/batch"], batch, clients=6) as load:
        while note() < 2:  # up: a replica added, then a little longer for the third
            assert time.monotonic() - started < 180, timeline
            time.sleep(0.5)
        more = time.monotonic() + 20
        while note() < 3 and time.monotonic() < more:
            time.sleep(0.5)
        timeline.append((round(time.monotonic() - started, 1), "load stopped"))
    while note() > 1:
        assert time.monotonic() - started < 300, timeline
        time.sleep(0.5)
    record("autoscaling_timeline_s_replicas", timeline)
    assert load.failures() == []


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
        cpu = cpu_used(before, cpu_seconds(cluster_processes))
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
