"""schemathesis, a fuzzer nobody here wrote, against both live services and both documents.

Each service is fuzzed from its own OpenAPI document and from the other service's: the two
contracts must be interchangeable. schemathesis runs as a user runs it (its CLI), with all its
default checks: no 5xx, status codes documented, content types and bodies as the schema says.

`make test` runs a bounded pass (FUZZ_EXAMPLES cases per operation, fixed seed, deterministic);
`make fuzz` runs a deeper one (more examples, every check, the stateful phase).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import SERVICES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = os.environ.get("FUZZ_CHECKS", "")  # empty: schemathesis' defaults; "all" in `make fuzz`
PHASES = os.environ.get("FUZZ_PHASES", "examples,coverage,fuzzing")  # +stateful in `make fuzz`
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
API_KEY = "test-api-key"  # the session settings' key (conftest.py): DELETE is fuzzed too


@pytest.fixture(scope="module")
def fuzzed_servers(start_live_server, tmp_path_factory):
    """Servers of their own, on a database of their own: fuzzing writes many predictions."""
    database = tmp_path_factory.mktemp("fuzz") / "predictions.db"
    return {
        service: start_live_server(service, DATABASE_URL=f"sqlite:///{database}")
        for service in SERVICES
    }


def run_schemathesis(document_url: str, base_url: str) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "run",
        document_url,
        "--url",
        base_url,
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "1",
        "--generation-deterministic",  # implies no example database: nothing left on disk
        "--phases",
        PHASES,
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--header",
        f"X-API-Key: {API_KEY}",
        "--no-color",
    ]
    if CHECKS:
        command += ["--checks", CHECKS]
    return subprocess.run(command, capture_output=True, text=True, timeout=900)


def cases_run(output: str) -> int:
    """The number in schemathesis' summary line `N generated, ...`."""
    match = re.search(r"(\d+) generated", output)
    return int(match.group(1)) if match else 0


@pytest.mark.live
@pytest.mark.parametrize("document", SERVICES)
def test_schemathesis_finds_no_failure(service, document, fuzzed_servers):
    result = run_schemathesis(
        fuzzed_servers[document].base_url + "/openapi.json", fuzzed_servers[service].base_url
    )
    print(f"{service} fuzzed from the {document} document: {cases_run(result.stdout)} cases")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert cases_run(result.stdout) > 0
