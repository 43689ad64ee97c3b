"""The named classes of bad input: each gets the contract's 4xx and JSON, never a 5xx, and the
service keeps answering. Every test runs against both services, in-process and live (`api`), so
the exact bodies asserted here are also the proof that both services answer the same bytes.
"""

import json
import socket

import pytest
import requests

from shared.contract.web import MAX_HEADER_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URL_BYTES
from shared.core.schemas import MAX_BATCH

JSON = {"Content-Type": "application/json"}
MALFORMED = {"detail": "Request body is not valid JSON"}
EMPTY = {"detail": "Request body is empty"}
NOT_JSON_TYPE = {"detail": "Content-Type must be application/json"}
TOO_LARGE = {"detail": "Request body is too large"}
NOT_AN_OBJECT = {
    "detail": [{"type": "model_type", "loc": ["body"], "msg": "Input should be a JSON object"}]
}


def issue(error_type: str, loc: list, msg: str) -> dict:
    return {"type": error_type, "loc": loc, "msg": msg}


NOT_A_NUMBER = issue("float_type", ["body", "age"], "Input should be a valid number")
NOT_FINITE = issue("finite_number", ["body", "age"], "Input should be a finite number")


def with_age(patient: dict, literal: str) -> bytes:
    """The patient's JSON with `age` replaced by a raw JSON literal, valid or not."""
    return json.dumps({**patient, "age": "__AGE__"}).replace('"__AGE__"', literal).encode()


def assert_refused(api, response, status: int, body: dict) -> None:
    """The contract's status and exact JSON, and the service still serves afterwards."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == body
    assert api.get("/health").status_code == 200


# Malformed and truncated JSON


@pytest.mark.parametrize("cut", [1, 10, 40, -1])
def test_truncated_json_is_400(api, patient, cut):
    body = json.dumps(patient).encode()[:cut]
    assert_refused(api, api.post("/predict", content=body, headers=JSON), 400, MALFORMED)


@pytest.mark.parametrize(
    "body",
    [b"{age: 59}", b"{'age': 59}", b'{"age": 59,}', b"{} {}", b"   ", b"\n", b"undefined"],
    ids=["bare-key", "single-quotes", "trailing-comma", "two-documents", "spaces", "newline", "js"],
)
def test_malformed_json_is_400(api, body):
    assert_refused(api, api.post("/predict", content=body, headers=JSON), 400, MALFORMED)


# JSON that is not an object


@pytest.mark.parametrize("path", ["/predict", "/predict/batch"])
@pytest.mark.parametrize("body", [b"[]", b"[1, 2]", b'"text"', b"3.5", b"null", b"true"])
def test_json_that_is_not_an_object_is_422(api, path, body):
    assert_refused(api, api.post(path, content=body, headers=JSON), 422, NOT_AN_OBJECT)


def test_patient_sent_as_a_json_string_is_422_not_parsed_twice(api, patient):
    """flask-openapi3 parsed a JSON string body again as JSON text (a bug schemathesis-style
    bodies find): the object inside the string must not be served."""
    body = json.dumps(json.dumps(patient)).encode()
    assert_refused(api, api.post("/predict", content=body, headers=JSON), 422, NOT_AN_OBJECT)


# Content-Types: wrong, missing, odd


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/jsonx",
        "json",
        ";;;",
    ],
)
def test_body_not_declared_json_is_415(api, patient, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = api.post("/predict", content=json.dumps(patient).encode(), headers=headers)
    assert_refused(api, response, 415, NOT_JSON_TYPE)


@pytest.mark.parametrize(
    "content_type",
    ["APPLICATION/JSON", "application/json;charset=UTF-8", "application/problem+json"],
)
def test_odd_but_json_content_types_are_served(api, patient, content_type):
    response = api.post(
        "/predict", content=json.dumps(patient).encode(), headers={"Content-Type": content_type}
    )
    assert response.status_code == 200


# Empty body


@pytest.mark.parametrize("path", ["/predict", "/predict/batch"])
def test_empty_body_is_400(api, path):
    assert_refused(api, api.post(path, content=b"", headers=JSON), 400, EMPTY)


# Bodies over the size limit


def test_body_over_a_small_limit_is_413(make_client, settings, patient):
    client = make_client(settings.model_copy(update={"max_body_bytes": 64}))
    response = client.post("/predict", content=json.dumps(patient).encode(), headers=JSON)
    assert_refused(client, response, 413, TOO_LARGE)


@pytest.mark.live
def test_streamed_body_over_the_limit_is_413_not_truncated(service, live_servers, patient):
    """A chunked body declares no length: the limit applies while it is read. (Live only: the
    in-process WSGI transport gives Flask no stream it may read without a length.)"""
    chunks = (json.dumps(patient).encode() + b"," for _ in range(12_000))  # 1.3 MB
    response = requests.post(
        live_servers[service].base_url + "/predict/batch", data=chunks, headers=JSON, timeout=30
    )
    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert requests.get(live_servers[service].base_url + "/health", timeout=10).ok


def send_head_only(base_url: str, head: bytes) -> bytes:
    """Send a request head (and a few bytes of body) and read the answer, without the body."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


