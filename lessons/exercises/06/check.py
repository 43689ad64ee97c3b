"""Exercise 06: a new field in the schema, and the contract that catches the twin that lags."""

from checking import NotDone, Workspace, build_twins, diabetes_predictor, expect_status

from shared.core.schemas import EXAMPLE_PATIENT

LAGS = {
    "FastAPI": "It builds its answer from Prediction: add patient_id to Prediction in schemas.py.",
    "Flask": "It writes its answer by hand, so it lags behind the schema: the contract just "
    "caught the drift. Make it build its answer from Prediction, as the FastAPI twin does.",
}


def both_twins(work: Workspace):
    return build_twins(work, diabetes_predictor())


def check_accepts_patient_id(work: Workspace) -> None:
    """Both twins accept a body with "patient_id" and answer it back"""
    body = {**EXAMPLE_PATIENT, "patient_id": "p-17"}
    for twin in both_twins(work):
        answer = twin.post("/predict", json=body)
        expect_status(
            twin,
            answer,
            200,
            "a patient with a patient_id",
            "add `patient_id: str | None` to PatientRequest in schemas.py",
        )
        if answer.json().get("patient_id") != "p-17":
            raise NotDone(
                f"the {twin.name} twin does not answer patient_id back: {answer.json()}. "
                + LAGS[twin.name]
            )


def check_patient_id_is_optional(work: Workspace) -> None:
    """Without "patient_id", both answer "patient_id": null"""
    for twin in both_twins(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT)
        expect_status(twin, answer, 200, "a patient without patient_id", "give it a default: None")
        if "patient_id" not in answer.json() or answer.json()["patient_id"] is not None:
            raise NotDone(
                f"the {twin.name} twin should answer patient_id null, not {answer.json()}"
            )


def check_long_patient_id_refused(work: Workspace) -> None:
    """A patient_id over 64 characters is a 422 that points at "patient_id\""""
    body = {**EXAMPLE_PATIENT, "patient_id": "x" * 65}
    for twin in both_twins(work):
        answer = twin.post("/predict", json=body)
        expect_status(twin, answer, 422, "a 65-character patient_id", "use Field(max_length=64)")
        where = [issue["loc"] for issue in answer.json()["detail"]]
        if ["body", "patient_id"] not in where:
            raise NotDone(f"the {twin.name} twin's 422 should point at body.patient_id: {where}")


def check_ldl_within_tc(work: Workspace) -> None:
    """Part 2: an LDL above the total cholesterol is a 422 at ["body"] that names both fields"""
    body = {**EXAMPLE_PATIENT, "tc": 150, "ldl": 200}
    for twin in both_twins(work):
        answer = twin.post("/predict", json=body)
        expect_status(
            twin,
            answer,
            422,
            "an ldl of 200 with a tc of 150",
            "LDL is part of the total cholesterol: add a @model_validator(mode='after') to "
            "PatientRequest that raises ValueError when ldl > tc",
        )
        issues = answer.json()["detail"]
        if not any(i["loc"] == ["body"] and "ldl" in i["msg"] and "tc" in i["msg"] for i in issues):
            raise NotDone(
                f"the {twin.name} twin's 422 should have an issue at ['body'] whose message names "
                f"ldl and tc: {issues}"
            )


def check_same_answer(work: Workspace) -> None:
    """Both twins give the same answer to the same patient"""
    body = {**EXAMPLE_PATIENT, "patient_id": "p-17"}
    fastapi_twin, flask_twin = both_twins(work)
    first, second = fastapi_twin.post("/predict", json=body), flask_twin.post("/predict", json=body)
    if first.json() != second.json():
        raise NotDone(f"the twins disagree: FastAPI {first.json()}, Flask {second.json()}")
