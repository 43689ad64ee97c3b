"""Every benchmark figure the lessons and the README quote comes from a committed run.

The runs: benchmarks/reference/bench/ (one `make bench`) and benchmarks/reference/bench-async/
(one `make bench-async`), each a copy of the run's summary.json, summary.md and machine.json.

The convention: a quoted figure carries an invisible marker right after it (after its unit, if
any), naming the figure: `387 req/s<!-- figure: saturation.fastapi.rps -->`, or for another run
`<!-- figure: bench-async:saturation.fastapi-unbatched.rps -->`. The number must equal the
figure, rounded to as many decimals as the text shows. A number followed by req/s, rows/s or ×
in the prose without a marker fails too, so no figure escapes the check. List the keys with
`.venv/bin/python lessons/test_figures.py [run]`.
"""

import json
import re
import sys
from pathlib import Path

import pytest

from shared.core.settings import PROJECT_ROOT

REFERENCE = PROJECT_ROOT / "benchmarks" / "reference"
DOCUMENTS = sorted([PROJECT_ROOT / "README.md", *PROJECT_ROOT.glob("lessons/*.md")])
NUMBER = r"(?P<number>\d[\d,]*(?:\.\d+)?)"
UNIT = r"(?:\s?(?:req/s|rows/s|ms|×|%))?"
MARKED = re.compile(NUMBER + UNIT + r"<!-- figure: (?P<key>[^ ]+) -->")
QUOTED = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s?(?:req/s|rows/s|×)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def scenario_name(row: dict) -> str:
    return f"batch{row['batch_size']}" if row["scenario"] == "batch" else row["scenario"]


def figures(run: str = "bench") -> dict[str, float]:
    """Every number of one run's summary.json, under a flat key."""
    summary = json.loads((REFERENCE / run / "summary.json").read_text())
    found = {
        "machine.load_average": summary["machine"]["load_average_at_start"][0],
        "machine.cores": summary["machine"]["cores"],
        **{f"config.{name}": value for name, value in summary["config"].items()},
    }
    for row in summary["aggregates"]:
        for metric, value in row.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                found[f"{scenario_name(row)}.{row['target']}.{metric}"] = value
    for row in summary["ratios"]:
        name = f"ratio.{scenario_name(row)}.{row['ratio'].replace(' ', '')}.{row['metric']}"
        for statistic in ("median", "min", "max"):
            found[f"{name}.{statistic}"] = row[statistic]
    return found


def prose(document: Path) -> str:
    return FENCE.sub("", document.read_text())


def agrees(quoted: str, value: float) -> bool:
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    return round(value, decimals) == float(quoted.replace(",", ""))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_quoted_figures_agree_with_the_reference_runs(document):
    wrong = []
    for match in MARKED.finditer(prose(document)):
        run, _, key = match["key"].rpartition(":")
        known = figures(run or "bench")
        assert key in known, f"{document.name}: no figure {match['key']} in the reference run"
        if not agrees(match["number"], known[key]):
            wrong.append(f"{match['number']} for {match['key']}, the run says {known[key]}")
    assert not wrong, f"{document.name} quotes figures its reference run does not hold: {wrong}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_quoted_figure_is_marked(document):
    text = prose(document)
    unmarked = [
        quote.group() for quote in QUOTED.finditer(text) if not MARKED.match(text, quote.start())
    ]
    assert not unmarked, f"{document.name} quotes figures without a marker: {unmarked}"


def test_the_update_rewrites_a_marked_figure_to_its_run():
    rps = figures()["saturation.fastapi.rps"]
    stale = "about 1.0 req/s<!-- figure: saturation.fastapi.rps --> today"
    expected = f"{rps:,.1f}" if rps >= 1000 else f"{rps:.1f}"
    fresh = with_new_figures(stale, "bench")
    assert fresh == f"about {expected} req/s<!-- figure: saturation.fastapi.rps --> today"
    assert with_new_figures(stale, "peers") == stale  # another run's figures are left alone


def test_the_check_catches_a_wrong_figure():
    rps = figures()["saturation.fastapi.rps"]
    right = f"{rps:.0f} req/s<!-- figure: saturation.fastapi.rps -->"
    wrong = f"{rps + 10:.0f} req/s<!-- figure: saturation.fastapi.rps -->"
    assert agrees(MARKED.match(right)["number"], rps)
    assert not agrees(MARKED.match(wrong)["number"], rps)
    assert (
        MARKED.match("1,426 rows/s<!-- figure: batch10.fastapi.rows_per_s -->")["number"] == "1,426"
    )


def with_new_figures(text: str, run: str) -> str:
    """The text with every figure marked for `run` rewritten from that run, each to the decimals
    it showed: after committing a new reference run, the quotes follow it (their prose may not:
    read it again)."""
    known = figures(run)

    def rewrite(match: re.Match) -> str:
        marked_run, _, key = match["key"].rpartition(":")
        if (marked_run or "bench") != run:
            return match.group()
        number = match["number"]
        decimals = len(number.split(".")[1]) if "." in number else 0
        grouping = "," if known[key] >= 1000 else ""
        return f"{known[key]:{grouping}.{decimals}f}" + match.group()[len(number) :]

    return MARKED.sub(rewrite, text)


if __name__ == "__main__":
    # `python lessons/test_figures.py [run]` lists a run's figures;
    # `python lessons/test_figures.py --update run` rewrites the quotes of that run.
    if sys.argv[1:2] == ["--update"]:
        for document in DOCUMENTS:
            document.write_text(with_new_figures(document.read_text(), sys.argv[2]))
    else:
        for key, value in figures(*sys.argv[1:]).items():
            print(f"{key:60} {value}")
