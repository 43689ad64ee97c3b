"""Exercise 03: GET /health and POST /predict, written in FastAPI and in Flask."""

import joblib
from checking import NotDone, Workspace, diabetes_model, expect_status, twins

from shared.core.schemas import EXAMPLE_PATIENT, FEATURES


def first_services(work: Workspace):
    diabetes_model()  # trains a model and sets MODEL_PATH, which the apps read
    return twins(work.load("fastapi_app.py").app, work.load("flask_app.py").app)


def check_health(work: Workspace) -> None:
    """GET /health answers 200 {"status": "ok"} in both"""
    for twin in first_services(work):
        answer = twin.get("/health")
        expect_status(twin, answer, 200, "GET /health", "add the route")
        if answer.json() != {"status": "ok"}:
            raise NotDone(f"the {twin.name} app's /health answered {answer.json()}")


def check_predict(work: Workspace) -> None:
    """POST /predict answers the model's prediction in both"""
    expected = joblib.load(diabetes_model()).predict([[EXAMPLE_PATIENT[n] for n in FEATURES]])[0]
    for twin in first_services(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT)
        expect_status(twin, answer, 200, "POST /predict", "add the route (methods: POST)")
        prediction = answer.json().get("prediction") if isinstance(answer.json(), dict) else None
        if not isinstance(prediction, float) or abs(prediction - expected) > 1e-6:
            raise NotDone(
                f"the {twin.name} app answered {answer.json()}, not {{'prediction': {expected}}}: "
                "feed the model the ten measurements in FEATURES order, and turn numpy's number "
                "into a Python float"
            )


def check_bad_input_fastapi(work: Workspace) -> None:
    """The FastAPI app refuses a body without "bmi" with 422 (Patient validates it for you)"""
    fastapi_twin, _ = first_services(work)
    body = {name: value for name, value in EXAMPLE_PATIENT.items() if name != "bmi"}
    answer = fastapi_twin.post("/predict", json=body)
    expect_status(fastapi_twin, answer, 422, "a body without bmi", "declare `patient: Patient`")
