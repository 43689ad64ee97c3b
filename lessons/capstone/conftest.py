"""Nothing here is a test of the project: the starter fails on purpose, and `make capstone` (with
tests/test_exercises.py) runs the contract. Only README.md stays collected, by the lesson-block
runner in lessons/conftest.py, which checks its `make` lines."""

collect_ignore_glob = ["*.py", "*/*.py"]
