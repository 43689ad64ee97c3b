"""Fixtures shared by every test and lesson: settings -> app -> client, for each service.

The contract suite asks for `api`: a client of one service, either in-process (fast, and able to
inject settings) or over real HTTP against a server started exactly as `make run-*` starts it.
Every contract test therefore runs four times: fastapi and flask, in-process and live.
The machinery behind these fixtures (clients, live servers, databases) is in tests/support/.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.core.schemas import EXAMPLE_PATIENT
from shared.core.settings import Settings
from shared.core.store import migrate
from shared.core.train import train
from tests.support import MODES, SERVICES
from tests.support.clients import Client, LiveClient, create_app, in_process_client
from tests.support.databases import fresh_postgres_schema
from tests.support.servers import LiveServer, live_server_class

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
    settings = Settings(
        model_path=model_path,
        # TEST_DATABASE_URL (set by `make test-postgres`) runs the suite on another engine.
        database_url=TEST_DATABASE_URL or f"sqlite:///{data_dir / 'predictions.db'}",
        api_key="test-api-key",
    )
    migrate(settings.database_url)  # as the launchers' preflight does before a server starts
    return settings


@pytest.fixture(scope="session")
def start_live_server(settings: Settings) -> Iterator[Callable[..., LiveServer]]:
    """Start servers on demand; every one is stopped at the end of the session."""
    started: list[LiveServer] = []
    server_class = live_server_class()  # `make run-*` unless LIVE_SERVER names another way

    def start(service: str, **env: str) -> LiveServer:
        server = server_class(service, settings, **env)
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
def make_client(service: str, settings: Settings) -> Iterator[Callable[..., Client]]:
    """An in-process client of `service` built with custom settings or factory options."""
    clients: list[Client] = []

    def make(settings_override: Settings | None = None, **options: Any) -> Client:
        app = create_app(service, settings_override or settings, **options)
        client = in_process_client(service, app)
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
    request: pytest.FixtureRequest, service: str, make_client: Callable[..., Client]
) -> Iterator[Client]:
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
    """An empty, migrated database for one test: a new SQLite file, or, when TEST_DATABASE_URL
    names a PostgreSQL server, a new schema there (dropped afterwards)."""
    if not TEST_DATABASE_URL:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        migrate(url)
        yield url
        return
    with fresh_postgres_schema(TEST_DATABASE_URL) as url:
        migrate(url)
        yield url
