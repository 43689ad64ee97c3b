"""Step 13 of your service: an API key in front of every route but /health, as middleware."""

from checking import (
    SERVICE_KEY,
    NotDone,
    ServiceTwin,
    Workspace,
    expect_status,
    service_app,
    service_twins,
)

from shared.core.schemas import EXAMPLE_PATIENT

UNAUTHORIZED = {"detail": "Missing or invalid API key"}


def with_a_later_route(work: Workspace) -> list[ServiceTwin]:
    """Both twins, each with a route added after it was built, that the middleware never saw."""
    fastapi_app = service_app(work, "fastapi_app.py")
    flask_app = service_app(work, "flask_app.py")
    fastapi_app.post("/retrain")(lambda: {"status": "retraining"})
    flask_app.add_url_rule(
        "/retrain", "retrain", lambda: {"status": "retraining"}, methods=["POST"]
    )
    return [ServiceTwin("FastAPI", fastapi_app), ServiceTwin("Flask", flask_app)]


def refused(
    twin, path: str, headers: dict, request: str, hint: str = "check X-API-Key before routing"
) -> None:
    answer = twin.post(path, json=EXAMPLE_PATIENT, headers=headers)
    expect_status(twin, answer, 401, request, hint)
    if answer.json() != UNAUTHORIZED:
        raise NotDone(f"the {twin.name} twin's 401 should be {UNAUTHORIZED}: {answer.json()}")


def check_key_required(work: Workspace) -> None:
    """POST /predict without a key, or with a wrong one, is 401 in the contract's shape"""
    for twin in service_twins(work):
        refused(twin, "/predict", {}, "POST /predict without X-API-Key")
        refused(twin, "/predict", {"X-API-Key": "guess"}, "POST /predict with a wrong key")


def check_key_accepted(work: Workspace) -> None:
    """With the key (the API_KEY environment variable) it predicts; /health needs no key"""
    for twin in service_twins(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT, headers={"X-API-Key": SERVICE_KEY})
        expect_status(
            twin,
            answer,
            200,
            "POST /predict with the right key",
            'compare with the key in os.environ["API_KEY"], read when the app is built',
        )
        expect_status(
            twin,
            twin.get("/health", headers={}),
            200,
            "GET /health without a key",
            "leave the paths in OPEN_PATHS open",
        )


def check_is_middleware(work: Workspace) -> None:
    """A route added later is guarded too: the check is middleware, not in each route"""
    for twin in with_a_later_route(work):
        refused(
            twin,
            "/retrain",
            {},
            "a new route, POST /retrain, without a key",
            "a check inside each route (or a dependency each route declares) misses a route "
            "added later; middleware sees every request",
        )
