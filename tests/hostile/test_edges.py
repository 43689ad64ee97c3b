"""Edges where the services answered 5xx, a broken shape, or differently from each other.

Each case runs against both live services, as `make run-*` starts them, with raw bytes where an
HTTP library would refuse to send the request. The decisions are listed in README's "Known
differences" (and why), and the servers' own answers come from shared/contract/server_errors.py.
"""

import threading

import pytest
import requests

from shared.contract.v2.types import HEADER_LENGTH
from shared.core.model import MODEL_NAME
from tests.hostile.conftest import CORS_ORIGIN
from tests.hostile.rawhttp import chunked, post_head, send_raw

pytestmark = pytest.mark.live

API_KEY = "test-api-key"  # the session settings' key (root conftest.py)
INFER = f"/v2/models/{MODEL_NAME}/infer"
ONE_ROW = (
    b'{"inputs": [{"name": "features", "shape": [1, 10], "datatype": "FP64",'
    b' "data": [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]}]}'
)
MALFORMED_CHUNKS = {
    "size not hex": b"zz\r\n{}\r\n0\r\n\r\n",
    "size with sign": b"+2\r\n{}\r\n0\r\n\r\n",
    "no chunk terminator": b"2\r\n{}XX0\r\n\r\n",
    "bad extension": b"2;\x00\r\n{}\r\n0\r\n\r\n",
}


def assert_server_error_shape(answer, status: int) -> None:
    assert answer.status == status
    assert answer.headers["content-type"] == "application/json"
    assert set(answer.json()) == {"detail"}
    assert answer.headers["x-request-id"]


@pytest.mark.parametrize("framing", MALFORMED_CHUNKS)
def test_malformed_chunked_framing_is_a_json_400(service, hostile_server, framing):
    server = hostile_server(service)
    answer = send_raw(server.base_url, post_head("/predict") + MALFORMED_CHUNKS[framing])
    assert_server_error_shape(answer, 400)


def test_a_chunk_size_past_64_bits_is_a_400_at_once(service, hostile_server):
    """httptools refuses the size as it parses it; gunicorn would wait for a chunk that large
    until the request's deadline, so flask_service/server/deadline.py refuses it too."""
    server = hostile_server(service)
    answer = send_raw(server.base_url, post_head("/predict") + b"f" * 40 + b"\r\n{}\r\n")
    assert_server_error_shape(answer, 400)


def test_a_request_the_server_cannot_parse_is_json_and_counted(service, hostile_server):
    server = hostile_server(service)
    answer = send_raw(server.base_url, b"GET /health HTTP/1.1\r\nNo colon here\r\n\r\n")
    assert_server_error_shape(answer, 400)
    metrics = requests.get(server.base_url + "/metrics", timeout=30).text
    assert 'route="<unmatched>",status="400"' in metrics


def test_a_server_error_after_the_head_carries_the_clients_request_id(service, hostile_server):
    server = hostile_server(service)
    head = post_head("/predict", ["X-Request-ID: probe-7"])
    answer = send_raw(server.base_url, head + MALFORMED_CHUNKS["size not hex"])
    assert_server_error_shape(answer, 400)
    assert answer.headers["x-request-id"] == "probe-7"


def test_non_ascii_digits_in_the_header_length_are_a_400(service, hostile_server):
    server = hostile_server(service)
    response = requests.post(
        server.base_url + INFER, data=ONE_ROW, headers={HEADER_LENGTH: "²"}, timeout=30
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_header_length_sent_twice_is_a_400(service, hostile_server):
    server = hostile_server(service)
    length = str(len(ONE_ROW)).encode()
    answer = send_raw(
        server.base_url,
        post_head(INFER, [f"{HEADER_LENGTH}: {length.decode()}"] * 2, length=len(ONE_ROW))
        + ONE_ROW,
    )
    assert answer.status == 400


def test_a_chunked_v2_body_over_the_limit_is_a_413(service, hostile_server):
    server = hostile_server(service)
    body = chunked(ONE_ROW[:-2] + b" " * 600_000, b" " * 600_000 + b"]}")
    answer = send_raw(server.base_url, post_head(INFER) + body)
    assert answer.status == 413
    assert set(answer.json()) == {"detail"}


@pytest.mark.parametrize("path", ["/health/", "/predict/", "/predictions/1/", "/static//x.js"])
def test_no_redirect_built_from_the_host_header(service, hostile_server, path):
    server = hostile_server(service)
    answer = send_raw(
        server.base_url, f"GET {path} HTTP/1.1\r\nHost: evil.example\r\n\r\n".encode()
    )
    assert answer.status == 404
    assert answer.json() == {"detail": "Not Found"}
    assert "location" not in answer.headers


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ([f"X-API-Key: {API_KEY} "], 404),  # spaces around a value are not part of it
        ([f"X-API-Key: {API_KEY}", f"X-API-Key: {API_KEY}"], 401),  # ambiguous: refused
    ],
    ids=["trailing-space", "sent-twice"],
)
def test_api_key_edges(service, hostile_server, headers, status):
    server = hostile_server(service)
    head = "\r\n".join(["DELETE /predictions/999999999 HTTP/1.1", "Host: x", *headers])
    answer = send_raw(server.base_url, (head + "\r\n\r\n").encode())
    assert answer.status == status


def test_request_id_with_surrounding_spaces_is_echoed_trimmed(service, hostile_server):
    server = hostile_server(service)
    answer = send_raw(server.base_url, b"GET /health HTTP/1.1\r\nX-Request-ID:  abc-1  \r\n\r\n")
    assert answer.headers["x-request-id"] == "abc-1"


def test_cors_answers_vary_on_origin(service, hostile_server):
    server = hostile_server(service)
    for origin in (CORS_ORIGIN, "https://other.example"):
        response = requests.get(server.base_url + "/health", headers={"Origin": origin})
        assert "Origin" in response.headers.get("Vary", "")
        assert response.headers["Vary"].count("Origin") == 1


def test_cors_origin_matches_exactly(service, hostile_server):
    server = hostile_server(service)
    response = requests.get(server.base_url + "/health", headers={"Origin": CORS_ORIGIN.upper()})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(("origin", "status"), [(CORS_ORIGIN, 200), ("https://evil.example", 400)])
def test_cors_preflight_to_any_path(service, hostile_server, origin, status):
    server = hostile_server(service)
    response = requests.options(
        server.base_url + "/no/such/path",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert response.status_code == status
    if status == 400:
        assert set(response.json()) == {"detail"}
    else:
        assert response.headers["Access-Control-Allow-Origin"] == CORS_ORIGIN


def first_documents(base_url: str, count: int) -> list[bytes]:
    """`count` clients ask a fresh server for its document at the same moment."""
    documents: list[bytes] = []

    def fetch() -> None:
        documents.append(requests.get(base_url + "/openapi.json", timeout=30).content)

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return documents


def test_openapi_document_is_the_same_under_concurrent_cold_starts(service, start_live_server):
    """flask-openapi3 builds its document on first use; concurrent first requests once saw
    different documents (1 cold start in 5). Two cold starts, 16 first requests each."""
    for _ in range(2):
        server = start_live_server(service, workers=1)
        documents = first_documents(server.base_url, 16)
        server.stop()
        assert len(documents) == 16
        assert len(set(documents)) == 1
