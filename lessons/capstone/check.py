"""The capstone's contract: `make capstone` (your work) or `make capstone SOLUTION=1`.

Trains your model into a temporary folder with your `train.py`, builds both of your apps with
`create_app(model_path)`, and checks them in-process, request by request, against the contract in
README.md. Every answer must be the same bytes from both twins.
"""

import argparse
import json
import math
import sys
import tempfile
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent / "exercises")]

import joblib  # noqa: E402
from checking import (  # noqa: E402
    PROJECT_ROOT,
    SOLUTIONS_DIR,
    WORK_DIR,
    NotDone,
    Twin,
    Workspace,
    attribute,
    call,
    start_work,
    stop_after,
    twins,
)
from run import TIME_LIMIT_SECONDS, print_report, run_checks  # noqa: E402
from sklearn.datasets import load_wine  # noqa: E402

FEATURES = [name.replace("/", "_") for name in load_wine().feature_names]
CLASSES = ["class_0", "class_1", "class_2"]
FIRST_WINE = dict(zip(FEATURES, load_wine().data[0].tolist(), strict=True))
WINES = [dict(zip(FEATURES, row.tolist(), strict=True)) for row in load_wine().data[[0, 60, 130]]]


@cache
def trained(folder: Path) -> Path:
    """Your train.py's artifact, in a temporary folder (cached: one training per folder)."""
    work = Workspace(folder=folder, given=HERE)
    model_path = Path(tempfile.mkdtemp(prefix="capstone-")) / "wine.joblib"
    call(attribute(work.load("train.py"), "train", "def train(model_path: Path)"), model_path)
    return model_path


def both_twins(work: Workspace) -> list[Twin]:
    return built_twins(work.folder)


@cache
def built_twins(folder: Path) -> list[Twin]:
    """Your two apps, built once per folder: the contract's requests change nothing in them."""
    work = Workspace(folder=folder, given=HERE)
    model_path = trained(folder)
    apps = []
    for name in ("fastapi_app.py", "flask_app.py"):
        factory = attribute(work.load(name), "create_app", "def create_app(model_path: Path)")
        apps.append(call(factory, model_path))
    return twins(*apps)


def same_answer(
    work: Workspace, method: str, path: str, what: str, status: int, hint: str, **kwargs
) -> object:
    """The JSON both twins answer to one request: the `status` expected, the same bytes."""
    fastapi_twin, flask_twin = both_twins(work)
    first = fastapi_twin.request(method, path, **kwargs)
    second = flask_twin.request(method, path, **kwargs)
    for twin, answer in ((fastapi_twin, first), (flask_twin, second)):
        if answer.status != status:
            raise NotDone(
                f"the {twin.name} twin answers {what} ({method} {path}) with {answer.status}, "
                f"not {status}: {hint}\n"
                f"its answer: {answer.body[:300].decode(errors='replace')}"
            )
    if first.body != second.body:
        raise NotDone(
            f"the twins answer {what} ({method} {path}) differently:\n"
            f"FastAPI: {first.status} {first.body[:300].decode(errors='replace')}\n"
            f"Flask:   {second.status} {second.body[:300].decode(errors='replace')}"
        )
    return first.json()


def check_training(work: Workspace) -> None:
    """train.py's train(model_path) writes a classifier and its card; it predicts wine well"""
    model_path = trained(work.folder)
    card_path = model_path.with_suffix(".json")
    if not model_path.is_file() or not card_path.is_file():
        raise NotDone("train(model_path) should write the artifact there, and its card (.json)")
    card = json.loads(card_path.read_text())
    if not isinstance(card.get("version"), str) or card.get("classes") != CLASSES:
        raise NotDone(f'the card needs "version" (a string) and "classes": {CLASSES}: {card}')
    pipeline = joblib.load(model_path)
    wine = load_wine()
    accuracy = (pipeline.predict(wine.data) == wine.target).mean()
    if accuracy < 0.9 or not hasattr(pipeline, "predict_proba"):
        raise NotDone(f"the model should classify with predict_proba, accuracy ≥ 0.9: {accuracy}")


def check_health_and_ready(work: Workspace) -> None:
    """GET /health is {"status": "ok"}; GET /ready is {"status": "ready", "model_version": ...}"""
    health = same_answer(work, "GET", "/health", "the liveness probe", 200, "add the route")
    if health != {"status": "ok"}:
        raise NotDone(f'GET /health should answer {{"status": "ok"}}, not {health}')
    version = json.loads(trained(work.folder).with_suffix(".json").read_text())["version"]
    ready = same_answer(work, "GET", "/ready", "the readiness probe", 200, "add the route")
    wanted = {"status": "ready", "model_version": version}
    if ready != wanted:
        raise NotDone(f"GET /ready should answer {wanted}, not {ready}")


def expected_prediction(work: Workspace, wine: dict) -> dict:
    pipeline = joblib.load(trained(work.folder))
    probabilities = pipeline.predict_proba([[wine[name] for name in FEATURES]])[0]
    by_class = dict(zip(CLASSES, probabilities.tolist(), strict=True))
    return {"class": max(by_class, key=by_class.get), "probabilities": by_class}


def same_prediction(got: object, expected: dict) -> bool:
    return (
        isinstance(got, dict)
        and got.get("class") == expected["class"]
        and isinstance(got.get("probabilities"), dict)
        and list(got["probabilities"]) == CLASSES
        and all(
            math.isclose(got["probabilities"][name], expected["probabilities"][name], abs_tol=1e-9)
            for name in CLASSES
        )
    )


