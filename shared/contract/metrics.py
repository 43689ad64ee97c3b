"""Prometheus metrics, defined once for both services: same names, same labels, same meaning.

Each app owns a `ServiceMetrics` with its own `CollectorRegistry`, made by its factory, not at
import. Two apps in one process (the test suite builds dozens) would otherwise register the same
names in prometheus_client's global registry and fail with "Duplicated timeseries", and counts
would leak from one test's app into the next.

Under several worker processes (gunicorn, `uvicorn --workers`), each worker counts only what it
served. prometheus_client's multiprocess mode fixes that: when `PROMETHEUS_MULTIPROC_DIR` is set
(the launchers set it to a folder of their own, emptied at each start), every worker writes its
values to files there and `/metrics`, whichever worker answers it, sums the files of all workers.
"""

import functools
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from shared.core.model import Predictor

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
# The route label of a request no route handled (404, 405): never the raw path, which a client
# chooses freely and would make one time series per URL ever tried.
UNMATCHED_ROUTE = "<unmatched>"
KNOWN_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})
# The method label of any other method token: servers accept made-up methods (`FOO`), and one
# label value per token a client invents would grow `/metrics` without bound.
OTHER_METHOD = "other"

PREDICTING_ROUTES = frozenset(
    {
        "/predict",
        "/predict/batch",
        "/predictions",
        "/v2/models/{name}/infer",
        "/v2/models/{name}/versions/{version}/infer",
    }
)
# Latency buckets in seconds: a prediction takes about a millisecond, a slow one a second.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# Rows per predicting request: one patient, a screen of a dashboard, a nightly batch (at most 1000).
BATCH_SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def method_label(method: str) -> str:
    """The request's method as a label value: one of a fixed set, whatever the client sent."""
    return method if method in KNOWN_METHODS else OTHER_METHOD


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class ServiceMetrics:
    """The metrics of one app. The services call `observe_request` once per request, from their
    request-context middleware, and serve `render()` at `GET /metrics`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from receiving a request to answering it, in seconds.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.predictions = Counter(
            "predictions_total",
            "Rows predicted by successful calls of a predicting route, by route and model "
            "version (a batch of 50 counts 50).",
            ["route", "model_version"],
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "prediction_batch_size",
            "Rows per successful call of a predicting route, by route.",
            ["route"],
            buckets=BATCH_SIZE_BUCKETS,
            registry=self.registry,
        )
        self.model_info = Gauge(
            "model_info",
            "The model being served: always 1, its name and version are in the labels.",
            ["name", "version"],
            registry=self.registry,
            multiprocess_mode="livemax",  # live workers report it; gunicorn's hook drops dead ones
        )

    def observe_request(
        self,
        method: str,
        route: str,
        status: int,
        duration_seconds: float,
        model_version: str | None,
        rows: int = 1,
    ) -> None:
        """Count one answered request. `route` is the route's template, e.g. `/predictions/{id}`;
        `rows` is how many rows a predicting request predicted: a route that predicts several
        leaves the number in `prediction_rows` (FastAPI's `request.state`, Flask's `g`)."""
        requests, latency = self._request_series(method_label(method), route, status)
        requests.inc()
        latency.observe(duration_seconds)
        if route in PREDICTING_ROUTES and method == "POST" and 200 <= status < 300:
            self.predictions.labels(route=route, model_version=model_version or "").inc(rows)
            self.batch_size.labels(route=route).observe(rows)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one ServiceMetrics per app, kept for its life)
    def _request_series(self, method: str, route: str, status: int) -> tuple[Counter, Histogram]:
        """The two time series of one (method, route, status), looked up once, not per request:
        `labels()` builds a key and takes a lock each time. Few combinations exist (routes are
        templates), and the cache is bounded anyway."""
        labels = {"method": method, "route": route, "status": str(status)}
        return self.requests.labels(**labels), self.latency.labels(**labels)

    def render(self, predictor: Predictor | None) -> bytes:
        """The Prometheus text format: this process's metrics, or every worker's in multiprocess
        mode. The model's name and version are read now, at scrape time, from the loaded model."""
        if predictor is not None:
            self.model_info.labels(name=predictor.card.name, version=predictor.version).set(1)
        directory = multiprocess_dir()
        if directory is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()  # a fresh one per scrape, over the files of all workers
        MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
