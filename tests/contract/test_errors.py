"""The contract's error table: each failure has its own status and a `{"detail": "..."}` body."""

import pytest

from shared.core.model import Predictor

JSON = {"Content-Type": "application/json"}


def test_malformed_json_is_400(api):
    response = api.post("/predict", content=b'{"age": 59,', headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "Request body is not valid JSON"}


def test_deeply_nested_json_is_400(api):
    response = api.post("/predict", content=b"[" * 100_000 + b"]" * 100_000, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "Request body is not valid JSON"}


def test_invalid_utf8_is_400(api):
    response = api.post("/predict", content=b'{"age": "\xff\xfe"}', headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "Request body is not valid JSON"}


def test_empty_body_is_400(api):
    response = api.post("/predict", content=b"", headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "Request body is empty"}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_body_not_declared_json_is_415(api, patient, content_type):
    import json

    headers = {"Content-Type": content_type} if content_type else {}
    response = api.post("/predict", content=json.dumps(patient).encode(), headers=headers)
    assert response.status_code == 415
    assert response.json() == {"detail": "Content-Type must be application/json"}


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/merge-patch+json"]
)
def test_json_content_type_variants_are_accepted(api, patient, content_type):
    import json

    headers = {"Content-Type": content_type}
    response = api.post("/predict", content=json.dumps(patient).encode(), headers=headers)
    assert response.status_code == 200


def test_body_over_the_limit_is_413(make_client, settings, patient):
    client = make_client(settings.model_copy(update={"max_body_bytes": 50}))
    response = client.post("/predict", json=patient)
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body is too large"}


def test_body_over_the_default_limit_is_413_live(api):
    body = b"[" + b"0," * 600_000 + b"0]"  # 1.2 MB of valid JSON, over the 1 MB default
    response = api.post("/predict/batch", content=body, headers=JSON)
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body is too large"}


def test_unknown_path_is_404(api):
    response = api.get("/no/such/path")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_wrong_method_is_405_and_says_what_is_allowed(api):
    response = api.get("/predict")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert "POST" in response.headers["Allow"]


def test_errors_are_json(api):
    response = api.get("/no/such/path")
    assert response.headers["Content-Type"] == "application/json"


def test_service_keeps_answering_after_bad_input(api):
    api.post("/predict", content=b"[" * 100_000, headers=JSON)
    api.post("/predict", content=b"\xff", headers=JSON)
    assert api.get("/health").status_code == 200


def test_unexpected_error_is_500_without_details(make_client, settings, patient, caplog):
    class BrokenPredictor(Predictor):
        """A real model whose predictions fail. `predict_rows` is the one method every
        prediction reaches: `Predictor.predict_one` and FastAPI's batching predictor call it."""

        def predict_rows(self, rows):
            raise RuntimeError("secret internals at /some/path")

    predictor = BrokenPredictor.load(settings.model_path, settings.card_path)
    client = make_client(predictor=predictor)
    response = client.post("/predict", json=patient)
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    # The 500 comes from the error the test raises, not from some other failure on the way.
    logged = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert [str(error) for error in logged] == ["secret internals at /some/path"]
