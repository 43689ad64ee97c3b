"""Load-test the two services and their baselines with locust, side by side, honestly.

    .venv/bin/python -m benchmarks.run --help

The method (see lessons/12-load-testing.md): every server runs with the same worker count, pinned
to one CPU set while locust and wrk run on another; each server is warmed up; then rounds are
interleaved (fastapi, flask, baselines, fastapi, flask, ...) so that a machine getting slower
during the run slows everyone alike; locust's own CPU is recorded and a figure taken while locust
saturated its core is marked invalid. The results folder gets locust's CSV and HTML per
measurement, machine.json, summary.json, summary.md and dashboard.html.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import joblib
import requests

from benchmarks import dashboard, report
from benchmarks.machine import machine_info
from benchmarks.measure import (
    LOCUST,
    LOCUSTFILE,
    Load,
    Step,
    run_locust,
    run_wrk,
    wrk_available,
)
from benchmarks.payloads import JSON_HEADERS, PATIENT, V2_INFER_PATH
from benchmarks.targets import (
    BASELINES,
    DEFAULT_BASELINES,
    PEERS,
    SERVICES,
    TARGETS,
    Server,
    cpu_sets,
    pinned,
)
from shared.core.settings import PROJECT_ROOT
from tests.support.processes import free_port

SCENARIOS = ("saturation", "v2", "latency", "batch", "v2-binary", "mixed")
PREDICTIONS_PATH = "/predictions"
# A peer resumed from its pause catches up on its timers (health checks, metrics) first.
PEER_SETTLE_SECONDS = 2


def names(text: str, allowed: dict | tuple) -> list[str]:
    """A comma-separated list of names checked against `allowed`; "none" is the empty list."""
    chosen = [name.strip() for name in text.split(",") if name.strip() and name != "none"]
    unknown = [name for name in chosen if name not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {list(allowed)}")
    return chosen


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--users", type=int, default=30, help="concurrency for saturation")
    parser.add_argument("--rate", type=float, default=100, help="req/s offered (latency)")
    parser.add_argument("--latency-users", type=int, default=10, help="users sharing --rate")
    parser.add_argument("--workers", type=int, default=1, help="processes per server, all alike")
    parser.add_argument(
        "--services",
        type=lambda text: names(text, SERVICES),
        default=list(SERVICES),
        help="services to measure, comma-separated",
    )
    parser.add_argument(
        "--baselines",
        type=lambda text: names(text, BASELINES),
        default=DEFAULT_BASELINES,
        help="baselines to measure, comma-separated, or none",
    )
    parser.add_argument(
        "--peers",
        type=lambda text: names(text, PEERS),
        default=[],
        help="other servers on the same artifact: the V2 ones are measured in the v2 scenario, "
        "the others in saturation (needs .venv-peers: make bench-peers)",
    )
    parser.add_argument(
        "--scenarios",
        type=lambda text: names(text, SCENARIOS),
        default=list(SCENARIOS),
        help="scenarios to run, comma-separated",
    )
    parser.add_argument(
        "--batch-sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[1, 10, 100, 1000],
        help="rows per /predict/batch request",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per server")
    parser.add_argument(
        "--wrk-duration",
        type=float,
        default=3,
        help="seconds of wrk cross-check; 0 skips it",
    )
    parser.add_argument(
        "--max-locust-cpu",
        type=float,
        default=90,
        help="above this %% a result is invalid",
    )
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL given to the services")
    parser.add_argument(
        "--model-path", type=Path, default=PROJECT_ROOT / "models" / "diabetes.joblib"
    )
    parser.add_argument(
        "--ui",
        action="store_true",
        help="start the first of --services and locust's web UI instead of a headless run",
    )
    parser.add_argument("--ui-port", type=int, default=8089, help="port of locust's web UI")
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        help="a line for the summary's notes, e.g. what else ran on the machine; repeatable",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=PROJECT_ROOT / "benchmarks" / "results",
        help="parent folder",
    )
    return parser.parse_args(argv)


def plan(args: argparse.Namespace, mixed_ok: list[str]) -> list[Step]:
    """Rounds outermost, then scenarios, then targets: the two services are measured one right
    after the other, so both see the same state of the machine."""
    # The baselines answer only /predict; a peer answers either V2 inference (MLServer, KServe)
    # or the one-patient JSON on /predict (BentoML, LitServe, Ray Serve): the v2 scenario has the
    # services and the V2 peers, the others the services, the baselines and the /predict peers.
    predict_peers = [name for name in args.peers if not PEERS[name].is_v2_peer]
    v2_peers = [name for name in args.peers if PEERS[name].is_v2_peer]
    targets = [*args.services, *args.baselines]
    steps = []
    for round_number in range(1, args.rounds + 1):
        for scenario in args.scenarios:
            if scenario == "saturation":
                steps += [Step(round_number, scenario, name) for name in targets + predict_peers]
            elif scenario == "latency":
                steps += [Step(round_number, scenario, target) for target in targets]
            elif scenario == "v2":
                v2_targets = [*args.services, *v2_peers]
                steps += [Step(round_number, "v2", target) for target in v2_targets]
            elif scenario == "batch":
                for size in args.batch_sizes:
                    steps += [Step(round_number, "batch", name, size) for name in args.services]
            elif scenario == "v2-binary":  # bulk only: the largest batch size
                size = max(args.batch_sizes)
                steps += [Step(round_number, "v2-binary", name, size) for name in args.services]
            else:
                steps += [Step(round_number, "mixed", name) for name in mixed_ok]
    return steps


def load_for(step: Step, args: argparse.Namespace) -> Load:
    if step.scenario == "latency":
        per_user = args.rate / args.latency_users
        options = ["--rate-per-user", f"{per_user:g}"]
        return Load(args.duration, args.latency_users, "LatencyUser", options)
    if step.scenario in ("batch", "v2-binary"):
        # About 1,000 rows in flight, at least 2 requests (one served, one waiting): with 30
        # users of 1,000 rows, the requests cut off when the time is up would weigh too much.
        users = max(2, min(args.users, 1000 // step.batch_size))
        options = ["--batch-size", str(step.batch_size)]
        user_class = "BatchUser" if step.scenario == "batch" else "V2BinaryUser"
        return Load(args.duration, users, user_class, options)
    user_class = {"mixed": "MixedUser", "v2": "V2User"}.get(step.scenario, "PredictUser")
    return Load(args.duration, args.users, user_class)


def warm_up(server: Server, seconds: float) -> None:
    """Send predictions from a few threads for a while: lazy imports, caches and threads get
    created now, not inside the first measurement."""
    deadline = time.monotonic() + seconds
    path, body = server.target.probe

    def hammer() -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                session.post(server.base_url + path, data=body, headers=JSON_HEADERS)

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(hammer) for _ in range(4)]:
            future.result()


class Progress:
    """One line per measurement, with the time left; a ticking clock when on a terminal."""

    def __init__(self, seconds_per_step: list[float]) -> None:
        self.total = len(seconds_per_step)
        self.seconds_per_step = seconds_per_step
        self.done = 0
        self.started = time.monotonic()
        self._ticking = threading.Event()

    def start(self, step: Step) -> None:
        left = sum(self.seconds_per_step[self.done :])
        line = f"[{self.done + 1:>3}/{self.total}] {step.label:<32} (~{left / 60:.1f} min left)"
        print(line, end="" if sys.stdout.isatty() else "\n", flush=True)
        if sys.stdout.isatty():
            self._ticking.set()
            threading.Thread(target=self._tick, args=(line,), daemon=True).start()

    def _tick(self, line: str) -> None:
        began = time.monotonic()
        while self._ticking.is_set():
            print(f"\r{line} {time.monotonic() - began:4.0f} s", end="", flush=True)
            time.sleep(0.5)

    def finish(self, result: dict) -> None:
        self._ticking.clear()
        self.done += 1
        figures = f"{result['rps']:8.1f} req/s  p50 {result['p50_ms']:g} ms  "
        figures += f"p99 {result['p99_ms']:g} ms  locust CPU {result['locust_cpu_percent']:.0f} %"
        if result.get("wrk_rps"):
            figures += f"  wrk {result['wrk_rps']:.0f} req/s"
        if result["invalid"]:
            figures += f"  INVALID: {result['invalid']}"
        print(("\r" if sys.stdout.isatty() else "") + f"      {figures}", flush=True)


def invalid_reason(step: Step, result: dict, args: argparse.Namespace) -> str:
    """Why this figure does not measure the server, or "" when it does."""
    if result["locust_cpu_percent"] > args.max_locust_cpu:
        return f"locust saturated its core ({result['locust_cpu_percent']:.0f} % CPU)"
    if result["requests"] == 0:
        return "no request completed (a starved server or a busy machine)"
    if result["failures"] > 0.01 * result["requests"]:
        return f"{result['failures']} of {result['requests']} requests failed"
    if step.scenario == "latency" and result["rps"] < 0.9 * args.rate:
        return f"offered {args.rate:g} req/s not reached: the server saturated"
    return ""


def answer(server: Server) -> float:
    """The prediction a server gives for its probe: from V2's output tensor or `/predict`'s JSON."""
    path, body = server.target.probe
    response = requests.post(server.base_url + path, data=body, headers=JSON_HEADERS, timeout=10)
    response.raise_for_status()
    document = response.json()
    return document["outputs"][0]["data"][0] if path == V2_INFER_PATH else document["prediction"]


def reference_answer(servers: dict[str, Server], args: argparse.Namespace) -> float:
    """Ours: the first service's `/predict`; without a service, the artifact's own prediction."""
    if args.services:
        return answer(servers[args.services[0]])
    return float(joblib.load(args.model_path).predict([list(PATIENT.values())])[0])


def start_peers(
    servers: dict[str, Server], args: argparse.Namespace, cpus: list[int] | None, run_dir: Path
) -> list[str]:
    """Start the peers one at a time (a Ray cluster starting beside others on one busy core can
    time out), each warmed up, its answer checked equal to ours before it is timed (a peer
    computing something else, another model, float32, another column order, would be measured
    on other work), then paused until its own measurements. Adds them to `servers`."""
    if not args.peers:
        return []
    expected = reference_answer(servers, args)
    notes = []
    for name in list(args.peers):
        servers |= start_servers([name], args, cpus, run_dir)
        server = servers[name]
        try:
            server.wait_ready()
        except RuntimeError as error:  # reported, and the run goes on without it
            server.stop()
            del servers[name]
            args.peers.remove(name)
            reason = str(error).splitlines()[-1][:300]
            notes.append(f"{name}: INVALID, did not start on this machine: {reason}")
            print(notes[-1])
            continue
        print(f"ready: {name:<16} {server.base_url}  warming up {args.warmup:g} s")
        warm_up(server, args.warmup)
        got = answer(server)
        if got != expected:
            raise RuntimeError(f"{name} answers {got!r} where ours is {expected!r}: not timed")
        server.pause()
    return [f"Every peer's answer equals ours ({expected!r}) for the same patient.", *notes]


def start_servers(
    targets: list[str], args: argparse.Namespace, cpus: list[int] | None, run_dir: Path
) -> dict[str, Server]:
    env = {
        "MODEL_PATH": str(args.model_path.resolve()),
        "DATABASE_URL": f"sqlite:///{run_dir / 'predictions.db'}",
        "LOG_LEVEL": args.log_level,
        "API_KEY": "benchmark-key",
    }
    (run_dir / "servers").mkdir(exist_ok=True)
    servers = {}
    for name in targets:
        port = free_port()
        command = pinned(TARGETS[name].command(port, args.workers), cpus)
        log = run_dir / "servers" / f"{name}.log"
        servers[name] = Server(TARGETS[name], port, command, env, log)
    return servers


def run_ui(args: argparse.Namespace, run_dir: Path, cpus: tuple | None) -> None:
    """One service, pinned as in a run, and locust's web UI (pick a user class, start, watch)
    until Ctrl-C."""
    server_cpus, load_cpus = cpus or (None, None)
    servers = start_servers(args.services[:1], args, server_cpus, run_dir)
    server = servers[args.services[0]]
    try:
        server.wait_ready()
        command = [str(LOCUST), "-f", str(LOCUSTFILE), "--class-picker", "--host"]
        command += [
            server.base_url,
            "--web-host",
            "127.0.0.1",
            "--web-port",
            str(args.ui_port),
        ]
        print(f"{args.services[0]} on {server.base_url}; locust: http://127.0.0.1:{args.ui_port}")
        print("Ctrl-C stops both.")
        locust = subprocess.Popen(pinned(command, load_cpus), cwd=PROJECT_ROOT)
        try:
            locust.wait()
        except KeyboardInterrupt:  # locust's web UI outlives a SIGINT; SIGTERM stops it
            locust.terminate()
            locust.wait()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> Path:
    args = parse_args(argv)
    if not args.model_path.exists():
        sys.exit(f"no model at {args.model_path}: run `make train` first")
    missing = [str(PEERS[name].peer_python) for name in args.peers]
    missing = [python for python in missing if not Path(python).exists()]
    if missing:
        sys.exit(f"no {', '.join(missing)}: `make bench-peers` creates the peers' environments")
    for name in args.peers:
        scenario = "v2" if PEERS[name].is_v2_peer else "saturation"
        if scenario not in args.scenarios:
            sys.exit(
                f"--peers {name} is measured in the {scenario} scenario: add it to --scenarios"
            )
    run_dir = args.output / datetime.now().strftime("%Y%m%d-%H%M%S")
    (run_dir / "locust").mkdir(parents=True)
    sets = cpu_sets(sorted(os.sched_getaffinity(0)))
    if args.ui:
        run_ui(args, run_dir, sets)
        return run_dir
    server_cpus, load_cpus = sets if sets else (None, None)
    pinning = {
        "server_cpus": server_cpus,
        "load_generator_cpus": load_cpus,
        "note": "taskset" if sets else "not pinned: fewer than 2 CPUs",
    }
    peer_pythons = sorted({PEERS[name].peer_python for name in args.peers})
    machine = machine_info(pinning, peer_pythons)
    (run_dir / "machine.json").write_text(json.dumps(machine, indent=2))
    notes = list(args.note)
    if not sets:
        notes.append("Fewer than 2 CPUs: servers and load generator share the CPU.")
    saturating = {"saturation", "v2"} & set(args.scenarios)
    use_wrk = bool(saturating) and args.wrk_duration > 0 and wrk_available()
    if saturating and not use_wrk:
        notes.append(
            "wrk cross-check skipped: "
            + ("--wrk-duration 0." if wrk_available() else "wrk is not installed.")
            + " Install it with `apt-get install wrk`."
        )

    targets = [*args.services, *args.baselines]
    print(f"results: {run_dir}")
    print(f"pinning: servers on CPUs {server_cpus}, locust/wrk on CPUs {load_cpus}")
    servers = start_servers(targets, args, server_cpus, run_dir)
    results = []
    try:
        for name, server in servers.items():
            server.wait_ready()
            print(f"ready: {name:<16} {server.base_url}  warming up {args.warmup:g} s")
            warm_up(server, args.warmup)
        notes += start_peers(servers, args, server_cpus, run_dir)
        mixed_ok = [name for name in args.services if servers[name].has_path(PREDICTIONS_PATH)]
        if "mixed" in args.scenarios and mixed_ok != args.services:
            missing = sorted(set(args.services) - set(mixed_ok))
            notes.append(
                f"Mixed workload skipped for {missing}: no {PREDICTIONS_PATH} in their "
                "/openapi.json yet."
            )
        steps = plan(args, mixed_ok)
        wrk_seconds = args.wrk_duration if use_wrk else 0
        progress = Progress(
            [
                args.duration + 1 + (wrk_seconds if step.scenario in saturating else 0)
                for step in steps
            ]
        )
        for step in steps:
            progress.start(step)
            load = load_for(step, args)
            server = servers[step.target]
            if server.target.is_peer:
                server.resume()
                time.sleep(PEER_SETTLE_SECONDS)
            result = run_locust(step, load, server, run_dir / "locust", load_cpus)
            if use_wrk and step.scenario in saturating:
                wrk_load = Load(args.wrk_duration, args.users, "wrk")
                result |= run_wrk(step, wrk_load, server, run_dir / "locust", load_cpus)
            if server.target.is_peer:
                server.pause()
            result |= {
                "round": step.round,
                "scenario": step.scenario,
                "target": step.target,
            }
            result |= {"batch_size": step.batch_size, "label": step.label}
            result["invalid"] = invalid_reason(step, result, args)
            results.append(result)
            progress.finish(result)
    finally:
        for server in servers.values():
            server.stop()

    summary = report.summarize(results, vars(args), notes, run_dir)
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    (run_dir / "summary.md").write_text(report.markdown(summary))
    (run_dir / "dashboard.html").write_text(dashboard.render(summary))
    print(f"\n{(run_dir / 'summary.md').read_text()}")
    print(f"dashboard: {run_dir / 'dashboard.html'}")
    return run_dir


if __name__ == "__main__":
    main()
