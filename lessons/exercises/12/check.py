"""Exercise 12: a locust user whose tasks send the right requests, weighted, and check answers."""

import json
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

from checking import NotDone, Workspace

from shared.core.schemas import Patient


@cache
def probe(locustfile: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "locust_probe.py"), str(locustfile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise NotDone(f"locustfile.py cannot be run: {last_line}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def predict_tasks(report: dict) -> list[dict]:
    return [
        task
        for task in report["tasks"]
        if any(call["method"] == "POST" and call["path"] == "/predict" for call in task["good"])
    ]


def check_user(work: Workspace) -> None:
    """locustfile.py defines one user class (FastHttpUser)"""
    if probe(work.path("locustfile.py"))["users"] < 1:
        raise NotDone("locustfile.py defines no user class: class ServiceUser(FastHttpUser)")


def check_predict_task(work: Workspace) -> None:
    """A task POSTs a valid patient to /predict"""
    tasks = predict_tasks(probe(work.path("locustfile.py")))
    if not tasks:
        raise NotDone("no task POSTs to /predict: add one with self.client.post('/predict', ...)")
    body = next(c["json"] for c in tasks[0]["good"] if c["path"] == "/predict")
    try:
        Patient.model_validate(body)
    except Exception as error:
        raise NotDone(
            f"the /predict task sends {body!r}, which the service refuses: send "
            "json=EXAMPLE_PATIENT (a load test of 422s measures the wrong thing)"
        ) from error


def check_weights(work: Workspace) -> None:
    """/predict is picked three times as often as /health"""
    report = probe(work.path("locustfile.py"))
    weights = Counter(task["name"] for task in report["tasks"])
    predict = {task["name"] for task in predict_tasks(report)}
    health = {t["name"] for t in report["tasks"] if any(c["path"] == "/health" for c in t["good"])}
    ratio = {name: weights[name] for name in predict | health}
    if sum(weights[n] for n in predict) != 3 * sum(weights[n] for n in health):
        raise NotDone(f"task weights are {ratio}: give the /predict task @task(3)")


def check_failure_marked(work: Workspace) -> None:
    """An answer without "prediction" is marked failed (catch_response)"""
    for task in predict_tasks(probe(work.path("locustfile.py"))):
        bad = [call for call in task["bad"] if call["path"] == "/predict"]
        if not bad or not bad[0]["failed"]:
            raise NotDone(
                'an answer {"detail": "oops"} counts as a success: open the request with '
                "catch_response=True and call response.failure(...) when 'prediction' is missing"
            )
        good = [call for call in task["good"] if call["path"] == "/predict"]
        if good[0]["failed"]:
            raise NotDone("a good answer {'prediction': 1.0} is marked failed: check the condition")
