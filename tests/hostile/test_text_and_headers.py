"""Round 3's protocol edges in the shared layer, against both live services.

- A lone surrogate in a V2 string the answer echoes (`id`, an input's or an output's `name`) was a
  500 in both: it is not Unicode text, so the answer could not be encoded. Now the V2 400.
- A body labelled `Content-Encoding: gzip` was parsed as if it were plain JSON. Now a 415 in the
  contract's JSON: the services read identity bodies only.
- The pages a browser renders (`/`, `/docs`) carry the headers that stop framing and sniffing.
"""

import gzip
import json

import pytest
import requests

from shared.contract.web import PAGE_SECURITY_HEADERS
from shared.core.model import MODEL_NAME
from shared.core.schemas import EXAMPLE_PATIENT as PATIENT
from shared.core.schemas import FEATURES

pytestmark = pytest.mark.live

INFER = f"/v2/models/{MODEL_NAME}/infer"
ROW = [PATIENT[feature] for feature in FEATURES]
LONE = "\ud800"  # json.dumps sends it as the escape `\ud800`, as a hostile client would


def v2_request(request_id: str | None = None, input_name: str = "patients", output=None) -> dict:
    request: dict = {
        "inputs": [{"name": input_name, "shape": [1, 10], "datatype": "FP64", "data": ROW}]
    }
    if request_id is not None:
        request["id"] = request_id
    if output is not None:
        request["outputs"] = [{"name": output}]
    return request


SURROGATE_BODIES = {
    "id": json.dumps(v2_request(request_id=LONE)).encode(),
    "input name": json.dumps(v2_request(input_name=LONE)).encode(),
    "output name": json.dumps(v2_request(output=LONE)).encode(),
    # The UTF-8 bytes a surrogate would have: not UTF-8, yet Python's json decodes them.
    "id as raw bytes": b'{"id": "\xed\xa0\x80", "inputs": '
    + json.dumps(v2_request()["inputs"]).encode()
    + b"}",
    "id after a valid pair": json.dumps(v2_request(request_id="\U0001f600" + LONE)).encode(),
}


@pytest.mark.parametrize("case", SURROGATE_BODIES)
def test_a_lone_surrogate_in_a_v2_string_is_the_v2_400(service, hostile_server, case):
    server = hostile_server(service)
    response = requests.post(
        server.base_url + INFER,
        data=SURROGATE_BODIES[case],
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert list(response.json()) == ["error"]
    assert "surrogate" in response.json()["error"]


def test_a_valid_astral_character_in_the_id_is_echoed(service, hostile_server):
    server = hostile_server(service)
    response = requests.post(
        server.base_url + INFER, json=v2_request(request_id="\U0001f600"), timeout=30
    )
    assert response.status_code == 200
    assert response.json()["id"] == "\U0001f600"


ENCODED_BODIES = {
    "gzip label, plain body": ("gzip", json.dumps(PATIENT).encode()),
    "gzip label, gzip body": ("gzip", gzip.compress(json.dumps(PATIENT).encode())),
    "identity then gzip": ("identity, gzip", json.dumps(PATIENT).encode()),
}


@pytest.mark.parametrize("path", ["/predict", "/predictions", INFER])
@pytest.mark.parametrize("case", ENCODED_BODIES)
def test_a_body_in_an_encoding_the_service_cannot_read_is_a_415(
    service, hostile_server, path, case
):
    server = hostile_server(service)
    encoding, body = ENCODED_BODIES[case]
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    response = requests.post(server.base_url + path, data=body, headers=headers, timeout=30)
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/json"
    assert "Content-Encoding" in response.json()["detail"]
    assert response.headers["x-request-id"]


def test_an_identity_encoding_is_a_plain_body(service, hostile_server):
    server = hostile_server(service)
    headers = {"Content-Type": "application/json", "Content-Encoding": "Identity"}
    response = requests.post(
        server.base_url + "/predict", data=json.dumps(PATIENT), headers=headers, timeout=30
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_the_pages_forbid_framing_and_sniffing(service, hostile_server, path):
    server = hostile_server(service)
    response = requests.get(server.base_url + path, timeout=30)
    assert response.status_code == 200
    for name, value in PAGE_SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
