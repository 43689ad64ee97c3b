"""The predictions resource: POST/GET /predictions, PUT .../actual, DELETE, GET /model/performance.

The in-process and live servers of one test session share one database, so tests that count rows
compare before and after, or build an app on a database of their own (`fresh_database_url`).
"""

import math
import sqlite3

import pytest
import requests

from shared.core.model import MODEL_VERSION
from shared.core.schemas import MAX_PAGE_SIZE
from shared.core.store import migrate

API_KEY = {"X-API-Key": "test-api-key"}
UNKNOWN_ID = 9_000_000_000_000_000_000  # a valid 64-bit id that no test session reaches
PREDICTION_NOT_FOUND = {"detail": "Prediction not found"}
UNAUTHORIZED = {"detail": "Missing or invalid API key"}


def create(client, patient):
    response = client.post("/predictions", json=patient)
    assert response.status_code == 201
    return response.json()


def issue(response):
    """The one validation issue of a 422 answer."""
    assert response.status_code == 422
    (only,) = response.json()["detail"]
    return only


@pytest.fixture
def fresh_client(make_client, settings, fresh_database_url):
    """An in-process client of a service whose database holds nothing yet."""
    return make_client(settings.model_copy(update={"database_url": fresh_database_url}))


# POST /predictions


def test_create_is_201_with_the_location_of_the_record(api, patient):
    response = api.post("/predictions", json=patient)
    assert response.status_code == 201
    assert response.headers["Location"] == f"/predictions/{response.json()['id']}"


def test_created_record_holds_the_features_and_the_prediction(api, patient):
    record = create(api, patient)
    expected = api.post("/predict", json=patient).json()["prediction"]
    assert set(record) == {"id", "created_at", "features", "prediction", "model_version", "actual"}
    assert record["features"] == patient
    assert record["prediction"] == expected
    assert record["model_version"] == MODEL_VERSION
    assert record["actual"] is None


def test_created_at_is_utc(api, patient):
    assert create(api, patient)["created_at"].endswith("Z")


def test_created_record_reads_back_at_its_location(api, patient):
    response = api.post("/predictions", json=patient)
    assert api.get(response.headers["Location"]).json() == response.json()


def test_create_with_an_invalid_patient_is_422(api, patient):
    response = api.post("/predictions", json={**patient, "bmi": "high"})
    assert issue(response)["loc"] == ["body", "bmi"]


def test_create_without_a_model_is_503(make_client, patient):
    response = make_client(load_model=False).post("/predictions", json=patient)
    assert response.status_code == 503
    assert response.json() == {"detail": "Model is not loaded"}


# GET /predictions/{id}


def test_get_returns_200_and_the_record(api, patient):
    record = create(api, patient)
    response = api.get(f"/predictions/{record['id']}")
    assert response.status_code == 200
    assert response.json() == record


def test_unknown_prediction_is_404(api):
    response = api.get(f"/predictions/{UNKNOWN_ID}")
    assert response.status_code == 404
    assert response.json() == PREDICTION_NOT_FOUND


def test_id_beyond_64_bits_is_404(api):
    response = api.get(f"/predictions/{10**30}")
    assert response.status_code == 404
    assert response.json() == PREDICTION_NOT_FOUND


