"""Every code block in a lesson is executed or checked, so a lesson cannot drift from the code.

- ```python blocks run in order, one namespace per lesson (doctest `>>>` blocks check their output).
  `fastapi_url` and `flask_url` name live servers started as `make run-fastapi`/`run-flask` do.
- ```python file=path/to/file.py (any language works) is an excerpt: its lines must stand, in
  order and together, in that file of the repository. Excerpts are checked, not run.
- ```bash blocks: every line is a `make` call whose target exists, or a `curl` call that is run
  against both live services and must succeed.
- ```text blocks are prose (diagrams, tables of output) and are left alone.
Anything else fails, so nothing unchecked slips in.
"""

import re
import shlex
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from shared.settings import PROJECT_ROOT

FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
MAKE_TARGET = re.compile(r"^([a-z][a-z0-9-]*):", re.MULTILINE)


def makefile_targets() -> set[str]:
    return set(MAKE_TARGET.findall((PROJECT_ROOT / "Makefile").read_text()))


def check_excerpt(example: Example) -> None:
    path, excerpt = example.parsed
    source = (PROJECT_ROOT / path).read_text()
    source_lines = [line.rstrip() for line in source.splitlines()]
    excerpt_lines = [line.rstrip() for line in excerpt.rstrip("\n").splitlines()]
    for start in range(len(source_lines) - len(excerpt_lines) + 1):
        if source_lines[start : start + len(excerpt_lines)] == excerpt_lines:
            return
    raise AssertionError(f"this excerpt no longer stands in {path}:\n{excerpt}")


def run_shell_block(example: Example) -> None:
    for line in example.parsed.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        if words[0] == "make":
            targets = [word for word in words[1:] if "=" not in word and not word.startswith("-")]
            missing = set(targets) - makefile_targets()
            assert not missing, f"the Makefile has no target {missing}: {line}"
        elif words[0] == "curl":
            for name in ("fastapi_url", "flask_url"):
                url = example.namespace[name]
                command = line.replace("http://localhost:8000", url)
                command = command.replace("http://localhost:8001", url)
                result = subprocess.run(
                    [
                        "bash",
                        "-c",
                        command.replace("curl ", "curl --fail --silent --show-error ", 1),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=30,
                )
                assert result.returncode == 0, f"{command} failed: {result.stderr}"
        else:
            raise AssertionError(f"a lesson's bash block may only run make or curl: {line}")


def fenced_blocks(document: Document) -> Iterable[Region]:
    """Excerpts, shell blocks and the refusal of any other block; python goes to sybil's parser."""
    for match in FENCE.finditer(document.text):
        info = match.group("info").strip()
        language, _, attributes = info.partition(" ")
        body = match.group("body")
        if attributes.startswith("file="):
            path = attributes.removeprefix("file=")
            yield Region(match.start(), match.end(), (path, body), check_excerpt)
        elif language in ("bash", "sh"):
            yield Region(match.start(), match.end(), body, run_shell_block)
        elif language not in ("python", "text"):
            yield Region(match.start(), match.end(), info, refuse_block)


def refuse_block(example: Example) -> None:
    raise AssertionError(
        f"a ```{example.parsed} block is neither run nor checked: make it python, bash, text "
        "or an excerpt (```lang file=path)"
    )


class PlainPythonBlocks(PythonCodeBlockParser):
    """Sybil's Python parser (plain code and doctest), minus the excerpts it must not run."""

    def __call__(self, document: Document) -> Iterable[Region]:
        excerpts = [
            (match.start(), match.end())
            for match in FENCE.finditer(document.text)
            if " file=" in match.group("info")
        ]
        for region in super().__call__(document):
            if not any(start <= region.start < end for start, end in excerpts):
                yield region


@pytest.fixture(scope="session")
def fastapi_url(live_servers) -> str:
    return live_servers["fastapi"].base_url


@pytest.fixture(scope="session")
def flask_url(live_servers) -> str:
    return live_servers["flask"].base_url


pytest_collect_file = Sybil(
    parsers=[PlainPythonBlocks(), SkipParser(), fenced_blocks],
    patterns=["*.md"],
    path=str(Path(__file__).parent),
    fixtures=["fastapi_url", "flask_url"],
).pytest()
