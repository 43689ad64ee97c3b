"""What every exercise checker uses: load the student's files, call twin apps, say what is missing.

A checker (`NN/check.py`) is a list of `check_*` functions, each taking a `Workspace` and raising
`NotDone("what is missing, in plain words")` when the work is not there yet. `run.py` runs them.
"""

import importlib.util
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from requests import HTTPError

LESSONS_DIR = Path(__file__).resolve().parent.parent
EXERCISES_DIR = LESSONS_DIR / "exercises"
SOLUTIONS_DIR = LESSONS_DIR / "solutions"
PROJECT_ROOT = LESSONS_DIR.parent
# The student's own copies of the starters (`make exercise-start N=06` -> work/06/): git ignores
# the folder and ruff never lints it, so finished exercises change nothing in `make test`.
WORK_DIR = PROJECT_ROOT / "work"
# What a starter folder holds that is not the student's to edit.
NOT_COPIED = ("check.py", "README.md", "conftest.py", "__pycache__")
# The steps of the one service the student writes, lesson after lesson, in work/service/: each
# step's starter is the step before it, solved, with the new step's TODOs.
SERVICE_STEPS = ("03", "04", "05", "06", "07", "08", "09", "13", "capstone")
SERVICE_FOLDER = "service"


def start_work(starter: Path, work: Path, shown: str) -> str:
    """Copy a starter's files into the student's folder (`shown` to them); say where, or why not."""
    import shutil

    if work.exists():
        return f"{shown}/ already holds your work: edit it there (delete the folder to start over)."
    shutil.copytree(starter, work, ignore=shutil.ignore_patterns(*NOT_COPIED))
    files = ", ".join(sorted(path.name for path in work.iterdir()))
    return f"Your copy of the starter is in {shown}/ ({files}): edit the files there."


def start_step(starter: Path, work: Path, shown: str) -> str:
    """Add a step of the growing service to the student's folder, overwriting nothing: a file
    the step brings is copied; a file they already have gets the step's TODO comments at its
    end (once). A folder that does not exist yet starts as the step's starter, which holds
    every earlier step solved."""
    started = work / ".steps"  # the steps already added, so a TODO done and deleted stays gone
    if not work.exists():
        message = start_work(starter, work, shown)
        earlier = SERVICE_STEPS[: SERVICE_STEPS.index(starter.name)]
        started.write_text("".join(f"{step}\n" for step in (*earlier, starter.name)))
        if earlier:  # the starter holds the earlier steps solved: say so, they are not theirs
            message += f" It holds steps {', '.join(earlier)} done, from their solutions."
        return message
    if starter.name in started.read_text().split() if started.exists() else False:
        return f"{shown}/ already has step {starter.name}: edit your files there."
    added = []
    for source in sorted(starter.glob("*.py")):
        if source.name in NOT_COPIED:
            continue
        target = work / source.name
        if not target.exists():
            target.write_text(source.read_text())
            added.append(f"{source.name} (new)")
            continue
        todos = todo_comments(source.read_text())
        if todos and todos[0] not in target.read_text():
            readme = starter.relative_to(PROJECT_ROOT) / "README.md"
            banner = f"# --- Step {starter.name} of your service: the TODOs' steps are {readme}'s"
            target.write_text(target.read_text().rstrip("\n") + "\n\n\n" + banner + "\n")
            with target.open("a") as file:
                file.write("\n".join(todos) + "\n")
            added.append(f"{source.name} (TODOs at its end)")
    with started.open("a") as file:
        file.write(starter.name + "\n")
    if not added:
        return f"Step {starter.name} adds nothing to your files in {shown}/: see its README."
    return f"Step {starter.name}, added to your files in {shown}/: {', '.join(added)}."


def todo_comments(source: str) -> list[str]:
    """A starter's TODO comments: each `# TODO ...` line and the `#   ...` lines continuing it."""
    lines, keep = [], False
    for line in source.splitlines():
        stripped = line.strip()
        keep = stripped.startswith("# TODO") or (keep and stripped.startswith("#   "))
        if keep:
            lines.append(stripped)
    return lines


class NotDone(Exception):
    """The student's work is missing something: the message says what, for a beginner."""


@dataclass(frozen=True)
class Workspace:
    """The folder being checked (the student's or the solution's) and the exercise's own folder.

    A file the student edits is read from `folder`; a file the exercise gives and the student does
    not edit (a contract, a twin app to test) is read from `folder` when present, else `given`.
    """

    folder: Path
    given: Path

    def path(self, name: str) -> Path:
        for folder in (self.folder, self.given):
            if (folder / name).is_file():
                return folder / name
        raise NotDone(
            f"the file {name} is missing from {self.folder}: copy it back from {self.given}"
        )

    def load(self, name: str) -> ModuleType:
        """Import one of the exercise's Python files, fresh, as the student's code is now."""
        return load_module(self.path(name), search_path=[self.folder, self.given])

    def read(self, name: str) -> str:
        return self.path(name).read_text()


# Every folder a student's, starter's or solution's file was loaded from.
_loaded_from: set[Path] = {LESSONS_DIR}


