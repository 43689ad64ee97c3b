"""Exercise 13: an API-key check as middleware, guarding every route but /health, in both twins."""

from checking import NotDone, Workspace, build_apps, diabetes_predictor, expect_status, twins

from shared.core.schemas import EXAMPLE_PATIENT

KEY = "exercise-13-key"
UNAUTHORIZED = {"detail": "Missing or invalid API key"}


def both_twins(work: Workspace, extra_route: bool = False):
    fastapi_app, flask_app = build_apps(work, diabetes_predictor(), KEY)
    if extra_route:  # a route added later, that the middleware has never heard of
        fastapi_app.post("/retrain")(lambda: {"status": "retraining"})
        flask_app.add_url_rule(
            "/retrain", "retrain", lambda: {"status": "retraining"}, methods=["POST"]
        )
    return twins(fastapi_app, flask_app)


def refused(
    twin, path: str, headers: dict, request: str, hint: str = "check X-API-Key before routing"
) -> None:
    answer = twin.post(path, json=EXAMPLE_PATIENT, headers=headers)
    expect_status(twin, answer, 401, request, hint)
    if answer.json() != UNAUTHORIZED:
        raise NotDone(f"the {twin.name} twin's 401 should be {UNAUTHORIZED}: {answer.json()}")


def check_key_required(work: Workspace) -> None:
    """POST /predict without a key, or with a wrong one, is 401 in the contract's shape"""
    for twin in both_twins(work):
        refused(twin, "/predict", {}, "POST /predict without X-API-Key")
        refused(twin, "/predict", {"X-API-Key": "guess"}, "POST /predict with a wrong key")


def check_key_accepted(work: Workspace) -> None:
    """With the right key it predicts, and /health needs no key"""
    for twin in both_twins(work):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT, headers={"X-API-Key": KEY})
        expect_status(twin, answer, 200, "POST /predict with the right key", "let it through")
        expect_status(
            twin,
            twin.get("/health"),
            200,
            "GET /health without a key",
            "leave the paths in OPEN_PATHS open",
        )


def check_is_middleware(work: Workspace) -> None:
    """A route added later is guarded too: the check is middleware, not in each route"""
    for twin in both_twins(work, extra_route=True):
        refused(
            twin,
            "/retrain",
            {},
            "a new route, POST /retrain, without a key",
            "a check inside each route (or a dependency each route declares) misses a route "
            "added later; middleware sees every request",
        )


ADMIN = {"X-API-Key": KEY, "X-Admin-Key": "exercise-13-admin-key"}


def check_admin_route(work: Workspace) -> None:
    """Part 2: POST /admin/reload also needs X-Admin-Key (403 without), and only that route does"""
    for twin in both_twins(work):
        for headers, what in (
            ({"X-API-Key": KEY}, "without"),
            ({**ADMIN, "X-Admin-Key": "no"}, "with a wrong"),
        ):
            answer = twin.post("/admin/reload", headers=headers)
            expect_status(
                twin,
                answer,
                403,
                f"POST /admin/reload {what} X-Admin-Key",
                "guard this one route: FastAPI, a dependency; Flask, a decorator",
            )
            if answer.json() != {"detail": "Admin key required"}:
                raise NotDone(
                    f"the {twin.name} twin's 403 should be "
                    f'{{"detail": "Admin key required"}}: {answer.json()}'
                )
        answer = twin.post("/admin/reload", headers=ADMIN)
        expect_status(twin, answer, 200, "POST /admin/reload with both keys", "let it through")
        refused(
            twin,
            "/admin/reload",
            {"X-Admin-Key": ADMIN["X-Admin-Key"]},
            "POST /admin/reload with the admin key but no API key",
        )
        answer = twin.post("/predict", json=EXAMPLE_PATIENT, headers={"X-API-Key": KEY})
        expect_status(
            twin,
            answer,
            200,
            "POST /predict without X-Admin-Key",
            "only /admin/reload needs the admin key",
        )
