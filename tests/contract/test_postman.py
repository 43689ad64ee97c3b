"""The Postman collection run by newman (Postman's command-line runner) against both live
services, with each service's environment file, as a Postman user runs it: every request's
`pm.test` checks its status and the shape of its answer, and one failed check fails the run.

newman comes from npm (pinned below) into the gitignored `.tools/`; where npm is absent the
tests skip and say so (`.ci/run` has npm).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from clients.export_collections import POSTMAN_FILE, environment_file
from shared.core.settings import PROJECT_ROOT

NEWMAN_VERSION = "6.2.2"
TOOLS = PROJECT_ROOT / ".tools"
NEWMAN = TOOLS / "node_modules" / ".bin" / "newman"


@pytest.fixture(scope="module")
def newman() -> Path:
    if not NEWMAN.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed: newman (npm) cannot run the Postman collection")
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOLS),
                "--no-audit",
                "--no-fund",
                f"newman@{NEWMAN_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return NEWMAN


def run_newman(newman: Path, service: str, base_url: str, api_key: str, report: Path) -> int:
    result = subprocess.run(
        [
            str(newman),
            "run",
            str(POSTMAN_FILE),
            "--environment",
            str(environment_file(service)),
            "--env-var",
            f"baseUrl={base_url}",
            "--env-var",
            f"apiKey={api_key}",
            "--reporters",
            "cli,json",
            "--reporter-json-export",
            str(report),
            "--color",
            "off",
            "--timeout-request",
            "10000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(result.stdout[-4000:])
    return result.returncode


def failures(report: Path) -> list[str]:
    run = json.loads(report.read_text())["run"]
    return [
        f"{failure['source']['name']}: {failure['error']['message']}" for failure in run["failures"]
    ]


@pytest.mark.live
@pytest.mark.parametrize("service", ["FastAPI", "Flask"])
def test_every_request_passes_its_tests(newman, service, live_servers, settings, tmp_path):
    base_url = live_servers[service.lower()].base_url
    report = tmp_path / "newman.json"
    api_key = settings.api_key.get_secret_value()
    assert run_newman(newman, service, base_url, api_key, report) == 0, failures(report)
    stats = json.loads(report.read_text())["run"]["stats"]
    operations = sum(len(folder["item"]) for folder in json.loads(POSTMAN_FILE.read_text())["item"])
    assert stats["requests"]["total"] == operations
    assert stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 2 * operations - 1  # status and shape; 204 has no body


@pytest.mark.live
def test_a_wrong_status_fails_the_run(newman, live_servers, tmp_path):
    """With a wrong key, DELETE answers 401 where the collection expects 204: newman fails."""
    report = tmp_path / "newman.json"
    base_url = live_servers["fastapi"].base_url
    assert run_newman(newman, "FastAPI", base_url, "a-wrong-key", report) != 0
    assert failures(report) == [
        "Delete prediction: expected response to have status code 204 but got 401"
    ]
