"""The Open Inference Protocol (KServe V2 REST): every endpoint, tensors in and out, its errors.

The V2 layer is a codec over the predictor behind `/predict`, so its answers must equal
`/predict`'s and its input rules must be the contract's.
"""

import json
import struct

import pytest
import requests

from shared.core.model import MODEL_VERSION
from shared.core.schemas import FEATURES, MAX_BATCH

MODEL = "diabetes-progression"
INFER = f"/v2/models/{MODEL}/infer"


@pytest.fixture
def rows(patient):
    """Three patients as rows of the ten features, in the model card's order."""
    others = [{**patient, "age": 30, "sex": 1, "bmi": 22.5}, {**patient, "bp": 80, "glu": 120}]
    return [[body[name] for name in FEATURES] for body in (patient, *others)]


def tensor_request(rows, datatype="FP64", nested=False, **fields):
    data = rows if nested else [value for row in rows for value in row]
    tensor = {"name": "patients", "shape": [len(rows), len(FEATURES)], "datatype": datatype}
    return {"inputs": [{**tensor, "data": data}], **fields}


def predictions_of(response):
    [output] = response.json()["outputs"]
    return output["data"]


def predicted_by_predict(api, rows):
    instances = [dict(zip(FEATURES, row, strict=True)) for row in rows]
    return api.post("/predict/batch", json={"instances": instances}).json()["predictions"]


# --- Server and model endpoints ---------------------------------------------------------------


def test_server_metadata_names_the_server_and_the_binary_extension(api):
    response = api.get("/v2")
    assert response.status_code == 200
    assert response.json() == {
        "name": "ml-serving-twins",
        "version": "0.1.0",
        "extensions": ["binary_tensor_data"],
    }


def test_server_is_live(api):
    response = api.get("/v2/health/live")
    assert response.status_code == 200
    assert response.json() == {"live": True}


def test_server_is_ready_with_a_model(api):
    response = api.get("/v2/health/ready")
    assert response.status_code == 200
    assert response.json() == {"ready": True}


@pytest.mark.parametrize("path", [f"/v2/models/{MODEL}", f"/v2/models/{MODEL}/versions/1.0.0"])
def test_model_metadata_describes_one_input_of_ten_columns(api, path):
    response = api.get(path)
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["versions"], body["platform"]) == (
        MODEL,
        [MODEL_VERSION],
        "scikit-learn",
    )
    [tensor] = body["inputs"]
    assert (tensor["name"], tensor["datatype"], tensor["shape"]) == ("patients", "FP64", [-1, 10])
    assert tensor["parameters"]["columns"].split(",") == list(FEATURES)
    [output] = body["outputs"]
    assert (output["name"], output["datatype"], output["shape"]) == ("prediction", "FP64", [-1, 1])


@pytest.mark.parametrize("path", [f"/v2/models/{MODEL}", f"/v2/models/{MODEL}/versions/1.0.0"])
def test_model_is_ready(api, path):
    response = api.get(f"{path}/ready")
    assert response.status_code == 200
    assert response.json() == {"name": MODEL, "ready": True}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/models/other"),
        ("GET", "/v2/models/other/ready"),
        ("POST", "/v2/models/other/infer"),
        ("GET", "/v2/models/other/versions/1.0.0"),
    ],
)
def test_unknown_model_is_404_with_an_error_key(api, rows, method, path):
    body = {"json": tensor_request(rows)} if method == "POST" else {}
    response = api.request(method, path, **body)
    assert response.status_code == 404
    assert response.json() == {"error": f"Unknown model 'other': this server serves '{MODEL}'"}


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("GET", "/ready"), ("POST", "/infer")])
def test_unknown_version_is_404(api, rows, method, suffix):
    body = {"json": tensor_request(rows)} if method == "POST" else {}
    response = api.request(method, f"/v2/models/{MODEL}/versions/9.9.9{suffix}", **body)
    assert response.status_code == 404
    assert "9.9.9" in response.json()["error"]


# --- Inference ---------------------------------------------------------------------------------


