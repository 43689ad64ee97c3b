"""GET /health, GET /ready, GET /model."""

from shared.core.model import MODEL_VERSION


def test_health_is_ok(api):
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_names_the_model_version(api):
    response = api.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "model_version": MODEL_VERSION}


def test_ready_is_503_without_a_model(make_client):
    client = make_client(load_model=False)
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"detail": "Model is not loaded"}


def test_health_answers_even_without_a_model(make_client):
    assert make_client(load_model=False).get("/health").status_code == 200


def test_predict_is_503_without_a_model(make_client, patient):
    response = make_client(load_model=False).post("/predict", json=patient)
    assert response.status_code == 503
    assert response.json() == {"detail": "Model is not loaded"}


def test_model_card_describes_the_features_in_order(api, patient):
    card = api.get("/model").json()
    assert [feature["name"] for feature in card["features"]] == list(patient)
    assert card["version"] == MODEL_VERSION
    assert len(card["sha256"]) == 64
    assert set(card["metrics"]) == {"r2", "mae", "rmse"}


def test_model_card_is_the_card_on_disk(api, settings):
    on_disk = settings.card_path.read_text()
    import json

    assert api.get("/model").json() == json.loads(on_disk)
