"""Check an exercise: `make exercise N=06` (your work) or `make exercise N=06 SOLUTION=1`.

`make exercise-start N=06` copies the starter (`lessons/exercises/06/`) into your own folder,
`work/06/`, which git ignores. Then this runs every `check_*` function of
`lessons/exercises/06/check.py`, in order, against your folder (or the reference solution,
`lessons/solutions/06/`), and prints one line per check: what passes, and for what fails, what
is missing.
"""

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

# Run as a script (`python lessons/exercises/run.py`): the repository root and this folder must be
# importable, for `shared` and for `checking`.
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]

from checking import (  # noqa: E402
    EXERCISES_DIR,
    PROJECT_ROOT,
    SOLUTIONS_DIR,
    WORK_DIR,
    NotDone,
    Workspace,
    close_everything,
    explain,
    start_work,
    stop_after,
)

TIME_LIMIT_SECONDS = 120


CHECKER_CRASHED = "the check could not run"


def lesson_numbers() -> list[str]:
    return sorted(path.parent.name for path in EXERCISES_DIR.glob("[0-9][0-9]/check.py"))


def load_checker(lesson: str):
    path = EXERCISES_DIR / lesson / "check.py"
    spec = importlib.util.spec_from_file_location(f"exercise_{lesson}_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def folder_of(lesson: str, whose: str) -> Path:
    """The folder checked: the student's copy ("work"), the committed starter or the solution."""
    top = {"work": WORK_DIR, "starter": EXERCISES_DIR, "solution": SOLUTIONS_DIR}[whose]
    return top / lesson


def check_exercise(lesson: str, whose: str = "work") -> list[tuple[str, str | None]]:
    workspace = Workspace(folder=folder_of(lesson, whose), given=EXERCISES_DIR / lesson)
    return run_checks(load_checker(lesson), workspace)


def run_checks(checker: ModuleType, workspace: Workspace) -> list[tuple[str, str | None]]:
    """(check's description, None when it passes or what is missing) for every check, in order.

    A check that fails stops the ones after it: they build on it (no route, no answer to check).
    """
    model_path = os.environ.get("MODEL_PATH")
    try:
        return _run_in_order(checker, workspace)
    finally:
        close_everything()
        if model_path is None:
            os.environ.pop("MODEL_PATH", None)
        else:
            os.environ["MODEL_PATH"] = model_path


def _run_in_order(checker: ModuleType, workspace: Workspace) -> list[tuple[str, str | None]]:
    results: list[tuple[str, str | None]] = []
    for name, check in vars(checker).items():
        if not (name.startswith("check_") and callable(check)):
            continue
        description = (check.__doc__ or name).strip().splitlines()[0]
        if results and results[-1][1] is not None:
            results.append((description, "not checked yet: do the step above first"))
            continue
        try:
            check(workspace)
        except NotDone as missing:
            results.append((description, str(missing)))
        except Exception as error:  # a checker must explain, never dump a traceback
            results.append((description, f"{CHECKER_CRASHED}: {explain(error)}"))
        else:
            results.append((description, None))
    return results


def print_report(title: str, results: list[tuple[str, str | None]]) -> bool:
    """Print one line per check, and what is missing under each that fails; True when all pass."""
    print(title)
    for description, missing in results:
        if missing is None:
            print(f"  PASS  {description}")
        else:
            print(f"  TODO  {description}")
            print("        " + missing.replace("\n", "\n        "))
    done = all(missing is None for _, missing in results)
    print("All checks pass: well done." if done else "Not done yet: see TODO above.")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson", nargs="?", help="the lesson's number, 01 to 17")
    parser.add_argument("--solution", action="store_true", help="check the reference solution")
    parser.add_argument("--start", action="store_true", help="copy the starter into work/NN/")
    args = parser.parse_args()
    lessons = lesson_numbers()
    lesson = (args.lesson or "").zfill(2)
    if lesson not in lessons:
        sys.exit(f"Say which exercise: make exercise N=<number>, one of {', '.join(lessons)}")
    if args.start:
        print(start_work(EXERCISES_DIR / lesson, folder_of(lesson, "work"), f"work/{lesson}"))
        print(f"What to do: lessons/exercises/{lesson}/README.md. Check: make exercise N={lesson}")
        return
    whose = "solution" if args.solution else "work"
    folder = folder_of(lesson, whose)
    if not folder.is_dir():
        sys.exit(
            f"Exercise {lesson} is not started: `make exercise-start N={lesson}` copies its "
            f"starter into {folder.relative_to(PROJECT_ROOT)}/, where you do the exercise."
        )
    stop_after(TIME_LIMIT_SECONDS)
    title = (
        f"Exercise {lesson} ({folder.relative_to(PROJECT_ROOT)}/, "
        f"lessons/exercises/{lesson}/README.md):"
    )
    sys.exit(0 if print_report(title, check_exercise(lesson, whose)) else 1)


if __name__ == "__main__":
    main()
