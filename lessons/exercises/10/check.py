"""Exercise 10: a Prometheus counter of predictions, the same in both twins."""

from checking import NotDone, Workspace, build_twins, diabetes_predictor, expect_status
from prometheus_client.parser import text_string_to_metric_families

from shared.core.schemas import EXAMPLE_PATIENT

METRIC = "model_predictions"


def both_twins(work: Workspace):
    return build_twins(work, diabetes_predictor())


def counted(twin) -> float | None:
    """The value of model_predictions_total on /metrics, None when there is no such metric."""
    answer = twin.get("/metrics")
    expect_status(twin, answer, 200, "GET /metrics", "keep the /metrics route")
    for family in text_string_to_metric_families(answer.body.decode()):
        if family.name == METRIC and family.type == "counter":
            return sum(sample.value for sample in family.samples if sample.name.endswith("_total"))
    return None


def check_metric_exists(work: Workspace) -> None:
    """/metrics shows a counter model_predictions_total"""
    for twin in both_twins(work):
        if counted(twin) is None:
            raise NotDone(
                f"the {twin.name} twin's /metrics has no counter {METRIC}_total: create "
                f'Counter("{METRIC}", "Predictions made", registry=registry) in create_app'
            )


def check_counts_predictions(work: Workspace) -> None:
    """Three predictions count 3, and a refused request (422) counts nothing"""
    for twin in both_twins(work):
        for _ in range(3):
            twin.post("/predict", json=EXAMPLE_PATIENT)
        twin.post("/predict", json={**EXAMPLE_PATIENT, "age": "old"})
        value = counted(twin)
        if value != 3:
            raise NotDone(
                f"after 3 predictions and 1 refused request, the {twin.name} twin's counter is "
                f"{value}, not 3: call .inc() in the route, after the prediction succeeds"
            )
