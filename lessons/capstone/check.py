"""The capstone, the last step of your service: `make capstone` (your work in work/service/) or
`make capstone SOLUTION=1`. It runs every earlier step's checks, then these: the rest of the
project's contract, each answer the same bytes from both twins."""

import json

import joblib
from checking import SERVICE_KEY, NotDone, Twin, Workspace, diabetes_model, service_twins

from shared.core.schemas import EXAMPLE_PATIENT, FEATURES

PATIENTS = [
    {**EXAMPLE_PATIENT, "patient_id": "first"},
    {**EXAMPLE_PATIENT, "bmi": 22.0},
    {**EXAMPLE_PATIENT, "age": 30, "patient_id": "third"},
]


def same_answer(
    work: Workspace, method: str, path: str, what: str, status: int, hint: str, **kwargs
) -> object:
    """The JSON both twins answer to one request: the `status` expected, the same bytes."""
    fastapi_twin, flask_twin = service_twins(work)
    first = fastapi_twin.request(method, path, **kwargs)
    second = flask_twin.request(method, path, **kwargs)
    for twin, answer in ((fastapi_twin, first), (flask_twin, second)):
        expect(twin, answer, status, f"{what} ({method} {path})", hint)
    if first.body != second.body:
        raise NotDone(
            f"the twins answer {what} ({method} {path}) with other bytes:\n"
            f"FastAPI: {first.status} {first.body[:300].decode(errors='replace')}\n"
            f"Flask:   {second.status} {second.body[:300].decode(errors='replace')}\n"
            "same_bytes.py makes both write JSON with one function: use it in both twins"
        )
    return first.json()


def expect(twin: Twin, answer, status: int, what: str, hint: str) -> None:
    if answer.status != status:
        raise NotDone(
            f"the {twin.name} twin answers {what} with {answer.status}, not {status}: {hint}\n"
            f"its answer: {answer.body[:300].decode(errors='replace')}"
        )


def check_ready(work: Workspace) -> None:
    """GET /ready is {"status": "ready", "model_version": <the card's version>}, from both"""
    version = json.loads(diabetes_model().with_suffix(".json").read_text())["version"]
    ready = same_answer(work, "GET", "/ready", "the readiness probe", 200, "add the route")
    wanted = {"status": "ready", "model_version": version}
    if ready != wanted:
        raise NotDone(f"GET /ready should answer {wanted}, not {ready}")


def check_same_bytes(work: Workspace) -> None:
    """POST /predict and GET /features answer the same bytes from both twins"""
    same_answer(work, "POST", "/predict", "a patient", 200, "keep /predict", json=PATIENTS[0])
    same_answer(work, "GET", "/features", "the features", 200, "keep /features")


def check_batch(work: Workspace) -> None:
    """POST /predict/batch answers one prediction per patient, in order, as /predict would"""
    body = same_answer(
        work,
        "POST",
        "/predict/batch",
        "three patients",
        200,
        'add the route, taking {"instances": [patient, ...]}',
        json={"instances": PATIENTS},
    )
    model = joblib.load(diabetes_model())
    values = model.predict([[patient[name] for name in FEATURES] for patient in PATIENTS])
    expected = [
        {"prediction": float(value), "patient_id": patient.get("patient_id")}
        for patient, value in zip(PATIENTS, values, strict=True)
    ]
    predictions = body.get("predictions") if isinstance(body, dict) else None
    if (
        not isinstance(predictions, list)
        or len(predictions) != len(expected)
        or any(
            got.get("patient_id") != wanted["patient_id"]
            or abs(got.get("prediction", 0) - wanted["prediction"]) > 1e-6
            for got, wanted in zip(predictions, expected, strict=True)
        )
    ):
        raise NotDone(
            'POST /predict/batch should answer {"predictions": [{"prediction": ..., '
            '"patient_id": ...}, ...]}, one per instance, in order; it answered ' + str(body)
        )


BAD_BODIES = {
    "a patient without bmi": ({k: v for k, v in EXAMPLE_PATIENT.items() if k != "bmi"}, "bmi"),
    "an unknown field": ({**EXAMPLE_PATIENT, "vintage": 1999}, "vintage"),
    "a JSON list instead of an object": ([1, 2, 3], None),
}


def check_bad_input(work: Workspace) -> None:
    """Bad input is the same 422 from both, naming the field; an empty batch is a 422 too"""
    for what, (body, field) in BAD_BODIES.items():
        hint = "validate with the schema, and answer with validation_error_body"
        answer = same_answer(work, "POST", "/predict", what, 422, hint, json=body)
        expected_loc = ["body", field] if field else ["body"]
        if expected_loc not in [issue.get("loc") for issue in answer.get("detail", [])]:
            raise NotDone(f"the 422 for {what} should have an issue at {expected_loc}: {answer}")
    same_answer(
        work,
        "POST",
        "/predict/batch",
        "an empty batch",
        422,
        "instances: Field(min_length=1, max_length=1000)",
        json={"instances": []},
    )


def check_malformed_json(work: Workspace) -> None:
    """A body that is not JSON is a 400 {"detail": "Request body is not valid JSON"}"""
    body = same_answer(
        work,
        "POST",
        "/predict",
        "a body that is not JSON",
        400,
        "FastAPI: a RequestValidationError whose issue type is in MALFORMED_JSON_TYPES; "
        "Flask: request.get_json() raises a BadRequest (an HTTPException)",
        content=b"{not json",
        headers={"Content-Type": "application/json", "X-API-Key": SERVICE_KEY},
    )
    if body != {"detail": "Request body is not valid JSON"}:
        raise NotDone(f"the 400 should be MalformedJSON().body(), not {body}")


def check_unknown_routes(work: Workspace) -> None:
    """Unknown paths are 404 and wrong methods 405, in JSON"""
    hint = "Flask answers these in HTML: give it an errorhandler(HTTPException)"
    missing = same_answer(work, "GET", "/no-such-path", "an unknown path", 404, hint)
    if missing != {"detail": "Not Found"}:
        raise NotDone(f'a 404 should be {{"detail": "Not Found"}}, not {missing}')
    wrong = same_answer(work, "GET", "/predict", "a GET of a POST route", 405, hint)
    if wrong != {"detail": "Method Not Allowed"}:
        raise NotDone(f'a 405 should be {{"detail": "Method Not Allowed"}}, not {wrong}')
