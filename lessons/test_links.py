"""Every relative link in the lessons, the README and docs/ points at a file that exists."""

import re
from pathlib import Path

import pytest

from shared.core.settings import PROJECT_ROOT

DOCUMENTS = sorted(
    [
        PROJECT_ROOT / "README.md",
        *PROJECT_ROOT.glob("lessons/*.md"),
        *PROJECT_ROOT.glob("docs/**/*.md"),
    ]
)
# [text](target) and ![alt](target); a target ends at whitespace or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
# Written on other branches of the same change; a link to them is checked once they are merged.


def relative_links(document: Path) -> list[str]:
    prose = FENCE.sub("", document.read_text())  # a link inside a code block is code
    return [
        target
        for target in LINK.findall(prose)
        if not re.match(r"^[a-z]+:", target) and not target.startswith("#")
    ]


def resolve(document: Path, target: str) -> Path:
    return (document.parent / target.split("#", 1)[0]).resolve()


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=lambda path: str(path.relative_to(PROJECT_ROOT))
)
def test_every_relative_link_points_at_a_file(document):
    broken = []
    for target in relative_links(document):
        path = resolve(document, target)
        if not path.exists():
            broken.append(target)
    assert not broken, f"{document.name} links to files that do not exist: {broken}"


def test_the_link_pattern_finds_links():
    """The checker itself: a link, an image, an anchor and a URL, told apart."""
    text = "[a](01-x.md) ![b](images/c.png) [d](#top) [e](https://example.com) [f](g.md#part)"
    assert LINK.findall(text) == [
        "01-x.md",
        "images/c.png",
        "#top",
        "https://example.com",
        "g.md#part",
    ]
