"""Exercise 01: HTTP calls against both real services, in-process (no server to start)."""

from checking import BASE_URL, NotDone, Requests, Workspace, call, real_services


def check_health(work: Workspace) -> None:
    """get_health() sends GET /health and gets 200 {"status": "ok"}"""
    calls = work.load("http_calls.py")
    for twin in real_services():
        response = call(calls.get_health, Requests(twin), BASE_URL)
        if response is None or response.status_code != 200:
            raise NotDone("get_health() should return the response of GET {base_url}/health")
        if response.json() != {"status": "ok"}:
            raise NotDone(f"GET /health answered {response.json()}: is the path /health?")


def check_predict_without_bmi(work: Workspace) -> None:
    """predict_without_bmi() sends POST /predict without bmi and gets a 422"""
    calls = work.load("http_calls.py")
    for twin in real_services():
        http = Requests(twin)
        response = call(calls.predict_without_bmi, http, BASE_URL)
        if response is None:
            raise NotDone("predict_without_bmi() should return the response")
        if ("POST", BASE_URL + "/predict") not in http.sent:
            raise NotDone(f"predict_without_bmi() should POST to /predict; it sent {http.sent}")
        if response.status_code != 422:
            raise NotDone(
                f"POST /predict answered {response.status_code}, not 422: send the example "
                "patient without bmi, as JSON (json=...), not as form data (data=...)"
            )


def check_where_is_the_error(work: Workspace) -> None:
    """where_is_the_error() reads ["body", "bmi"] from the 422"""
    calls = work.load("http_calls.py")
    for twin in real_services():
        response = calls.predict_without_bmi(Requests(twin), BASE_URL)
        loc = call(calls.where_is_the_error, response)
        if loc != ["body", "bmi"]:
            raise NotDone(f"where_is_the_error() returned {loc!r}, not ['body', 'bmi']")
