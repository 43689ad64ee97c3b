"""The benchmark harness, run for real at a tiny load: it produces every file and computes ratios.

No timing assertion: the figures of a one-second run on a shared machine mean nothing; what is
checked is that the harness starts the servers as `make run-*` does, drives them and reports.
"""

import csv
import json
from pathlib import Path

import pytest

from benchmarks import payloads
from benchmarks.dashboard import render
from benchmarks.measure import Step
from benchmarks.report import goal_rows, markdown, round_ratios, summarize
from benchmarks.run import invalid_reason, main, parse_args, plan
from benchmarks.targets import PEERS
from shared.core.schemas import EXAMPLE_PATIENT
from shared.core.train import MODEL_NAME


@pytest.fixture(scope="module")
def run_dir(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One short run: both services and the seed FastAPI app, saturation and latency, 1 round."""
    output = tmp_path_factory.mktemp("bench")
    argv = ["--rounds", "1", "--duration", "1", "--warmup", "0.2", "--wrk-duration", "1"]
    argv += ["--users", "2", "--rate", "10", "--latency-users", "2"]
    argv += ["--baselines", "seed-fastapi", "--scenarios", "saturation,latency"]
    argv += ["--log-level", "WARNING", "--model-path", str(model_path), "--output", str(output)]
    return main(argv)


@pytest.fixture(scope="module")
def summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text())


@pytest.mark.live
def test_a_run_writes_every_report_file(run_dir: Path):
    for name in ("machine.json", "summary.json", "summary.md", "dashboard.html"):
        assert (run_dir / name).stat().st_size > 0, name


@pytest.mark.live
def test_locust_writes_csv_and_html_for_each_measurement(run_dir: Path):
    label = "r1-saturation-fastapi"
    with (run_dir / "locust" / f"{label}_stats.csv").open() as stream:
        names = [row["Name"] for row in csv.DictReader(stream)]
    assert "Aggregated" in names
    assert (run_dir / "locust" / f"{label}.html").read_text().startswith("<!")


@pytest.mark.live
def test_every_target_is_measured_in_every_scenario(summary: dict):
    measured = {(item["scenario"], item["target"]) for item in summary["aggregates"]}
    targets = ("fastapi", "flask", "seed-fastapi")
    assert measured == {(s, t) for s in ("saturation", "latency") for t in targets}


def report_invalid_figures(summary: dict) -> None:
    """A busy machine can starve a one-second run (no request at all, locust at 100 % CPU): the
    harness then judges the figure INVALID and says why. That is the harness working, so the
    test is skipped with the harness's reasons, never failed."""
    invalid = [note for note in summary["notes"] if ": INVALID, " in note]
    if invalid:
        pytest.skip("figures judged invalid (a busy machine?): " + "; ".join(invalid))


@pytest.mark.live
def test_the_requests_succeed(summary: dict):
    valid = [row for row in summary["results"] if not row["invalid"]]
    assert all(row["requests"] > 0 and row["failures"] == 0 for row in valid)
    report_invalid_figures(summary)


@pytest.mark.live
def test_the_fastapi_to_flask_ratio_is_computed(summary: dict):
    ratio = next(
        r
        for r in summary["ratios"]
        if r["scenario"] == "saturation" and r["ratio"] == "fastapi / flask"
    )
    if ratio["median"] is None:  # no round where both figures are valid
        report_invalid_figures(summary)
    assert ratio["median"] is not None and ratio["median"] > 0


def test_an_invalid_figure_is_reported_as_a_skip_not_a_failure():
    summary = {"notes": ["r1-saturation-flask: INVALID, 0 of 0 requests failed"]}
    with pytest.raises(pytest.skip.Exception, match="r1-saturation-flask: INVALID, 0 of 0"):
        report_invalid_figures(summary)
    report_invalid_figures({"notes": ["the machine was idle"]})  # nothing invalid: no skip


@pytest.mark.live
def test_machine_json_states_cpu_cores_and_pinning(run_dir: Path):
    machine = json.loads((run_dir / "machine.json").read_text())
    assert machine["cpu_model"] and machine["cores"] >= 1
    assert "server_cpus" in machine["pinning"]


@pytest.mark.live
def test_the_summary_table_names_the_services(run_dir: Path):
    markdown = (run_dir / "summary.md").read_text()
    assert "| fastapi |" in markdown and "| flask |" in markdown


@pytest.mark.live
def test_the_dashboard_loads_nothing_from_the_network(run_dir: Path):
    page = (run_dir / "dashboard.html").read_text()
    assert "<svg" in page
    assert "<script" not in page and "<link" not in page


def test_rounds_interleave_the_services_scenario_by_scenario():
    args = parse_args(["--rounds", "2", "--baselines", "none", "--scenarios", "saturation"])
    order = [(step.round, step.target) for step in plan(args, mixed_ok=[])]
    assert order == [(1, "fastapi"), (1, "flask"), (2, "fastapi"), (2, "flask")]


def test_a_result_taken_while_locust_saturated_its_core_is_invalid():
    result = {"locust_cpu_percent": 97.0, "requests": 100, "failures": 0, "rps": 500.0}
    reason = invalid_reason(Step(1, "saturation", "fastapi"), result, parse_args([]))
    assert "locust saturated" in reason


def test_a_latency_figure_is_invalid_when_the_offered_rate_was_not_reached():
    result = {"locust_cpu_percent": 20.0, "requests": 100, "failures": 0, "rps": 50.0}
    reason = invalid_reason(Step(1, "latency", "fastapi"), result, parse_args(["--rate", "100"]))
    assert "not reached" in reason


def test_each_peer_is_measured_on_the_work_it_shares_with_ours():
    """V2 servers in the v2 scenario, the servers taking named features on /predict beside the
    baselines in saturation."""
    argv = ["--rounds", "1", "--baselines", "seed-fastapi", "--scenarios", "saturation,v2"]
    args = parse_args([*argv, "--peers", "mlserver,bentoml,kserve,litserve"])
    order = [(step.scenario, step.target) for step in plan(args, mixed_ok=[])]
    assert order == [
        ("saturation", "fastapi"),
        ("saturation", "flask"),
        ("saturation", "seed-fastapi"),
        ("saturation", "bentoml"),
        ("saturation", "litserve"),
        ("v2", "fastapi"),
        ("v2", "flask"),
        ("v2", "mlserver"),
        ("v2", "kserve"),
    ]


def test_every_peer_runs_from_its_own_pinned_environment():
    ours = [line for line in Path("constraints.txt").read_text().splitlines()]
    artifact_pins = [line for line in ours if line.startswith(("scikit-learn==", "numpy=="))]
    for peer in PEERS.values():
        requirements = Path("benchmarks/peers") / f"{peer.venv}.txt"
        pins = requirements.read_text().splitlines()
        assert set(artifact_pins) <= set(pins), f"{requirements}: the artifact's scikit-learn"
        command = peer.command(port=9999, workers=1)
        assert command[0] == str(peer.peer_python) and "--port" in command


def test_v2_figures_are_read_against_the_seeds_predict_of_the_same_round():
    def row(round_number, scenario, target, rps):
        keys = {"round": round_number, "scenario": scenario, "batch_size": 0, "target": target}
        return {**keys, "rps": rps, "invalid": ""}

    results = [
        row(1, "saturation", "seed-fastapi", 100.0),
        row(1, "v2", "mlserver", 80.0),
        row(2, "saturation", "seed-fastapi", 50.0),
        row(2, "v2", "mlserver", 30.0),
    ]
    ratios = round_ratios(results, ("v2", 0), "mlserver", "seed-fastapi", "rps", ("saturation", 0))
    assert ratios == pytest.approx([0.8, 0.6])


def test_the_v2_body_names_the_model_the_services_serve():
    assert payloads.MODEL_NAME == MODEL_NAME
    assert json.loads(payloads.V2_JSON)["inputs"][0]["data"] == list(EXAMPLE_PATIENT.values())


def test_a_goal_is_met_or_says_by_how_much_it_is_short():
    ratio = {"scenario": "v2", "metric": "rps", "per_round": []}
    summary = {
        "ratios": [
            {**ratio, "ratio": "fastapi / mlserver", "median": 1.6},
            {**ratio, "ratio": "fastapi / mlserver-batched", "median": 1.2},
        ],
        "aggregates": [],
    }
    rows = goal_rows(summary)
    assert rows[:2] == [
        ["FastAPI V2 infer ≥ 1.5× MLServer (one process)", "1.60×", "met"],
        ["FastAPI V2 infer ≥ 1.5× MLServer (adaptive batching)", "1.20×", "short by 20 %"],
    ]
    assert rows[-1][2].startswith("not measured in this run")  # bulk: `make bench` measures it


def test_tail_and_spread_goals_are_read_from_the_services_figures():
    item = {"scenario": "saturation", "batch_size": 0, "target": "fastapi", "valid_rounds": 3}
    item |= {"p50_ms": 10.0, "p99_ms": 45.0, "rps_min": 1000.0, "rps_max": 1100.0}
    rows = goal_rows({"ratios": [], "aggregates": [item]})
    assert rows[0] == ["FastAPI /predict: p99 ≤ 3× p50 (45 / 10 ms)", "4.5×", "short: 50 % over"]
    assert rows[1] == ["FastAPI /predict: spread over rounds, max/min ≤ 1.15", "1.10", "met"]


def result(round_number: int, target: str, requests: int) -> dict:
    """What run_locust gives, for a run in which `requests` requests completed."""
    figures = {"requests": requests, "failures": 0, "rps": requests / 5, "locust_cpu_percent": 30.0}
    figures |= {"p50_ms": 10 if requests else 0, "p95_ms": 12 if requests else 0}
    figures |= {"p99_ms": 20 if requests else 0, "server_cpu_ms_per_request": 0.5}
    step = Step(round_number, "saturation", target)
    figures |= {"round": round_number, "scenario": "saturation", "target": target}
    figures |= {"batch_size": 0, "label": step.label, "wrk_rps": None, "timeline": []}
    return figures | {"invalid": invalid_reason(step, figures, parse_args([]))}


def test_a_figure_of_no_request_is_reported_invalid_never_a_crash(tmp_path: Path):
    """A busy machine can starve a measurement to 0 requests: the report says INVALID and why,
    in every table, ratio and goal that needs it, and every file is still written."""
    starved = result(1, "flask", requests=0)
    assert starved["invalid"].startswith("no request completed")
    machine = {"load_average_at_start": [4.0], "cpu_model": "cpu", "cores": 2, "python": "3"}
    machine |= {"pinning": {"server_cpus": None, "note": "not pinned"}, "wrk": None}
    (tmp_path / "machine.json").write_text(json.dumps(machine | {"packages": {"locust": "2"}}))
    results = [result(1, "fastapi", 5000), starved, result(1, "seed-flask", 4000)]
    summary = summarize(results, vars(parse_args([])), [], tmp_path)
    text = markdown(summary)
    assert "| flask | — | — |" in text and "0/1 valid: no request completed" in text
    assert "r1-saturation-flask: INVALID, no request completed" in text
    assert "| Flask /predict: p99 and spread | — | INVALID: no valid round |" in text
    flask_goal = "Flask /predict ≥ 1.0× the seed Flask app (gunicorn)"
    assert f"| {flask_goal} | — | INVALID" in text
    assert "invalid: no request completed" in render(summary)
