"""The hostile-client fixes that can be shown without a live server: fast, in-process."""

import json
import logging
import os
import sys

import pytest

from shared.contract.errors import MAX_VALIDATION_ISSUES, validation_error_body
from shared.contract.launch import prepare_metrics_dir
from shared.contract.metrics import OTHER_METHOD, ServiceMetrics, method_label
from shared.contract.v2.codec import RawRequest, split_body
from shared.contract.v2.types import V2Error
from shared.contract.web import OneLineFormatter
from shared.core.store import PredictionStore, open_database


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


def test_the_store_gives_its_connection_back_after_each_call(fresh_database_url):
    engine = open_database(fresh_database_url)
    store = PredictionStore(engine)  # never closed: the request's teardown may come late
    store.list_page(limit=5, offset=0)
    assert engine.pool.checkedout() == 0
    engine.dispose()


def test_each_start_empties_its_metrics_folder(tmp_path, monkeypatch):
    """Counts begin at zero at each start: the files an earlier run's workers left are gone."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_12345.db").write_bytes(b"an earlier run's counts")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    assert prepare_metrics_dir("fastapi", 8000) == folder
    assert folder.is_dir()
    assert list(folder.iterdir()) == []
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(folder)