@pytest.mark.live
def test_declared_length_over_the_limit_is_413_before_the_body_is_sent(service, live_servers):
    """50 MB declared, 1 byte sent: the answer comes at once, so the body was never read."""
    server = live_servers[service]
    head = (
        b"POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\n\r\n{"
    )
    answer = send_head_only(server.base_url, head)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"413"
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == TOO_LARGE


# Deeply nested JSON


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deeply_nested_object_is_400(api, depth):
    body = b'{"a":' * depth + b"1" + b"}" * depth
    assert_refused(api, api.post("/predict", content=body, headers=JSON), 400, MALFORMED)


def test_deeply_nested_value_is_400(api, patient):
    body = with_age(patient, "[" * 50_000 + "]" * 50_000)
    assert_refused(api, api.post("/predict", content=body, headers=JSON), 400, MALFORMED)


def test_moderately_nested_value_is_422_at_the_field(api, patient):
    body = with_age(patient, "[" * 200 + "]" * 200)
    response = api.post("/predict", content=body, headers=JSON)
    assert_refused(api, response, 422, {"detail": [NOT_A_NUMBER]})


# Huge numbers and every non-finite form


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_every_non_finite_form_is_422(api, patient, literal):
    response = api.post("/predict", content=with_age(patient, literal), headers=JSON)
    assert_refused(api, response, 422, {"detail": [NOT_FINITE]})


def test_number_beyond_float_range_as_digits_is_422(api, patient):
    """400 digits: an exact integer no float can hold."""
    response = api.post("/predict", content=with_age(patient, "9" * 400), headers=JSON)
    assert_refused(api, response, 422, {"detail": [NOT_A_NUMBER]})


def test_number_with_thousands_of_digits_is_400(api, patient):
    """Python refuses to parse integers over 4300 digits (a guard against quadratic work)."""
    response = api.post("/predict", content=with_age(patient, "9" * 5000), headers=JSON)
    assert_refused(api, response, 400, MALFORMED)


def test_huge_finite_number_is_422_out_of_range(api, patient):
    response = api.post("/predict", content=with_age(patient, "1e308"), headers=JSON)
    expected = issue(
        "less_than_equal", ["body", "age"], "Input should be less than or equal to 120"
    )
    assert_refused(api, response, 422, {"detail": [expected]})


# Booleans, strings and nulls in numeric fields


@pytest.mark.parametrize("literal", ["true", "false", '"59"', '""', "null", "[]", "{}"])
def test_non_number_in_a_numeric_field_is_422(api, patient, literal):
    response = api.post("/predict", content=with_age(patient, literal), headers=JSON)
    assert_refused(api, response, 422, {"detail": [NOT_A_NUMBER]})


@pytest.mark.parametrize("value", [True, "2", None])
def test_non_number_for_sex_is_422(api, patient, value):
    response = api.post("/predict", json={**patient, "sex": value})
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "sex"]]


# Duplicate keys: the last one wins (Python's json), the same in both services


def test_duplicate_key_last_value_wins(api, patient):
    served = json.dumps({**patient, "age": 500})[:-1] + ', "age": 59}'
    refused = json.dumps(patient)[:-1] + ', "age": 500}'
    assert api.post("/predict", content=served.encode(), headers=JSON).status_code == 200
    response = api.post("/predict", content=refused.encode(), headers=JSON)
    expected = issue(
        "less_than_equal", ["body", "age"], "Input should be less than or equal to 120"
    )
    assert_refused(api, response, 422, {"detail": [expected]})


