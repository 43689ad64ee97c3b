"""Raw-socket clients for the hostile tests: requests no well-behaved HTTP library would send.

`requests` and httpx always finish what they start; a hostile client stops half-way, trickles,
or sends framing the libraries refuse to produce. These helpers write bytes and read answers.
"""

import json
import socket
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import requests


@dataclass
class RawAnswer:
    """What came back on a raw socket: the status (0 when the server closed without a word),
    the headers (lower-case names) and the body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> object:
        return json.loads(self.body)


def connect(base_url: str, timeout: float = 30) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def read_answer(sock: socket.socket) -> RawAnswer:
    """Read one answer; the server is expected to close after it (errors) or to say its length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return RawAnswer(0) if not data else parse_head(data)
        data += chunk
    answer = parse_head(data)
    length = int(answer.headers.get("content-length", "0"))
    while len(answer.body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer.body += chunk
    return answer


class AnswerReader:
    """The answers on one connection, one after another: pipelined answers, or a `100 Continue`
    and then the final answer. `next()` gives status 0 once the server has closed."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def next(self) -> RawAnswer:
        while b"\r\n\r\n" not in self.buffer:
            if not self.receive():
                return RawAnswer(0)
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        answer = parse_head(head)
        length = int(answer.headers.get("content-length", "0"))
        while len(self.buffer) < length and self.receive():
            pass
        answer.body, self.buffer = self.buffer[:length], self.buffer[length:]
        return answer

    def receive(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)


def parse_head(data: bytes) -> RawAnswer:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawAnswer(status, headers, body)


def send_raw(base_url: str, data: bytes, timeout: float = 30) -> RawAnswer:
    """Send `data` as it is, then read the answer."""
    with connect(base_url, timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


def chunked(*chunks: bytes) -> bytes:
    """A well-formed chunked body of these chunks."""
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"


def post_head(path: str, headers: Iterable[str] = (), length: int | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: localhost", "Content-Type: application/json"]
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join([*lines, *headers]) + "\r\n\r\n").encode()


def latencies_ms(
    call: Callable[[], requests.Response], count: int
) -> tuple[list[float], list[int]]:
    """Time `count` calls one after another: the latencies in ms and the statuses."""
    times, statuses = [], []
    for _ in range(count):
        started = time.perf_counter()
        try:
            statuses.append(call().status_code)
        except requests.RequestException:
            statuses.append(0)  # no answer within the client's timeout
        times.append((time.perf_counter() - started) * 1000)
    return times, statuses


def percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]
