"""No survey wave year is written in code (issue 25): the dashboards, the report and the query layer derive their
waves from the warehouse (survey_respondents, survey_waves), so a new wave needs data, not a code change.

The test reads every code file the repository tracks outside data/ and tests/ (Python, SQL, YAML, notebooks' code
cells, Makefile, shell, JavaScript, CSS, HTML), leaves out comments and docstrings (examples in prose are not code),
and looks for the years of data/reference/survey_waves.csv. WHITELIST names each file that must hold wave years, and
why; a year anywhere else fails the test with its file and line.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import tokenize

from conftest import REPO

WHITELIST = {
    # the demo generator is calibrated to published figures of named waves: that is what it is for
    "etl/demo.py": "demo calibration to the published figures of each wave",
    "etl/demo_data.py": "the demo's municipal populations of its 2012 base year",
    # a benchmark times a fixed workload, so that runs compare
    "bench/load.py": "the page addresses the load benchmark requests",
    "bench/queries.py": "the synthetic wave the query benchmark generates",
    "bench/report.py": "the report year the benchmark renders",
    "bench/small_area.py": "the wave the small-area benchmark fits",
}
# Single lines that must hold a year that happens to be a wave year, each with the text that must be on the line.
LINE_WHITELIST = {
    ("etl/population.py", "expected e.g. 2012K1"): "the StatBank time label format in a message, not a wave",
}
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".ipynb", ".sh", ".js", ".css", ".html", ".R", ".toml", ".cfg"}
CODE_NAMES = {"Makefile"}


def wave_years() -> set[str]:
    with open(REPO / "data" / "reference" / "survey_waves.csv", encoding="utf-8") as f:
        return {r["year"] for r in csv.DictReader(f)}


def _python_code(text: str) -> list[tuple[int, str]]:
    """(line, token text) of the code tokens: no comments, no docstrings (a string that is a whole statement)."""
    out, previous = [], tokenize.NEWLINE
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return [(i, line) for i, line in enumerate(text.splitlines(), 1)]
    for i, tok in enumerate(tokens):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            continue
        if tok.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) \
                and i + 1 < len(tokens) and tokens[i + 1].type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            previous = tok.type
            continue
        out.append((tok.start[0], tok.string))
        previous = tok.type if tok.type != tokenize.NEWLINE else tokenize.NEWLINE
    return out


def _lines_without(text: str, comment: str) -> list[tuple[int, str]]:
    return [(i, line.split(comment, 1)[0]) for i, line in enumerate(text.splitlines(), 1)]


def code_of(path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return _python_code(text)
    if path.suffix == ".ipynb":
        cells = [c for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
        return [(n, s) for k, c in enumerate(cells, 1) for n, s in _python_code("".join(c["source"]))]
    if path.suffix == ".sql":
        return _lines_without(text, "--")
    if path.suffix in (".yml", ".yaml", ".sh", ".toml", ".cfg", ".R") or path.name == "Makefile":
        return _lines_without(text, "#")
    return list(enumerate(text.splitlines(), 1))


def tracked_code_files():
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = REPO / name
        if name.startswith(("data/", "tests/", "docs/")) or not path.is_file():
            continue
        if path.suffix in CODE_SUFFIXES or path.name in CODE_NAMES:
            yield name, path


def test_no_wave_year_in_code():
    years = wave_years()
    pattern = re.compile(r"(?<![0-9])(" + "|".join(sorted(years)) + r")(?![0-9])")
    found = []
    checked = 0
    for name, path in tracked_code_files():
        checked += 1
        if name in WHITELIST:
            continue
        for line, code in code_of(path):
            if pattern.search(code) and not any(f == name and text in code for f, text in LINE_WHITELIST):
                found.append(f"{name}:{line}: {code.strip()[:100]}")
    assert checked > 50, f"only {checked} code files found: is this a git checkout?"
    assert not found, "wave years written in code (derive them from the warehouse):\n" + "\n".join(found)


def test_the_check_finds_a_wave_year_in_code_but_not_in_a_comment_or_docstring(tmp_path):
    path = tmp_path / "example.py"
    path.write_text('"""Docstring: the 2012 wave."""\n# a comment on 2024\nx = 1  # 2020\nYEAR = 2021\n',
                    encoding="utf-8")
    years = wave_years()
    hits = [line for line, code in code_of(path) if any(y in code for y in years)]
    assert hits == [4]
