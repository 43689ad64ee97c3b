"""Your service's contract tests: each written once, run against both twins (lesson 08).

Run them from your folder, `cd work/service`, with
`MODEL_PATH=../../models/diabetes.joblib ../../.venv/bin/python -m pytest test_service.py`
(`python -m` puts the folder on the import path, so `import fastapi_app` finds your twin).
`make exercise N=08` runs them too, and against services that break the contract: a test that
cannot fail proves nothing.
"""

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from fastapi_app import create_app as create_fastapi_app
from flask_app import create_app as create_flask_app

from shared.core.schemas import EXAMPLE_PATIENT


class FlaskClient:
    """Flask's test client, answering as FastAPI's does: `.status_code` and `.json()`."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def post(self, path: str, **kwargs) -> SimpleNamespace:
        response = self.client.post(path, **kwargs)
        return SimpleNamespace(status_code=response.status_code, json=response.get_json)


@pytest.fixture(params=["FastAPI", "Flask"])
def client(request: pytest.FixtureRequest):
    """A client of one twin: pytest runs each test that asks for it once per twin."""
    if request.param == "FastAPI":
        with TestClient(create_fastapi_app()) as fastapi_client:
            yield fastapi_client
    else:
        yield FlaskClient(create_flask_app())


def test_predicts_a_number(client) -> None:
    response = client.post("/predict", json=EXAMPLE_PATIENT)
    assert response.status_code == 200
    assert isinstance(response.json()["prediction"], float)


def test_refuses_a_negative_age(client) -> None:
    response = client.post("/predict", json={**EXAMPLE_PATIENT, "age": -1})
    assert response.status_code == 422
    assert ["body", "age"] in [issue["loc"] for issue in response.json()["detail"]]


# TODO (step 3): in test_service.py's fixture, set the key the twins read,
#   monkeypatch.setenv("API_KEY", ...), and send it with every request, X-API-Key.