@pytest.mark.parametrize("prediction_id", ["abc", "-1", "1.5", "0x1"])
def test_id_that_is_not_a_number_is_404(api, prediction_id):
    response = api.get(f"/predictions/{prediction_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


# GET /predictions


def test_list_is_newest_first(api, patient):
    older, newer = create(api, patient), create(api, patient)
    items = api.get("/predictions", params={"limit": 2}).json()["items"]
    assert [item["id"] for item in items] == [newer["id"], older["id"]]


def test_list_items_are_the_stored_records(api, patient):
    record = create(api, patient)
    assert api.get("/predictions", params={"limit": 1}).json()["items"] == [record]


def test_list_total_counts_every_stored_prediction(api, patient):
    before = api.get("/predictions").json()["total"]
    create(api, patient)
    assert api.get("/predictions").json()["total"] == before + 1


def test_list_offset_skips_the_newest(api, patient):
    older = create(api, patient)
    create(api, patient)
    page = api.get("/predictions", params={"limit": 1, "offset": 1}).json()
    assert [item["id"] for item in page["items"]] == [older["id"]]
    assert (page["limit"], page["offset"]) == (1, 1)


def test_list_page_size_defaults_to_20(api):
    page = api.get("/predictions").json()
    assert (page["limit"], page["offset"]) == (20, 0)
    assert len(page["items"]) <= 20


def test_list_of_an_empty_store_has_no_items(fresh_client):
    response = fresh_client.get("/predictions")
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


def test_list_limit_over_the_maximum_is_422(api):
    response = api.get("/predictions", params={"limit": MAX_PAGE_SIZE + 1})
    assert response.json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "limit"],
                "msg": f"Input should be less than or equal to {MAX_PAGE_SIZE}",
            }
        ]
    }


def test_list_limit_that_is_not_a_number_is_422(api):
    response = api.get("/predictions", params={"limit": "ten"})
    assert issue(response) == {
        "type": "int_parsing",
        "loc": ["query", "limit"],
        "msg": "Input should be a valid integer, unable to parse string as an integer",
    }


def test_list_negative_offset_is_422(api):
    response = api.get("/predictions", params={"offset": -1})
    assert issue(response)["loc"] == ["query", "offset"]


# PUT /predictions/{id}/actual


def test_put_actual_returns_200_and_the_updated_record(api, patient):
    record = create(api, patient)
    response = api.put(f"/predictions/{record['id']}/actual", json={"value": 170.5})
    assert response.status_code == 200
    assert response.json() == {**record, "actual": 170.5}


def test_put_actual_is_stored(api, patient):
    record = create(api, patient)
    api.put(f"/predictions/{record['id']}/actual", json={"value": 170.5})
    assert api.get(f"/predictions/{record['id']}").json()["actual"] == 170.5


def test_put_actual_twice_gives_the_same_answer(api, patient):
    path = f"/predictions/{create(api, patient)['id']}/actual"
    first = api.put(path, json={"value": 170.5})
    second = api.put(path, json={"value": 170.5})
    assert (second.status_code, second.content) == (first.status_code, first.content)


def test_put_actual_on_unknown_prediction_is_404(api):
    response = api.put(f"/predictions/{UNKNOWN_ID}/actual", json={"value": 170.5})
    assert response.status_code == 404
    assert response.json() == PREDICTION_NOT_FOUND


def test_put_actual_that_is_not_a_number_is_422(api, patient):
    path = f"/predictions/{create(api, patient)['id']}/actual"
    assert issue(api.put(path, json={"value": "170"})) == {
        "type": "float_type",
        "loc": ["body", "value"],
        "msg": "Input should be a valid number",
    }


def test_put_actual_out_of_range_is_422(api, patient):
    path = f"/predictions/{create(api, patient)['id']}/actual"
    assert issue(api.put(path, json={"value": 1e300}))["type"] == "less_than_equal"


def test_put_actual_without_a_value_is_422(api, patient):
    path = f"/predictions/{create(api, patient)['id']}/actual"
    assert issue(api.put(path, json={}))["loc"] == ["body", "value"]


