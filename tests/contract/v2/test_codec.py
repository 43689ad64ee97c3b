"""The V2 tensor codec on its own: bytes in, patients out, predictions back to bytes.

The contract suite (tests/contract/test_v2.py) drives the same code through both services; these
tests pin the codec's decisions one by one, without a web framework.
"""

import json
from types import SimpleNamespace

import numpy as np
import pytest

from shared.contract.v2.codec import (
    RawRequest,
    checked_rows,
    decode_request,
    encode_response,
    feature_rows,
    flatten,
    split_body,
    wants_binary_output,
)
from shared.contract.v2.types import (
    HEADER_LENGTH,
    INPUT_NAME,
    InferenceRequest,
    RequestInput,
    V2Error,
)
from shared.core.model import MODEL_NAME, MODEL_VERSION
from shared.core.schemas import EXAMPLE_PATIENT, FEATURES

ROW = [EXAMPLE_PATIENT[feature] for feature in FEATURES]


def request_of(*inputs: dict, **fields) -> RawRequest:
    return RawRequest(json.dumps({"inputs": list(inputs), **fields}).encode())


def matrix(rows: list[list[float]], datatype: str = "FP64") -> dict:
    return {
        "name": INPUT_NAME,
        "shape": [len(rows), len(FEATURES)],
        "datatype": datatype,
        "data": rows,
    }


def test_a_nested_matrix_decodes_to_its_rows():
    request, arrays = decode_request(request_of(matrix([ROW, ROW])))
    rows = feature_rows(request.inputs, arrays)
    assert rows.shape == (2, len(FEATURES))
    assert rows[1].tolist() == pytest.approx(ROW)


def test_flat_data_is_read_row_major():
    assert list(flatten([1, 2, 3, 4], [2, 2], "x")) == [1, 2, 3, 4]


def test_data_nested_unlike_its_shape_is_refused():
    with pytest.raises(V2Error, match="nested differently"):
        list(flatten([[1, 2, 3], [4]], [2, 2], "x"))


def test_fp32_data_is_rounded_as_a_binary_fp32_tensor_would_be():
    _, arrays = decode_request(request_of(matrix([ROW], "FP32")))
    assert arrays[INPUT_NAME].tolist() == np.asarray(ROW, dtype="<f4").astype(float).tolist()


def test_one_tensor_per_feature_is_the_same_matrix():
    columns = [
        {"name": name, "shape": [1], "datatype": "FP64", "data": [value]}
        for name, value in zip(FEATURES, ROW, strict=True)
    ]
    request, arrays = decode_request(request_of(*reversed(columns)))
    assert feature_rows(request.inputs, arrays)[0].tolist() == pytest.approx(ROW)


def test_rows_become_patients_validated_by_the_contract():
    request, arrays = decode_request(request_of(matrix([ROW, [*ROW[:2], 500.0, *ROW[3:]]])))
    with pytest.raises(V2Error, match=r"patients\.1\.bmi"):
        checked_rows(request.inputs, arrays)


def test_non_finite_numbers_are_refused():
    body = json.dumps({"inputs": [matrix([ROW])]}).replace("59", "1e999").encode()
    with pytest.raises(V2Error, match="finite"):
        decode_request(RawRequest(body))


def test_the_binary_extension_splits_the_body_at_the_header_length():
    header = json.dumps({"inputs": [{**matrix([ROW]), "data": None}]}).encode()
    assert split_body(RawRequest(header + b"raw", header_length=str(len(header)))) == (
        header,
        b"raw",
    )


@pytest.mark.parametrize("length", ["0", "-1", "x", "999999"])
def test_a_header_length_outside_the_body_is_refused(length):
    with pytest.raises(V2Error, match=HEADER_LENGTH):
        split_body(RawRequest(b"{}", header_length=length))


def test_binary_input_decodes_like_json_input():
    tensor = {"name": INPUT_NAME, "shape": [1, len(FEATURES)], "datatype": "FP64"}
    raw = np.asarray(ROW, dtype="<f8").tobytes()
    tensor["parameters"] = {"binary_data_size": len(raw)}
    header = json.dumps({"inputs": [tensor]}).encode()
    _, arrays = decode_request(RawRequest(header + raw, header_length=str(len(header))))
    assert arrays[INPUT_NAME].tolist() == ROW


def test_a_declared_content_type_must_be_json_or_octet_stream():
    with pytest.raises(V2Error) as refused:
        split_body(RawRequest(b"{}", content_type="text/plain"))
    assert refused.value.status_code == 415


def test_json_is_the_default_answer_and_binary_is_asked_for():
    json_request = InferenceRequest.model_validate({"inputs": [matrix([ROW])]})
    binary_request = InferenceRequest.model_validate(
        {"inputs": [matrix([ROW])], "parameters": {"binary_data_output": True}}
    )
    assert not wants_binary_output(json_request)
    assert wants_binary_output(binary_request)


# What encode_response reads of a Predictor: its card's name and its version.
PREDICTOR = SimpleNamespace(version=MODEL_VERSION, card=SimpleNamespace(name=MODEL_NAME))


def test_a_binary_answer_is_its_json_part_then_fp64_bytes():
    request = InferenceRequest.model_validate({"inputs": [matrix([ROW])]})
    encoded = encode_response(PREDICTOR, request, [151.0, 75.5], binary=True)
    length = int(encoded.headers[HEADER_LENGTH])
    header = json.loads(encoded.body[:length])
    assert header["outputs"][0]["shape"] == [2, 1]
    assert np.frombuffer(encoded.body[length:], dtype="<f8").tolist() == [151.0, 75.5]


def test_a_tensor_without_data_is_refused():
    tensor = RequestInput(name=INPUT_NAME, shape=[1, 10], datatype="FP64")
    with pytest.raises(V2Error, match="neither data"):
        decode_request(RawRequest(json.dumps({"inputs": [tensor.model_dump()]}).encode()))
