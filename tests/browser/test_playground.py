"""The playground page (`/`) and Swagger UI (`/docs`) in a real browser, against both live services.

Headless Chromium from Debian's `chromium` package, driven by playwright (playwright's own browser
download does not work offline). Every test also fails on a request that failed (a missing asset)
or that left 127.0.0.1 (a CDN): both pages must work with no network.

Set SCREENSHOT_DIR to save screenshots of each service's playground: after a prediction, at a
phone's width, and refusing 1e999 (the lessons' pictures were made so:
`SCREENSHOT_DIR=lessons/images make test-browser`).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from shared.core.train import MODEL_VERSION

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


PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels


@pytest.fixture
def tab(browser) -> Iterator[WatchedPage]:
    context = browser.new_context(viewport={"width": 1000, "height": 820})
    yield WatchedPage(context.new_page())
    context.close()


@pytest.fixture
def phone_tab(browser) -> Iterator[WatchedPage]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield WatchedPage(context.new_page())
    context.close()


def open_playground(tab: WatchedPage, base_url: str):
    page = tab.page
    page.goto(base_url + "/")
    page.wait_for_selector("label small:not(:empty)")  # a selector: the page's CSP forbids eval
    return page


def fill_and_predict(page, patient: dict) -> None:
    for name, number in patient.items():
        if name == "sex":
            page.select_option("select[name=sex]", str(number))
        else:
            page.fill(f"input[name={name}]", str(number))
    page.click("#predict")


def save_screenshot(page, name: str) -> None:
    """Keep a picture for the lessons when SCREENSHOT_DIR is set
    (`SCREENSHOT_DIR=lessons/images make test-browser`)."""
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(os.environ["SCREENSHOT_DIR"]) / f"{name}.png", full_page=True)


def service_of(request: pytest.FixtureRequest) -> str:
    return request.node.callspec.params["base_url"]


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
    save_screenshot(page, f"playground-{service_of(request)}")


def test_the_prediction_is_shown_on_the_targets_scale(tab, base_url, patient):
    card = requests.get(base_url + "/model", timeout=10).json()
    page = open_playground(tab, base_url)
    fill_and_predict(page, patient)
    page.wait_for_selector("#scale", state="visible")
    meter = page.locator("#scale-meter")
    assert float(meter.get_attribute("min")) == card["target_min"]
    assert float(meter.get_attribute("max")) == card["target_max"]
    assert float(meter.evaluate("meter => meter.value")) == pytest.approx(
        float(page.text_content("#prediction")), abs=0.05
    )
    assert tab.problems == []


def test_predicting_stores_and_shows_the_prediction_in_the_recent_table(tab, base_url, patient):
    """Predict sends POST /predictions: the new record heads the recent table at once."""
    page = open_playground(tab, base_url)
    fill_and_predict(page, {**patient, "bmi": 29.9})
    page.wait_for_selector("#result", state="visible")
    location = page.text_content("#stored-as")
    stored = requests.get(base_url + location, timeout=10).json()
    assert stored["features"]["bmi"] == 29.9
    first_id = f"#recent-rows tr:first-child td:first-child:text-is('{stored['id']}')"
    page.wait_for_selector(first_id)
    assert tab.problems == []


def test_playground_highlights_features_outside_the_training_range(tab, base_url, patient):
    unusual = {**patient, "age": 95, "glu": 130}  # plausible, but beyond any training patient
    page = open_playground(tab, base_url)
    fill_and_predict(page, unusual)
    page.wait_for_selector("#result", state="visible")
    answer = requests.post(base_url + "/predict", json=unusual, timeout=10).json()
    assert page.text_content("#out-of-range") == ", ".join(answer["out_of_range"]) == "age, glu"
    highlighted = page.locator("label.out-of-range input").evaluate_all(
        "fields => fields.map(field => field.name)"
    )
    assert highlighted == ["age", "glu"]
    plain, marked = (
        page.locator(f"input[name={name}]").evaluate(
            "field => getComputedStyle(field).outlineStyle"
        )
        for name in ("bmi", "age")
    )
    assert (plain, marked) == ("none", "solid")
    assert tab.problems == []


def test_playground_shows_the_services_validation_errors(tab, base_url, patient):
    page = open_playground(tab, base_url)
    fill_and_predict(page, {**patient, "bmi": 500})
    page.wait_for_selector("#errors", state="visible")
    assert page.text_content("#error-title").startswith("422")
    assert page.text_content("#error-list").startswith("bmi: ")
    assert page.get_attribute("input[name=bmi]", "aria-invalid") == "true"
    assert tab.problems == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1e999", "Input should be a finite number"), ("ten", "Input should be a valid number")],
)
def test_a_value_javascript_cannot_read_reaches_the_service_and_its_answer(
    tab, base_url, patient, typed, message, request
):
    """The browser reads 1e999 as Infinity and "ten" as NaN; the page sends them anyway and shows
    the service's message for that field, never "Field required"."""
    page = open_playground(tab, base_url)
    fill_and_predict(page, {**patient, "glu": typed})
    page.wait_for_selector("#errors", state="visible")
    assert page.text_content("#error-list") == f"glu: {message}"
    assert page.get_attribute("input[name=glu]", "aria-invalid") == "true"
    assert tab.problems == []
    if typed == "1e999":
        save_screenshot(page, f"playground-error-{service_of(request)}")


def test_playground_fits_a_phone_without_sideways_scrolling(phone_tab, base_url, patient, request):
    page = open_playground(phone_tab, base_url)
    fill_and_predict(page, {**patient, "age": 95})
    page.wait_for_selector("#result", state="visible")
    page.wait_for_selector("#recent-rows tr")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]
    assert page.locator("label.out-of-range input[name=age]").is_visible()
    assert phone_tab.problems == []
    save_screenshot(page, f"playground-phone-{service_of(request)}")


def test_recent_predictions_show_exactly_when_the_service_stores_them(tab, base_url):
    stored = requests.get(base_url + "/predictions?limit=5", timeout=10).status_code == 200
    page = open_playground(tab, base_url)
    page.wait_for_load_state("networkidle")
    assert page.is_visible("#recent") == stored
    assert tab.problems == []


def test_an_empty_store_says_none_yet(tab, start_live_server, tmp_path):
    """A service whose store is empty: the table says so instead of showing nothing."""
    server = start_live_server("fastapi", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    page = open_playground(tab, server.base_url)
    page.wait_for_selector("#recent-rows tr")
    assert page.text_content("#recent-rows") == "none yet"
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