# Unknown fields


def test_unknown_field_in_a_batch_instance_is_422_pointing_at_it(api, patient):
    body = {"instances": [patient, {**patient, "weight": 80}]}
    response = api.post("/predict/batch", json=body)
    expected = issue(
        "extra_forbidden", ["body", "instances", 1, "weight"], "Extra inputs are not permitted"
    )
    assert_refused(api, response, 422, {"detail": [expected]})


def test_unknown_field_beside_instances_is_422(api, patient):
    response = api.post("/predict/batch", json={"instances": [patient], "model": "x"})
    expected = issue("extra_forbidden", ["body", "model"], "Extra inputs are not permitted")
    assert_refused(api, response, 422, {"detail": [expected]})


# Empty and over-long batches


def test_empty_batch_is_422(api):
    response = api.post("/predict/batch", json={"instances": []})
    assert response.status_code == 422
    assert [error["type"] for error in response.json()["detail"]] == ["too_short"]


def test_batch_of_max_batch_plus_one_is_422(api, patient):
    response = api.post("/predict/batch", json={"instances": [patient] * (MAX_BATCH + 1)})
    assert response.status_code == 422
    assert [error["type"] for error in response.json()["detail"]] == ["too_long"]
    assert api.get("/health").status_code == 200


def test_batch_without_instances_is_422(api):
    response = api.post("/predict/batch", json={})
    expected = issue("missing", ["body", "instances"], "Field required")
    assert_refused(api, response, 422, {"detail": [expected]})


# Invalid UTF-8


@pytest.mark.parametrize(
    "raw",
    [b'"ag\xffe"', b'"age\xc3"', b'"\xc0\xafage"', b'"\xed\xa0\x80"', b'"\\ud800"'],
    ids=["invalid-byte", "cut-sequence", "overlong", "encoded-surrogate", "escaped-surrogate"],
)
def test_invalid_utf8_is_400(api, patient, raw):
    """Python's json reads a lone surrogate (as bytes or as an escape) into a str that no UTF-8
    can encode; pydantic refuses it (`string_unicode`): the text is not valid Unicode, so 400."""
    body = json.dumps(patient).encode()[:-1] + b", " + raw + b": 1}"
    assert_refused(api, api.post("/predict", content=body, headers=JSON), 400, MALFORMED)


# Very long URLs and headers (the limits are gunicorn's defaults; both apps check them too)

URL_TOO_LONG = {"detail": "Request URL is too long"}
HEADERS_TOO_LARGE = {"detail": "Request headers are too large"}


@pytest.mark.parametrize("path", ["/health", "/predict", "/no/such/path"])
def test_url_over_the_limit_is_414(api, path):
    response = api.get(path + "?q=" + "a" * MAX_URL_BYTES)
    assert_refused(api, response, 414, URL_TOO_LONG)


def test_long_path_over_the_limit_is_414(api):
    assert_refused(api, api.get("/" + "a" * (MAX_URL_BYTES + 10)), 414, URL_TOO_LONG)


def test_header_over_the_limit_is_431(api):
    response = api.get("/health", headers={"X-Big": "a" * MAX_HEADER_FIELD_BYTES})
    assert_refused(api, response, 431, HEADERS_TOO_LARGE)


def test_too_many_headers_is_431(api):
    headers = {f"X-Header-{number}": "v" for number in range(MAX_HEADER_FIELDS + 1)}
    assert_refused(api, api.get("/health", headers=headers), 431, HEADERS_TOO_LARGE)


@pytest.mark.live
def test_huge_request_head_is_refused_by_the_server_itself(service, live_servers):
    """1 MB of header: past what gunicorn buffers, which answers 431 in the contract's JSON
    (gunicorn.conf.py). Under `make run-fastapi` uvicorn parses with httptools, which passes any
    head to the app, and the app answers the same 431; with `--http h11` uvicorn itself would
    answer `400 Invalid HTTP request received.` in plain text, which no hook can change."""
    server = live_servers[service]
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n"
    try:
        answer = send_head_only(server.base_url, head)
    except (BrokenPipeError, ConnectionResetError):  # refused while we were still sending
        answer = b"HTTP/1.1 4xx"
    assert answer.split()[1].startswith(b"4")
    assert b"gunicorn" not in answer and b"uvicorn" not in answer
