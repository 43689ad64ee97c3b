"""Check an exercise: `make exercise N=06` (your work) or `make exercise N=06 SOLUTION=1`.

`make exercise-start N=10` copies the starter (`lessons/exercises/10/`) into your own folder,
`work/10/`, which git ignores. The exercises of lessons 03 to 09, 13 and the capstone are steps of
one service you write, in `work/service/`: `make exercise-start N=06` adds step 06 to it (new
files, and TODO comments at the end of the files you have), overwriting nothing.

Then this runs every `check_*` function of `lessons/exercises/06/check.py`, in order (for a step
of the service, every earlier step's checks first), against your folder (or the reference
solution, `lessons/solutions/06/`), and prints one line per check: what passes, and for what
fails, what is missing.
"""

import argparse
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

# Run as a script (`python lessons/exercises/run.py`): the repository root and this folder must be
# importable, for `shared` and for `checking`.
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]

from checking import (  # noqa: E402
    EXERCISES_DIR,
    LESSONS_DIR,
    PROJECT_ROOT,
    SERVICE_FOLDER,
    SERVICE_STEPS,
    SOLUTIONS_DIR,
    WORK_DIR,
    NotDone,
    Workspace,
    close_everything,
    explain,
    start_step,
    start_work,
    stop_after,
)

TIME_LIMIT_SECONDS = 120


CHECKER_CRASHED = "the check could not run"


def lesson_numbers() -> list[str]:
    return sorted(path.parent.name for path in EXERCISES_DIR.glob("[0-9][0-9]/check.py"))


def starter_folder(lesson: str) -> Path:
    """Where an exercise's README, starter and checker are."""
    return LESSONS_DIR / "capstone" if lesson == "capstone" else EXERCISES_DIR / lesson


def load_checker(lesson: str):
    path = starter_folder(lesson) / "check.py"
    spec = importlib.util.spec_from_file_location(f"exercise_{lesson}_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def folder_of(lesson: str, whose: str) -> Path:
    """The folder checked: the student's copy ("work"), the committed starter or the solution."""
    if whose == "work":
        return WORK_DIR / (SERVICE_FOLDER if lesson in SERVICE_STEPS else lesson)
    return starter_folder(lesson) if whose == "starter" else SOLUTIONS_DIR / lesson


def steps_up_to(lesson: str) -> list[str]:
    """The steps a check of `lesson` runs: for a step of the service, every step up to it."""
    if lesson not in SERVICE_STEPS:
        return [lesson]
    return list(SERVICE_STEPS[: SERVICE_STEPS.index(lesson) + 1])


def check_exercise(
    lesson: str, whose: str = "work", folder: Path | None = None
) -> list[tuple[str, str | None]]:
    """Check `folder` (by default, the student's, the starter's or the solution's) as `lesson`."""
    workspace = Workspace(folder=folder or folder_of(lesson, whose), given=starter_folder(lesson))
    steps = steps_up_to(lesson)
    checks = []
    for step in steps:
        for description, check in checks_of(load_checker(step)):
            checks.append(
                (f"[{step}] {description}" if lesson in SERVICE_STEPS else description, check)
            )
    return run_check_list(checks, workspace)


def checks_of(checker: ModuleType) -> list[tuple[str, Callable]]:
    """A checker's `check_*` functions, in order, each with the first line of its docstring."""
    return [
        ((check.__doc__ or name).strip().splitlines()[0], check)
        for name, check in vars(checker).items()
        if name.startswith("check_") and callable(check)
    ]


def run_checks(checker: ModuleType, workspace: Workspace) -> list[tuple[str, str | None]]:
    return run_check_list(checks_of(checker), workspace)


def run_check_list(
    checks: list[tuple[str, Callable]], workspace: Workspace
) -> list[tuple[str, str | None]]:
    """(check's description, None when it passes or what is missing) for every check, in order.

    A check that fails stops the ones after it: they build on it (no route, no answer to check).
    """
    saved = {name: os.environ.get(name) for name in ("MODEL_PATH", "API_KEY")}
    try:
        return _run_in_order(checks, workspace)
    finally:
        close_everything()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_in_order(
    checks: list[tuple[str, Callable]], workspace: Workspace
) -> list[tuple[str, str | None]]:
    results: list[tuple[str, str | None]] = []
    for description, check in checks:
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
    parser.add_argument("lesson", nargs="?", help="the lesson's number, 01 to 17, or capstone")
    parser.add_argument("--solution", action="store_true", help="check the reference solution")
    parser.add_argument("--start", action="store_true", help="start it in your folder, work/")
    args = parser.parse_args()
    lessons = [*lesson_numbers(), "capstone"]
    lesson = args.lesson if args.lesson == "capstone" else (args.lesson or "").zfill(2)
    if lesson not in lessons:
        sys.exit(f"Say which exercise: make exercise N=<number>, one of {', '.join(lessons)}")
    readme = starter_folder(lesson).relative_to(PROJECT_ROOT) / "README.md"
    check_command = "make capstone" if lesson == "capstone" else f"make exercise N={lesson}"
    if args.start:
        work = folder_of(lesson, "work")
        shown = str(work.relative_to(PROJECT_ROOT))
        if lesson in SERVICE_STEPS:
            print(start_step(starter_folder(lesson), work, shown))
        else:
            print(start_work(starter_folder(lesson), work, shown))
        print(f"What to do: {readme}. Check: {check_command}")
        return
    whose = "solution" if args.solution else "work"
    folder = folder_of(lesson, whose)
    if not folder.is_dir():
        start_command = (
            "make capstone-start" if lesson == "capstone" else (f"make exercise-start N={lesson}")
        )
        sys.exit(
            f"Exercise {lesson} is not started: `{start_command}` puts its starter in "
            f"{folder.relative_to(PROJECT_ROOT)}/, where you do the exercise."
        )
    stop_after(TIME_LIMIT_SECONDS)
    title = f"Exercise {lesson} ({folder.relative_to(PROJECT_ROOT)}/, {readme}):"
    sys.exit(0 if print_report(title, check_exercise(lesson, whose)) else 1)


if __name__ == "__main__":
    main()
