"""Statements of the lessons about the project that once were false, checked against the project.

Each test reads what the lessons say and the file that decides whether it is true, so the
statement cannot come back unnoticed when either changes.
"""

import json
import re

from shared.core.settings import PROJECT_ROOT

LESSONS = sorted(PROJECT_ROOT.glob("lessons/[0-9][0-9]-*.md"))
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text()
POSTMAN = PROJECT_ROOT / "clients" / "postman"


def paragraphs() -> list[tuple[str, str]]:
    return [
        (lesson.name, paragraph)
        for lesson in LESSONS
        for paragraph in lesson.read_text().split("\n\n")
    ]


def test_postman_variables_are_said_to_live_where_they_live():
    """baseUrl and apiKey are the environments' variables: a lesson that tells the student to set
    them says so, or `{{baseUrl}}/health` cannot be sent."""
    collection = {
        v["key"] for v in json.loads((POSTMAN / "collection.json").read_text())["variable"]
    }
    environments = {
        value["key"]
        for path in POSTMAN.glob("*.postman_environment.json")
        for value in json.loads(path.read_text())["values"]
    }
    environment_only = environments - collection
    assert {"baseUrl", "apiKey"} <= environment_only
    wrong = [
        (lesson, name)
        for lesson, paragraph in paragraphs()
        if "collection" in paragraph and "variable" in paragraph
        for name in environment_only
        if f"`{name}`" in paragraph and "environment" not in paragraph
    ]
    assert not wrong, f"these name an environment's variable as the collection's: {wrong}"


def test_what_the_lessons_say_make_run_flask_runs():
    recipe = MAKEFILE.split("FLASK_SERVER", 1)[1] if "FLASK_SERVER" in MAKEFILE else MAKEFILE
    threads = re.compile(r"`make run-flask` is[^.;]*\bthreads\b")
    if "--threads" not in recipe:
        said = [name for name, paragraph in paragraphs() if threads.search(paragraph)]
        assert not said, f"make run-flask starts no threads, but these lessons say so: {said}"


def test_no_lesson_says_make_train_keeps_an_existing_model():
    """`make train` trains again each time (only `make run-*` trains when the model is missing)."""
    recipe = re.search(r"^train: .*\n\t(.+)", MAKEFILE, re.MULTILINE)
    assert recipe and "shared.core.train" in recipe.group(1)
    claim = re.compile(r"`make train`(?:(?!\. ).)*\bif (they are|it is) missing")  # one sentence
    said = [name for name, paragraph in paragraphs() if claim.search(paragraph.replace("\n", " "))]
    assert not said, f"these lessons say make train keeps an existing model: {said}"