def check_predict(work: Workspace) -> None:
    """POST /predict answers the class, the probability of each class, and the model version"""
    body = same_answer(work, "POST", "/predict", "a wine", 200, "add the route", json=FIRST_WINE)
    expected = expected_prediction(work, FIRST_WINE)
    keys = {"class", "probabilities", "model_version"}
    if not same_prediction(body, expected) or set(body) != keys:
        raise NotDone(
            f'POST /predict answered {body}; the model says {expected}, plus "model_version" '
            "(probabilities as an object, keyed by class name, in class order)"
        )


def check_batch(work: Workspace) -> None:
    """POST /predict/batch answers one prediction per instance, in order"""
    body = same_answer(
        work,
        "POST",
        "/predict/batch",
        "three wines",
        200,
        "add the route",
        json={"instances": WINES},
    )
    predictions = body.get("predictions") if isinstance(body, dict) else None
    if (
        not isinstance(predictions, list)
        or len(predictions) != len(WINES)
        or "model_version" not in body
        or not all(
            same_prediction(got, expected_prediction(work, wine))
            for got, wine in zip(predictions, WINES, strict=True)
        )
    ):
        raise NotDone(
            'POST /predict/batch should answer {"predictions": [{"class": ..., "probabilities": '
            '...}, ...], "model_version": ...}, one per instance; it answered ' + str(body)
        )


BAD_BODIES = {
    "a wine without alcohol": ({k: v for k, v in FIRST_WINE.items() if k != "alcohol"}, "alcohol"),
    'an alcohol of "a lot"': ({**FIRST_WINE, "alcohol": "a lot"}, "alcohol"),
    "a negative hue": ({**FIRST_WINE, "hue": -1.0}, "hue"),
    "an unknown field": ({**FIRST_WINE, "vintage": 1999}, "vintage"),
    "a JSON list instead of an object": ([1, 2, 3], None),
}


def check_bad_input(work: Workspace) -> None:
    """Bad input is a 422 in the contract's shape, naming the field, the same from both"""
    for what, (body, field) in BAD_BODIES.items():
        hint = "validate with a strict pydantic model (Field(strict=True, ge=0), extra='forbid')"
        answer = same_answer(work, "POST", "/predict", what, 422, hint, json=body)
        detail = answer.get("detail")
        if not isinstance(detail, list) or not all(
            isinstance(issue, dict) and set(issue) == {"type", "loc", "msg"} for issue in detail
        ):
            raise NotDone(
                f'the 422 for {what} should be {{"detail": [{{"type", "loc", "msg"}}, ...]}}: '
                f"{answer} (shared.contract.errors.validation_error_body makes it)"
            )
        expected_loc = ["body", field] if field else ["body"]
        if expected_loc not in [issue["loc"] for issue in detail]:
            raise NotDone(f"the 422 for {what} should have an issue at {expected_loc}: {detail}")
    same_answer(
        work,
        "POST",
        "/predict/batch",
        "an empty batch",
        422,
        "instances: Field(min_length=1, max_length=1000)",
        json={"instances": []},
    )


def check_malformed_json(work: Workspace) -> None:
    """A body that is not JSON is a 400 {"detail": "Request body is not valid JSON"}"""
    body = same_answer(
        work,
        "POST",
        "/predict",
        "a body that is not JSON",
        400,
        "see shared.contract.errors.MalformedJSON and MALFORMED_JSON_TYPES",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    if body != {"detail": "Request body is not valid JSON"}:
        raise NotDone(f"the 400 should be MalformedJSON().body(), not {body}")


def check_unknown_routes(work: Workspace) -> None:
    """Unknown paths are 404 and wrong methods 405, in JSON"""
    hint = "Flask answers these in HTML: give it an errorhandler(HTTPException)"
    missing = same_answer(work, "GET", "/no-such-path", "an unknown path", 404, hint)
    if missing != {"detail": "Not Found"}:
        raise NotDone(f'a 404 should be {{"detail": "Not Found"}}, not {missing}')
    wrong = same_answer(work, "GET", "/predict", "a GET of a POST route", 405, hint)
    if wrong != {"detail": "Method Not Allowed"}:
        raise NotDone(f'a 405 should be {{"detail": "Method Not Allowed"}}, not {wrong}')


def folder_of(whose: str) -> Path:
    """The student's copy ("work"), the committed starter or the reference solution."""
    return {"work": WORK_DIR / "capstone", "starter": HERE, "solution": SOLUTIONS_DIR / "capstone"}[
        whose
    ]


def capstone_results(whose: str = "work") -> list[tuple[str, str | None]]:
    folder = folder_of(whose)
    try:
        return run_checks(sys.modules[__name__], Workspace(folder=folder, given=HERE))
    finally:
        built_twins.cache_clear()  # run_checks closed them


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solution", action="store_true", help="check the reference solution")
    parser.add_argument("--start", action="store_true", help="copy the starter into work/capstone/")
    args = parser.parse_args()
    if args.start:
        print(start_work(HERE, folder_of("work"), "work/capstone"))
        print("What to do: lessons/capstone/README.md. Check it: make capstone")
        return
    whose = "solution" if args.solution else "work"
    folder = folder_of(whose)
    if not folder.is_dir():
        sys.exit(
            "The capstone is not started: `make capstone-start` copies its starter into "
            f"{folder.relative_to(PROJECT_ROOT)}/, where you write it."
        )
    stop_after(TIME_LIMIT_SECONDS)
    title = f"Capstone ({folder.relative_to(PROJECT_ROOT)}/, lessons/capstone/README.md):"
    sys.exit(0 if print_report(title, capstone_results(whose)) else 1)


if __name__ == "__main__":
    main()
