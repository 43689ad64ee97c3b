"""Exercise 17: a route ported from FastAPI to Flask, answering the same for every query."""

from checking import NotDone, Workspace, build_twins, diabetes_predictor

QUERIES = {
    "?name=bmi": "a known feature",
    "?name=glu": "another known feature",
    "?name=height": "an unknown feature",
    "": "no name at all",
    "?name=bmi&extra=1": "an extra parameter",
}


def both_twins(work: Workspace):
    return build_twins(work, diabetes_predictor())


def check_route_exists(work: Workspace) -> None:
    """The Flask twin serves GET /feature?name=bmi"""
    _, flask_twin = both_twins(work)
    answer = flask_twin.get("/feature?name=bmi")
    if answer.status != 200:
        raise NotDone(f"GET /feature?name=bmi answered {answer.status} from Flask: add the route")


def check_same_answers(work: Workspace) -> None:
    """Both twins give the same status and JSON for good and bad queries"""
    fastapi_twin, flask_twin = both_twins(work)
    for query, what in QUERIES.items():
        first, second = fastapi_twin.get("/feature" + query), flask_twin.get("/feature" + query)
        if (first.status, first.json()) != (second.status, second.json()):
            raise NotDone(
                f"for {what} (GET /feature{query}) the twins differ:\n"
                f"FastAPI: {first.status} {first.json()}\n"
                f"Flask:   {second.status} {second.json()}\n"
                "validate request.args with FeatureQuery, and answer a ValidationError with "
                'validation_error_body(error.errors(), ("query",)) and 422'
            )
