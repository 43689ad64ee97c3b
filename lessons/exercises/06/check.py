"""Step 06 of your service: one schema for both twins, a new field, and one error shape."""

from checking import NotDone, Workspace, expect_status, service_twins

from shared.core.schemas import EXAMPLE_PATIENT

LAGS = (
    "A twin that writes its answer by hand lags behind the schema: build it from Prediction "
    "(FastAPI: `-> Prediction`, returning a Prediction; Flask: `Prediction(...).model_dump()`), "
    "and check that Prediction in schemas.py has patient_id."
)


def both_twins(work: Workspace):
    return service_twins(work)


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
            "add `patient_id` to PatientRequest in schemas.py, and validate with PatientRequest",
        )
        if answer.json().get("patient_id") != "p-17":
            raise NotDone(
                f"the {twin.name} twin does not answer patient_id back: {answer.json()}. " + LAGS
            )


def check_patient_id_is_optional(work: Workspace) -> None:
    """Without "patient_id", both answer "patient_id": null"""
    for twin in both_twins(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT)
        expect_status(twin, answer, 200, "a patient without patient_id", "give it a default: None")
        if "patient_id" not in answer.json() or answer.json()["patient_id"] is not None:
            raise NotDone(
                f"the {twin.name} twin should answer patient_id null, not {answer.json()}. " + LAGS
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


def check_error_shape(work: Workspace) -> None:
    """Both twins answer a mistake with the same 422 body: each issue's type, loc and msg only"""
    body = {name: value for name, value in EXAMPLE_PATIENT.items() if name != "bmi"}
    answers = {twin.name: twin.post("/predict", json=body) for twin in both_twins(work)}
    for name, answer in answers.items():
        issues = answer.json().get("detail") if isinstance(answer.json(), dict) else None
        if (
            answer.status != 422
            or not issues
            or any(set(i) != {"type", "loc", "msg"} for i in issues)
        ):
            hint = (
                " (FastAPI adds fields of its own: give RequestValidationError an exception "
                "handler that answers validation_error_body(error.errors()) with 422)"
            )
            raise NotDone(
                f'the {name} twin\'s 422 should be {{"detail": [{{"type", "loc", "msg"}}, ...]}}, '
                f"as shared.contract.errors.validation_error_body writes it: {answer.json()}"
                + (hint if name == "FastAPI" else "")
            )
    if answers["FastAPI"].json() != answers["Flask"].json():
        raise NotDone(
            f"the twins' 422s differ: FastAPI {answers['FastAPI'].json()}, "
            f"Flask {answers['Flask'].json()}"
        )


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
