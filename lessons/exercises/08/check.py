"""Step 08 of your service: contract tests, written once, that pass on both of your twins and
fail on a service that breaks the contract."""

from checking import NotDone, Twin, Workspace, explain, service_twins
from flask import Flask, jsonify

TESTS = ("test_predicts_a_number", "test_refuses_a_negative_age")


class Client:
    """What the tests get: `post(path, json=...)`, answering `.status_code` and `.json()`."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin

    def post(self, path: str, **kwargs):
        answer = self.twin.post(path, **kwargs)
        answer.status_code = answer.status
        return answer


def broken_service(prediction: object) -> Twin:
    """A service that breaks the contract: it validates nothing and answers `prediction`."""
    app = Flask("broken")
    app.post("/predict")(lambda: jsonify({"prediction": prediction}))
    return Twin("broken Flask", app)


def outcome(work: Workspace, test_name: str, twin: Twin) -> str | None:
    tests = work.load("test_service.py")
    if not hasattr(tests, test_name):
        raise NotDone(f"test_service.py has no function {test_name}: keep the starter's names")
    try:
        getattr(tests, test_name)(Client(twin))
    except Exception as error:
        return explain(error) or "failed"
    return None


def check_pass_on_both(work: Workspace) -> None:
    """Both tests in test_service.py pass against your FastAPI twin and your Flask twin"""
    for twin in service_twins(work):
        for name in TESTS:
            failure = outcome(work, name, twin)
            if failure is not None:
                raise NotDone(f"{name} fails against your {twin.name} twin: {failure}")


def check_catch_broken_services(work: Workspace) -> None:
    """Each test fails against a service that breaks its rule"""
    cases = {
        "test_refuses_a_negative_age": (broken_service(151.0), "accepts a negative age"),
        "test_predicts_a_number": (broken_service("151.0"), 'answers the string "151.0"'),
    }
    for name, (twin, flaw) in cases.items():
        if outcome(work, name, twin) is None:
            raise NotDone(f"{name} passes against a service that {flaw}: assert more")
