"""The React client (clients/react/) in headless Chromium, against both live services.

What is tested is the production build, as `make build-react` writes it: plain static files, here
served by Python's http.server on an origin of their own, http://127.0.0.1:<port>. One build is
deployed three times under that origin, each copy with its own config.json naming its service:

    /fastapi/   config.json -> the FastAPI service
    /flask/     config.json -> the Flask service
    /down/      no config.json: the URL built into the bundle, where nothing listens

Both services are started with CORS_ORIGINS set to that origin, as a deployment would start them;
without it the browser would refuse every answer.

Set SCREENSHOT_DIR to keep the pictures lesson 16 shows
(`SCREENSHOT_DIR=lessons/images .venv/bin/pytest tests/browser/test_react.py`).
"""

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from shared.core.settings import PROJECT_ROOT
from tests.browser.test_playground import (  # noqa: F401  browser is a fixture
    CHROMIUM,
    WatchedPage,
    browser,
    save_screenshot,
)
from tests.support import SERVICES
from tests.support.servers import free_port

REACT = PROJECT_ROOT / "clients" / "react"
SNAPSHOT = PROJECT_ROOT / "tests" / "contract" / "openapi.snapshot.json"
GENERATED = REACT / "src" / "api" / "schema.d.ts"
NEEDED_NODE = (20, 19)  # Vite 8's oldest Node.js
PHONE = {"width": 375, "height": 812}  # a small phone's CSS pixels


def node_version() -> tuple[int, ...] | None:
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    printed = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    return tuple(int(part) for part in printed.strip().lstrip("v").split(".")[:2])


