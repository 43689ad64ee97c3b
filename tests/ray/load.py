"""A bounded load: a few clients in threads, each sending requests one after another to loopback
until told to stop, or until its time or request budget runs out."""

import threading
import time
from dataclasses import dataclass, field

import requests


@dataclass
class BoundedLoad:
    urls: list[str]
    body: dict
    clients: int = 4
    max_seconds: float = 120
    max_requests: int = 20_000
    results: list[tuple[float, str, int | str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.client, args=(n,)) for n in range(self.clients)
        ]

    def __enter__(self) -> "BoundedLoad":
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def client(self, number: int) -> None:
        deadline = self.started + self.max_seconds
        with requests.Session() as session:
            sent = 0
            while not self.stopping.is_set() and time.monotonic() < deadline:
                url = self.urls[(number + sent) % len(self.urls)]
                sent += 1
                try:
                    outcome: int | str = session.post(url, json=self.body, timeout=30).status_code
                except requests.RequestException as error:
                    outcome = type(error).__name__
                with self.lock:
                    if len(self.results) >= self.max_requests:
                        return
                    self.results.append((time.monotonic() - self.started, url, outcome))

    def failures(self) -> list[tuple[float, str, int | str]]:
        with self.lock:
            return [result for result in self.results if result[2] != 200]

    def count(self) -> int:
        with self.lock:
            return len(self.results)
