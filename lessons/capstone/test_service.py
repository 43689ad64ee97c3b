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

from shared.contract.security import API_KEY_HEADER
from shared.core.schemas import EXAMPLE_PATIENT

TEST_KEY = "a-key-for-the-tests"


class FlaskClient:
    """Flask's test client, answering as FastAPI's does: `.status_code` and `.json()`."""

    def __init__(self, app, headers: dict) -> None:
        self.client = app.test_client()
        self.headers = headers

    def post(self, path: str, **kwargs) -> SimpleNamespace:
        response = self.client.post(path, headers=self.headers, **kwargs)
        return SimpleNamespace(status_code=response.status_code, json=response.get_json)


@pytest.fixture(params=["FastAPI", "Flask"])
def client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """A client of one twin: pytest runs each test that asks for it once per twin."""
    monkeypatch.setenv("API_KEY", TEST_KEY)  # the key the twins read, for this test only
    headers = {API_KEY_HEADER: TEST_KEY}
    if request.param == "FastAPI":
        with TestClient(create_fastapi_app(), headers=headers) as fastapi_client:
            yield fastapi_client
    else:
        yield FlaskClient(create_flask_app(), headers)


def test_predicts_a_number(client) -> None:
    response = client.post("/predict", json=EXAMPLE_PATIENT)
    assert response.status_code == 200
    assert isinstance(response.json()["prediction"], float)


def test_refuses_a_negative_age(client) -> None:
    response = client.post("/predict", json={**EXAMPLE_PATIENT, "age": -1})
    assert response.status_code == 422
    assert ["body", "age"] in [issue["loc"] for issue in response.json()["detail"]]
