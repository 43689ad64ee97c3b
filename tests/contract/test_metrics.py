"""GET /metrics: Prometheus text, the same metric names and labels in both services."""

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from shared.contract.metrics import PREDICTING_ROUTES, UNMATCHED_ROUTE
from shared.core.model import MODEL_NAME, MODEL_VERSION
from shared.core.schemas import FEATURES


def scrape(api) -> dict[tuple[str, frozenset], float]:
    """Every sample of GET /metrics as {(sample name, labels): value}."""
    response = api.get("/metrics")
    assert response.status_code == 200
    return samples_of(response.text)


def samples_of(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, sample_name: str, /, **labels: str) -> float:
    return samples.get((sample_name, frozenset(labels.items())), 0.0)


HEALTH_OK = {"method": "GET", "route": "/health", "status": "200"}


def test_metrics_is_prometheus_text(api):
    response = api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert list(text_string_to_metric_families(response.text))


def test_request_counter_moves_after_a_request(api):
    before = value(scrape(api), "http_requests_total", **HEALTH_OK)
    api.get("/health")
    assert value(scrape(api), "http_requests_total", **HEALTH_OK) == before + 1


def test_latency_histogram_counts_the_request(api):
    before = value(scrape(api), "http_request_duration_seconds_count", **HEALTH_OK)
    api.get("/health")
    after = scrape(api)
    assert value(after, "http_request_duration_seconds_count", **HEALTH_OK) == before + 1
    assert value(after, "http_request_duration_seconds_bucket", le="+Inf", **HEALTH_OK) >= 1


def test_status_is_a_label(api):
    api.post("/predict", json={})
    labels = {"method": "POST", "route": "/predict", "status": "422"}
    assert value(scrape(api), "http_requests_total", **labels) >= 1


def test_prediction_counter_moves_after_a_prediction(api, patient):
    labels = {"route": "/predict", "model_version": MODEL_VERSION}
    before = value(scrape(api), "predictions_total", **labels)
    assert api.post("/predict", json=patient).status_code == 200
    assert value(scrape(api), "predictions_total", **labels) == before + 1


def test_a_batch_counts_its_rows_and_its_size(api, patient):
    """predictions_total counts rows (a batch of 3 adds 3); prediction_batch_size sees one call."""
    route = "/predict/batch"
    labels = {"route": route, "model_version": MODEL_VERSION}
    before = scrape(api)
    assert api.post(route, json={"instances": [patient] * 3}).status_code == 200
    after = scrape(api)
    assert (
        value(after, "predictions_total", **labels)
        == value(before, "predictions_total", **labels) + 3
    )
    for sample, moved_by in [("_count", 1), ("_sum", 3)]:
        name = "prediction_batch_size" + sample
        assert value(after, name, route=route) == value(before, name, route=route) + moved_by
    # 3 rows fall in the bucket "at most 5" but not in "at most 2".
    for le, moved_by in [("2.0", 0), ("5.0", 1)]:
        bucket = {"route": route, "le": le}
        moved = value(after, "prediction_batch_size_bucket", **bucket) - value(
            before, "prediction_batch_size_bucket", **bucket
        )
        assert moved == moved_by


def test_v2_inference_counts_the_rows_of_its_tensor(api, patient):
    route = "/v2/models/{name}/infer"
    labels = {"route": route, "model_version": MODEL_VERSION}
    row = [patient[name] for name in FEATURES]
    tensor = {"name": "patients", "shape": [2, len(FEATURES)], "datatype": "FP64", "data": row * 2}
    before = value(scrape(api), "predictions_total", **labels)
    response = api.post(f"/v2/models/{MODEL_NAME}/infer", json={"inputs": [tensor]})
    assert response.status_code == 200
    assert value(scrape(api), "predictions_total", **labels) == before + 2


def test_refused_prediction_is_not_counted(api):
    labels = {"route": "/predict", "model_version": MODEL_VERSION}
    before = value(scrape(api), "predictions_total", **labels)
    api.post("/predict", json={"age": 59})
    assert value(scrape(api), "predictions_total", **labels) == before


def test_model_info_names_the_served_model(api):
    card = api.get("/model").json()
    labels = {"name": card["name"], "version": card["version"]}
    assert value(scrape(api), "model_info", **labels) == 1


def test_unknown_paths_share_one_route_label(api):
    api.get("/no/such/path/7f3a9c")
    samples = scrape(api)
    unmatched = {"method": "GET", "route": UNMATCHED_ROUTE, "status": "404"}
    assert value(samples, "http_requests_total", **unmatched) >= 1
    assert not any("7f3a9c" in str(labels) for _, labels in samples)


def test_route_label_is_the_template_not_the_path(api):
    api.get("/predictions/918273")  # a stored prediction's path, or an unknown one: never its id
    assert not any("918273" in str(labels) for _, labels in scrape(api))


def test_a_stored_prediction_is_labelled_by_its_documented_path(api, patient):
    """The route label is the path as the OpenAPI document writes it, in both services: one
    dashboard query serves both (FastAPI's `route.path` would say `{prediction_id:int}`)."""
    location = api.post("/predictions", json=patient).headers["Location"]
    assert api.get(location).status_code == 200
    labels = {"method": "GET", "route": "/predictions/{prediction_id}", "status": "200"}
    assert value(scrape(api), "http_requests_total", **labels) >= 1


# Routes served outside the OpenAPI document: the docs page, the playground, static files, metrics.
UNDOCUMENTED_ROUTES = {"/", "/docs", "/openapi.json", "/metrics", "/static", UNMATCHED_ROUTE}


