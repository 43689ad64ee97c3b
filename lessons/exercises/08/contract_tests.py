"""Exercise 08: two contract tests, written once, run against both services. See README.md.

Each test takes `client`: a test client of one service (the checker passes the FastAPI one, then
the Flask one) with `client.post(path, json=...)` returning a response with `.status_code` and
`.json()`. Do not mention a framework: the contract is the same for both.
"""

from shared.core.schemas import EXAMPLE_PATIENT  # noqa: F401 (you will use it)


def test_predicts_a_number(client) -> None:
    # TODO: POST EXAMPLE_PATIENT to /predict; assert 200 and that "prediction" is a float.
    raise NotImplementedError("write this test")


def test_refuses_a_negative_age(client) -> None:
    # TODO: POST EXAMPLE_PATIENT with "age": -1; assert 422 and that an issue's loc is
    # ["body", "age"].
    raise NotImplementedError("write this test")
