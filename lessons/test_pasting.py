"""The lesson runner itself (lessons/conftest.py): a block is pasted at Python's prompt as a student
pastes it, and an excerpt is told apart from a block to run by the caption above it."""

import importlib.util

import pytest
from sybil import Document

from shared.core.settings import PROJECT_ROOT


def load_runner():
    spec = importlib.util.spec_from_file_location(
        "lesson_runner", PROJECT_ROOT / "lessons/conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = load_runner()


def test_a_block_pasted_at_the_prompt_runs_in_the_lessons_namespace():
    namespace = {}
    runner.paste_at_the_prompt(
        "def double(x):\n    return 2 * x\n\nanswer = double(21)", namespace, 1
    )
    assert namespace["answer"] == 42


def test_a_blank_line_inside_an_indented_block_fails_as_at_the_prompt():
    with pytest.raises(AssertionError, match="line 13 of the lesson fails: '    return x'"):
        runner.paste_at_the_prompt("def f():\n    x = 1\n\n    return x\n", {}, 10)


def test_a_statement_right_after_an_indented_block_fails_as_at_the_prompt():
    with pytest.raises(AssertionError, match="line 12 of the lesson fails: 'print"):
        runner.paste_at_the_prompt("for i in range(2):\n    pass\nprint(i)\n", {}, 10)


def test_an_error_raised_by_a_pasted_line_fails_the_block():
    with pytest.raises(NameError):
        runner.paste_at_the_prompt("print(np.zeros(3))", {}, 1)


def regions(text: str) -> list:
    return list(runner.fenced_blocks(Document(text, "lesson.md")))


def test_a_captioned_block_is_an_excerpt_of_the_file_its_caption_names():
    text = (
        "Some prose:\n\n"
        "*Excerpt of [`shared/train.py`](../shared/train.py): read it, don't paste it*\n"
        "```python\nimport numpy as np\n```\n"
    )
    (region,) = regions(text)
    assert region.evaluator is runner.check_excerpt
    assert region.parsed == ("shared/train.py", "import numpy as np\n")


def test_lesson_03s_scratch_files_are_checked_against_their_copies():
    text = (
        "*Save as `scratch/first_flask.py` (a file, not for the Python prompt):*\n```python\n```\n"
    )
    (region,) = regions(text)
    assert region.parsed[0] == "lessons/examples/03/first_flask.py"


def test_a_file_name_hidden_in_the_info_string_is_refused():
    (region,) = regions("```python file=shared/train.py\nx = 1\n```\n")
    assert region.evaluator is runner.refuse_hidden_file_name


def test_a_block_without_a_caption_is_run():
    (region,) = regions("Paste this:\n\n```python\nx = 1\n```\n")
    assert region.evaluator is runner.run_python_block
