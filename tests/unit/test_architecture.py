"""The rules of the house that code review alone would let slip."""

import os
import pkgutil
import subprocess
import sys

import pytest

import shared

WEB_FRAMEWORKS = {"fastapi", "starlette", "flask", "werkzeug", "flask_openapi3"}
# Every module of the core, found rather than listed: a new one is checked the day it appears.
CORE_MODULES = ["shared"] + [
    module.name for module in pkgutil.walk_packages(shared.__path__, prefix="shared.")
]


def modules_after_importing(*modules: str) -> set[str]:
    """The top-level modules loaded by importing `modules` in a fresh interpreter that has no
    model artifact to find: an import that tried to load the model would fail."""
    code = f"import sys, {', '.join(modules)}; print(*{{m.split('.')[0] for m in sys.modules}})"
    environment = {**os.environ, "MODEL_PATH": "/nonexistent/model.joblib"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_core_imports_no_web_framework():
    assert not modules_after_importing(*CORE_MODULES) & WEB_FRAMEWORKS


def test_the_walk_finds_the_core_and_its_subpackages():
    assert {"shared.model", "shared.openapi", "shared.v2.codec"} <= set(CORE_MODULES)


@pytest.mark.parametrize(
    ("service", "other"),
    [("fastapi_service", "flask_service"), ("flask_service", "fastapi_service")],
)
def test_a_service_imports_without_a_model_and_without_its_twin(service, other):
    assert other not in modules_after_importing(f"{service}.app")
