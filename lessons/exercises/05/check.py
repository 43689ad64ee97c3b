"""Step 05 of your service: GET /features, the model card's features, the same in both twins."""

import json

from checking import NotDone, Workspace, diabetes_model, expect_status, service_twins


def expected_features() -> list[dict]:
    card = json.loads(diabetes_model().with_suffix(".json").read_text())
    return [
        {"name": f["name"], "train_min": f["train_min"], "train_max": f["train_max"]}
        for f in card["features"]
    ]


def check_features_listed(work: Workspace) -> None:
    """GET /features lists the ten features with their training range, from the model card"""
    for twin in service_twins(work):
        answer = twin.get("/features")
        expect_status(twin, answer, 200, "GET /features", "add the route to this twin")
        if answer.json() != {"features": expected_features()}:
            raise NotDone(
                f"the {twin.name} twin answered {str(answer.json())[:200]}...: it should be "
                '{"features": [{"name": "age", "train_min": ..., "train_max": ...}, ...]}, '
                'one entry per feature of the card\'s "features", in order'
            )


def check_post_refused(work: Workspace) -> None:
    """POST /features is 405 in both (the route is GET only)"""
    for twin in service_twins(work):
        answer = twin.post("/features", json={})
        expect_status(twin, answer, 405, "POST /features", "declare the route for GET only")
