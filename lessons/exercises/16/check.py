"""Exercise 16: a client that sets a timeout, returns a float, and turns a 422 into words."""

from checking import BASE_URL, NotDone, Requests, Workspace, call, real_services
from requests import HTTPError

from shared.core.schemas import EXAMPLE_PATIENT


def check_returns_prediction(work: Workspace) -> None:
    """predict() returns the service's prediction as a float"""
    client = work.load("client.py")
    for twin in real_services():
        expected = twin.post("/predict", json=EXAMPLE_PATIENT).json()["prediction"]
        got = call(client.predict, Requests(twin), BASE_URL, EXAMPLE_PATIENT)
        if got != expected or not isinstance(got, float):
            raise NotDone(f"predict() returned {got!r}; the {twin.name} service said {expected}")


def check_timeout(work: Workspace) -> None:
    """It sets a timeout on the request"""
    client = work.load("client.py")
    http = Requests(real_services()[0])
    client.predict(http, BASE_URL, EXAMPLE_PATIENT)
    if not http.timeouts or http.timeouts[-1] is None:
        raise NotDone("the request has no timeout: pass timeout=5 (seconds) to http.post")


def check_invalid_patient(work: Workspace) -> None:
    """A 422 raises InvalidPatient naming the field"""
    client = work.load("client.py")
    patient = {name: value for name, value in EXAMPLE_PATIENT.items() if name != "bmi"}
    for twin in real_services():
        try:
            client.predict(Requests(twin), BASE_URL, patient)
        except client.InvalidPatient as error:
            if "bmi" not in str(error):
                raise NotDone(f"InvalidPatient should name the field: it says {error!s}") from error
        except Exception as error:
            raise NotDone(
                f"a 422 should raise InvalidPatient, not {type(error).__name__}: {error}"
            ) from error
        else:
            raise NotDone("a patient without bmi returned normally: raise InvalidPatient on 422")


def check_other_errors(work: Workspace) -> None:
    """Another error status (404) raises requests' HTTPError"""
    client = work.load("client.py")
    twin = real_services()[0]
    try:
        client.predict(Requests(twin), BASE_URL + "/no-such-prefix", EXAMPLE_PATIENT)
    except HTTPError:
        return
    except Exception as error:
        raise NotDone(
            f"a 404 raised {type(error).__name__}: call response.raise_for_status()"
        ) from error
    raise NotDone("a 404 returned normally: call response.raise_for_status() for other errors")
