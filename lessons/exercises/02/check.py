"""Exercise 02: another estimator, saved with joblib, and a card that matches the artifact."""

import json
import tempfile
from functools import cache
from pathlib import Path

import joblib
from checking import NotDone, Workspace, attribute, call
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline

from shared.core.model import file_sha256
from shared.core.schemas import EXAMPLE_PATIENT, FEATURES


@cache  # this module is loaded afresh for every run, so the cache lasts one run
def trained(folder: Path) -> tuple[Path, float]:
    """train_and_save() run once, into a temporary folder: the artifact's path, and the R²."""
    model_path = Path(tempfile.mkdtemp()) / "model.joblib"
    work = Workspace(folder=folder, given=Path(__file__).parent)
    return model_path, call(work.load("my_train.py").train_and_save, model_path)


def check_pipeline(work: Workspace) -> None:
    """build_pipeline() returns a Pipeline whose estimator is not Ridge"""
    pipeline = call(attribute(work.load("my_train.py"), "build_pipeline", "write it"))
    if not isinstance(pipeline, Pipeline):
        raise NotDone(f"build_pipeline() should return a sklearn Pipeline, not {pipeline!r}")
    if isinstance(pipeline[-1], Ridge):
        raise NotDone("the last step is still Ridge: pick another estimator (Lasso, a forest...)")


def check_saved_artifact(work: Workspace) -> None:
    """train_and_save() writes an artifact joblib can load back, and it predicts"""
    model_path, r2 = trained(work.folder)
    if not model_path.is_file():
        raise NotDone(f"save() wrote no file at the model_path it was given ({model_path.name})")
    try:
        pipeline = joblib.load(model_path)
    except Exception as error:
        raise NotDone(f"joblib.load cannot read what save() wrote: {error}") from error
    row = [[EXAMPLE_PATIENT[name] for name in FEATURES]]
    if not isinstance(pipeline, Pipeline) or len(pipeline.predict(row)) != 1:
        raise NotDone("the artifact should be the fitted Pipeline: joblib.dump(pipeline, path)")
    if r2 < 0.3:
        raise NotDone(
            f"R² on the test split is {r2}: this estimator learns too little (Ridge: 0.45)"
        )


def check_card(work: Workspace) -> None:
    """The card beside it names the estimator, its R², and the artifact's SHA-256"""
    model_path, r2 = trained(work.folder)
    card_path = model_path.with_suffix(".json")
    if not card_path.is_file():
        raise NotDone(f"no card at {card_path.name}: write it beside the artifact, .json suffix")
    try:
        card = json.loads(card_path.read_text())
    except ValueError as error:
        raise NotDone(f"the card is not JSON: {error}") from error
    missing = {"estimator", "r2", "sha256"} - set(card)
    if missing:
        raise NotDone(f"the card lacks {sorted(missing)}: it holds {sorted(card)}")
    if card["sha256"] != file_sha256(model_path):
        raise NotDone("the card's sha256 is not the artifact's: hash the file after dumping it")
    if card["r2"] != r2 or card["estimator"] != type(joblib.load(model_path)[-1]).__name__:
        raise NotDone(f"the card says {card}: estimator should be the class name, r2 the score")
