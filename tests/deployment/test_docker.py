"""The Dockerfiles and compose.yaml agree with the Makefile and the settings.

These tests need no engine: hadolint lints the Dockerfiles (`make lint`), and `make docker-test`
(tests/deployment/docker/) builds and runs both images on a real one.
"""

import json
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml

from shared.core.settings import PROJECT_ROOT, Settings

SERVICES = ("fastapi", "flask")


def instructions(service: str) -> dict[str, str]:
    """The Dockerfile's instructions by keyword (the last one wins, as in Docker), with
    continuation lines joined."""
    text = (PROJECT_ROOT / "deploy" / "docker" / f"{service}.Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", "", text)
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found[keyword] = rest
    return found


def makefile_launcher(service: str) -> str:
    """The module `make run-<service>` runs with `python -m`, read from its dry run."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", f"run-{service}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return re.search(r"python -m (\S+)", result.stdout.strip().splitlines()[-1]).group(1)


def compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())


@pytest.mark.parametrize("service", SERVICES)
def test_image_runs_the_launcher_the_makefile_runs(service):
    """One launcher per service: the image and `make run-*` start the same server."""
    command = json.loads(instructions(service)["CMD"])
    assert command == [".venv/bin/python", "-m", makefile_launcher(service)]
    assert makefile_launcher(service) == f"{service}_service.server"


@pytest.mark.parametrize("service", SERVICES)
def test_image_runs_as_a_user_without_privileges(service):
    user = instructions(service)["USER"]
    assert user.split(":")[0] not in ("root", "0")


@pytest.mark.parametrize("service", SERVICES)
def test_image_trains_the_model_where_the_settings_look(service):
    model_path = Settings().model_path.relative_to(PROJECT_ROOT)
    assert f"-m shared.core.train --model-path {model_path}" in instructions(service)["RUN"]


@pytest.mark.live
@pytest.mark.parametrize("service", SERVICES)
def test_image_healthcheck_passes_against_a_running_service(service, live_servers):
    healthcheck = instructions(service)["HEALTHCHECK"]
    command = json.loads(healthcheck[healthcheck.index("CMD ") + 4 :])
    assert command[0] == "python"
    port = str(urlsplit(live_servers[service].base_url).port)
    result = subprocess.run(
        [sys.executable, *command[1:]], env={**os.environ, "PORT": port}, timeout=30
    )
    assert result.returncode == 0


@pytest.mark.parametrize("service", SERVICES)
def test_compose_builds_each_service_from_its_dockerfile(service):
    build = compose()["services"][service]["build"]
    assert build == {"context": ".", "dockerfile": f"deploy/docker/{service}.Dockerfile"}


@pytest.mark.parametrize("service", SERVICES)
def test_compose_publishes_the_port_the_image_listens_on(service):
    port = re.search(r"PORT=(\d+)", instructions(service)["ENV"]).group(1)
    assert compose()["services"][service]["ports"] == [f"{port}:{port}"]


@pytest.mark.parametrize("service", SERVICES)
def test_compose_sets_only_variables_the_service_reads(service):
    known = {name.upper() for name in Settings.model_fields} | {"HOST", "PORT", "WORKERS"}
    assert set(compose()["services"][service]["environment"]) <= known


def test_compose_stores_predictions_in_postgresql():
    environment = compose()["services"]["fastapi"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
