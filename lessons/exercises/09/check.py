"""Exercise 09: DELETE on the predictions resource, in both twins."""

from checking import NotDone, Workspace, build_twins, diabetes_predictor, expect_status

from shared.core.schemas import EXAMPLE_PATIENT


def both_twins(work: Workspace):
    return build_twins(work, diabetes_predictor())


def created(twin) -> str:
    answer = twin.post("/predictions", json=EXAMPLE_PATIENT)
    expect_status(twin, answer, 201, "POST /predictions", "keep the create route working")
    return answer.headers["location"]


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