def test_infer_answers_one_fp64_column_named_prediction(api, rows):
    response = api.post(INFER, json=tensor_request(rows))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert (body["model_name"], body["model_version"]) == (MODEL, MODEL_VERSION)
    [output] = body["outputs"]
    assert (output["name"], output["datatype"], output["shape"]) == ("prediction", "FP64", [3, 1])


def test_fp64_rows_predict_exactly_as_predict(api, rows):
    response = api.post(INFER, json=tensor_request(rows, "FP64"))
    assert predictions_of(response) == pytest.approx(predicted_by_predict(api, rows), rel=1e-12)


def test_fp32_rows_predict_as_predict_to_float32_precision(api, rows):
    response = api.post(INFER, json=tensor_request(rows, "FP32"))
    assert response.status_code == 200
    assert predictions_of(response) == pytest.approx(predicted_by_predict(api, rows), rel=1e-5)


def test_one_row_predicts_as_predict(api, patient, rows):
    response = api.post(INFER, json=tensor_request(rows[:1]))
    expected = api.post("/predict", json=patient).json()["prediction"]
    assert predictions_of(response) == pytest.approx([expected], rel=1e-12)


def test_nested_data_equals_flat_data(api, rows):
    nested = api.post(INFER, json=tensor_request(rows, nested=True))
    flat = api.post(INFER, json=tensor_request(rows))
    assert nested.status_code == 200
    assert nested.json() == flat.json()


def test_integer_datatype_is_accepted(api):
    integer_rows = [[59, 2, 32, 101, 157, 93, 38, 4, 5, 87]]
    response = api.post(INFER, json=tensor_request(integer_rows, "INT32"))
    assert response.status_code == 200
    assert predictions_of(response) == pytest.approx(predicted_by_predict(api, integer_rows))


def test_versioned_infer_answers_as_infer(api, rows):
    versioned = api.post(f"/v2/models/{MODEL}/versions/1.0.0/infer", json=tensor_request(rows))
    assert versioned.json() == api.post(INFER, json=tensor_request(rows)).json()


def test_one_input_per_feature_equals_the_matrix_form(api, rows):
    columns = [
        {"name": name, "shape": [len(rows)], "datatype": "FP64", "data": [row[i] for row in rows]}
        for i, name in enumerate(FEATURES)
    ]
    response = api.post(INFER, json={"inputs": list(reversed(columns))})
    assert response.status_code == 200
    assert predictions_of(response) == predictions_of(api.post(INFER, json=tensor_request(rows)))


def test_body_without_content_type_is_read_as_json(api, rows):
    # tritonclient sends no Content-Type at all; raw bytes are sent here without one.
    response = api.post(INFER, content=json.dumps(tensor_request(rows)).encode())
    assert response.status_code == 200
    assert predictions_of(response) == pytest.approx(predicted_by_predict(api, rows), rel=1e-12)


def test_request_id_is_echoed(api, rows):
    response = api.post(INFER, json=tensor_request(rows, id="request-42"))
    assert response.json()["id"] == "request-42"


