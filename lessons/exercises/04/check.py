"""Exercise 04: the seed answers a client's mistake with 422 and a reason, not 500."""

from checking import NotDone, Workspace, diabetes_model, expect_status, twins

from shared.core.schemas import EXAMPLE_PATIENT

MISTAKES = {
    "a body without bmi": {k: v for k, v in EXAMPLE_PATIENT.items() if k != "bmi"},
    'an age of "old"': {**EXAMPLE_PATIENT, "age": "old"},
}


def seeds(work: Workspace):
    diabetes_model()  # trains a model and sets MODEL_PATH, which the seeds read
    return twins(work.load("seed_fastapi.py").app, work.load("seed_flask.py").app)


def check_still_predicts(work: Workspace) -> None:
    """Both seeds still predict for a valid patient"""
    for twin in seeds(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT)
        expect_status(twin, answer, 200, "a valid patient", "keep the prediction working")
        if not isinstance(answer.json().get("prediction"), float):
            raise NotDone(f"the {twin.name} seed answered {answer.json()}")


def check_mistakes_are_422(work: Workspace) -> None:
    """Both answer a client's mistake with 422 and say which field is wrong"""
    for mistake, body in MISTAKES.items():
        for twin in seeds(work):
            answer = twin.post("/predict", json=body)
            expect_status(
                twin,
                answer,
                422,
                mistake,
                "a 500 says the server broke; validate the body with shared.core.schemas.Patient "
                "(FastAPI: declare `patient: Patient`; Flask: Patient.model_validate, and "
                "answer the ValidationError with 422)",
            )
            detail = answer.json().get("detail")
            fields = [
                issue.get("loc", [None])[-1] for issue in detail or [] if isinstance(issue, dict)
            ]
            if not fields or fields[0] not in ("bmi", "age"):
                raise NotDone(
                    f"the {twin.name} seed's 422 should list the issues in 'detail', each with "
                    f"a 'loc' naming the field (see validation_error_body): {answer.json()}"
                )
