"""Step 09 of your service: the predictions resource, created, read and deleted by its URL."""

from checking import NotDone, Workspace, expect_status, service_twins

from shared.core.schemas import EXAMPLE_PATIENT


def both_twins(work: Workspace):
    return service_twins(work)


def created(twin) -> str:
    answer = twin.post("/predictions", json=EXAMPLE_PATIENT)
    expect_status(twin, answer, 201, "POST /predictions", "add the route, status 201")
    location = answer.headers.get("location", "")
    if not location.startswith("/predictions/"):
        raise NotDone(
            f"the {twin.name} twin's 201 should say where the new prediction is, in the "
            f"Location header (/predictions/<id>): its headers are {answer.headers}"
        )
    return location


def check_create_and_read(work: Workspace) -> None:
    """POST /predictions answers 201 with a Location; GET of that URL answers the prediction"""
    for twin in both_twins(work):
        body = twin.post("/predictions", json=EXAMPLE_PATIENT).json()
        location = created(twin)
        answer = twin.get(location)
        expect_status(twin, answer, 200, f"GET {location}", "add GET /predictions/{id}")
        if not isinstance(answer.json(), dict) or set(answer.json()) != set(body):
            raise NotDone(
                f"the {twin.name} twin's GET {location} should answer the stored prediction, "
                f"as the POST answered it: {answer.json()}"
            )
        missing = twin.get("/predictions/999999")
        expect_status(twin, missing, 404, "GET of an id never created", "let store.get raise")
        if missing.json() != {"detail": "Prediction not found"}:
            raise NotDone(
                f"the {twin.name} twin's 404 should be the contract's JSON: {missing.json()} "
                "(an exception handler for ServiceError answers error.body())"
            )


def check_delete_answers_204(work: Workspace) -> None:
    """DELETE /predictions/{id} answers 204 with an empty body"""
    for twin in both_twins(work):
        answer = twin.delete(created(twin))
        expect_status(twin, answer, 204, "DELETE of a stored prediction", "add the route")
        if answer.body:
            raise NotDone(
                f"the {twin.name} twin's 204 has a body ({answer.body[:80]!r}): "
                "a 204 is empty (FastAPI: return Response(status_code=204))"
            )


def check_deleted_is_gone(work: Workspace) -> None:
    """After it, GET of that prediction is 404, and so is a second DELETE"""
    for twin in both_twins(work):
        location = created(twin)
        twin.delete(location)
        expect_status(twin, twin.get(location), 404, "GET after DELETE", "call store.delete")
        again = twin.delete(location)
        expect_status(twin, again, 404, "a second DELETE", "let PredictionNotFound through")
        if again.json() != {"detail": "Prediction not found"}:
            raise NotDone(
                f"the {twin.name} twin's 404 should be the contract's JSON: {again.json()}"
            )


def check_others_stay(work: Workspace) -> None:
    """Deleting one prediction leaves the others"""
    for twin in both_twins(work):
        first, second = created(twin), created(twin)
        twin.delete(first)
        expect_status(twin, twin.get(second), 200, "GET of a prediction not deleted", "delete one")
