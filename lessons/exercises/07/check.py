"""Exercise 07: tests that replace the model by dependency injection, in both frameworks."""

import types

from checking import NotDone, Workspace, diabetes_model, explain, load_module

TESTS = ("test_fastapi_predict_uses_the_fake", "test_flask_predict_uses_the_fake")

# Twins that ignore the injected fake, always serving the real model: the tests must fail on them.
DEAF_FASTAPI_TWIN = """
from fastapi import FastAPI, Request
from shared.core.model import Predictor
from shared.core.schemas import Patient
from shared.core.settings import Settings

def get_predictor(request: Request):
    return request.app.state.predictor

def create_app():
    settings = Settings()
    predictor = Predictor.load(settings.model_path, settings.card_path)
    app = FastAPI()

    @app.post("/predict")
    def predict(patient: Patient):
        return predictor.predict_one(patient)

    return app
"""
DEAF_FLASK_TWIN = """
from flask import Flask, jsonify, request
from shared.core.model import Predictor
from shared.core.schemas import Patient
from shared.core.settings import Settings

def get_predictor():
    raise RuntimeError("unused")

def create_app(predictor=None):
    settings = Settings()
    real = Predictor.load(settings.model_path, settings.card_path)
    app = Flask(__name__)

    @app.post("/predict")
    def predict():
        patient = Patient.model_validate(request.get_json())
        return jsonify(real.predict_one(patient).model_dump())

    return app
"""


def module_from(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name} that ignores the fake>", "exec"), module.__dict__)
    return module


def run_tests(work: Workspace, twins: dict | None = None) -> dict[str, str | None]:
    """Each test's failure in words, or None when it passes."""
    diabetes_model()  # sets MODEL_PATH: the twins' Settings() read it
    tests = load_module(work.path("test_fake_model.py"), [work.folder, work.given], twins or {})
    outcomes = {}
    for name in TESTS:
        if not hasattr(tests, name):
            raise NotDone(f"test_fake_model.py has no function {name}: keep the starter's names")
        try:
            getattr(tests, name)()
        except Exception as error:
            outcomes[name] = explain(error)
        else:
            outcomes[name] = None
    return outcomes


def check_tests_pass(work: Workspace) -> None:
    """Both tests pass against the twins"""
    for name, failure in run_tests(work).items():
        if failure is not None:
            raise NotDone(f"{name} does not pass: {failure}")


def check_tests_can_fail(work: Workspace) -> None:
    """Both tests fail against twins that ignore the fake (so they really test the injection)"""
    deaf = {
        "fastapi_app": module_from("fastapi_app", DEAF_FASTAPI_TWIN),
        "flask_app": module_from("flask_app", DEAF_FLASK_TWIN),
    }
    for name, failure in run_tests(work, deaf).items():
        if failure is None:
            raise NotDone(
                f"{name} still passes when the app ignores the fake: assert that the "
                "prediction is the fake's 42.0, so the test fails if the real model answers"
            )
