"""POST /predict and POST /predict/batch: answers, agreement with the model, input rules."""

import json

import pytest

from shared.core.schemas import FEATURES, MAX_BATCH, Patient


@pytest.fixture
def model_prediction(settings):
    """What the model itself says, called directly: the services must agree with it."""
    from shared.core.model import Predictor

    predictor = Predictor.load(settings.model_path, settings.card_path)
    return lambda body: predictor.predict_one(Patient.model_validate(body)).prediction


def test_predict_answers_prediction_version_and_flags(api, patient):
    response = api.post("/predict", json=patient)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["prediction", "model_version", "out_of_range"]
    assert body["model_version"] == "1.0.0"
    assert body["out_of_range"] == []


def test_predict_agrees_with_the_model_called_directly(api, patient, model_prediction):
    assert api.post("/predict", json=patient).json()["prediction"] == pytest.approx(
        model_prediction(patient), rel=1e-12
    )


def test_batch_agrees_with_single_predictions(api, patient):
    other = {**patient, "age": 30, "bmi": 22.5, "sex": 1}
    batch = api.post("/predict/batch", json={"instances": [patient, other]}).json()
    singles = [api.post("/predict", json=body).json()["prediction"] for body in (patient, other)]
    assert batch["predictions"] == pytest.approx(singles, rel=1e-12)
    assert batch["model_version"] == "1.0.0"
    assert batch["out_of_range"] == [[], []]


def test_value_outside_training_range_is_accepted_and_flagged(api, patient):
    response = api.post("/predict", json={**patient, "age": 95, "glu": 300})
    assert response.status_code == 200
    assert response.json()["out_of_range"] == ["age", "glu"]


def test_batch_flags_each_instance(api, patient):
    instances = [patient, {**patient, "bmi": 60}]
    body = api.post("/predict/batch", json={"instances": instances}).json()
    assert body["out_of_range"] == [[], ["bmi"]]


def test_sex_may_be_sent_as_integer_or_float(api, patient):
    as_float = api.post("/predict", json={**patient, "sex": 2.0})
    assert as_float.status_code == 200
    assert as_float.json() == api.post("/predict", json=patient).json()


@pytest.mark.parametrize("feature", FEATURES)
def test_missing_feature_is_422_pointing_at_it(api, patient, feature):
    body = {name: value for name, value in patient.items() if name != feature}
    response = api.post("/predict", json=body)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "missing", "loc": ["body", feature], "msg": "Field required"}]
    }


def test_unknown_field_is_422(api, patient):
    response = api.post("/predict", json={**patient, "weight": 80})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "extra_forbidden",
            "loc": ["body", "weight"],
            "msg": "Extra inputs are not permitted",
        }
    ]


@pytest.mark.parametrize("value", [True, False, "59", None, [59], {"v": 59}])
def test_non_number_is_422(api, patient, value):
    response = api.post("/predict", json={**patient, "age": value})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert issue["loc"] == ["body", "age"]
    assert issue["type"] == "float_type"


@pytest.mark.parametrize("value", [0, 3, 1.5, True, "1"])
def test_sex_other_than_1_or_2_is_422(api, patient, value):
    response = api.post("/predict", json={**patient, "sex": value})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "literal_error", "loc": ["body", "sex"], "msg": "Input should be 1 or 2"}
    ]


@pytest.mark.parametrize(
    ("feature", "value", "error_type"),
    [
        ("age", -1, "greater_than_equal"),
        ("age", 121, "less_than_equal"),
        ("bmi", 5, "greater_than_equal"),
        ("glu", 5000, "less_than_equal"),
    ],
)
def test_physically_impossible_value_is_422(api, patient, feature, value, error_type):
    response = api.post("/predict", json={**patient, feature: value})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert (issue["type"], issue["loc"]) == (error_type, ["body", feature])


def json_with_literal(patient: dict, feature: str, literal: str) -> str:
    """The patient as JSON text, one value replaced by a literal that `json.dumps` never writes."""
    return json.dumps({**patient, feature: "<value>"}).replace('"<value>"', literal)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_non_finite_number_is_422(api, patient, literal):
    text = json_with_literal(patient, "age", literal)
    response = api.post("/predict", content=text, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert (issue["type"], issue["loc"]) == ("finite_number", ["body", "age"])


def test_batch_error_points_at_the_instance_and_field(api, patient):
    instances = [patient] * 3 + [{**patient, "age": "old"}]
    response = api.post("/predict/batch", json={"instances": instances})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert issue["loc"] == ["body", "instances", 3, "age"]


def test_empty_batch_is_422(api):
    response = api.post("/predict/batch", json={"instances": []})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert (issue["type"], issue["loc"]) == ("too_short", ["body", "instances"])


def test_batch_over_max_batch_is_422(api, patient):
    response = api.post("/predict/batch", json={"instances": [patient] * (MAX_BATCH + 1)})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert (issue["type"], issue["loc"]) == ("too_long", ["body", "instances"])


def test_batch_of_max_batch_is_served(api, patient):
    response = api.post("/predict/batch", json={"instances": [patient] * MAX_BATCH})
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == MAX_BATCH


def test_body_that_is_not_an_object_is_422(api):
    response = api.post("/predict", json=[1, 2, 3])
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "model_type", "loc": ["body"], "msg": "Input should be a JSON object"}]
    }
