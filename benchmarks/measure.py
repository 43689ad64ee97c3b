"""One measurement: locust (or wrk) against one running server, with everyone's CPU recorded."""

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from benchmarks.payloads import V2_INFER_PATH, wrk_script, wrk_v2_script
from benchmarks.targets import Server, pinned
from shared.core.settings import PROJECT_ROOT

LOCUSTFILE = PROJECT_ROOT / "benchmarks" / "locustfile.py"
LOCUST = Path(sys.executable).parent / "locust"


@dataclass(frozen=True)
class Step:
    """One cell of the plan: a scenario, on a target, in a round."""

    round: int
    scenario: str  # saturation | v2 | latency | batch | mixed
    target: str
    batch_size: int = 0

    @property
    def label(self) -> str:
        scenario = f"batch{self.batch_size}" if self.scenario == "batch" else self.scenario
        return f"r{self.round}-{scenario}-{self.target}"


@dataclass
class Load:
    """How hard to push: closed-loop users, or an offered rate, for `seconds`."""

    seconds: float
    users: int
    user_class: str
    options: list[str] = field(default_factory=list)


def tree_cpu_seconds(pid: int) -> float:
    """CPU (user + system) used so far by a process and all its children: a server's workers."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def run_locust(
    step: Step, load: Load, server: Server, folder: Path, load_cpus: list[int] | None
) -> dict:
    """Headless locust: CSV + HTML files in `folder`, and the figures as a dict."""
    prefix = folder / step.label
    summary_file = prefix.with_name(step.label + "_summary.json")
    command = [
        str(LOCUST),
        "-f",
        str(LOCUSTFILE),
        load.user_class,
        "--headless",
        "--host",
        server.base_url,
        "--users",
        str(load.users),
        "--spawn-rate",
        str(load.users),  # everyone at once: no ramp inside the measurement
        "--run-time",
        f"{load.seconds:g}s",
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--html",
        str(prefix) + ".html",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        "--summary-file",
        str(summary_file),
        *load.options,
    ]
    server_cpu_before = tree_cpu_seconds(server.process.pid)
    with (folder / (step.label + ".log")).open("w") as log:
        subprocess.run(
            pinned(command, load_cpus),
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=load.seconds + 60,
        )
    server_cpu = tree_cpu_seconds(server.process.pid) - server_cpu_before
    result = json.loads(summary_file.read_text())
    requests = max(result["requests"], 1)
    result["server_cpu_ms_per_request"] = 1000 * server_cpu / requests
    return result


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    step: Step, load: Load, server: Server, folder: Path, load_cpus: list[int] | None
) -> dict:
    """wrk on /predict (V2 infer for the v2 scenario) at the same concurrency: a C load generator
    that costs ~10x less CPU per request, so `locust / wrk` shows how much of the figure locust's
    own cost takes away."""
    v2 = step.scenario == "v2"
    script = folder / ("post_v2_tensor.lua" if v2 else "post_patient.lua")
    if not script.exists():
        script.write_text(wrk_v2_script() if v2 else wrk_script())
    command = ["wrk", "-t1", f"-c{load.users}", f"-d{load.seconds:g}s", "-s", str(script)]
    command.append(server.base_url + (V2_INFER_PATH if v2 else "/predict"))
    output = subprocess.run(
        pinned(command, load_cpus),
        capture_output=True,
        text=True,
        check=True,
        timeout=load.seconds + 60,
    ).stdout
    (folder / (step.label + "_wrk.txt")).write_text(output)
    rps = WRK_RPS.search(output)
    non_2xx = WRK_NON_2XX.search(output)
    socket_errors = WRK_SOCKET_ERRORS.search(output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return {"wrk_rps": float(rps.group(1)) if rps else None, "wrk_errors": errors}
