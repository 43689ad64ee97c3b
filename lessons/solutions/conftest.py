"""Nothing here is a test of the project: starters fail on purpose, and `make exercise` (with
tests/test_exercises.py) runs the checkers. Only the READMEs stay collected, by the lesson-block
runner in lessons/conftest.py, which checks their `make` lines."""

collect_ignore_glob = ["*.py", "*/*.py"]
