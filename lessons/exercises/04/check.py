"""Step 04 of your service: a client's mistake is a 422 that says which field, not a 500."""

from checking import NotDone, Workspace, expect_status, service_twins

from shared.core.schemas import EXAMPLE_PATIENT

MISTAKES = {
    "a body without bmi": ({k: v for k, v in EXAMPLE_PATIENT.items() if k != "bmi"}, "bmi"),
    'an age of "old"': ({**EXAMPLE_PATIENT, "age": "old"}, "age"),
    "an age of -40": ({**EXAMPLE_PATIENT, "age": -40}, "age"),
}


def check_mistakes_are_422(work: Workspace) -> None:
    """Both answer a client's mistake with 422 and a "detail" whose "loc" names the field"""
    for mistake, (body, field) in MISTAKES.items():
        for twin in service_twins(work):
            answer = twin.post("/predict", json=body)
            expect_status(
                twin,
                answer,
                422,
                mistake,
                "a 500 says the server broke; validate the body with shared.core.schemas.Patient "
                "(FastAPI: declare `patient: Patient`; Flask: Patient.model_validate, and "
                "answer its ValidationError with validation_error_body and 422)",
            )
            detail = answer.json().get("detail") if isinstance(answer.json(), dict) else None
            where = [issue.get("loc") for issue in detail or [] if isinstance(issue, dict)]
            if ["body", field] not in where:
                raise NotDone(
                    f"the {twin.name} twin's 422 for {mistake} should list the issues in "
                    f"'detail', one with the 'loc' ['body', '{field}']: {answer.json()}"
                )
