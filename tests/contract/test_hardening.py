"""What an answer must not give away: no server name or version, no stack trace, no file path,
no library version; and the API key never reaches a log. (CORS, the limits and the key check
itself have their own tests: test_headers.py, test_bad_input.py, test_predictions.py.)
"""

import logging
import platform

import pytest
import sklearn

JSON = {"Content-Type": "application/json"}
SECRET = "key-that-must-never-be-logged"

BAD_REQUESTS = [
    ("GET", "/no/such/path", {}),
    ("DELETE", "/predict", {}),
    ("POST", "/predict", {"content": b'{"age": 59,', "headers": JSON}),
    ("POST", "/predict", {"content": b'{"age": "\xff"}', "headers": JSON}),
    ("POST", "/predict", {"content": b"[" * 100_000, "headers": JSON}),
    ("POST", "/predict", {"content": b'{"age": 1e999}', "headers": JSON}),
    ("POST", "/predict", {"content": b"{}", "headers": {"Content-Type": "text/plain"}}),
    ("GET", "/predictions/not-a-number", {}),
    ("DELETE", "/predictions/1", {"headers": {"X-API-Key": "wrong"}}),
    ("GET", "/health?" + "q" * 5000, {}),
    ("GET", "/health", {"headers": {"X-Big": "a" * 9000}}),
]
GIVEAWAYS = [
    "Traceback",
    'File "',
    "site-packages",
    ".py",
    "/work",
    "uvicorn",
    "gunicorn",
    "werkzeug",
    "starlette",
    "pydantic.dev",
    sklearn.__version__,
    platform.python_version(),
]


def request(api, method, path, options):
    return api.request(method, path, **options)


@pytest.mark.parametrize(("method", "path", "options"), BAD_REQUESTS)
def test_error_answers_give_nothing_away(api, method, path, options):
    response = request(api, method, path, options)
    assert 400 <= response.status_code < 500
    head = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    for giveaway in GIVEAWAYS:
        assert giveaway not in response.text
        assert giveaway not in head


@pytest.mark.parametrize("path", ["/health", "/no/such/path", "/predict"])
def test_no_server_header(api, path):
    """uvicorn runs with server_header=False; the Flask launcher removes gunicorn's."""
    assert "Server" not in api.get(path).headers


def test_api_key_is_never_logged(make_client, settings, patient, caplog):
    """Every logger at DEBUG while requests carry a key, the right one and a wrong one."""
    caplog.set_level(logging.DEBUG)
    client = make_client()
    key = settings.api_key.get_secret_value()
    location = client.post("/predictions", json=patient).headers["Location"]
    for presented in (SECRET, key):
        client.delete(location, headers={"X-API-Key": presented})
    client.post("/predict", content=b"{", headers={**JSON, "X-API-Key": SECRET})
    assert caplog.records  # the access log did log these requests
    assert SECRET not in caplog.text
    assert key not in caplog.text


def test_settings_never_show_the_api_key(settings):
    assert settings.api_key.get_secret_value() not in repr(settings)
    assert settings.api_key.get_secret_value() not in str(settings.model_dump())
