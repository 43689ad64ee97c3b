"""The rules of the house that code review alone would let slip."""

import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import shared
from shared.core.settings import PROJECT_ROOT

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
    assert {"shared.core.model", "shared.contract.openapi", "shared.contract.v2.codec"} <= set(
        CORE_MODULES
    )


@pytest.mark.parametrize(
    ("service", "other"),
    [("fastapi_service", "flask_service"), ("flask_service", "fastapi_service")],
)
def test_a_service_imports_without_a_model_and_without_its_twin(service, other):
    assert other not in modules_after_importing(f"{service}.app")


# Files that one service has and its twin has not, each with the reason (every other file of
# either service has a twin of the same name, in the same layer).
ONE_SIDED_FILES = {
    "fastapi_service/server/validation.py": "FastAPI validates bodies on its event loop; a gevent "
    "worker has no thread pool to move that work to (the file's docstring says more)",
}


def service_files(service: str) -> set[str]:
    root = PROJECT_ROOT / service
    return {str(path.relative_to(root)) for path in root.rglob("*.py")}


def test_every_file_of_a_service_has_a_twin_or_a_stated_reason():
    fastapi, flask = service_files("fastapi_service"), service_files("flask_service")
    one_sided = {f"fastapi_service/{name}" for name in fastapi - flask}
    one_sided |= {f"flask_service/{name}" for name in flask - fastapi}
    assert one_sided == set(ONE_SIDED_FILES)


@pytest.mark.parametrize("service", ["fastapi_service", "flask_service"])
def test_the_app_layer_imports_nothing_of_the_server_layer_but_its_middleware(service):
    """The lesson reads the app layer: the armour is one call (`install_middleware`) and, in
    FastAPI, the route class that validates large bodies off the event loop."""
    allowed = {f"{service}.server.middleware", f"{service}.server.validation"}
    for path in (PROJECT_ROOT / service / "app").glob("*.py"):
        imported = imported_modules(path)
        server_imports = {name for name in imported if name.startswith(f"{service}.server")}
        assert server_imports <= allowed, path


def imported_modules(path: Path) -> set[str]:
    """The modules a file imports, read from its source (`from x import y` and `import x`)."""
    tree = ast.parse(path.read_text())
    found = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name}


def test_the_domain_imports_nothing_of_the_http_contract():
    """shared.core is the domain; shared.contract may use it, never the other way round. Read
    from the sources: each core module importing only core modules, none reaches the contract."""
    for path in (PROJECT_ROOT / "shared" / "core").rglob("*.py"):
        contract = {name for name in imported_modules(path) if name.startswith("shared.contract")}
        assert not contract, path
