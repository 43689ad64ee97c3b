"""Exercise 15 (given, do not edit): a model that blocks for 0.1 s, as a big model would, and
counts how many calls run at the same moment."""

import threading
import time

_lock = threading.Lock()
_running = 0
most_at_once = 0


def predict(features: list[float]) -> float:
    global _running, most_at_once
    with _lock:
        _running += 1
        most_at_once = max(most_at_once, _running)
    try:
        time.sleep(0.1)  # blocking work: the CPU of a real model, or a library without async
        return sum(features)
    finally:
        with _lock:
            _running -= 1


def reset() -> None:
    global most_at_once
    most_at_once = 0
