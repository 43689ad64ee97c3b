"""The README's promises, checked: its curl examples, its settings table, its make targets."""

import re
import subprocess

import pytest

from shared.settings import PROJECT_ROOT, Settings

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
        assert answer[:40] in shown, answer


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in README, name


def test_make_targets_in_the_readme_exist():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    for target in set(re.findall(r"make ([a-z][a-z0-9-]*[a-z0-9])(?![*\w-])", README)):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
