"""Every lesson has the shape a student relies on: numbered in the path, "Before you start"
first, its exercises last."""

import re

import pytest

from shared.core.settings import PROJECT_ROOT

LESSONS = sorted(PROJECT_ROOT.glob("lessons/[0-9][0-9]-*.md"))
PATH = (PROJECT_ROOT / "lessons" / "README.md").read_text()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.name)
def test_a_lesson_opens_with_before_you_start_and_ends_with_its_exercises(lesson):
    number = lesson.name[:2]
    text = lesson.read_text()
    sections = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert text.startswith(f"# {number} · "), "the title starts with the lesson's number"
    assert sections[0] == "Before you start"
    assert sections[-1] == "Exercises"
    exercises = text.split("\n## Exercises\n", 1)[1]
    assert f"(exercises/{number}/README.md)" in exercises
    assert f"make exercise N={number}" in exercises


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.name)
def test_the_path_lists_the_lesson_with_its_minutes(lesson):
    row = next((line for line in PATH.splitlines() if f"]({lesson.name})" in line), None)
    assert row, f"lessons/README.md does not list {lesson.name}"
    assert re.search(r"\| \d+ \|", row), f"no minutes for {lesson.name}"