def _forget_exercise_modules() -> None:
    """Drop modules loaded from exercise, solution or student folders: several folders hold files
    with the same names (schemas.py), and each check must see the files as they are on disk now."""
    folders = tuple(f"{folder}{os.sep}" for folder in _loaded_from)
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        # The checkers and this module stay: their classes (NotDone) must remain the same ones;
        # so do pytest's conftest modules.
        if file.startswith(folders) and Path(file).stem not in ("check", "checking", "conftest"):
            del sys.modules[name]


def load_module(
    path: Path, search_path: list[Path], replacements: dict[str, ModuleType] | None = None
) -> ModuleType:
    """Import a file fresh; `replacements` stand in for modules it imports (a broken twin)."""
    _loaded_from.update(search_path)
    _forget_exercise_modules()
    sys.modules.update(replacements or {})
    # The exercise's own folders first, so `from schemas import Patient` finds the one beside it.
    sys.path[:0] = [str(folder) for folder in search_path]
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        try:
            spec.loader.exec_module(module)
        except NotDone:
            raise
        except Exception as error:
            raise NotDone(f"{path.name} cannot be loaded: {explain(error)}") from error
        return module
    finally:
        del sys.path[: len(search_path)]
        for name in replacements or {}:  # stand-ins never outlive the one import they served
            sys.modules.pop(name, None)


def explain(error: BaseException) -> str:
    """One line a beginner can act on, pointing at the line of their file when there is one."""
    if isinstance(error, SyntaxError):
        file = Path(error.filename or "?").name
        return f"Python cannot read line {error.lineno} of {file}: {error.msg}"
    if isinstance(error, NotImplementedError):
        return f"it is not written yet (it still says: {error or 'NotImplementedError'})"
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(str(LESSONS_DIR)) and "checking.py" not in frame.filename:
            where = f" (at {Path(frame.filename).name} line {frame.lineno}: {frame.line})"
            break
    return f"{type(error).__name__}: {error}{where}"


def attribute(module: ModuleType, name: str, what: str) -> Any:
    """`module.name`, or a NotDone that says what the name should be."""
    if not hasattr(module, name):
        raise NotDone(f"{Path(module.__file__).name} has no `{name}`: {what}")
    return getattr(module, name)


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the student's function; an exception becomes a NotDone naming the function."""
    try:
        return function(*args, **kwargs)
    except NotDone:
        raise
    except Exception as error:
        raise NotDone(f"{function.__name__}() failed: {explain(error)}") from error


def stop_after(seconds: int) -> None:
    """For the command line: code that waits forever becomes a message instead of a frozen
    terminal. (A signal, so the main thread only: tests do not call it.)"""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(
            f"the checks took over {seconds} s: does your code wait for something forever "
            "(a loop that never ends, input(), a request to a server that is not running)?"
        )

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)


# --- Twin apps, called in-process -----------------------------------------------------------


@dataclass
class Answer:
    """One HTTP answer; `headers` has lower-case names."""

    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.body)
        except ValueError as error:
            raise NotDone(f"the answer is not JSON: {self.body[:200]!r}") from error


_open_twins: list["Twin"] = []


class Twin:
    """A FastAPI or Flask app behind one small interface: `twin.post("/predict", json=...)`."""

    def __init__(self, name: str, app: Any) -> None:
        self.name = name
        self.app = app
        _open_twins.append(self)  # closed by `close_everything` when the checks are done
        if name == "FastAPI":
            from fastapi.testclient import TestClient

            self._client = TestClient(app, raise_server_exceptions=False)
            self._client.__enter__()  # runs the app's lifespan, as a server would
        else:
            app.logger.disabled = True  # a crash is reported by its status, not a traceback
            self._client = app.test_client()

    def request(self, method: str, path: str, **kwargs: Any) -> Answer:
        if self.name == "FastAPI":
            response = self._client.request(method, path, **kwargs)
            return Answer(response.status_code, response.content, lowercase(response.headers))
        if "content" in kwargs:  # a raw body: httpx calls it content, Werkzeug data
            kwargs["data"] = kwargs.pop("content")
        response = self._client.open(path, method=method, **kwargs)
        return Answer(response.status_code, response.get_data(), lowercase(response.headers))

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        if self.name == "FastAPI":
            self._client.__exit__(None, None, None)  # the app's lifespan shuts down
        elif hasattr(self.app, "extensions") and "store_engine" in self.app.extensions:
            self.app.extensions["store_engine"].dispose()  # Flask has no shutdown of its own


def close_everything() -> None:
    """Close every app the checks opened, and forget the cached ones: nothing outlives a run."""
    while _open_twins:
        _open_twins.pop().close()
    real_services.cache_clear()


def build_apps(work: Workspace, *args: Any) -> tuple[Any, Any]:
    """The exercise's two apps, from `create_app(*args)` in fastapi_app.py and flask_app.py."""
    return tuple(
        call(attribute(work.load(name), "create_app", "keep the starter's factory"), *args)
        for name in ("fastapi_app.py", "flask_app.py")
    )


