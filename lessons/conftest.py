"""Every code block in a lesson is executed or checked, so a lesson cannot drift from the code, and
every block works when a student pastes it.

- ```python blocks are plain Python (no `>>>` prompts: pasted into a file or a REPL they are a
  SyntaxError), pasted line by line into Python's interactive prompt (`code.InteractiveConsole`),
  in order, one namespace per lesson, as a student pastes them into one session: a blank line
  inside an indented block ends it there, so it fails here too. A block names its servers itself
  (`FASTAPI = "http://localhost:8000"`); see "Servers" below.
- A block of any language right under a caption line is an excerpt, checked, not run: its lines
  must stand, in order and together, in the file the caption names, and the caption says so in
  the rendered page:
      *Excerpt of [`shared/core/train.py`](../shared/core/train.py): read it, don't paste it*
  or, for the files lesson 03 has the student write (checked in lessons/examples/03/):
      *Save as `scratch/first_fastapi.py` (a file, not for the Python prompt):*
- ```bash blocks: each line is one of
  - a `make` call whose target exists (`API_KEY=... make run-fastapi` may set variables first);
  - a server started by hand from the virtual environment (`.venv/bin/uvicorn ... --port 8010`,
    `.venv/bin/flask ... run --port 8011`, `.venv/bin/gunicorn --bind 127.0.0.1:8012 ...`);
  - a `curl` call, run against the server its URL names, which must succeed;
  - `mkdir` or `cp` to set up a scratch folder (checked, not run: a copied file must exist).
- ```text blocks are prose (tables of output); ```mermaid blocks are diagrams whose syntax
  lessons/test_mermaid.py checks.
Anything else fails, so nothing unchecked slips in.

Servers. Each lesson's "Before you start" says which servers to start, as bash lines a student
types: `make run-fastapi` serves http://localhost:8000, `make run-flask` http://localhost:8001, a
hand-started server the port its line names. When a block calls `http://localhost:<port>`, the
test starts the line that serves that port, exactly as written but on a free port (and with a
throwaway model and database), and points the block at it. So `make lesson N=09` starts what
lesson 09 starts, with the settings it gives, and nothing else. Lesson 03's scratch files are
read from lessons/examples/03/, where the lesson's excerpts of them are checked.
"""

import code
import re
import shlex
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import SkipParser

from shared.core.settings import PROJECT_ROOT, Settings
from tests.support.processes import ManagedProcess, free_port, is_listening

FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
MAKE_TARGET = re.compile(r"^([a-z][a-z0-9-]*):", re.MULTILINE)
LOCAL_URL = re.compile(r"http://localhost:(\d+)")
ASSIGNMENT = re.compile(r"^[A-Z_]+=")
MAKE_SERVERS = {"run-fastapi": ("fastapi", 8000), "run-flask": ("flask", 8001)}
HAND_STARTED = (".venv/bin/uvicorn", ".venv/bin/flask", ".venv/bin/gunicorn")
# Where the tests find the files lesson 03 asks the student to write in scratch/.
SCRATCH_COPY = "lessons/examples/03"
# The line right above an excerpt's fence: the file it quotes, visible once rendered.
EXCERPT_CAPTION = re.compile(
    r"^\*Excerpt of \[`(?P<path>[^`]+)`\]\(\.\./(?P=path)\): read it, don't paste it\*$"
)
SCRATCH_CAPTION = re.compile(
    r"^\*Save as `scratch/(?P<name>[^`]+)` \(a file, not for the Python prompt\):\*$"
)
CAPTION_EXAMPLE = (
    "*Excerpt of [`shared/core/train.py`](../shared/core/train.py): read it, don't paste it*"
)


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


class ServerLine:
    """One bash line of a lesson that starts a server, and the port a student reaches it on."""

    def __init__(self, line: str) -> None:
        words = shlex.split(line)
        self.env = dict(word.split("=", 1) for word in words if ASSIGNMENT.match(word))
        self.words = [word for word in words if not ASSIGNMENT.match(word)]
        self.line = line
        self.port = self.find_port()

    def find_port(self) -> int:
        if self.words[0] == "make":
            _, port = MAKE_SERVERS[self.words[1]]
            return port
        for flag, value in zip(self.words, self.words[1:], strict=False):
            if flag in ("--port", "-p"):
                return int(value)
            if flag in ("--bind", "-b"):
                return int(value.rsplit(":", 1)[1])
        raise AssertionError(f"a server line must name its port (--port or --bind): {self.line}")

    def command_on(self, port: int) -> list[str]:
        """The same command on another port, reading scratch/ files from the checked copies."""
        command = []
        for word in self.words:
            word = word.replace("scratch", SCRATCH_COPY)
            if word == str(self.port):
                word = str(port)
            elif word.endswith(f":{self.port}"):
                word = word.removesuffix(str(self.port)) + str(port)
            command.append(word)
        return command