def test_put_actual_that_is_not_json_is_415(api, patient):
    path = f"/predictions/{create(api, patient)['id']}/actual"
    response = api.put(path, content=b"170", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json() == {"detail": "Content-Type must be application/json"}


# DELETE /predictions/{id}


def test_delete_with_the_api_key_is_204_without_a_body(api, patient):
    record = create(api, patient)
    response = api.delete(f"/predictions/{record['id']}", headers=API_KEY)
    assert response.status_code == 204
    assert response.content == b""


def test_deleted_prediction_is_gone(api, patient):
    record = create(api, patient)
    api.delete(f"/predictions/{record['id']}", headers=API_KEY)
    assert api.get(f"/predictions/{record['id']}").status_code == 404


def test_delete_without_the_api_key_is_401(api, patient):
    record = create(api, patient)
    response = api.delete(f"/predictions/{record['id']}")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_delete_with_a_wrong_api_key_is_401(api, patient):
    record = create(api, patient)
    response = api.delete(f"/predictions/{record['id']}", headers={"X-API-Key": "test-api-kez"})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_refused_delete_keeps_the_record(api, patient):
    record = create(api, patient)
    api.delete(f"/predictions/{record['id']}", headers={"X-API-Key": "wrong"})
    assert api.get(f"/predictions/{record['id']}").json() == record


def test_delete_checks_the_key_before_the_id(api):
    response = api.delete(f"/predictions/{UNKNOWN_ID}")
    assert response.status_code == 401


def test_delete_unknown_prediction_is_404(api):
    response = api.delete(f"/predictions/{UNKNOWN_ID}", headers=API_KEY)
    assert response.status_code == 404
    assert response.json() == PREDICTION_NOT_FOUND


def test_delete_twice_is_404_the_second_time(api, patient):
    path = f"/predictions/{create(api, patient)['id']}"
    api.delete(path, headers=API_KEY)
    assert api.delete(path, headers=API_KEY).status_code == 404


def test_delete_is_refused_when_no_api_key_is_configured(make_client, settings, patient):
    client = make_client(settings.model_copy(update={"api_key": None}))
    record = create(client, patient)
    response = client.delete(f"/predictions/{record['id']}", headers={"X-API-Key": ""})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


# GET /model/performance


def test_performance_counts_only_predictions_with_an_actual(api, patient):
    before = api.get("/model/performance").json()["count"]
    record = create(api, patient)
    create(api, patient)
    api.put(f"/predictions/{record['id']}/actual", json={"value": 100.0})
    assert api.get("/model/performance").json()["count"] == before + 1


def test_performance_adds_each_new_error(api, patient):
    before = api.get("/model/performance").json()
    record = create(api, patient)
    api.put(f"/predictions/{record['id']}/actual", json={"value": record["prediction"] + 10})
    after = api.get("/model/performance").json()
    assert after["mae"] * after["count"] == pytest.approx(
        (before["mae"] or 0) * before["count"] + 10
    )
    squared_errors = (before["rmse"] or 0) ** 2 * before["count"] + 100
    assert after["rmse"] ** 2 * after["count"] == pytest.approx(squared_errors)


def test_performance_is_mae_and_rmse(fresh_client, patient):
    first, second, _without_actual = (create(fresh_client, patient) for _ in range(3))
    fresh_client.put(f"/predictions/{first['id']}/actual", json={"value": first["prediction"] + 3})
    fresh_client.put(
        f"/predictions/{second['id']}/actual", json={"value": second["prediction"] - 4}
    )
    response = fresh_client.get("/model/performance")
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "mae": pytest.approx(3.5),
        "rmse": pytest.approx(math.sqrt((9 + 16) / 2)),
    }


def test_performance_without_actuals_is_null(fresh_client, patient):
    create(fresh_client, patient)
    assert fresh_client.get("/model/performance").json() == {
        "count": 0,
        "mae": None,
        "rmse": None,
    }


# Errors of the store itself


def test_store_that_cannot_answer_is_503(make_client, settings, tmp_path):
    path = tmp_path / "broken.db"
    migrate(f"sqlite:///{path}")
    client = make_client(settings.model_copy(update={"database_url": f"sqlite:///{path}"}))
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE predictions")  # the database fails every query now
    response = client.get("/predictions")
    assert response.status_code == 503
    assert response.json() == {"detail": "Prediction store is unavailable"}


# Both services, one database


@pytest.mark.live
def test_both_services_answer_the_same_bytes_for_a_record(live_servers, patient):
    fastapi, flask = (live_servers[name].base_url for name in ("fastapi", "flask"))
    location = requests.post(fastapi + "/predictions", json=patient, timeout=30).headers["Location"]
    requests.put(flask + location + "/actual", json={"value": 151.0}, timeout=30)
    answers = [requests.get(base + location, timeout=30) for base in (fastapi, flask)]
    assert answers[0].status_code == 200
    assert answers[0].content == answers[1].content
