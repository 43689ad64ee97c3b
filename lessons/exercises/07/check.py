"""Step 07 of your service: an app factory that loads the model once, and a model handed in
(FastAPI: a dependency a test can override; Flask: an argument of the factory)."""

import joblib
from checking import (
    NotDone,
    ServiceTwin,
    Workspace,
    attribute,
    call,
    diabetes_model,
    expect_status,
    service_app,
)

from shared.core.schemas import EXAMPLE_PATIENT


class FakeModel:
    """Answers 42.0 for every row: a twin that answers 42.0 was handed this model."""

    def predict(self, rows: list) -> list[float]:
        return [42.0 for _ in rows]


def check_factories(work: Workspace) -> None:
    """Both twins are built by `create_app()`; the FastAPI twin has the dependency `get_model`"""
    for name in ("fastapi_app.py", "flask_app.py"):
        attribute(work.load(name), "create_app", "write the factory: def create_app(model=None)")
    attribute(
        work.load("fastapi_app.py"),
        "get_model",
        "write the dependency: def get_model(request: Request), returning the app's model",
    )


def check_the_model_is_handed_in(work: Workspace) -> None:
    """A fake model handed in is the one that predicts, in both twins"""
    diabetes_model()  # sets MODEL_PATH
    fastapi_module = work.load("fastapi_app.py")
    fastapi_app = call(fastapi_module.create_app)
    fastapi_app.dependency_overrides[fastapi_module.get_model] = FakeModel
    flask_app = service_app(work, "flask_app.py", model=FakeModel())
    hints = {
        "FastAPI": "declare the model as a parameter, `model: Annotated[Any, "
        "Depends(get_model)]`, so a test can replace get_model",
        "Flask": "keep the model the factory was given, create_app(model=...), in "
        'app.extensions["model"], and predict with it',
    }
    for twin in (ServiceTwin("FastAPI", fastapi_app), ServiceTwin("Flask", flask_app)):
        answer = twin.post("/predict", json=EXAMPLE_PATIENT)
        expect_status(twin, answer, 200, "POST /predict with a fake model", hints[twin.name])
        if answer.json().get("prediction") != 42.0:
            raise NotDone(
                f"the {twin.name} twin answered {answer.json()} with the fake model, which "
                f"answers 42.0: it still uses a model of its own. {hints[twin.name]}"
            )


def check_loaded_once(work: Workspace) -> None:
    """Each twin loads the model once, when it is built, never per request"""
    loads: list[object] = []
    real_load = joblib.load

    def counting_load(*args, **kwargs):
        loads.append(args)
        return real_load(*args, **kwargs)

    joblib.load = counting_load
    try:
        for name, twin_name in (("fastapi_app.py", "FastAPI"), ("flask_app.py", "Flask")):
            loads.clear()
            twin = ServiceTwin(twin_name, service_app(work, name))
            if len(loads) != 1:
                raise NotDone(
                    f"building the {twin_name} twin loaded the model {len(loads)} times: "
                    "create_app() should call joblib.load once (unless a model is handed in)"
                )
            for _ in range(3):
                twin.post("/predict", json=EXAMPLE_PATIENT)
            if len(loads) != 1:
                raise NotDone(
                    f"the {twin_name} twin loads the model again for each request: load it "
                    "once, in create_app, and keep it on the app"
                )
    finally:
        joblib.load = real_load
