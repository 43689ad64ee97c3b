"""Exercise 05: a new route, GET /features, in both twins, answering the same JSON."""

from checking import NotDone, Workspace, build_twins, diabetes_predictor, expect_status


def both_twins(work: Workspace):
    return build_twins(work, diabetes_predictor())


def expected_features() -> list[dict]:
    return [
        {"name": f.name, "train_min": f.train_min, "train_max": f.train_max}
        for f in diabetes_predictor().card.features
    ]


def check_route_exists(work: Workspace) -> None:
    """GET /features answers 200 in both twins"""
    for twin in both_twins(work):
        answer = twin.get("/features")
        expect_status(twin, answer, 200, "GET /features", "add the route to this twin")


def check_features_listed(work: Workspace) -> None:
    """It lists the ten features with their training range, from the model card"""
    for twin in both_twins(work):
        answer = twin.get("/features").json()
        if answer != {"features": expected_features()}:
            raise NotDone(
                f"the {twin.name} twin answered {str(answer)[:200]}...: it should be "
                '{"features": [{"name": "age", "train_min": ..., "train_max": ...}, ...]}, '
                "one entry per feature of predictor.card.features, in order"
            )


def check_post_refused(work: Workspace) -> None:
    """POST /features is 405 in both (the route is GET only)"""
    for twin in both_twins(work):
        answer = twin.post("/features", json={})
        expect_status(twin, answer, 405, "POST /features", "declare the route for GET only")
