"""Cross-cutting behaviour: request ids, the access log, CORS."""

import json
import logging

import pytest


def test_request_id_is_echoed(api):
    response = api.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


def test_request_id_is_generated_when_absent(api):
    first = api.get("/health").headers["X-Request-ID"]
    second = api.get("/health").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_unsafe_request_id_is_replaced(api):
    response = api.get("/health", headers={"X-Request-ID": "a b<script>" + "x" * 200})
    assert response.headers["X-Request-ID"].isalnum()


def test_errors_carry_the_request_id_too(api):
    response = api.get("/no/such/path", headers={"X-Request-ID": "err-1"})
    assert response.headers["X-Request-ID"] == "err-1"


def test_one_json_access_line_per_request(make_client, caplog):
    client = make_client()
    with caplog.at_level(logging.INFO, logger="access"):
        headers = {"X-Request-ID": "log-1", "Content-Type": "application/json"}
        client.post("/predict", content=b"{", headers=headers)
    (line,) = [record.getMessage() for record in caplog.records if record.name == "access"]
    entry = json.loads(line)
    assert entry["request_id"] == "log-1"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/predict", 400)
    assert entry["duration_ms"] >= 0
    assert "time" in entry


def test_cors_is_closed_by_default(api):
    response = api.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def cors_client(make_client, settings):
    origins = ["https://dashboard.example"]
    return make_client(settings.model_copy(update={"cors_origins": origins}))


def test_cors_allows_a_configured_origin(cors_client):
    response = cors_client.get("/health", headers={"Origin": "https://dashboard.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://dashboard.example"


def test_cors_refuses_other_origins(cors_client):
    response = cors_client.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_preflight_for_a_configured_origin(cors_client):
    response = cors_client.request(
        "OPTIONS",
        "/predict",
        headers={
            "Origin": "https://dashboard.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://dashboard.example"
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_options_without_cors_is_405(api):
    response = api.request("OPTIONS", "/predict")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
