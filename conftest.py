"""Fixtures shared by every test and lesson: settings -> app -> client, for each service.

The contract suite asks for `api`: a client of one service, either in-process (fast, and able to
inject settings) or over real HTTP against a server started exactly as `make run-*` starts it.
Every contract test therefore runs four times: fastapi and flask, in-process and live.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import requests
from fastapi.testclient import TestClient

from shared.schemas import EXAMPLE_PATIENT
from shared.settings import PROJECT_ROOT, Settings
from shared.train import train

SERVICES = ("fastapi", "flask")
MODES = ("inprocess", "live")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained once per test session, away from the developer's own models/ folder."""
    path = tmp_path_factory.mktemp("model") / "diabetes.joblib"
    train(path)
    return path


@pytest.fixture(scope="session")
def settings(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    return Settings(
        model_path=model_path,
        # TEST_DATABASE_URL (set by `make test-postgres`) runs the suite on another engine.
        database_url=TEST_DATABASE_URL or f"sqlite:///{data_dir / 'predictions.db'}",
        api_key="test-api-key",
    )


def create_app(service: str, settings: Settings, **options: Any) -> Any:
    """The service's own factory: `create_app(settings, predictor=..., load_model=...)`."""
    if service == "fastapi":
        from fastapi_service.app import create_app as factory
    else:
        from flask_service.app import create_app as factory
    return factory(settings, **options)


class InProcessClient:
    """One interface over FastAPI's TestClient and an httpx WSGI transport for Flask."""

    def __init__(self, service: str, app: Any) -> None:
        self.service = service
        self.app = app
        if service == "fastapi":
            self._client = TestClient(app, raise_server_exceptions=False)
            self._client.__enter__()  # runs the lifespan: the model loads here
        else:
            transport = httpx2.WSGITransport(app=app)
            self._client = httpx2.Client(transport=transport, base_url="http://testserver")

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._client.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        if self.service == "fastapi":
            self._client.__exit__(None, None, None)  # the lifespan's shutdown disposes the engine
        else:
            self._client.close()
            # Flask has no shutdown hook: close the database connections create_app opened.
            self.app.extensions["store_engine"].dispose()


class LiveClient(InProcessClient):
    """The same interface over real HTTP with `requests`, against a server on `base_url`."""

    def __init__(self, service: str, base_url: str) -> None:
        self.service = service
        self.base_url = base_url
        self._session = requests.Session()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        if "content" in kwargs:  # httpx's name for a raw body; requests calls it `data`
            kwargs["data"] = kwargs.pop("content")
        kwargs.setdefault("timeout", 30)
        return self._session.request(method, self.base_url + path, **kwargs)

    def close(self) -> None:
        self._session.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`make run-<service>` on a free port, as a user would start it; stopped with SIGTERM."""

    def __init__(self, service: str, settings: Settings, workers: int = 1, **env: str) -> None:
        self.service = service
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "MODEL_PATH": str(settings.model_path),
            "DATABASE_URL": settings.database_url,
            "API_KEY": settings.api_key.get_secret_value() if settings.api_key else "",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        command = ["make", "--no-print-directory", f"run-{service}"]
        command += [f"PORT={self.port}", f"WORKERS={workers}"]
        # The server's output, shown if it fails to start; closed in stop().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGTERM reaches make and the server
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.service} exited:\n{self.output()}")
            try:
                if requests.get(self.base_url + "/ready", timeout=1).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.service} was not ready within {timeout} s")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM to the whole group, as a process manager would; returns the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()
        finally:
            self.log.close()


@pytest.fixture(scope="session")
def start_live_server(settings: Settings) -> Iterator[Callable[..., LiveServer]]:
    """Start servers on demand; every one is stopped at the end of the session."""
    started: list[LiveServer] = []

    def start(service: str, **env: str) -> LiveServer:
        server = LiveServer(service, settings, **env)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def live_servers(start_live_server: Callable[..., LiveServer]) -> dict[str, LiveServer]:
    """One live server per service, shared by the whole session (per xdist worker)."""
    return {service: start_live_server(service) for service in SERVICES}


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_client(service: str, settings: Settings) -> Iterator[Callable[..., InProcessClient]]:
    """An in-process client of `service` built with custom settings or factory options."""
    clients: list[InProcessClient] = []

    def make(settings_override: Settings | None = None, **options: Any) -> InProcessClient:
        client = InProcessClient(
            service, create_app(service, settings_override or settings, **options)
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(
    params=[
        pytest.param(mode, marks=pytest.mark.live) if mode == "live" else mode for mode in MODES
    ]
)
def api(
    request: pytest.FixtureRequest, service: str, make_client: Callable[..., InProcessClient]
) -> Iterator[InProcessClient]:
    """The contract suite's client: `service` in-process or live."""
    if request.param == "inprocess":
        yield make_client()
        return
    live_server = request.getfixturevalue("live_servers")[service]
    client = LiveClient(service, live_server.base_url)
    yield client
    client.close()


@pytest.fixture
def patient() -> dict[str, float]:
    """The first patient of the dataset, with the contract's feature names."""
    return dict(EXAMPLE_PATIENT)


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database for one test: a new SQLite file, or, when TEST_DATABASE_URL names a
    PostgreSQL server, a new schema there (dropped afterwards)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    from sqlalchemy import text

    from shared.store import create_store_engine, database_url

    schema = f"test_{uuid.uuid4().hex}"
    admin = create_store_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = database_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
