"""A typed client generated from each service's OpenAPI document (openapi-python-client), driving
that service: what a client generator makes of the document is what the API's users get."""

import importlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
import requests

from shared.contract.openapi import V2_EXAMPLE_REQUEST
from shared.core.model import MODEL_NAME, MODEL_VERSION
from tests.support import SERVICES

pytestmark = pytest.mark.live

API_KEY = "test-api-key"  # the session settings' key (conftest.py)
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module", params=SERVICES)
def generated(
    request: pytest.FixtureRequest, live_servers, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Callable[[str], ModuleType]]]:
    """The client package generated from the live service's /openapi.json, and an importer of
    its modules (`api.prediction.predict`, `models.patient`, ...)."""
    service = request.param
    base_url = live_servers[service].base_url
    folder = tmp_path_factory.mktemp(f"generated-{service}")
    document = folder / "openapi.json"
    document.write_text(requests.get(base_url + "/openapi.json", timeout=10).text)
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run over the generated code
    package = f"{service}_client"
    command = [GENERATOR, "generate", "--path", document, "--config", config, "--meta", "none"]
    result = subprocess.run(
        [*command, "--output-path", folder / package], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    yield base_url, lambda module: importlib.import_module(f"{package}.{module}")
    sys.path.remove(str(folder))


@pytest.fixture
def client(generated):
    """The generated package's plain client, closed after the test."""
    base_url, module = generated
    with module("client").Client(base_url=base_url) as plain:
        yield plain


def test_predict_and_batch(generated, client, patient):
    _, module = generated
    body = module("models.patient").Patient.from_dict(patient)
    answer = module("api.prediction.predict").sync(client=client, body=body)
    assert answer.model_version == MODEL_VERSION
    batch = module("models.batch_request").BatchRequest.from_dict({"instances": [patient] * 2})
    answers = module("api.prediction.predict_batch").sync(client=client, body=batch)
    assert answers.predictions == pytest.approx([answer.prediction] * 2)


def test_the_predictions_resource(generated, client, patient):
    base_url, module = generated
    created = module("api.predictions.create_prediction").sync_detailed(
        client=client, body=module("models.patient").Patient.from_dict(patient)
    )
    assert created.status_code == 201
    record = created.parsed
    assert created.headers["Location"] == f"/predictions/{record.id}"
    fetched = module("api.predictions.get_prediction").sync(client=client, prediction_id=record.id)
    assert fetched.prediction == record.prediction
    actual = module("models.actual_value").ActualValue.from_dict({"value": 151.0})
    completed = module("api.predictions.record_actual").sync(
        client=client, prediction_id=record.id, body=actual
    )
    assert completed.actual == 151.0
    page = module("api.predictions.list_predictions").sync(client=client, limit=100)
    assert record.id in [item.id for item in page.items]
    delete = module("api.predictions.delete_prediction")
    assert delete.sync_detailed(client=client, prediction_id=record.id).status_code == 401
    with module("client").AuthenticatedClient(
        base_url=base_url, token=API_KEY, prefix="", auth_header_name="X-API-Key"
    ) as with_key:
        assert delete.sync_detailed(client=with_key, prediction_id=record.id).status_code == 204
    gone = module("api.predictions.get_prediction").sync(client=client, prediction_id=record.id)
    assert gone.detail == "Prediction not found"


def test_v2_inference(generated, client):
    _, module = generated
    body = module("models.inference_request").InferenceRequest.from_dict(V2_EXAMPLE_REQUEST)
    answer = module("api.open_inference_protocol_v2.infer").sync(
        client=client, name=MODEL_NAME, body=body
    )
    assert answer.model_name == MODEL_NAME
    assert answer.outputs[0].shape == [1, 1]
