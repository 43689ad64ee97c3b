"""Exercise 11: a Dockerfile with the habits of lesson 11, read and linted (nothing is built)."""

import json
import re
import subprocess
import sys
from pathlib import Path

from checking import NotDone, Workspace


def instructions(work: Workspace) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined, comments out."""
    text = re.sub(r"\\\n", " ", work.read("Dockerfile"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def only(work: Workspace, name: str) -> list[str]:
    return [arguments for instruction, arguments in instructions(work) if instruction == name]


def check_base_pinned(work: Workspace) -> None:
    """The base image names a version, e.g. python:3.11-slim-bookworm"""
    image = only(work, "FROM")[0].split()[0]
    if ":" not in image or image.endswith(":latest"):
        raise NotDone(
            f"FROM {image} takes whatever Python is newest on the day you build: name a tag, "
            "such as python:3.11-slim-bookworm (slim: a smaller image, fewer packages to patch)"
        )


def check_not_root(work: Workspace) -> None:
    """The server runs as a user without privileges (a USER line before CMD)"""
    users = only(work, "USER")
    if not users or users[-1].split(":")[0] in ("root", "0"):
        raise NotDone(
            "the server runs as root: create a user (RUN useradd --system --uid 10001 app) "
            "and switch to it with USER 10001 before CMD"
        )


def check_cmd(work: Workspace) -> None:
    """CMD is in exec form (a JSON list) and listens on 0.0.0.0, port 8000"""
    command = only(work, "CMD")[-1] if only(work, "CMD") else ""
    try:
        words = json.loads(command)
    except ValueError:
        words = None
    if not isinstance(words, list):
        raise NotDone(
            "CMD is in shell form: /bin/sh becomes the main process and `docker stop`'s SIGTERM "
            'never reaches the server. Write it as a JSON list: CMD ["uvicorn", "--factory", ...]'
        )
    if "0.0.0.0" not in words:
        raise NotDone(
            "the server listens on 127.0.0.1 (uvicorn's default), which inside a container is "
            'unreachable from outside it: add "--host", "0.0.0.0"'
        )
    if "8000" not in " ".join(only(work, "EXPOSE")).split():
        raise NotDone("say which port the server listens on: EXPOSE 8000")


def check_healthcheck(work: Workspace) -> None:
    """A HEALTHCHECK asks /health"""
    if not any("/health" in arguments for arguments in only(work, "HEALTHCHECK")):
        raise NotDone(
            "add a HEALTHCHECK that calls /health (the slim image has no curl: "
            "python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')\")"
        )


def check_hadolint(work: Workspace) -> None:
    """hadolint, the Dockerfile linter, finds nothing"""
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--no-color", str(work.path("Dockerfile"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise NotDone(
            "hadolint says (look its codes up at github.com/hadolint/hadolint):\n"
            + result.stdout.strip()
        )
