"""docs/research.md's R and Stata snippets run as they are on an export of the test warehouse and give the query
layer's numbers. They need Rscript with the survey (and haven) packages, or Stata: where a tool is missing the test
skips and says which."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from queries import run

RESEARCH = REPO / "docs" / "research.md"
STATA_COMMANDS = ("stata-mp", "stata-se", "stata")


def blocks(lang: str) -> list[str]:
    """The fenced code blocks of docs/research.md in language `lang`."""
    return re.findall(rf"^```{lang}\n(.*?)^```", RESEARCH.read_text(encoding="utf-8"), re.M | re.S)


@pytest.fixture(scope="module")
def exported(fixture_db, tmp_path_factory):
    """A folder with out/csv and out/stata exported from the test warehouse, as the page's commands write them."""
    root = tmp_path_factory.mktemp("research")
    for fmt in ("csv", "stata"):
        proc = subprocess.run([sys.executable, "-m", "etl", "export", "--format", fmt, str(root / "out" / fmt),
                               "--db", str(fixture_db)], cwd=REPO, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    return root


def r_packages_missing(*packages: str) -> str | None:
    """Why R cannot run the snippets, or None."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (apt-get install r-base-core r-cran-survey r-cran-haven)"
    for package in packages:
        proc = subprocess.run(["Rscript", "-e", f"library({package})"], capture_output=True, text=True)
        if proc.returncode != 0:
            return f"the R package {package} is not installed (apt-get install r-cran-{package})"
    return None


def run_r(code: str, cwd) -> str:
    proc = subprocess.run(["Rscript", "-e", code], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_page_has_the_snippets():
    assert len(blocks("r")) == 2 and len(blocks("stata")) == 1
    assert "svydesign(ids = ~1, weights = ~weight" in blocks("r")[0]
    assert "svyset [pweight = weight]" in blocks("stata")[0]


@pytest.mark.stats_tools
def test_r_from_the_csv_gives_the_metric_per_wave(exported, fixture_db):
    reason = r_packages_missing("survey")
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    out = run_r(blocks("r")[0], exported)
    got = {int(y): (float(e), float(s), float(d)) for y, e, s, d in
           re.findall(r"^(\d{4})  estimate (\S+)  se (\S+)  deff (\S+)$", out, re.M)}
    ours = run("participation_rate", db=fixture_db).data.set_index("year")
    assert sorted(got) == sorted(ours.index)
    for year, (estimate, se, deff) in got.items():
        assert estimate == pytest.approx(ours.loc[year, "estimate"], abs=5e-7)
        assert se == pytest.approx(ours.loc[year, "se"], abs=5e-7)
        assert deff == pytest.approx(ours.loc[year, "deff"], abs=5e-5)


@pytest.mark.stats_tools
def test_r_from_the_stata_file_gives_the_breakdown_with_its_labels(exported, fixture_db):
    reason = r_packages_missing("survey", "haven")
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    out = run_r(blocks("r")[1], exported)
    ours = run("participation_rate", year=2012, by="gender", db=fixture_db).data.set_index("label_en")
    for label in ("Men", "Women"):
        line = next(l for l in out.splitlines() if l.startswith(label))
        estimate, se, deff = line.split()[-3:]  # R prints: row name, gender, estimate, se, DEff
        assert float(estimate) == pytest.approx(ours.loc[label, "estimate"], rel=1e-5)  # R prints 7 significant digits
        assert float(se) == pytest.approx(ours.loc[label, "se"], rel=1e-5)  # R prints 7 significant digits
        assert float(deff) == pytest.approx(ours.loc[label, "deff"], rel=1e-5)  # R prints 7 significant digits


@pytest.mark.stats_tools
def test_stata_snippet(exported, fixture_db):
    stata = next((c for c in STATA_COMMANDS if shutil.which(c)), None)
    if stata is None:
        reason = "Stata is not installed (proprietary, not in Debian): the Stata snippet was not run"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    (exported / "snippet.do").write_text(blocks("stata")[0], encoding="utf-8")
    proc = subprocess.run([stata, "-b", "do", "snippet.do"], cwd=exported, capture_output=True, text=True)
    log = (exported / "snippet.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, log
    total = run("participation_rate", year=2012, db=fixture_db).data.iloc[0]
    # Stata prints a fraction without its leading zero (.46875); the first five decimals must be there
    for value in (total.estimate, total.se):
        assert f"{value:.5f}".lstrip("0")[:5] in log, (value, log)
