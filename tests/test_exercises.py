"""Every exercise's starter fails its checker and every reference solution passes it.

The same code `make exercise N=NN [SOLUTION=1]` and `make capstone [SOLUTION=1]` run, in-process:
a starter that passed by accident would teach nothing, and a solution that failed would have rotted.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


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
    results = run.check_exercise(lesson, solution=False)
    missing = [message for _, message in results if message is not None]
    assert missing, f"the untouched starter of exercise {lesson} passes its checker"
    assert not missing[0].startswith(run.CHECKER_CRASHED), missing[0]  # a NotDone that explains


@pytest.mark.parametrize("lesson", LESSON_NUMBERS)
def test_the_solution_passes(lesson: str) -> None:
    results = run.check_exercise(lesson, solution=True)
    failed = [(check, message) for check, message in results if message is not None]
    assert not failed, f"the solution of exercise {lesson} fails: {failed}"


capstone = load(LESSONS / "capstone" / "check.py", "capstone_check")


def test_the_capstone_starter_fails() -> None:
    results = capstone.capstone_results(solution=False)
    missing = [message for _, message in results if message is not None]
    assert missing, "the untouched capstone starter passes its contract"
    assert not missing[0].startswith(run.CHECKER_CRASHED), missing[0]


def test_the_capstone_solution_passes() -> None:
    results = capstone.capstone_results(solution=True)
    failed = [(check, message) for check, message in results if message is not None]
    assert not failed, f"the capstone's reference solution fails its contract: {failed}"


def test_a_file_python_cannot_read_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "http_calls.py").write_text("def get_health(http, base_url)\n    return 1\n")
    checker = run.load_checker("01")
    workspace = run.Workspace(folder=tmp_path, given=LESSONS / "exercises" / "01")
    (_, missing), *_ = run.run_checks(checker, workspace)
    assert missing.startswith("http_calls.py cannot be loaded: Python cannot read line 1"), missing
