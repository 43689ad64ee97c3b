"""The Streamlit dashboard in headless Chromium, started as `make run-dashboard` starts it, against
both live services. Set SCREENSHOT_DIR to keep a picture of each (the lesson's were made so:
`SCREENSHOT_DIR=lessons/images make test-browser`).
"""

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.core.settings import PROJECT_ROOT
from tests.browser.test_playground import CHROMIUM, WatchedPage, browser  # noqa: F401  fixture
from tests.support.servers import free_port

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(params=["fastapi", "flask"])
def service(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def dashboard_url(service: str, live_servers) -> Iterator[str]:
    """`make run-dashboard` on a free port, pointed at the live `service`; stopped after."""
    port = free_port()
    command = ["make", "--no-print-directory", "run-dashboard", f"PORT={port}"]
    command.append(f"SERVICE_URL={live_servers[service].base_url}")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)


def wait_healthy(url: str, process: subprocess.Popen, log, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the dashboard exited:\n{log.read().decode(errors='replace')}")
        try:
            if requests.get(url + "/_stcore/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:  # not listening yet
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the dashboard did not start within {timeout} s")


def test_dashboard_predicts_and_charts_the_error_in_a_browser(
    browser,  # noqa: F811  the fixture imported above
    dashboard_url,
    service,
    live_servers,
    patient,
):
    # Six stored predictions with their actuals, so the error chart has a line to draw.
    base_url = live_servers[service].base_url
    for step, actual in enumerate([150, 220, 95, 260, 180, 130]):
        later_patient = {**patient, "age": 40 + 5 * step, "bmi": 24 + step}
        stored = requests.post(base_url + "/predictions", json=later_patient, timeout=10).json()
        answer = requests.put(
            f"{base_url}/predictions/{stored['id']}/actual", json={"value": actual}, timeout=10
        )
        assert answer.status_code == 200

    context = browser.new_context(viewport={"width": 1280, "height": 2700})
    tab = WatchedPage(context.new_page())
    page = tab.page
    page.goto(dashboard_url)
    page.get_by_role("button", name="Predict and store").click()
    page.get_by_text("Predicted progression").wait_for()
    page.get_by_text("trained on 19 to 79").wait_for()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] g.mark-line path")
    page.wait_for_load_state("networkidle")
    assert tab.problems == []
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(os.environ["SCREENSHOT_DIR"]) / f"dashboard-{service}.png")
    context.close()