NODE = node_version()
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` (as .ci/run does)",
)
pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        NODE is None or NODE < NEEDED_NODE,
        reason=f"the React client needs Node.js {'.'.join(map(str, NEEDED_NODE))} or newer "
        f"and npm (found: {NODE or 'none'})",
    ),
]


@pytest.fixture(scope="module")
def installed() -> None:
    """clients/react/node_modules, as `npm ci` installs it from package-lock.json."""
    make("clients/react/node_modules/.installed")


def make(*arguments: str) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_types_are_current_with_the_openapi_snapshot(installed, tmp_path):
    """schema.d.ts is what openapi-typescript makes of the pinned snapshot today; after a change
    to the contract, `cd clients/react && npm run generate` and commit the result."""
    fresh = tmp_path / "schema.d.ts"
    generator = REACT / "node_modules" / ".bin" / "openapi-typescript"
    result = subprocess.run(
        [generator, SNAPSHOT, "--output", fresh], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert fresh.read_text() == GENERATED.read_text(), (
        f"{GENERATED.relative_to(PROJECT_ROOT)} is stale: `cd clients/react && npm run generate`"
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass  # the test's output is for failures, not for every asset served


@dataclass
class Site:
    origin: str  # http://127.0.0.1:<port>
    root: Path  # the served folder
    built_in: str  # the service URL built into the bundle, where nothing listens


@pytest.fixture(scope="module")
def site(installed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The origin serving the build three times (see the module's docstring)."""
    root = tmp_path_factory.mktemp("react-site")
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    make("build-react", f"SERVICE_URL={nowhere}", f"REACT_DIST={root / 'dist'}")
    for name in [*SERVICES, "down"]:
        shutil.copytree(root / "dist", root / name)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(f"http://127.0.0.1:{server.server_address[1]}", root, nowhere)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def services(site: Site, start_live_server) -> dict[str, str]:
    """Each service, started allowing the site's origin, and the copy of the build pointed at it
    by its config.json."""
    urls = {}
    for service in SERVICES:
        server = start_live_server(service, CORS_ORIGINS=site.origin)
        config = {"serviceUrl": server.base_url}
        (site.root / service / "config.json").write_text(json.dumps(config))
        urls[service] = server.base_url
    return urls


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest) -> str:
    return request.param


class AppTab(WatchedPage):
    """A WatchedPage that also records any request carrying an API key."""

    def __init__(self, page) -> None:
        super().__init__(page)
        self.sent_a_key: list[str] = []
        page.on("request", self.on_request_headers)

    def on_request_headers(self, request) -> None:
        if "x-api-key" in request.headers:
            self.sent_a_key.append(request.url)


def open_app(browser, url: str, viewport: dict, **options) -> AppTab:  # noqa: F811
    context = browser.new_context(viewport=viewport, **options)
    tab = AppTab(context.new_page())
    tab.page.goto(url)
    return tab


@pytest.fixture
def app(browser, site, services, service) -> Iterator[AppTab]:  # noqa: F811
    tab = open_app(browser, f"{site.origin}/{service}/", {"width": 1000, "height": 1100})
    tab.page.wait_for_selector("#predict")
    yield tab
    tab.page.context.close()


def fill_and_predict(page, patient: dict) -> None:
    for name, value in patient.items():
        page.fill(f"input[name={name}]", str(value))
    page.click("#predict")


@needs_chromium
def test_the_prediction_shown_is_the_services_answer(app, services, service, patient):
    patient = {**patient, "bmi": 27.4, "glu": 99}  # typed in, not the prefilled values
    page = app.page
    fill_and_predict(page, patient)
    page.wait_for_selector("#result")

    answer = requests.post(services[service] + "/predict", json=patient, timeout=10).json()
    assert page.text_content("#prediction") == f"{answer['prediction']:.1f}"
    assert page.text_content("#model-version") == answer["model_version"]
    # Location is readable from another origin only because the service exposes it.
    location = page.text_content("#stored-as")
    stored = requests.get(services[service] + location, timeout=10).json()
    assert stored["features"] == patient
    page.wait_for_selector(f"#stored tbody tr:first-child[data-id='{stored['id']}']")
    assert page.locator(".out-of-range").count() == 0
    assert app.problems == []
    assert app.sent_a_key == []  # the browser holds no key, so it can send none
    save_screenshot(page, f"react-{service}")


@needs_chromium
def test_recording_an_actual_updates_the_live_error(app, services, service, patient):
    page = app.page
    fill_and_predict(page, {**patient, "age": 48})
    page.wait_for_selector("#result")
    stored_id = page.text_content("#stored-as").rsplit("/", 1)[1]
    row = page.locator(f"#stored tr[data-id='{stored_id}']")
    row.locator("input[name=actual]").fill("151")
    row.locator("button").click()
    row.locator(".actual").wait_for()
    assert row.locator(".actual").text_content() == "151"

    performance = requests.get(services[service] + "/model/performance", timeout=10).json()
    card = requests.get(services[service] + "/model", timeout=10).json()
    page.wait_for_function(
        f"document.querySelector('#live-count').textContent === '{performance['count']}'"
    )
    assert page.text_content("#live-mae") == f"{performance['mae']:.1f}"
    assert page.text_content("#held-out-mae") == f"{card['metrics']['mae']:.1f}"
    assert app.problems == []


@needs_chromium
def test_a_refused_field_shows_the_services_message_on_the_field(app, services, service, patient):
    page = app.page
    fill_and_predict(page, {**patient, "bmi": 500})
    page.wait_for_selector("#predict-error")

    answer = requests.post(services[service] + "/predict", json={**patient, "bmi": 500}, timeout=10)
    assert answer.status_code == 422
    message = answer.json()["detail"][0]["msg"]  # "Input should be less than or equal to 80"
    assert page.text_content("[data-field=bmi]").strip() == message
    assert page.text_content("#predict-error") == "422: the service refused bmi"
    assert page.get_attribute("input[name=bmi]", "aria-invalid") == "true"
    assert page.locator(".field-error").count() == 1
    assert app.problems == []
    save_screenshot(page, f"react-error-{service}")


@needs_chromium
def test_a_phone_width_needs_no_sideways_scrolling(browser, site, services, service, patient):  # noqa: F811
    tab = open_app(browser, f"{site.origin}/{service}/", PHONE, is_mobile=True, has_touch=True)
    page = tab.page
    unusual = {**patient, "age": 95, "glu": 130}  # plausible, but beyond any training patient
    page.wait_for_selector("#predict")
    fill_and_predict(page, unusual)
    page.wait_for_selector("#result")
    page.wait_for_selector("#stored tbody tr")

    answer = requests.post(services[service] + "/predict", json=unusual, timeout=10).json()
    marked = page.locator(".out-of-range input").evaluate_all("inputs => inputs.map(i => i.name)")
    assert marked == answer["out_of_range"] == ["age", "glu"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert tab.problems == []
    save_screenshot(page, f"react-phone-{service}")
    page.context.close()


@needs_chromium
def test_a_service_that_is_down_says_so(browser, site):  # noqa: F811
    tab = open_app(browser, f"{site.origin}/down/", {"width": 1000, "height": 500})
    message = tab.page.locator("#service-error")
    message.wait_for()
    assert f"The service at {site.built_in} cannot be reached. Is it running" in (
        message.text_content()
    )
    # With no config.json, the URL built in by `make build-react SERVICE_URL=...` is the one tried.
    assert tab.problems == [f"failed: GET {site.built_in}/model (net::ERR_CONNECTION_REFUSED)"]
    save_screenshot(tab.page, "react-down")
    tab.page.context.close()


@needs_chromium
def test_an_origin_the_service_does_not_allow_gets_no_answer(browser, site, services):  # noqa: F811
    """The same page from http://localhost:<port>: another origin than CORS_ORIGINS lists (origins
    are compared as strings), so the browser hides the service's answer from the page."""
    other_origin = site.origin.replace("127.0.0.1", "localhost")
    tab = open_app(browser, f"{other_origin}/fastapi/", {"width": 1000, "height": 500})
    message = tab.page.locator("#service-error")
    message.wait_for()
    assert message.text_content().startswith(f"The service at {services['fastapi']} cannot be")
    assert f"include this page's origin ({other_origin})" in message.text_content()
    tab.page.context.close()
