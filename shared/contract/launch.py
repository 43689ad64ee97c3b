"""What both launchers do before their server starts (`python -m fastapi_service.server`,
`python -m flask_service.server`): read the address and worker count, check that the model can
be served, give the workers their own copy of it, and an empty folder for their metrics."""

import argparse
import gc
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.core import preflight
from shared.core.errors import ModelLoadError
from shared.core.model import Predictor
from shared.core.settings import PROJECT_ROOT, Settings

GRACEFUL_SHUTDOWN_SECONDS = 20  # the requests in flight finish; then the workers are stopped


@dataclass(frozen=True)
class LaunchOptions:
    host: str
    port: int
    workers: int
    app: str | None  # another app under the same server (the benchmarks' baselines); None: ours


def parse_options(default_port: int, argv: list[str] | None = None) -> LaunchOptions:
    """`--host`, `--port`, `--workers`, defaulting to HOST, PORT and WORKERS in the environment
    (the Makefile and the images set those)."""
    parser = argparse.ArgumentParser(description="Serve the model over HTTP.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", default_port)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 2)))
    parser.add_argument("--app", help="serve this `module:attribute` app instead (benchmarks)")
    options = parser.parse_args(argv)
    return LaunchOptions(options.host, options.port, options.workers, options.app)


def prepare_to_serve(service: str, options: LaunchOptions) -> None:
    """Exit with one line if the model cannot be served; set up the workers' folders."""
    if preflight.main() != 0:
        sys.exit(1)
    serve_a_private_copy(service, options.port)
    prepare_metrics_dir(service, options.port)


def serve_a_private_copy(service: str, port: int) -> Path:
    """The workers load a copy of the artifact the preflight verified, not the file an operator
    may replace while the service runs. A worker restarted later (after a crash) then loads the
    same model, where it would refuse a replaced file, fail to start, and stop the whole service
    with it. A new artifact is served by starting the service again."""
    settings = Settings()
    folder = serving_copy_dir(service, port)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copy = folder / settings.model_path.name
    shutil.copyfile(settings.card_path, copy.with_suffix(".json"))
    shutil.copyfile(settings.model_path, copy)
    try:  # the copy is the artifact the preflight pinned, or the start stops here
        Predictor.load(copy, copy.with_suffix(".json"), os.environ["MODEL_SHA256"])
    except ModelLoadError as error:
        sys.exit(f"cannot start: the artifact changed while it was copied ({error})")
    os.environ["MODEL_PATH"] = str(copy)  # the workers inherit it
    return copy


def serving_copy_dir(service: str, port: int) -> Path:
    """One folder per service and port, emptied at each start."""
    return PROJECT_ROOT / "data" / "serving" / f"{service}-{port}"


def prepare_metrics_dir(service: str, port: int) -> Path:
    """prometheus_client's multiprocess mode: each worker writes its counts to files in
    PROMETHEUS_MULTIPROC_DIR and `/metrics` adds up every worker's. One folder per service and
    port, emptied at each start so counts begin at zero."""
    default = PROJECT_ROOT / "data" / "metrics" / f"{service}-{port}"
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or default)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)  # the workers inherit it
    return directory


def freeze_startup_objects() -> None:
    """Called in each worker once its app has started: what start-up created (the modules, the
    model, the app) lives as long as the process, so the garbage collector need not look at it
    again. Without this, each of its full passes walked those ~200,000 objects for about 140 ms,
    during which the worker answered no one: that was the p99 of the benchmark (issue 23).
    Objects made later, by the requests, are collected as before (Python's docs on `gc.freeze`)."""
    gc.collect()  # garbage left by start-up is collected, not frozen
    gc.freeze()