def build_twins(work: Workspace, *args: Any) -> list[Twin]:
    return twins(*build_apps(work, *args))


def lowercase(headers: Any) -> dict[str, str]:
    """Header names are case-insensitive: one spelling for both frameworks' answers."""
    return {name.lower(): value for name, value in headers.items()}


def twins(fastapi_app: Any, flask_app: Any) -> list[Twin]:
    return [Twin("FastAPI", fastapi_app), Twin("Flask", flask_app)]


def expect_status(twin: Twin, answer: Answer, status: int, request: str, hint: str) -> None:
    if answer.status != status:
        raise NotDone(
            f"the {twin.name} twin answered {request} with {answer.status}, not {status}: {hint}\n"
            f"    its answer: {answer.body[:300].decode(errors='replace')}"
        )


# --- `requests`, answered in-process ---------------------------------------------------------

BASE_URL = "http://testserver"


class Requests:
    """`requests`' `get` and `post`, answered by an in-process service instead of the network."""

    def __init__(self, twin) -> None:
        self.twin = twin
        self.sent: list[tuple[str, str]] = []
        self.timeouts: list[float | None] = []

    def _send(self, method: str, url: str, **kwargs):
        if not url.startswith(BASE_URL):
            raise NotDone(f"the URL {url!r} should start with the base_url you were given")
        self.sent.append((method, url))
        self.timeouts.append(kwargs.pop("timeout", None))  # nothing to wait for in-process
        return Response(self.twin.request(method, url.removeprefix(BASE_URL), **kwargs))

    def get(self, url: str, **kwargs):
        return self._send("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self._send("POST", url, **kwargs)


class Response:
    """The parts of a `requests.Response` the exercises use."""

    def __init__(self, answer: Answer) -> None:
        self.status_code = answer.status
        self.headers = answer.headers
        self.content = answer.body
        self.json = answer.json

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise HTTPError(f"{self.status_code} error: {self.content[:200]!r}", response=self)


# --- The diabetes model, trained once per process into a temporary folder --------------------


@cache
def _trained_diabetes_model() -> Path:
    from shared.core.train import train

    path = Path(tempfile.mkdtemp(prefix="exercise-model-")) / "diabetes.joblib"
    train(path)
    return path


def diabetes_model() -> Path:
    """A freshly trained artifact and card (once per process), so no check depends on `models/`.

    It also sets MODEL_PATH, which the students' apps read; `run_checks` puts it back after."""
    path = _trained_diabetes_model()
    os.environ["MODEL_PATH"] = str(path)
    return path


@cache
def real_services() -> list[Twin]:
    """The repository's own two services, in-process, on a throwaway database."""
    from fastapi_service.app import create_app as create_fastapi_app
    from flask_service.app import create_app as create_flask_app
    from shared.core.settings import Settings
    from shared.core.store import migrate

    data = Path(tempfile.mkdtemp(prefix="exercise-data-"))
    settings = Settings(
        model_path=diabetes_model(),
        database_url=f"sqlite:///{data / 'predictions.db'}",
        log_level="WARNING",  # a check prints what is missing, not access logs
    )
    migrate(settings.database_url)  # as the launchers do before a server starts
    return twins(create_fastapi_app(settings), create_flask_app(settings))


@cache
def diabetes_predictor():
    """The project's own Predictor over `diabetes_model()`: what the exercises' twins serve."""
    from shared.core.model import Predictor

    return Predictor.load(diabetes_model(), diabetes_model().with_suffix(".json"))


# --- The growing service: the student's own twins, in work/service/ --------------------------

SERVICE_KEY = "the-key-of-your-service"


class ServiceTwin(Twin):
    """One of the student's twins. Every request carries the API key (step 13 asks for it, and
    it changes nothing before), unless the check sends headers of its own."""

    def request(self, method: str, path: str, **kwargs: Any) -> Answer:
        kwargs.setdefault("headers", {"X-API-Key": SERVICE_KEY})
        return super().request(method, path, **kwargs)


def service_app(work: Workspace, name: str, **factory_args: Any) -> Any:
    """One twin's app: from `create_app(...)` once the service has a factory (step 07), else
    the module's `app` (steps 03 to 06)."""
    diabetes_model()  # trains a model and sets MODEL_PATH, which the twins read
    os.environ["API_KEY"] = SERVICE_KEY  # what the twins read from step 13 on
    module = work.load(name)
    if hasattr(module, "create_app"):
        return call(module.create_app, **factory_args)
    if factory_args:
        raise NotDone(f"{name} has no `create_app`: step 07 turns the app into a factory")
    return attribute(module, "app", "keep the `app = ...` line, or write `create_app()` (step 07)")


def service_twins(work: Workspace) -> list[Twin]:
    """The student's FastAPI and Flask twins, in-process, serving the real model."""
    return [
        ServiceTwin(twin_name, service_app(work, file_name))
        for twin_name, file_name in (("FastAPI", "fastapi_app.py"), ("Flask", "flask_app.py"))
    ]