def test_binary_output_when_the_request_asks_for_it(api, rows):
    body = tensor_request(rows, parameters={"binary_data_output": True})
    response = api.post(INFER, json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    header_length = int(response.headers["inference-header-content-length"])
    header = json.loads(response.content[:header_length])
    [output] = header["outputs"]
    assert output["parameters"] == {"binary_data_size": 8 * len(rows)}
    values = struct.unpack(f"<{len(rows)}d", response.content[header_length:])
    assert list(values) == pytest.approx(predicted_by_predict(api, rows), rel=1e-12)


def test_requested_output_with_binary_data_false_is_json(api, rows):
    outputs = [{"name": "prediction", "parameters": {"binary_data": False}}]
    body = tensor_request(rows, outputs=outputs, parameters={"binary_data_output": True})
    response = api.post(INFER, json=body)
    assert response.headers["content-type"] == "application/json"
    assert len(predictions_of(response)) == len(rows)


def test_binary_input_predicts_as_json_input(api, rows):
    raw = struct.pack(f"<{len(rows) * 10}f", *(value for row in rows for value in row))
    tensor = {"name": "patients", "shape": [len(rows), 10], "datatype": "FP32"}
    header = json.dumps({"inputs": [{**tensor, "parameters": {"binary_data_size": len(raw)}}]})
    response = api.post(
        INFER,
        content=header.encode() + raw,
        headers={"Inference-Header-Content-Length": str(len(header))},
    )
    assert response.status_code == 200
    assert predictions_of(response) == predictions_of(
        api.post(INFER, json=tensor_request(rows, "FP32"))
    )


@pytest.mark.live
def test_both_services_answer_the_same_bytes(live_servers, rows):
    bodies = {
        requests.post(
            server.base_url + INFER, json=tensor_request(rows, "FP32"), timeout=30
        ).content
        for server in live_servers.values()
    }
    assert len(bodies) == 1


# --- Errors: {"error": "..."} with 400 for a bad tensor -----------------------------------------


def one_row_with(rows, feature, value):
    row = list(rows[0])
    row[FEATURES.index(feature)] = value
    return [row]


BAD_TENSORS = {
    "wrong_shape": lambda rows: {
        "inputs": [{"name": "patients", "shape": [10, 1], "datatype": "FP64", "data": rows[0]}]
    },
    "too_few_elements": lambda rows: {
        "inputs": [{"name": "patients", "shape": [2, 10], "datatype": "FP64", "data": rows[0]}]
    },
    "nesting_unlike_shape": lambda rows: {
        "inputs": [
            {"name": "patients", "shape": [2, 10], "datatype": "FP64", "data": [rows[0][:5]] * 4}
        ]
    },
    "unsupported_datatype": lambda rows: tensor_request(rows, "BYTES"),
    "string_value": lambda rows: tensor_request(one_row_with(rows, "bmi", "32.1")),
    "boolean_value": lambda rows: tensor_request(one_row_with(rows, "sex", True)),
    "float_in_an_integer_tensor": lambda rows: tensor_request(rows, "INT64"),
    "integer_overflowing_its_datatype": lambda rows: tensor_request(
        one_row_with([[int(v) for v in rows[0]]], "tc", 300), "INT8"
    ),
    "out_of_physical_range": lambda rows: tensor_request(one_row_with(rows, "bmi", 500)),
    "sex_not_1_or_2": lambda rows: tensor_request(one_row_with(rows, "sex", 3)),
    "no_rows": lambda rows: {
        "inputs": [{"name": "patients", "shape": [0, 10], "datatype": "FP64", "data": []}]
    },
    "too_many_rows": lambda rows: tensor_request(rows[:1] * (MAX_BATCH + 1)),
    "missing_inputs": lambda rows: {"outputs": [{"name": "prediction"}]},
    "empty_inputs": lambda rows: {"inputs": []},
    "unknown_input_name": lambda rows: {
        "inputs": [{**tensor_request(rows)["inputs"][0], "name": "x"}]
    },
    "unknown_output_name": lambda rows: tensor_request(rows, outputs=[{"name": "proba"}]),
    "no_data_and_no_binary": lambda rows: {
        "inputs": [{"name": "patients", "shape": [1, 10], "datatype": "FP64"}]
    },
    "not_an_object": lambda rows: [1, 2, 3],
    "feature_inputs_of_different_shapes": lambda rows: {
        "inputs": [
            {"name": name, "shape": [1] if i else [1, 1], "datatype": "FP64", "data": [rows[0][i]]}
            for i, name in enumerate(FEATURES)
        ]
    },
}


@pytest.mark.parametrize("make_body", BAD_TENSORS.values(), ids=BAD_TENSORS.keys())
def test_bad_tensor_is_400_with_an_error_key(api, rows, make_body):
    response = api.post(INFER, json=make_body(rows))
    assert response.status_code == 400
    assert list(response.json()) == ["error"]
    assert response.json()["error"]


def test_out_of_range_error_names_the_row_and_feature(api, rows):
    body = tensor_request([rows[0], *one_row_with(rows, "bmi", 500)])
    error = api.post(INFER, json=body).json()["error"]
    assert error.startswith("patients.1.bmi: ")


@pytest.mark.parametrize(
    "body",
    [
        b'{"inputs": [',
        b'{"inputs": [{"name": "patients", "shape": [1, 10], "datatype": "FP64", '
        b'"data": [NaN, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]}]}',
        b'{"inputs": [{"name": "patients", "shape": [1, 10], "datatype": "FP64", '
        b'"data": [1e999, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]}]}',
        b"[" * 100_000,
        b"",
        b"\xff\xfe",
    ],
    ids=["truncated", "nan", "infinity", "deep_nesting", "empty", "not_utf8"],
)
def test_unreadable_or_non_finite_body_is_400(api, body):
    response = api.post(INFER, content=body)
    assert response.status_code == 400
    assert list(response.json()) == ["error"]


@pytest.mark.parametrize("header_length", ["abc", "0", "100000"])
def test_bad_inference_header_length_is_400(api, rows, header_length):
    body = json.dumps(tensor_request(rows)).encode()
    headers = {"Inference-Header-Content-Length": header_length}
    response = api.post(INFER, content=body, headers=headers)
    assert response.status_code == 400
    assert "Inference-Header-Content-Length" in response.json()["error"]


def test_binary_size_unlike_shape_is_400(api):
    raw = struct.pack("<9d", *range(9))
    tensor = {"name": "patients", "shape": [1, 10], "datatype": "FP64"}
    header = json.dumps({"inputs": [{**tensor, "parameters": {"binary_data_size": len(raw)}}]})
    response = api.post(
        INFER,
        content=header.encode() + raw,
        headers={"Inference-Header-Content-Length": str(len(header))},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["error"]


def test_declared_non_json_content_type_is_415(api, rows):
    body = json.dumps(tensor_request(rows))
    response = api.post(INFER, content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert list(response.json()) == ["error"]


# --- Without a model ---------------------------------------------------------------------------


def test_ready_is_400_without_a_model(make_client):
    # The protocol answers "not ready" with a 4xx status; Triton uses 400.
    response = make_client(load_model=False).get("/v2/health/ready")
    assert response.status_code == 400
    assert response.json() == {"error": "Model is not loaded"}


def test_model_ready_is_400_without_a_model(make_client):
    assert make_client(load_model=False).get(f"/v2/models/{MODEL}/ready").status_code == 400


def test_live_answers_even_without_a_model(make_client):
    assert make_client(load_model=False).get("/v2/health/live").status_code == 200


@pytest.mark.parametrize(("method", "path"), [("GET", f"/v2/models/{MODEL}"), ("POST", INFER)])
def test_metadata_and_infer_are_503_without_a_model(make_client, rows, method, path):
    response = make_client(load_model=False).request(method, path, json=tensor_request(rows))
    assert response.status_code == 503
    assert response.json() == {"error": "Model is not loaded"}


# --- The OpenAPI documents ----------------------------------------------------------------------

V2_OPERATIONS = {
    ("/v2", "get"),
    ("/v2/health/live", "get"),
    ("/v2/health/ready", "get"),
    ("/v2/models/{name}", "get"),
    ("/v2/models/{name}/ready", "get"),
    ("/v2/models/{name}/infer", "post"),
    ("/v2/models/{name}/versions/{version}", "get"),
    ("/v2/models/{name}/versions/{version}/ready", "get"),
    ("/v2/models/{name}/versions/{version}/infer", "post"),
}


def test_openapi_document_lists_every_v2_operation(make_client):
    paths = make_client(load_model=False).get("/openapi.json").json()["paths"]
    documented = {
        (path, method) for path, item in paths.items() if path.startswith("/v2") for method in item
    }
    assert documented == V2_OPERATIONS


def test_openapi_document_describes_the_infer_body_and_errors(make_client):
    document = make_client(load_model=False).get("/openapi.json").json()
    operation = document["paths"]["/v2/models/{name}/infer"]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert schema["required"] == ["inputs"]
    assert {"200", "400", "404", "413", "415", "503"} <= set(operation["responses"])
    assert "application/octet-stream" in operation["responses"]["200"]["content"]
