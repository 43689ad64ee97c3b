"""A V2 client nobody here wrote: NVIDIA's tritonclient[http] against each live service.

It is the proof that the Open Inference Protocol is spoken as other systems speak it: the client
sends no Content-Type, sends binary tensors unless told otherwise, and asks for binary outputs
unless an output is requested with `binary_data=False`.
"""

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from shared.core.schemas import FEATURES

pytestmark = pytest.mark.live

MODEL = "diabetes-progression"


@pytest.fixture
def server(service, live_servers):
    return live_servers[service]


@pytest.fixture
def triton(server):
    """tritonclient takes `host:port`, without a scheme."""
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{server.port}")
    yield client
    client.close()


@pytest.fixture
def rows(patient):
    others = [{**patient, "age": 30, "sex": 1, "bmi": 22.5}, {**patient, "bp": 80, "glu": 120}]
    return np.array([[body[name] for name in FEATURES] for body in (patient, *others)])


def predicted_by_predict(server, rows):
    instances = [dict(zip(FEATURES, row, strict=True)) for row in rows.tolist()]
    answer = requests.post(f"{server.base_url}/predict/batch", json={"instances": instances})
    return answer.json()["predictions"]


NUMPY_TYPES = {"FP32": np.float32, "FP64": np.float64}


def infer(triton, rows, datatype="FP64", binary_input=False, binary_output=False, **options):
    """Predictions for `rows` sent as one [N, 10] tensor, JSON both ways unless told otherwise."""
    tensor = httpclient.InferInput("patients", list(rows.shape), datatype)
    tensor.set_data_from_numpy(rows.astype(NUMPY_TYPES[datatype]), binary_data=binary_input)
    output = httpclient.InferRequestedOutput("prediction", binary_data=binary_output)
    result = triton.infer(MODEL, [tensor], outputs=[output], **options)
    return result.as_numpy("prediction")


def test_server_is_live(triton):
    assert triton.is_server_live()


def test_server_is_ready(triton):
    assert triton.is_server_ready()


def test_model_is_ready(triton):
    assert triton.is_model_ready(MODEL)
    assert triton.is_model_ready(MODEL, model_version="1.0.0")


def test_unknown_model_is_not_ready(triton):
    assert not triton.is_model_ready("other")


def test_server_metadata(triton):
    metadata = triton.get_server_metadata()
    assert metadata["name"] == "ml-serving-twins"
    assert "binary_tensor_data" in metadata["extensions"]


def test_model_metadata(triton):
    metadata = triton.get_model_metadata(MODEL)
    assert metadata["versions"] == ["1.0.0"]
    assert [tensor["shape"] for tensor in metadata["inputs"]] == [[-1, 10]]
    assert metadata == triton.get_model_metadata(MODEL, model_version="1.0.0")


@pytest.mark.parametrize("datatype", ["FP32", "FP64"])
def test_infer_one_row_equals_predict(triton, server, rows, datatype):
    predictions = infer(triton, rows[:1], datatype)
    assert predictions.shape == (1, 1)
    expected = predicted_by_predict(server, rows[:1])
    assert predictions[:, 0] == pytest.approx(expected, rel=1e-5 if datatype == "FP32" else 1e-12)


@pytest.mark.parametrize("datatype", ["FP32", "FP64"])
def test_infer_many_rows_equals_predict(triton, server, rows, datatype):
    predictions = infer(triton, rows, datatype)
    assert predictions.shape == (len(rows), 1)
    expected = predicted_by_predict(server, rows)
    assert predictions[:, 0] == pytest.approx(expected, rel=1e-5 if datatype == "FP32" else 1e-12)


@pytest.mark.parametrize(
    ("binary_input", "binary_output"), [(True, False), (False, True), (True, True)]
)
def test_binary_tensors_answer_as_json_ones(triton, rows, binary_input, binary_output):
    binary = infer(triton, rows, "FP32", binary_input=binary_input, binary_output=binary_output)
    assert binary == pytest.approx(infer(triton, rows, "FP32"))


def test_client_defaults_binary_in_and_out(triton, server, rows):
    """No requested outputs: the client asks for every output in binary."""
    tensor = httpclient.InferInput("patients", list(rows.shape), "FP64")
    tensor.set_data_from_numpy(rows)
    predictions = triton.infer(MODEL, [tensor]).as_numpy("prediction")
    assert predictions[:, 0] == pytest.approx(predicted_by_predict(server, rows), rel=1e-12)


def test_versioned_infer(triton, rows):
    versioned = infer(triton, rows, model_version="1.0.0")
    assert versioned == pytest.approx(infer(triton, rows))


def test_unknown_model_raises_404(triton, rows):
    with pytest.raises(InferenceServerException) as raised:
        triton.get_model_metadata("other")
    assert raised.value.status() == "404"
    assert "Unknown model 'other'" in raised.value.message()


def test_invalid_row_raises_400_naming_the_feature(triton, rows):
    rows[1, FEATURES.index("bmi")] = 500
    with pytest.raises(InferenceServerException) as raised:
        infer(triton, rows)
    assert raised.value.status() == "400"
    assert raised.value.message().startswith("patients.1.bmi: ")