def test_every_route_label_is_a_documented_path(api, patient):
    for path in ("/health", "/ready", "/model", "/predictions", "/v2", "/no/such/path"):
        api.get(path)
    api.post("/predict", json=patient)
    api.get("/predictions/1")
    documented = set(api.get("/openapi.json").json()["paths"])
    routes = {dict(labels)["route"] for name, labels in scrape(api) if "route" in dict(labels)}
    assert routes - UNDOCUMENTED_ROUTES <= documented


def test_the_predicting_routes_are_documented_post_operations(api):
    paths = api.get("/openapi.json").json()["paths"]
    for route in PREDICTING_ROUTES:
        assert "post" in paths.get(route, {}), route


def test_a_static_file_is_labelled_by_its_folder(api):
    assert api.get("/static/playground/app.js").status_code == 200
    labels = {"method": "GET", "route": "/static", "status": "200"}
    assert value(scrape(api), "http_requests_total", **labels) >= 1


def test_metrics_and_playground_are_not_in_the_openapi_document(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert "/metrics" not in paths
    assert "/" not in paths


def families(base_url: str) -> dict[str, tuple[str, str, frozenset]]:
    """Each metric family's type, help text and label names, as a scraper sees them."""
    text = requests.get(base_url + "/metrics", timeout=10).text
    return {
        family.name: (
            family.type,
            family.documentation,
            frozenset(name for sample in family.samples for name in sample.labels),
        )
        for family in text_string_to_metric_families(text)
    }


@pytest.mark.live
def test_both_services_report_the_same_metric_families(live_servers, patient):
    for server in live_servers.values():
        requests.get(server.base_url + "/health", timeout=10)
        requests.post(server.base_url + "/predict", json=patient, timeout=10)
    fastapi, flask = (families(live_servers[name].base_url) for name in ("fastapi", "flask"))
    assert fastapi == flask
    assert {
        "http_requests",
        "http_request_duration_seconds",
        "predictions",
        "prediction_batch_size",
        "model_info",
    } <= set(fastapi)


@pytest.mark.live
def test_both_services_count_the_same_rows_and_batch_sizes(live_servers, patient):
    """The same calls move the same prediction metrics by the same amounts in both services."""

    def prediction_samples(base_url: str) -> dict:
        text = requests.get(base_url + "/metrics", timeout=10).text
        return {
            key: sample_value
            for key, sample_value in samples_of(text).items()
            if key[0].startswith(("predictions_total", "prediction_batch_size"))
        }

    moved = {}
    for name, server in live_servers.items():
        before = prediction_samples(server.base_url)
        for size in (1, 4, 30):
            batch = {"instances": [patient] * size}
            requests.post(server.base_url + "/predict/batch", json=batch, timeout=10)
        requests.post(server.base_url + "/predict", json=patient, timeout=10)
        after = prediction_samples(server.base_url)
        moved[name] = {key: after[key] - before.get(key, 0.0) for key in after}
    assert moved["fastapi"] == moved["flask"]
    batch_rows = {"route": "/predict/batch", "model_version": MODEL_VERSION}
    assert moved["fastapi"][("predictions_total", frozenset(batch_rows.items()))] == 35


def route_labels(base_url: str) -> set[tuple[str, str, str]]:
    """Every (method, route, status) that GET /metrics counts requests under."""
    text = requests.get(base_url + "/metrics", timeout=10).text
    return {
        (labels["method"], labels["route"], labels["status"])
        for (name, label_set), _ in samples_of(text).items()
        if name == "http_requests_total"
        for labels in [dict(label_set)]
    }


@pytest.mark.live
def test_the_same_traffic_gives_the_same_label_values(start_live_server, patient):
    """Two fresh servers, the same requests: the same series, label values included."""
    labels = {}
    for name in ("fastapi", "flask"):
        base_url = start_live_server(name).base_url
        location = requests.post(base_url + "/predictions", json=patient, timeout=10)
        for path in (location.headers["Location"], "/predictions/999999", "/no/such/path"):
            requests.get(base_url + path, timeout=10)
        actual = base_url + location.headers["Location"] + "/actual"
        requests.put(actual, json={"value": 1.0}, timeout=10)
        requests.post(base_url + "/predict", json=patient, timeout=10)
        requests.post(base_url + f"/v2/models/{MODEL_NAME}/infer", json={}, timeout=10)
        requests.get(base_url + "/static/playground/app.js", timeout=10)
        labels[name] = route_labels(base_url)
    assert labels["fastapi"] == labels["flask"]
    assert ("GET", "/predictions/{prediction_id}", "200") in labels["fastapi"]


@pytest.mark.live
@pytest.mark.parametrize("service_name", ["fastapi", "flask"])
def test_two_workers_report_the_sum_of_both(start_live_server, service_name):
    """Each request opens its own connection, so both workers serve some; whichever worker
    answers a scrape must report all of them (prometheus_client's multiprocess mode)."""
    server = start_live_server(service_name, workers=2)
    fresh = {"Connection": "close"}
    for _ in range(20):
        requests.get(server.base_url + "/health", headers=fresh, timeout=10)
    for _ in range(4):  # several scrapes, so more than one worker is likely to answer one
        text = requests.get(server.base_url + "/metrics", headers=fresh, timeout=10).text
        assert value(samples_of(text), "http_requests_total", **HEALTH_OK) == 20
