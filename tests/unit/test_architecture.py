"""The rules of the house that code review alone would let slip."""

import os
import subprocess
import sys

import pytest

WEB_FRAMEWORKS = {"fastapi", "starlette", "flask", "werkzeug", "flask_openapi3"}
CORE_MODULES = ["shared", "shared.settings", "shared.schemas", "shared.model", "shared.train"]
CORE_MODULES += ["shared.web", "shared.errors", "shared.docs", "shared.openapi"]


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


@pytest.mark.parametrize(
    ("service", "other"),
    [("fastapi_service", "flask_service"), ("flask_service", "fastapi_service")],
)
def test_a_service_imports_without_a_model_and_without_its_twin(service, other):
    assert other not in modules_after_importing(f"{service}.app")
