"""What a result was measured on: without it, a req/s figure cannot be compared with anything."""

import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from shared.settings import PROJECT_ROOT

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


def machine_info(pinning: dict) -> dict:
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
    }
