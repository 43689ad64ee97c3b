"""Exercise 08, solved: two contract tests, written once, run against both services."""

from shared.core.schemas import EXAMPLE_PATIENT


def test_predicts_a_number(client) -> None:
    response = client.post("/predict", json=EXAMPLE_PATIENT)
    assert response.status_code == 200
    assert isinstance(response.json()["prediction"], float)


def test_refuses_a_negative_age(client) -> None:
    response = client.post("/predict", json={**EXAMPLE_PATIENT, "age": -1})
    assert response.status_code == 422
    assert ["body", "age"] in [issue["loc"] for issue in response.json()["detail"]]
