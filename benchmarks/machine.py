"""What a result was measured on: without it, a req/s figure cannot be compared with anything."""

import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from shared.core.settings import PROJECT_ROOT

PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "flask",
    "werkzeug",
    "gunicorn",
    "pydantic",
    "scikit-learn",
    "numpy",
    "locust",
    "geventhttpclient",
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def command_output(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT)
    except OSError:
        return ""
    return (result.stdout or result.stderr).strip()


# The peers, each in its own environment (.venv-peers/*/): versions read by its python.
PEER_PACKAGES = (
    *("mlserver", "mlserver-sklearn", "kserve", "bentoml", "litserve", "ray"),
    *("fastapi", "uvicorn", "scikit-learn"),
)


def peer_versions(python: Path) -> dict[str, str]:
    """The PEER_PACKAGES installed in one peer environment: {package: version}."""
    script = (
        "import json, importlib.metadata as m\n"
        "found = {}\n"
        f"for name in {PEER_PACKAGES!r}:\n"
        "    try: found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(found))"
    )
    output = command_output([str(python), "-c", script])
    return json.loads(output) if output.startswith("{") else {}


def machine_info(pinning: dict, peer_pythons: tuple[Path, ...] | list[Path] = ()) -> dict:
    wrk = shutil.which("wrk")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": sys.version.split()[0],
        "packages": {name: metadata.version(name) for name in PACKAGES},
        "wrk": command_output([wrk, "-v"]).split(" [")[0] if wrk else None,
        "git_commit": command_output(["git", "rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(command_output(["git", "status", "--porcelain"])),
        "pinning": pinning,
        "peer_packages": {
            python.parent.parent.name: peer_versions(python) for python in peer_pythons
        },
    }
