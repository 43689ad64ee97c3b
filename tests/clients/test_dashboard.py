"""The Streamlit dashboard (clients/dashboard/app.py), run headless by Streamlit's own `AppTest`
against both live services: each test drives the script as a user's clicks would.

The Chromium run with a screenshot is in tests/browser/test_dashboard.py.
"""

import re

import pyarrow
import pytest
import requests
from streamlit.testing.v1 import AppTest

from shared.core.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "clients" / "dashboard" / "app.py"

pytestmark = pytest.mark.live


@pytest.fixture(params=["fastapi", "flask"])
def service_url(request: pytest.FixtureRequest, live_servers) -> str:
    return live_servers[request.param].base_url


@pytest.fixture
def dashboard(service_url, monkeypatch) -> AppTest:
    """The dashboard's first run, pointed at `service_url` as `make run-dashboard` points it."""
    monkeypatch.setenv("SERVICE_URL", service_url)
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def field(app: AppTest, label: str):
    return next(widget for widget in app.number_input if widget.label == label)


def press(app: AppTest, label: str) -> None:
    next(button for button in app.button if button.label == label).click()
    app.run()
    assert not app.exception


def metric(app: AppTest, label: str) -> str:
    return next(shown.value for shown in app.metric if shown.label == label)


def test_each_feature_shows_its_training_range(dashboard, service_url):
    card = requests.get(service_url + "/model", timeout=10).json()
    expected = [f"trained on {f['train_min']:g} to {f['train_max']:g}" for f in card["features"]]
    assert sorted(caption.value for caption in dashboard.caption) == sorted(expected)
    assert dashboard.sidebar.text_input[0].value == service_url


def test_predicting_stores_the_patient_and_flags_what_is_out_of_range(dashboard, service_url):
    field(dashboard, "age").set_value(95)
    press(dashboard, "Predict and store")
    [stored_message] = [message.value for message in dashboard.success]
    prediction_id = re.search(r"prediction (\d+)", stored_message).group(1)
    stored = requests.get(f"{service_url}/predictions/{prediction_id}", timeout=10).json()
    assert stored["features"]["age"] == 95
    assert metric(dashboard, "Predicted progression") == f"{stored['prediction']:.1f}"
    [warning] = [message.value for message in dashboard.warning]
    assert "age = 95 (trained on 19 to 79)" in warning
    assert "bmi" not in warning


def test_a_refused_patient_shows_the_services_message(dashboard):
    field(dashboard, "bmi").set_value(500)
    press(dashboard, "Predict and store")
    [error] = [message.value for message in dashboard.error]
    assert error.endswith("422: bmi: Input should be less than or equal to 80")


def running_mae_shown(app: AppTest) -> list[float]:
    """The chart's "running MAE" line, read from the data Streamlit sends the browser."""
    [chart] = app.get("vega_lite_chart")
    [dataset] = chart.proto.datasets
    table = pyarrow.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    return [
        row["value -- streamlit-generated"]
        for row in table
        if row["color -- streamlit-generated"] == "running MAE"
    ]


def test_recording_an_actual_updates_the_table_and_the_error_over_time(
    dashboard, service_url, patient
):
    stored = requests.post(service_url + "/predictions", json=patient, timeout=10).json()
    field(dashboard, "prediction id").set_value(stored["id"])
    field(dashboard, "actual value").set_value(100)
    press(dashboard, "Record actual")

    assert (
        requests.get(f"{service_url}/predictions/{stored['id']}", timeout=10).json()["actual"]
        == 100
    )
    table = dashboard.dataframe[0].value
    assert table.loc[table["id"] == stored["id"], "actual"].item() == 100
    performance = requests.get(service_url + "/model/performance", timeout=10).json()
    assert metric(dashboard, "Live MAE") == f"{performance['mae']:.1f}"
    assert running_mae_shown(dashboard)[-1] == pytest.approx(performance["mae"])


def test_a_refused_actual_shows_the_services_message(dashboard):
    field(dashboard, "prediction id").set_value(987654321)
    field(dashboard, "actual value").set_value(100)
    press(dashboard, "Record actual")
    [error] = [message.value for message in dashboard.error]
    assert "404" in error


@pytest.mark.parametrize("service", ["fastapi", "flask"])
def test_a_store_that_is_down_is_a_message_not_a_traceback(service, start_live_server, monkeypatch):
    """The service runs, its PostgreSQL does not (nothing listens on the discard port): the
    model card loads, and the stored-predictions panels say the store is unavailable."""
    server = start_live_server(service, DATABASE_URL="postgresql://nobody@127.0.0.1:9/predictions")
    monkeypatch.setenv("SERVICE_URL", server.base_url)
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception
    [error] = [message.value for message in app.error]
    assert (
        error == "The stored predictions cannot be read now: 503: Prediction store is unavailable"
    )
    press(app, "Predict and store")
    assert any("could not predict and store the patient now: 503" in m.value for m in app.error)
