"""Requests HTTP allows, or tolerates, that the service does not need: decided once, alike.

Issue 21 found the twins answering these differently: one served an `Upgrade: h2c` POST, the
other dropped its body; one redirected a path-less absolute URL in HTML, the other refused it;
a made-up method, `HTTP/1.2` or `GET *` was served by one and refused by the other. Each case
runs against both live services, started as `make run-*` starts them, with raw bytes (HTTP
libraries refuse to send most of these). README's "Protocol edges, decided alike" lists the
decisions; shared/contract/server_errors.py holds the refusals both servers share.
"""

import json
import re

import pytest
import requests

from shared.contract.server_errors import MAX_REQUEST_LINE_BYTES
from shared.core.schemas import EXAMPLE_PATIENT
from shared.core.settings import Settings
from tests.hostile.rawhttp import AnswerReader, RawAnswer, connect, send_raw

pytestmark = pytest.mark.live

PATIENT = json.dumps(dict(EXAMPLE_PATIENT)).encode()
STATIC_FILE = "/static/playground/style.css"
HANG_GUARD_SECONDS = 10  # an answer that does not come fails the test, it does not hang it


def post_predict(*headers: str, body: bytes = PATIENT) -> bytes:
    lines = [
        "POST /predict HTTP/1.1",
        "Host: localhost",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def get(path: str, *headers: str, version: str = "HTTP/1.1") -> bytes:
    return (
        "\r\n".join([f"GET {path} {version}", "Host: localhost", *headers]) + "\r\n\r\n"
    ).encode()


def answers(base_url: str, data: bytes, count: int) -> list[RawAnswer]:
    """Send `data` on one connection and read `count` answers from it."""
    with connect(base_url, timeout=HANG_GUARD_SECONDS) as sock:
        sock.sendall(data)
        reader = AnswerReader(sock)
        return [reader.next() for _ in range(count)]


def assert_contract_error(answer: RawAnswer, status: int) -> None:
    assert answer.status == status
    assert answer.headers["content-type"] == "application/json"
    assert set(answer.json()) == {"detail"}
    assert answer.headers["x-request-id"]
    assert "location" not in answer.headers


def assert_still_serving(base_url: str) -> None:
    """A normal request on a new connection is served after the edge case."""
    assert requests.get(base_url + "/health", timeout=HANG_GUARD_SECONDS).status_code == 200


def requests_counted(base_url: str, status: int) -> float:
    """How many requests `/metrics` counts with this status, over every route and method."""
    text = requests.get(base_url + "/metrics", timeout=HANG_GUARD_SECONDS).text
    pattern = rf'^http_requests_total{{[^}}]*status="{status}"[^}}]*}} (\S+)$'
    return sum(float(value) for value in re.findall(pattern, text, re.MULTILINE))


# --- Upgrade offers: declined, the request served as HTTP/1.1 -----------------------------------

UPGRADE_OFFERS = {
    # What `curl --http2` adds to a plain-HTTP request.
    "h2c": ["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQ"],
    "websocket": [
        "Connection: Upgrade",
        "Upgrade: websocket",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ],
}


@pytest.mark.parametrize("offer", UPGRADE_OFFERS)
def test_an_upgrade_offer_is_declined_and_the_request_served_whole(service, hostile_server, offer):
    server = hostile_server(service)
    pipelined = post_predict(*UPGRADE_OFFERS[offer]) + get("/health", "Connection: close")
    predicted, health, closed = answers(server.base_url, pipelined, 3)
    assert predicted.status == 200  # the body arrived whole: uvicorn once dropped it
    assert predicted.json()["prediction"] > 0
    assert predicted.headers["x-request-id"]
    assert health.status == 200  # the request pipelined behind it is answered too
    assert closed.status == 0


@pytest.mark.parametrize("offer", UPGRADE_OFFERS)
def test_an_upgrade_offer_on_a_get_is_served(service, hostile_server, offer):
    server = hostile_server(service)
    (answer,) = answers(server.base_url, get("/health", *UPGRADE_OFFERS[offer]), 1)
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["x-request-id"]


# --- Expect: 100-continue ------------------------------------------------------------------------


def test_expect_100_continue_is_answered_before_the_body_is_sent(service, hostile_server):
    """A client that waits for the 100 before sending its body (as curl does, for a second)."""
    server = hostile_server(service)
    head, _, body = post_predict("Expect: 100-continue").partition(b"\r\n\r\n")
    with connect(server.base_url, timeout=HANG_GUARD_SECONDS) as sock:
        sock.sendall(head + b"\r\n\r\n")
        reader = AnswerReader(sock)
        assert reader.next().status == 100  # before the fix, Flask waited for the body first
        sock.sendall(body)
        final = reader.next()
    assert final.status == 200
    assert final.json()["prediction"] > 0


def test_expect_100_continue_over_the_limit_is_a_413_without_a_100(service, hostile_server):
    server = hostile_server(service)
    too_large = Settings().max_body_bytes + 1
    head = post_predict("Expect: 100-continue").partition(b"\r\n\r\n")[0]
    head = head.replace(
        f"Content-Length: {len(PATIENT)}".encode(), b"Content-Length: %d" % too_large
    )
    (answer,) = answers(server.base_url, head + b"\r\n\r\n", 1)
    assert_contract_error(answer, 413)  # not a 100 inviting an upload that will be refused
    assert_still_serving(server.base_url)


# --- Request lines the service does not serve: the same JSON refusal from both servers ----------

CHUNKED_HEAD = "Transfer-Encoding: chunked"
REFUSED = {
    "HTTP/0.9 line": (b"GET /health\r\n", 400),
    "HTTP/0.9 line and a blank line": (b"GET /health\r\n\r\n", 400),
    "HTTP/1.2": (get("/health", version="HTTP/1.2"), 400),
    "HTTP/2.0 as text": (get("/health", version="HTTP/2.0"), 400),
    "HTTP/1.0 with a chunked body": (
        b"POST /predict HTTP/1.0\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        400,
    ),
    "GET *": (get("*"), 400),
    "CONNECT": (b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", 400),
    "TRACE": (b"TRACE /health HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
    "a WebDAV method": (b"PROPFIND /health HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
    "a made-up method": (b"FOO /health HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    "a URL over 64 KiB": (get("/health?q=" + "a" * 70_000), 414),
    "a request line one byte over the limit": (
        get("/health?q=" + "a" * (MAX_REQUEST_LINE_BYTES - len("GET /health?q= HTTP/1.1") + 1)),
        414,
    ),
    "a chunk size past 64 bits": (
        b"POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + b"f" * 29 + b"\r\n{}\r\n",
        400,
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_request_the_service_does_not_serve_is_refused_alike(service, hostile_server, case):
    server = hostile_server(service)
    data, status = REFUSED[case]
    assert_contract_error(send_raw(server.base_url, data, timeout=HANG_GUARD_SECONDS), status)
    assert_still_serving(server.base_url)


@pytest.mark.parametrize("case", ["a made-up method", "HTTP/1.2", "a chunk size past 64 bits"])
def test_a_refused_request_behind_a_pipelined_one_is_refused_after_its_answer(
    service, hostile_server, case
):
    """The request before it is answered first, as sent: the refusal does not replace it."""
    server = hostile_server(service)
    first, refused, closed = answers(server.base_url, get("/health") + REFUSED[case][0], 3)
    assert first.status == 200
    assert first.json() == {"status": "ok"}
    assert_contract_error(refused, REFUSED[case][1])
    assert closed.status == 0


def test_a_stored_prediction_is_acknowledged_though_garbage_follows_it(service, hostile_server):
    """uvicorn answered the garbage in place of the write it had already run: a 400 for a
    prediction that was stored."""
    server = hostile_server(service)
    store = post_predict().replace(b"POST /predict ", b"POST /predictions ")
    stored, refused = answers(server.base_url, store + b"GARBAGE\r\n\r\n", 2)
    assert stored.status == 201
    assert_contract_error(refused, 400)
    location = stored.headers["location"]
    assert requests.get(server.base_url + location, timeout=HANG_GUARD_SECONDS).status_code == 200


def test_refusals_are_counted(service, hostile_server):
    """Each refusal is in `/metrics` (and, written by the same call, in the access log)."""
    server = hostile_server(service)
    before = requests_counted(server.base_url, 400)
    for case in ("HTTP/1.2", "GET *", "a made-up method", "a chunk size past 64 bits"):
        send_raw(server.base_url, REFUSED[case][0], timeout=HANG_GUARD_SECONDS)
    assert requests_counted(server.base_url, 400) == before + 4


def test_a_request_line_at_the_limit_is_served(service, hostile_server):
    server = hostile_server(service)
    query = "a" * (MAX_REQUEST_LINE_BYTES - len("GET /health?q= HTTP/1.1"))
    data = get("/health?q=" + query, "Connection: close")
    assert len(data.split(b"\r\n")[0]) == MAX_REQUEST_LINE_BYTES
    assert send_raw(server.base_url, data, timeout=HANG_GUARD_SECONDS).status == 200


# --- Requests HTTP allows, served one way in both ------------------------------------------------


def test_http_1_0_keep_alive_is_answered_once_and_closed(service, hostile_server):
    """uvicorn never keeps an HTTP/1.0 connection open; gunicorn now closes it too."""
    server = hostile_server(service)
    twice = get("/health", "Connection: keep-alive", version="HTTP/1.0") * 2
    first, second = answers(server.base_url, twice, 2)
    assert first.status == 200
    assert first.headers["connection"].lower() == "close"
    assert second.status == 0


def test_an_absolute_url_without_a_path_is_the_path_slash(service, hostile_server):
    server = hostile_server(service)
    (answer,) = answers(server.base_url, get("http://evil.example", "Connection: close"), 1)
    assert answer.status == 200  # the playground page, not a 308 built from the Host header
    assert answer.headers["content-type"].startswith("text/html")
    assert "location" not in answer.headers


def test_an_absolute_url_with_a_path_is_served(service, hostile_server):
    server = hostile_server(service)
    (answer,) = answers(server.base_url, get("http://evil.example/health", "Connection: close"), 1)
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}


def test_options_asterisk_is_a_json_404(service, hostile_server):
    server = hostile_server(service)
    data = b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    assert_contract_error(send_raw(server.base_url, data, timeout=HANG_GUARD_SECONDS), 404)


@pytest.mark.parametrize("ranges", ["bytes=0-9", "bytes=0-9,20-29", "bytes=999999-"])
def test_range_is_ignored_and_the_whole_file_served(service, hostile_server, ranges):
    server = hostile_server(service)
    whole = requests.get(server.base_url + STATIC_FILE, timeout=HANG_GUARD_SECONDS)
    response = requests.get(
        server.base_url + STATIC_FILE, headers={"Range": ranges}, timeout=HANG_GUARD_SECONDS
    )
    assert response.status_code == 200
    assert response.content == whole.content
    assert "Content-Range" not in response.headers
    assert "Accept-Ranges" not in response.headers  # no ranges are offered either


@pytest.mark.parametrize("path", ["/static/playground/index.html/", STATIC_FILE + "/"])
def test_a_static_file_with_a_trailing_slash_is_a_404(service, hostile_server, path):
    server = hostile_server(service)
    (answer,) = answers(server.base_url, get(path, "Connection: close"), 1)
    assert_contract_error(answer, 404)
