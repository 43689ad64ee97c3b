"""The project as a user installs it: a wheel, not the editable install the suite runs from.

An editable install reads files from the source tree, so a file the wheel forgets (the /docs
page's template, once) only shows up after a real install. This test builds the wheel from a
copy of the project, installs it into a fresh virtual environment, and serves both apps from it.
"""

import json
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from shared.core.settings import PROJECT_ROOT

# What a wheel is built from: the packages and the metadata pyproject.toml names.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "shared", "fastapi_service", "flask_service")

# Run by the new environment's Python, from a folder without the project in it.
SERVE_BOTH_APPS = textwrap.dedent(
    """
    import json, sys
    import shared.contract.docs
    from fastapi.testclient import TestClient
    from fastapi_service.app import create_app as create_fastapi_app
    from flask_service.app import create_app as create_flask_app
    from shared.core.schemas import EXAMPLE_PATIENT
    from shared.core.settings import Settings
    from shared.core.store import migrate

    settings = Settings(model_path=sys.argv[1], database_url=sys.argv[2])
    migrate(settings.database_url)  # the migrations travel in the wheel too
    statuses = {"shared": shared.contract.docs.__file__}
    with TestClient(create_fastapi_app(settings)) as client:
        for path in ("/docs", "/static/swagger-ui/swagger-ui.css", "/"):
            statuses["fastapi GET " + path] = client.get(path).status_code
        response = client.post("/predict", json=EXAMPLE_PATIENT)
        statuses["fastapi POST /predict"] = response.status_code
        response = client.post("/predictions", json=EXAMPLE_PATIENT)
        statuses["fastapi POST /predictions"] = response.status_code
    client = create_flask_app(settings).test_client()
    for path in ("/docs", "/static/swagger-ui/swagger-ui.css", "/"):
        statuses["flask GET " + path] = client.get(path).status_code
    statuses["flask POST /predict"] = client.post("/predict", json=EXAMPLE_PATIENT).status_code
    print(json.dumps(statuses))
    """
)


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def build_wheel(tmp_path: Path) -> Path:
    """The wheel, built from a copy so the build leaves nothing in the working tree. No build
    isolation: setuptools comes from the dev environment, so the test needs no network."""
    source = tmp_path / "source"
    for name in SOURCES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy(origin, source / name)
    pip = (sys.executable, "-m", "pip")
    run(
        *pip,
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        tmp_path,
        ".",
        cwd=source,
    )
    return next(tmp_path.glob("ml_serving_twins-*.whl"))


def fresh_environment(tmp_path: Path) -> Path:
    """A new virtual environment that sees the dev environment's packages (the dependencies,
    already installed) only after its own, so the wheel's `shared` wins over the editable one."""
    environment = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", environment, cwd=tmp_path)
    python = environment / "bin" / "python"
    site_packages = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
    ).strip()
    dev_site_packages = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A plain path in a .pth file: the dev environment's own .pth files (the editable install's
    # finder among them) are not run, so the project's source tree stays out of sight.
    Path(site_packages, "dev-dependencies.pth").write_text(dev_site_packages + "\n")
    return python


def test_a_built_wheel_installs_and_serves_both_apps(tmp_path, model_path):
    wheel = build_wheel(tmp_path)
    python = fresh_environment(tmp_path)
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    database_url = f"sqlite:///{tmp_path / 'predictions.db'}"
    served = run(python, "-c", SERVE_BOTH_APPS, model_path, database_url, cwd=outside)
    statuses = json.loads(served)
    assert not statuses.pop("shared").startswith(str(PROJECT_ROOT))
    assert statuses.pop("fastapi POST /predictions") == 201  # stored: the schema was migrated
    assert statuses == dict.fromkeys(statuses, 200)
    assert len(statuses) == 8


def test_the_build_floor_reads_the_license_expression():
    """`license = "MIT"` (an SPDX string, PEP 639) needs setuptools 77; older ones refuse it."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    assert isinstance(project["project"]["license"], str)
    (requirement,) = project["build-system"]["requires"]
    name, _, floor = requirement.partition(">=")
    assert name == "setuptools"
    assert int(floor.split(".")[0]) >= 77
