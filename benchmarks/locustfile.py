"""The load: one locust user class per scenario, all built on `FastHttpUser`.

`FastHttpUser` (geventhttpclient) rather than `HttpUser` (requests): the plain client spends more
CPU per request than the server under test, so it would measure itself. Even so, locust costs
about as much CPU per request as a framework does: `benchmarks/run.py` pins it to its own core,
records its CPU use and cross-checks saturation figures with wrk.

Run by `benchmarks/run.py` (headless) or by `make bench-ui` (locust's web UI). Pick a class by
name on the command line: `locust -f benchmarks/locustfile.py PredictUser`.
"""

import json
import random
import time
from pathlib import Path

import gevent
import psutil
from locust import FastHttpUser, constant_throughput, events, task

from benchmarks.payloads import (
    JSON_HEADERS,
    PATIENT_JSON,
    V2_INFER_PATH,
    V2_JSON,
    batch_json,
    v2_binary_body,
)


@events.init_command_line_parser.add_listener
def add_options(parser) -> None:
    """Scenario knobs, settable on the command line and in the web UI."""
    parser.add_argument("--batch-size", type=int, default=100, help="rows per /predict/batch")
    parser.add_argument(
        "--rate-per-user",
        type=float,
        default=10.0,
        help="requests/s per user (LatencyUser)",
    )
    parser.add_argument(
        "--summary-file",
        default="",
        help="write the final figures and locust's CPU use here",
    )


# Locust's own CPU (user + system seconds) and the clock, at the test's start and stop:
# the share of one core locust used while it generated load, start-up excluded.
_cpu_clock: dict[str, tuple[float, float]] = {}


def cpu_and_clock() -> tuple[float, float]:
    times = psutil.Process().cpu_times()
    return times.user + times.system, time.monotonic()


@events.test_start.add_listener
def remember_start(environment, **_) -> None:
    _cpu_clock["start"] = cpu_and_clock()


@events.test_stop.add_listener
def remember_stop(environment, **_) -> None:
    _cpu_clock["stop"] = cpu_and_clock()


# Response times per half second of the test. Locust's stats history CSV averages over a sliding
# 10 s window: too long to show anything inside a measurement of a few seconds.
BUCKET_SECONDS = 0.5
_timeline: dict[int, list[float]] = {}


@events.request.add_listener
def record_timeline(response_time: float, **_) -> None:
    if "start" in _cpu_clock:
        bucket = int((time.monotonic() - _cpu_clock["start"][1]) / BUCKET_SECONDS)
        _timeline.setdefault(bucket, []).append(response_time)


def timeline(seconds: float) -> list[list[float]]:
    """[start second, req/s, p50 ms, p95 ms] per complete bucket."""
    rows = []
    for bucket, times in sorted(_timeline.items()):
        if (bucket + 1) * BUCKET_SECONDS > seconds:
            break  # the test stopped inside this bucket: its rate would read low
        times.sort()
        p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
        rows.append([bucket * BUCKET_SECONDS, len(times) / BUCKET_SECONDS, p50, p95])
    return rows


@events.quitting.add_listener
def write_summary(environment, **_) -> None:
    """The final figures, taken in-process (the CSV files are written once a second, so the
    last one may miss the last second), and locust's CPU use."""
    path = environment.parsed_options.summary_file
    if not path or "stop" not in _cpu_clock:
        return
    (cpu_start, clock_start), (cpu_stop, clock_stop) = (
        _cpu_clock["start"],
        _cpu_clock["stop"],
    )
    total = environment.stats.total
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.total_rps,
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "mean_ms": total.avg_response_time,
        "max_ms": total.max_response_time,
        "locust_cpu_percent": 100 * (cpu_stop - cpu_start) / (clock_stop - clock_start),
        "endpoints": [
            {
                "name": f"{entry.method} {entry.name}",
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.50),
                "p99_ms": entry.get_response_time_percentile(0.99),
            }
            for entry in environment.stats.entries.values()
        ],
        "timeline": timeline(clock_stop - clock_start),
        "failures_by_error": {
            str(error.error): error.occurrences for error in environment.stats.errors.values()
        },
    }
    Path(path).write_text(json.dumps(summary, indent=2))


class PredictUser(FastHttpUser):
    """Saturation: every user sends the next request as soon as the last one is answered."""

    @task
    def predict(self) -> None:
        self.client.post("/predict", data=PATIENT_JSON, headers=JSON_HEADERS)


class V2User(FastHttpUser):
    """Saturation on the Open Inference Protocol: one row as a V2 JSON tensor, the request every
    V2 server takes (ours, MLServer, KServe), so all of them are measured on the same body."""

    @task
    def infer(self) -> None:
        self.client.post(V2_INFER_PATH, data=V2_JSON, headers=JSON_HEADERS)


class LatencyUser(FastHttpUser):
    """A fixed offered rate, below saturation: the latency a user feels, not the queue's."""

    def on_start(self) -> None:
        # Spread the users' first requests over one period: started together, they would
        # arrive in bursts and measure the queue of each burst.
        gevent.sleep(random.random() / self.environment.parsed_options.rate_per_user)

    def wait_time(self) -> float:
        return constant_throughput(self.environment.parsed_options.rate_per_user)(self)

    @task
    def predict(self) -> None:
        self.client.post("/predict", data=PATIENT_JSON, headers=JSON_HEADERS)


class BatchUser(FastHttpUser):
    """Saturation with `--batch-size` rows per request; the runner reports rows/s."""

    def on_start(self) -> None:
        size = self.environment.parsed_options.batch_size
        self.body = batch_json(size)
        self.name = f"/predict/batch [{size} rows]"

    @task
    def predict_batch(self) -> None:
        self.client.post("/predict/batch", data=self.body, headers=JSON_HEADERS, name=self.name)


class V2BinaryUser(FastHttpUser):
    """Bulk scoring on the Open Inference Protocol: `--batch-size` rows as raw FP64 bytes (the
    binary tensor extension), predictions answered as raw bytes; the runner reports rows/s."""

    def on_start(self) -> None:
        size = self.environment.parsed_options.batch_size
        self.body, self.headers = v2_binary_body(size)
        self.name = f"{V2_INFER_PATH} [{size} rows, binary]"

    @task
    def infer(self) -> None:
        self.client.post(V2_INFER_PATH, data=self.body, headers=self.headers, name=self.name)


class MixedUser(FastHttpUser):
    """Saturation with a mix: predict, store a prediction, read one back, list a page."""

    def on_start(self) -> None:
        self.created: list[str] = []

    @task(5)
    def predict(self) -> None:
        self.client.post("/predict", data=PATIENT_JSON, headers=JSON_HEADERS)

    @task(2)
    def create_prediction(self) -> None:
        with self.client.post(
            "/predictions", data=PATIENT_JSON, headers=JSON_HEADERS, catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"expected 201, got {response.status_code}")
                return
            self.created.append(response.json()["id"])
            self.created = self.created[-100:]  # remember a few, not all

    @task(2)
    def read_prediction(self) -> None:
        if self.created:
            prediction_id = random.choice(self.created)
            self.client.get(f"/predictions/{prediction_id}", name="/predictions/{id}")

    @task(1)
    def list_predictions(self) -> None:
        self.client.get("/predictions?limit=10", name="/predictions?limit=10")
