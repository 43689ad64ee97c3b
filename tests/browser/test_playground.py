"""The playground page (`/`) and Swagger UI (`/docs`) in a real browser, against both live services.

Headless Chromium from Debian's `chromium` package, driven by playwright (playwright's own browser
download does not work offline). Every test also fails on a request that failed (a missing asset)
or that left 127.0.0.1 (a CDN): both pages must work with no network.

Set SCREENSHOT_DIR to save a screenshot of each service's playground after a prediction (the
lesson's pictures were made so: `SCREENSHOT_DIR=lessons/images make test-browser`).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from shared.train import MODEL_VERSION

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the CI container runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no update checks, no safe-browsing lists: no network
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` (as .ci/run does)",
    ),
]


class WatchedPage:
    """A browser tab that records every request that failed, a page or asset that answered an
    error, and any request that went beyond 127.0.0.1."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("requestfailed", self.on_failed)
        page.on("request", self.on_request)
        page.on("response", self.on_response)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def on_failed(self, request) -> None:
        self.problems.append(f"failed: {request.method} {request.url} ({request.failure})")

    def on_response(self, response) -> None:
        # An API call may answer 4xx on purpose (the page shows it); a page or asset may not.
        if response.status >= 400 and response.request.resource_type not in ("fetch", "xhr"):
            self.problems.append(f"answered {response.status}: {response.url}")

    def on_request(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1":
            self.problems.append(f"left the machine: {request.method} {request.url}")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(params=["fastapi", "flask"])
def base_url(request: pytest.FixtureRequest, live_servers) -> str:
    return live_servers[request.param].base_url


@pytest.fixture
def tab(browser) -> Iterator[WatchedPage]:
    context = browser.new_context(viewport={"width": 1000, "height": 820})
    yield WatchedPage(context.new_page())
    context.close()


def open_playground(tab: WatchedPage, base_url: str):
    page = tab.page
    page.goto(base_url + "/")
    page.wait_for_function("document.querySelector('label small').textContent !== ''")
    return page


def fill_and_predict(page, patient: dict) -> None:
    for name, number in patient.items():
        if name == "sex":
            page.select_option("select[name=sex]", str(number))
        else:
            page.fill(f"input[name={name}]", str(number))
    page.click("#predict")


def test_playground_predicts_what_the_api_predicts(tab, base_url, patient, request):
    patient = {**patient, "bmi": 27.4, "glu": 99}  # typed in, not the prefilled values
    page = open_playground(tab, base_url)
    fill_and_predict(page, patient)
    page.wait_for_selector("#result", state="visible")

    answer = requests.post(base_url + "/predict", json=patient, timeout=10).json()
    assert page.text_content("#prediction") == f"{answer['prediction']:.1f}"
    assert page.text_content("#model-version") == MODEL_VERSION
    assert page.text_content("#out-of-range") == "none"
    assert tab.problems == []
    if os.environ.get("SCREENSHOT_DIR"):
        save_screenshot(page, base_url, patient, request.node.callspec.params["base_url"])


def save_screenshot(page, base_url: str, patient: dict, service: str) -> None:
    """The page after a prediction, with one stored prediction in the recent panel."""
    requests.post(base_url + "/predictions", json=patient, timeout=10)
    page.click("#refresh-recent")
    page.wait_for_selector("#recent-rows tr")
    path = Path(os.environ["SCREENSHOT_DIR"]) / f"playground-{service}.png"
    page.screenshot(path=path, full_page=True)


def test_playground_names_features_outside_the_training_range(tab, base_url, patient):
    page = open_playground(tab, base_url)
    fill_and_predict(page, {**patient, "age": 95})  # plausible, but older than any training patient
    page.wait_for_selector("#result", state="visible")
    assert page.text_content("#out-of-range") == "age"
    assert tab.problems == []


def test_playground_shows_the_services_validation_errors(tab, base_url, patient):
    page = open_playground(tab, base_url)
    fill_and_predict(page, {**patient, "bmi": 500})
    page.wait_for_selector("#errors", state="visible")
    assert page.text_content("#error-title").startswith("422")
    assert page.text_content("#error-list").startswith("bmi: ")
    assert page.get_attribute("input[name=bmi]", "aria-invalid") == "true"
    assert tab.problems == []


def test_recent_predictions_show_exactly_when_the_service_stores_them(tab, base_url):
    stored = requests.get(base_url + "/predictions?limit=5", timeout=10).status_code == 200
    page = open_playground(tab, base_url)
    page.wait_for_load_state("networkidle")
    assert page.is_visible("#recent") == stored
    assert tab.problems == []


def test_swagger_ui_renders_every_operation(tab, base_url):
    document = requests.get(base_url + "/openapi.json", timeout=10).json()
    operations = sum(len(methods) for methods in document["paths"].values())
    page = tab.page
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations
    assert document["info"]["title"] in page.text_content(".info .title")
    assert tab.problems == []
