"""Every lesson has the shape a student relies on: numbered in the path, "Before you start"
first, its exercises last, and every excerpt of a project file labelled as one."""

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
    assert f"make exercise-start N={number}" in exercises, "say how to start it in work/"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.name)
def test_the_path_lists_the_lesson_with_its_minutes(lesson):
    row = next((line for line in PATH.splitlines() if f"]({lesson.name})" in line), None)
    assert row, f"lessons/README.md does not list {lesson.name}"
    assert re.search(r"\| \d+ \|", row), f"no minutes for {lesson.name}"


DOCUMENTS = sorted(PROJECT_ROOT.glob("lessons/**/*.md"))
FENCE_OPENING = re.compile(r"^```")
CAPTION = re.compile(r"^\*(Excerpt of|Save as) ")


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=lambda path: str(path.relative_to(PROJECT_ROOT / "lessons"))
)
def test_every_excerpt_names_its_file_where_a_reader_sees_it(document):
    """A block that quotes a project file has its caption right above the fence (the file name
    in an info string such as ```python file=... vanishes once the Markdown is rendered), and
    a caption always sits on a block."""
    lines = document.read_text().splitlines()
    hidden = [line for line in lines if FENCE_OPENING.match(line) and " file=" in line]
    assert not hidden, f"file names only the source shows, write a caption instead: {hidden}"
    for number, line in enumerate(lines[:-1], start=1):
        if CAPTION.match(line):
            assert lines[number].startswith("```"), f"line {number}: a caption, but no block"


GLOSSARY = PROJECT_ROOT / "lessons" / "GLOSSARY.md"
# - **term**: definition ([lesson NN](NN-name.md))
GLOSSARY_ENTRY = re.compile(
    r"^- \*\*(?P<term>.+?)\*\*: .+ \(\[lesson (?P<number>\d\d)\]\((?P<file>[^)]+)\)\)$"
)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.name)
def test_every_lesson_links_the_glossary(lesson):
    assert "](GLOSSARY.md)" in lesson.read_text()


def test_every_glossary_term_is_in_the_lesson_it_names():
    entries = [
        GLOSSARY_ENTRY.match(line)
        for line in GLOSSARY.read_text().splitlines()
        if line.startswith("- **")
    ]
    assert entries and all(entries), "each entry: - **term**: definition ([lesson NN](file))"
    missing = []
    for entry in entries:
        assert entry["file"].startswith(entry["number"]), entry.group(0)
        lesson = (GLOSSARY.parent / entry["file"]).read_text().replace("*", "").lower()
        term = entry["term"].strip("`").split(" (")[0].lower()
        if term not in lesson:
            missing.append(f"{term} (lesson {entry['number']})")
    assert not missing, f"glossary terms their lesson never uses: {missing}"
