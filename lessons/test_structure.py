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


WALK_ROW = re.compile(r"^\| `(?P<path>[\w/]+\.py)` \| (?P<lines>\d+) \|", re.MULTILINE)


def walk_tables() -> list[str]:
    """Lesson 05's walk of POST /predict: one table of files per service."""
    lesson = (PROJECT_ROOT / "lessons" / "05-routes-side-by-side.md").read_text()
    walk = lesson.split("\n## The walk of POST /predict\n", 1)[1].split("\n## ", 1)[0]
    return re.split(r"^(?:FastAPI|Flask):$", walk, flags=re.MULTILINE)[1:]


def test_the_walk_of_predict_lists_at_most_six_files_per_service():
    tables = walk_tables()
    assert len(tables) == 2, "one table for FastAPI, one for Flask"
    for service, table in zip(("fastapi", "flask"), tables, strict=True):
        paths = [path for path, _ in WALK_ROW.findall(table)]
        assert 1 <= len(paths) <= 6
        for path in paths:  # the app layer and shared/ only: the server layer is lesson 13's
            assert path.startswith((f"{service}_service/app/", "shared/")), path


def walk_rows() -> list[tuple[str, str]]:
    """Each file the walk names, with the length it gives."""
    return sorted(
        {row.group("path", "lines") for table in walk_tables() for row in WALK_ROW.finditer(table)}
    )


@pytest.mark.parametrize("path, lines", walk_rows())
def test_the_walk_of_predict_gives_each_file_its_current_length(path, lines):
    source = PROJECT_ROOT / path
    assert source.is_file(), f"lesson 05's walk names {path}, which does not exist"
    assert len(source.read_text().splitlines()) == int(lines), f"update {path}'s count in lesson 05"


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


def prose(text: str) -> str:
    """A lesson without its fenced blocks and inline code: the words a reader meets as words."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    # Link targets (but a link to the glossary) and addresses are not words either.
    text = re.sub(r"\]\((?!GLOSSARY\.md)[^)\s]+\)|https?://\S+", "]", text)
    return re.sub(r"`[^`\n]+`", "", text)


def first_use(term: str, text: str) -> re.Match | None:
    """The first place the term (or its plural) appears as a word of its own; a name of code
    (`Annotated`) in its own case only, as the English word (annotated) is another."""
    case = 0 if term[0] == "`" else re.IGNORECASE
    return re.search(rf"(?<![\w-]){re.escape(term.strip('`'))}(?:s|es)?\b", text, case)


def glossary_terms() -> list[tuple[str, int]]:
    entries = (GLOSSARY_ENTRY.match(line) for line in GLOSSARY.read_text().splitlines())
    return [(entry["term"].split(" (")[0], int(entry["number"])) for entry in entries if entry]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.name)
def test_a_term_taught_later_is_defined_or_linked_where_first_used(lesson):
    """A word the glossary says a later lesson teaches is, where this lesson first uses it,
    either defined there (in bold) or a link to the glossary: a beginner is never left with a
    word nothing has explained."""
    number = int(lesson.name[:2])
    text = prose(lesson.read_text())
    unexplained = []
    for term, taught_in in glossary_terms():
        hit = first_use(term, text) if taught_in > number else None
        if hit is None:
            continue
        defined = text[max(0, hit.start() - 2) : hit.start()] == "**"
        linked = "[" in text[max(0, hit.start() - 40) : hit.start()] and re.match(
            r"[^\[\]\n]*\]\(GLOSSARY\.md", text[hit.end() :]
        )
        if not (defined or linked):
            words = " ".join(text[max(0, hit.start() - 40) : hit.end() + 20].split())
            unexplained.append(f"{term} (lesson {taught_in:02d}) in '...{words}...'")
    hint = "define these where first used, or link them, [term](GLOSSARY.md): "
    assert not unexplained, hint + "; ".join(unexplained)
