"""Every Mermaid diagram in the lessons, the README and docs/ parses, as GitHub will render it.

The checker is mermaid's own command line, mmdc (npm `@mermaid-js/mermaid-cli`), which renders
in a headless browser: Debian's Chromium, so npm downloads none. `make mermaid-cli` installs it
into .tools/mermaid/ (git ignores it); without it, or without Chromium, the test skips and says so.
"""

import json
import re
import shutil
import subprocess

import pytest

from shared.core.settings import PROJECT_ROOT

MMDC = PROJECT_ROOT / ".tools" / "mermaid" / "node_modules" / ".bin" / "mmdc"
CHROMIUM = shutil.which("chromium")
DOCUMENTS = sorted(
    [
        PROJECT_ROOT / "README.md",
        *PROJECT_ROOT.glob("lessons/*.md"),
        *PROJECT_ROOT.glob("docs/**/*.md"),
    ]
)
MERMAID = re.compile(r"^```mermaid\n(.*?)^```", re.MULTILINE | re.DOTALL)


def diagrams() -> list[tuple[str, str]]:
    found = []
    for document in DOCUMENTS:
        for number, match in enumerate(MERMAID.finditer(document.read_text()), start=1):
            found.append((f"{document.relative_to(PROJECT_ROOT)}#{number}", match.group(1)))
    return found


def test_the_course_has_its_diagrams():
    names = [name for name, _ in diagrams()]
    assert "lessons/01-http-in-practice.md#1" in names  # a request and its answer
    assert "lessons/05-routes-side-by-side.md#2" in names  # the lifecycle in each framework
    assert "lessons/15-sync-async-and-the-event-loop.md#1" in names  # micro-batching


@pytest.mark.parametrize(("name", "diagram"), diagrams(), ids=[name for name, _ in diagrams()])
def test_diagram_parses(name, diagram, tmp_path):
    if not MMDC.exists():
        pytest.skip("mermaid-cli is not installed: `make mermaid-cli` installs it (needs npm)")
    if CHROMIUM is None:
        pytest.skip("mermaid-cli renders in Chromium: install Debian's `chromium`")
    browser = tmp_path / "puppeteer.json"
    browser.write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox"]}))
    source = tmp_path / "diagram.mmd"
    source.write_text(diagram)
    result = subprocess.run(
        [MMDC, "--quiet", "-p", browser, "-i", source, "-o", tmp_path / "diagram.svg"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    error = next((line for line in result.stderr.splitlines() if "Error" in line), result.stderr)
    assert result.returncode == 0, f"{name} does not parse: {error}"
