"""Our survey estimates and standard errors agree with R's survey package (tests/r/participation_golden.csv).

The golden file is produced by tests/r/participation_golden.R (svydesign(ids = ~1, weights = ~weight) per wave,
svymean and svyby, deff = "replace") on tests/fixtures/raw/survey_respondents.csv; CI does not need R. The fixture's age groups have
fewer than 50 respondents, so the comparison runs with suppress=False (the flag still says 'suppressed').
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import REPO, assert_r_script_writes
from queries import run

GOLDEN = REPO / "tests" / "r" / "participation_golden.csv"
SCRIPT = REPO / "tests" / "r" / "participation_golden.R"


def same_to_6_significant_digits(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=5e-7, abs_tol=0.0)


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    g = pd.read_csv(GOLDEN, dtype={"category": str})
    return g


def test_golden_file_covers_what_the_issue_asks(golden):
    assert set(golden.metric) == {"participation_rate", "hours_per_month"}
    p = golden[golden.metric == "participation_rate"]
    assert set(p.dimension) == {"total", "gender", "age_group"}
    assert set(p.year) == {2012, 2014}
    assert len(p[p.dimension == "age_group"]) == 12 and len(p[p.dimension == "gender"]) == 4


@pytest.mark.parametrize("metric", ["participation_rate", "hours_per_month"])
@pytest.mark.parametrize("by", ["total", "gender", "age_group"])
def test_estimates_and_se_agree_with_r(fixture_db, golden, metric, by):
    expected = golden[(golden.metric == metric) & (golden.dimension == by)]
    ours = run(metric, by=by, db=fixture_db, suppress=False).data.set_index(["year", "category"])
    assert len(expected) > 0
    for _, r in expected.iterrows():
        row = ours.loc[(r.year, r.category)]
        assert same_to_6_significant_digits(row.estimate, r.estimate), (r.year, r.category, row.estimate, r.estimate)
        assert same_to_6_significant_digits(row.se, r.se), (r.year, r.category, row.se, r.se)
        # Kish's design effect as R's deff = "replace", and the effective n it implies
        assert same_to_6_significant_digits(row.deff, r.deff), (r.year, r.category, row.deff, r.deff)
        if not 1 <= r.n <= 4:
            assert same_to_6_significant_digits(row.n_eff, r.n / r.deff)
        assert row.n == r.n if not 1 <= r.n <= 4 else pd.isna(row.n)  # small-count rule: 1-4 persons not shown
    assert len(ours) == len(expected)


def test_suppressed_flag_kept_when_suppression_is_off(fixture_db):
    res = run("participation_rate", year=2012, by="age_group", db=fixture_db, suppress=False).data
    assert res.estimate.notna().all() and (res.flag == "suppressed").all()


@pytest.mark.stats_tools
def test_golden_file_is_what_the_r_script_writes(tmp_path):
    assert_r_script_writes(SCRIPT, GOLDEN, tmp_path, REPO / "tests/fixtures/raw/survey_respondents.csv")
