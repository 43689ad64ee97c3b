"""The hostile-client fixes that can be shown without a live server: fast, in-process."""

import json
import logging
import os
import subprocess
import sys

import pytest

from shared.errors import MAX_VALIDATION_ISSUES, validation_error_body
from shared.metrics import (
    OTHER_METHOD,
    ServiceMetrics,
    method_label,
    remove_stale_multiprocess_dirs,
)
from shared.store import PredictionStore, open_database
from shared.v2.codec import RawRequest, split_body
from shared.v2.types import V2Error
from shared.web import OneLineFormatter


@pytest.mark.parametrize("method", ["FOO", "GETT", "get", "X" * 100])
def test_any_made_up_method_is_one_label_value(method):
    assert method_label(method) == OTHER_METHOD


def test_known_methods_keep_their_label():
    assert [method_label(m) for m in ("GET", "POST", "DELETE")] == ["GET", "POST", "DELETE"]


def test_metrics_count_made_up_methods_under_one_label():
    metrics = ServiceMetrics()
    for number in range(100):
        metrics.observe_request(f"M{number}", "/health", 405, 0.001, None)
    text = metrics.render(None).decode()
    assert 'method="other"' in text
    assert "M42" not in text


def test_a_422_lists_at_most_the_first_issues_and_counts_them():
    issues = [{"type": "missing", "loc": ("x", n), "msg": "Field required"} for n in range(999)]
    body = validation_error_body(issues, ("body",))
    assert len(body["detail"]) == MAX_VALIDATION_ISSUES
    assert body["detail"][0]["loc"] == ["body", "x", 0]
    assert body["error_count"] == 999


def test_a_short_422_has_no_count():
    body = validation_error_body([{"type": "missing", "loc": ("age",), "msg": "Field required"}])
    assert "error_count" not in body


@pytest.mark.parametrize("length", ["²", "١٢", "1²", "+1", " 1"])
def test_header_length_of_anything_but_ascii_digits_is_a_400(length):
    raw = RawRequest(body=b'{"inputs": []}', content_type=None, header_length=length)
    with pytest.raises(V2Error) as raised:
        split_body(raw)
    assert raised.value.status_code == 400


def test_a_traceback_is_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = OneLineFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["traceback"].endswith("ValueError: boom")


def test_a_plain_message_is_left_as_it_is():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, '{"a": 1}', None, None)
    assert OneLineFormatter().format(record) == '{"a": 1}'


def test_the_store_gives_its_connection_back_after_each_call(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'p.db'}")
    store = PredictionStore(engine)  # never closed: the request's teardown may come late
    store.list_page(limit=5, offset=0)
    assert engine.pool.checkedout() == 0
    engine.dispose()


def test_stale_metrics_folders_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale, live, current = (tmp_path / f"metrics.{name}" for name in ("a", "b", "c"))
    for folder in (stale, live, current):
        folder.mkdir()
    (stale / f"counter_{dead}.db").touch()
    (live / f"counter_{os.getpid()}.db").touch()
    remove_stale_multiprocess_dirs(str(current))
    assert not stale.exists()
    assert live.exists()
    assert current.exists()
