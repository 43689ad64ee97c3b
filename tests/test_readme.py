"""The README's promises, checked: its curl examples, its settings table, its make targets."""

import re
import subprocess

import pytest

from shared.core.settings import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text()


def curl_lines() -> list[str]:
    section = README.split("## Try it with curl", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.startswith("curl")]


def run_curl(line: str, base_url: str) -> str:
    result = subprocess.run(
        ["bash", "-c", line.replace("curl ", "curl --fail-with-body ", 1)],
        env={"BASE": base_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.stdout


@pytest.mark.live
@pytest.mark.parametrize("line", curl_lines())
def test_curl_example_gives_the_same_answer_from_both_services(line, live_servers):
    fastapi, flask = (run_curl(line, live_servers[name].base_url) for name in ("fastapi", "flask"))
    assert fastapi
    assert fastapi == flask


@pytest.mark.live
def test_curl_answers_shown_are_the_real_ones(live_servers):
    shown = README.split("The answers, identical from both services:", 1)[1]
    base_url = live_servers["fastapi"].base_url
    for line in curl_lines():
        answer = run_curl(line, base_url)
        assert to_nine_digits(answer)[:40] in to_nine_digits(shown), answer


def to_nine_digits(text: str) -> str:
    """Floats rounded to 9 significant digits: the last bits of a prediction depend on the
    machine's BLAS kernel, so the README's answer and this machine's agree to about 1e-15."""
    return re.sub(r"\d+\.\d+", lambda number: f"{float(number.group()):.9g}", text)


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in README, name


def test_make_targets_in_the_readme_exist():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    for target in set(re.findall(r"make ([a-z][a-z0-9-]*[a-z0-9])(?![*\w-])", README)):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


# The repository map: every path it names exists, and every module of the three packages is in
# it, so a new module cannot be left off the map and a moved one cannot linger on it.
MAP_PACKAGES = ("shared", "fastapi_service", "flask_service")
# In a folder's description, the lowercase names of its files (`app.py`) and folders (`unit/`).
LISTED_NAME = re.compile(r"(?<![\w./])([a-z0-9_]+(?:\.py|/))(?=[\s,)]|$)")


NESTING_INDENT = 6  # names sit at 0, 2, 4 or 6 spaces; a line indented more continues a description


def repository_map() -> set[str]:
    """The paths the map names, relative to the project root, folders with a trailing `/`.

    A line starts with its names (`web.py, metrics.py`), two spaces, then a description; each two
    spaces of indent put the names inside the folder above. A folder's description, continued on
    the lines below it, may list the folder's own files and folders (`main.py (factory)`)."""
    block = README.split("## Map of the repository", 1)[1].split("```text\n", 1)[1]
    named: set[str] = set()
    folders: list[str] = []  # the folder of each level of indent above this line
    listing = ""  # the folder whose description is being read, if any
    for line in block.split("```", 1)[0].splitlines():
        indent = len(line) - len(line.lstrip())
        if indent > NESTING_INDENT:  # a description, continued
            named.update(listing + name for name in LISTED_NAME.findall(line) if listing)
            continue
        level = indent // 2
        names, _, description = line.strip().partition("  ")
        prefix = "".join(folders[:level])
        entries = [prefix + name.strip() for name in names.split(",")]
        named.update(entries)
        single_folder = len(entries) == 1 and entries[0].endswith("/")
        folders = [*folders[:level], names.strip() if single_folder else ""]
        listing = entries[0] if single_folder else ""
        named.update(listing + name for name in LISTED_NAME.findall(description) if listing)
    return named


def test_every_path_on_the_repository_map_exists():
    missing = {path for path in repository_map() if not (PROJECT_ROOT / path).exists()}
    assert not missing


def test_every_module_is_on_the_repository_map():
    named = repository_map()
    modules = {
        str(path.relative_to(PROJECT_ROOT))
        for package in MAP_PACKAGES
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if path.name != "__init__.py"
    }
    assert not {module for module in modules if module not in named}
