"""Step 03 of your service: GET /health and POST /predict, in FastAPI and in Flask."""

import joblib
from checking import NotDone, Workspace, diabetes_model, expect_status, service_twins

from shared.core.schemas import EXAMPLE_PATIENT, FEATURES


def check_health(work: Workspace) -> None:
    """GET /health answers 200 {"status": "ok"} in both"""
    for twin in service_twins(work):
        answer = twin.get("/health")
        expect_status(twin, answer, 200, "GET /health", "add the route")
        if answer.json() != {"status": "ok"}:
            raise NotDone(f"the {twin.name} twin's /health answered {answer.json()}")


def check_predict(work: Workspace) -> None:
    """POST /predict answers the model's prediction in both"""
    expected = joblib.load(diabetes_model()).predict([[EXAMPLE_PATIENT[n] for n in FEATURES]])[0]
    for twin in service_twins(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT)
        expect_status(twin, answer, 200, "POST /predict", "add the route (methods: POST)")
        prediction = answer.json().get("prediction") if isinstance(answer.json(), dict) else None
        if not isinstance(prediction, float) or abs(prediction - expected) > 1e-6:
            raise NotDone(
                f"the {twin.name} twin answered {answer.json()}, not {{'prediction': {expected}}}: "
                "feed the model the ten measurements in FEATURES order, and turn numpy's number "
                "into a Python float"
            )
