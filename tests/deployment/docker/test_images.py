"""Both images built from deploy/docker/ by a real Docker engine, run, and checked as a user
would check them: `/ready`, `/predict`, the predictions CRUD with the API key, the HEALTHCHECK
turning healthy, and a graceful `docker stop`. `make docker-test` runs them (root and Debian's
docker.io needed); elsewhere they skip and say so.

Build and stop times are printed (`-s`), never asserted: a shared machine makes them vary.
"""

import json
import os
import time
from collections.abc import Iterator

import pytest
import requests

from shared.core.schemas import EXAMPLE_PATIENT
from shared.core.settings import PROJECT_ROOT
from tests.deployment.docker.engine import DockerEngine
from tests.support.processes import free_port

pytestmark = pytest.mark.skipif(
    os.environ.get("DOCKER_TEST") != "1",
    reason="`make docker-test` builds and runs the images (as root, with Debian's docker.io)",
)

SERVICES = ("fastapi", "flask")
API_KEY = "docker-test-key"
TEST_LABEL = "ml-serving-twins.test=docker-test"
IMAGE_REPOSITORY = "ml-serving-twins"


@pytest.fixture(scope="session")
def engine() -> Iterator[DockerEngine]:
    engine = DockerEngine()
    engine.start()
    started = time.monotonic()
    origin = engine.ensure_base_image()
    print(f"\nbase image: {origin} in {time.monotonic() - started:.0f} s")
    try:
        yield engine
    finally:
        # What the tests made goes; the base image stays, so the next run skips debootstrap.
        containers = engine.run("ps", "-aq", "--filter", f"label={TEST_LABEL}").stdout.split()
        if containers:
            engine.run("rm", "-f", *containers, check=False)
        images = engine.run("images", "-q", IMAGE_REPOSITORY + "/*").stdout.split()
        if images:
            engine.run("rmi", "-f", *set(images), check=False)
        engine.run("image", "prune", "-f", check=False)
        engine.run("builder", "prune", "-af", check=False)
        engine.stop()


@pytest.fixture(scope="module", params=SERVICES)
def image(engine: DockerEngine, request: pytest.FixtureRequest) -> str:
    service = request.param
    tag = f"{IMAGE_REPOSITORY}/{service}:docker-test"
    started = time.monotonic()
    result = engine.run(
        *("build", "--network", "host", "--progress", "plain"),
        *("--file", f"deploy/docker/{service}.Dockerfile", "--tag", tag, str(PROJECT_ROOT)),
        check=False,
        timeout=1800,  # 3 min on a busy 2-core machine; pip downloads every dependency
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"\n{service} image built in {time.monotonic() - started:.0f} s")
    # Removed at the end of the session, not here: the second image reuses the first's layers
    # up to the first line where the Dockerfiles differ.
    return tag


class Container:
    """One running container of an image, on the host's network at a free loopback port."""

    def __init__(self, engine: DockerEngine, image: str) -> None:
        self.engine = engine
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.id = engine.run(
            *("run", "--detach", "--network", "host", "--label", TEST_LABEL),
            *("--env", "HOST=127.0.0.1", "--env", f"PORT={self.port}"),
            *("--env", f"API_KEY={API_KEY}", "--env", "WORKERS=2"),
            # The image's own HEALTHCHECK command, probed every second instead of every 30 s.
            "--health-interval=1s",
            image,
        ).stdout.strip()

    def state(self) -> dict:
        inspected = self.engine.run("inspect", "--format", "{{json .State}}", self.id)
        return json.loads(inspected.stdout)

    def logs(self) -> str:
        result = self.engine.run("logs", self.id, check=False)
        return result.stdout + result.stderr

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.state()["Running"], f"the container exited:\n{self.logs()}"
            try:
                if requests.get(self.base_url + "/ready", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"not ready within {timeout} s:\n{self.logs()}")


@pytest.fixture(scope="module")
def container(engine: DockerEngine, image: str) -> Iterator[Container]:
    container = Container(engine, image)
    container.wait_ready()
    yield container
    engine.run("rm", "-f", container.id, check=False)


def test_image_runs_as_its_unprivileged_user(engine, image):
    user = engine.run("image", "inspect", "--format", "{{.Config.User}}", image).stdout
    assert user.strip() == "10001:10001"


def test_container_answers_ready_and_predict(container):
    ready = requests.get(container.base_url + "/ready", timeout=5)
    assert ready.json()["status"] == "ready"
    response = requests.post(container.base_url + "/predict", json=EXAMPLE_PATIENT, timeout=5)
    assert response.status_code == 200
    assert isinstance(response.json()["prediction"], float)


def test_container_stores_reads_updates_and_deletes_a_prediction(container):
    url = container.base_url + "/predictions"
    created = requests.post(url, json=EXAMPLE_PATIENT, timeout=5)
    assert created.status_code == 201
    record_url = container.base_url + created.headers["Location"]
    assert requests.get(record_url, timeout=5).json() == created.json()
    actual = requests.put(record_url + "/actual", json={"value": 151.0}, timeout=5)
    assert actual.status_code == 200
    assert actual.json()["actual"] == 151.0
    assert requests.delete(record_url, timeout=5).status_code == 401  # no key
    deleted = requests.delete(record_url, headers={"X-API-Key": API_KEY}, timeout=5)
    assert deleted.status_code == 204
    assert requests.get(record_url, timeout=5).status_code == 404


def test_healthcheck_turns_healthy(container):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        health = container.state()["Health"]
        if health["Status"] == "healthy":
            return
        time.sleep(0.5)
    raise AssertionError(f"not healthy within 60 s: {health['Log'][-3:]}")


def test_docker_stop_shuts_down_gracefully(container, image):
    started = time.monotonic()
    container.engine.run("stop", "--time", "30", container.id)
    stopped_in = time.monotonic() - started
    state = container.state()
    print(f"\n{image}: docker stop took {stopped_in:.1f} s")
    # 0: the server handled SIGTERM and exited itself; 137 would be the SIGKILL after 30 s.
    assert state["ExitCode"] == 0, container.logs()[-3000:]