class HandStartedServer(ManagedProcess):
    """A server command from a lesson, run from the project's folder until the session ends."""

    def __init__(self, server: ServerLine, model_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = server.command_on(self.port)
        super().__init__(command, cwd=PROJECT_ROOT, env={"MODEL_PATH": str(model_path)})
        self.wait_until(lambda: is_listening(self.port))


class LessonServers:
    """The servers the lessons' "Before you start" lines start, each started once, on demand."""

    def __init__(self, start_live_server: Callable[..., object], settings: Settings) -> None:
        self.start_live_server = start_live_server
        self.settings = settings
        self.started: dict[str, str] = {}  # the lesson's line -> base URL of the running server
        self.hand_started: list[HandStartedServer] = []

    def url(self, server: ServerLine) -> str:
        if server.line not in self.started:
            if server.words[0] == "make":
                service, _ = MAKE_SERVERS[server.words[1]]
                base_url = self.start_live_server(service, **server.env).base_url
            else:
                started = HandStartedServer(server, self.settings.model_path)
                self.hand_started.append(started)
                base_url = started.base_url
            self.started[server.line] = base_url
        return self.started[server.line]

    def stop(self) -> None:
        for server in self.hand_started:
            server.stop()


def servers_of(example: Example) -> dict[int, ServerLine]:
    return example.namespace.setdefault("__lesson_servers__", {})


def point_at_live_servers(code: str, example: Example) -> str:
    """Replace each http://localhost:<port> with the server the lesson starts on that port."""

    def live_url(match: re.Match) -> str:
        port = int(match.group(1))
        server = servers_of(example).get(port)
        assert server, (
            f"a block calls localhost:{port}, but no line of this lesson starts a server there "
            "(say it in 'Before you start')"
        )
        return example.namespace["lesson_servers"].url(server)

    return LOCAL_URL.sub(live_url, code)


def run_shell_block(example: Example) -> None:
    for line in example.parsed.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = [word for word in shlex.split(line) if not ASSIGNMENT.match(word)]
        if words[0] == "make":
            targets = [word for word in words[1:] if "=" not in word and not word.startswith("-")]
            missing = set(targets) - makefile_targets()
            assert not missing, f"the Makefile has no target {missing}: {line}"
            if targets and targets[0] in MAKE_SERVERS:
                server = ServerLine(line)
                servers_of(example)[server.port] = server
        elif words[0] in HAND_STARTED:
            assert (PROJECT_ROOT / words[0]).exists(), f"{words[0]} is not installed: {line}"
            server = ServerLine(line)
            servers_of(example)[server.port] = server
        elif words[0] in ("mkdir", "cp"):
            # Setting up the student's scratch folder: harmless, and not done by the tests,
            # which read lesson 03's files from their checked copies. A copied file must exist.
            for source in words[1:-1] if words[0] == "cp" else []:
                assert (PROJECT_ROOT / source).exists(), f"{source} does not exist: {line}"
        elif words[0] == "curl":
            command = point_at_live_servers(line, example)
            result = subprocess.run(
                ["bash", "-c", command.replace("curl ", "curl --fail --silent --show-error ", 1)],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert result.returncode == 0, f"{command} failed: {result.stderr}"
        else:
            raise AssertionError(
                f"a lesson's bash block may only run make, curl or a server from .venv/bin: {line}"
            )


class PastedAtThePrompt(code.InteractiveConsole):
    """Python's interactive prompt, fed one line at a time; an error stops the paste and fails."""

    def runcode(self, compiled) -> None:
        exec(compiled, self.locals)  # an exception propagates: the test shows its traceback

    def showsyntaxerror(self, filename=None, **kwargs) -> None:
        raise PasteError("Python's prompt cannot read the lines pasted so far")


class PasteError(AssertionError):
    pass


def paste_at_the_prompt(code_text: str, namespace: dict, first_line: int) -> None:
    """Type each line of `code_text` at the prompt, then Enter on an empty line, as a student does.

    The prompt ends a `for`, `def`, `class` or `with` at the first blank line, and reads a line
    that is not indented after one as a mistake: so no blank line inside one, and a blank line
    after each.
    """
    console = PastedAtThePrompt(locals=namespace)
    lines = [*code_text.splitlines(), ""]
    for number, line in enumerate(lines, start=first_line):
        try:
            console.push(line)
        except PasteError as error:
            raise PasteError(
                f"pasted at Python's prompt, line {number} of the lesson fails: {line!r}\n"
                "(a blank line inside an indented block ends the block there; a statement right "
                "after an indented block needs a blank line before it)"
            ) from error


def run_python_block(example: Example) -> None:
    first_line, code_text = example.parsed
    assert not re.search(r"^>>> ", code_text, re.MULTILINE), (
        "a `>>>` prompt is a SyntaxError when pasted: write plain Python with print or assert"
    )
    compile(code_text, str(example.path), "exec")  # a plain SyntaxError names the line first
    paste_at_the_prompt(point_at_live_servers(code_text, example), example.namespace, first_line)


def excerpt_source(caption: str) -> str | None:
    """The file an excerpt's caption names (lesson 03's scratch files: their checked copies)."""
    if match := EXCERPT_CAPTION.match(caption):
        return match["path"]
    if match := SCRATCH_CAPTION.match(caption):
        return f"{SCRATCH_COPY}/{match['name']}"
    return None


def fenced_blocks(document: Document) -> Iterable[Region]:
    """Every fenced block: run, checked, or refused."""
    for match in FENCE.finditer(document.text):
        info = match.group("info").strip()
        language, _, attributes = info.partition(" ")
        body = match.group("body")
        line_above = document.text[: match.start()].rstrip("\n").rpartition("\n")[2]
        if attributes.startswith("file="):
            yield Region(match.start(), match.end(), attributes, refuse_hidden_file_name)
        elif path := excerpt_source(line_above):
            yield Region(match.start(), match.end(), (path, body), check_excerpt)
        elif language == "python" and not attributes:
            # The line in the lesson where the body starts, so a failure points into the block.
            first_line = document.text.count("\n", 0, match.start("body")) + 1
            yield Region(match.start(), match.end(), (first_line, body), run_python_block)
        elif language in ("bash", "sh"):
            yield Region(match.start(), match.end(), body, run_shell_block)
        elif language not in ("text", "mermaid"):
            yield Region(match.start(), match.end(), info, refuse_block)


def refuse_hidden_file_name(example: Example) -> None:
    path = example.parsed.removeprefix("file=")
    raise AssertionError(
        f"```lang {example.parsed}: the file name is invisible once rendered; write a caption "
        f"line right above the fence instead: *Excerpt of [`{path}`](../{path}): read it, "
        "don't paste it*"
    )


def refuse_block(example: Example) -> None:
    raise AssertionError(
        f"a ```{example.parsed} block is neither run nor checked: make it python, bash, text, "
        f"mermaid, or an excerpt with its caption right above the fence: {CAPTION_EXAMPLE}"
    )


@pytest.fixture(scope="session")
def lesson_servers(start_live_server, settings) -> Iterator[LessonServers]:
    servers = LessonServers(start_live_server, settings)
    yield servers
    servers.stop()


pytest_collect_file = Sybil(
    parsers=[SkipParser(), fenced_blocks],
    patterns=["*.md"],
    # The lessons themselves; exercises/, solutions/ and capstone/ check their own files.
    excludes=["*/*.md"],
    path=str(Path(__file__).parent),
    fixtures=["lesson_servers"],
).pytest()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A lesson whose blocks call a server is `live` as a whole: `make test-fast` skips it."""
    for item in items:
        if item.path.suffix == ".md" and calls_a_server(item.path.read_text()):
            item.add_marker(pytest.mark.live)


def calls_a_server(text: str) -> bool:
    return any(
        LOCAL_URL.search(block["body"])
        for block in FENCE.finditer(text)
        if block["info"].strip() in ("python", "bash", "sh")
    )
