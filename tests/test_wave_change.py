"""Changes respect the survey series (issue 25): a change within a series, the national survey's 2020 -> 2024 in the
demo, equals R's survey package (svycontrast on the two waves' independent designs: tests/r/wave_change_golden.R),
interval and verdict included; a change across a series break (the demo's 2004, SFI's definition, and 2012, the
seed's CFSA figure) is refused with exit status 2 and a plain message, by the query layer and its CLI.
"""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import REPO, assert_r_script_writes, run_main
from queries import QueryError, run

GOLDEN = REPO / "tests" / "r" / "wave_change_golden.csv"
SCRIPT = REPO / "tests" / "r" / "wave_change_golden.R"


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    return pd.read_csv(GOLDEN, dtype={"category": str})


def test_change_within_the_national_series_equals_r(golden, demo_db):
    assert set(golden.dimension) == {"total", "gender", "age_group", "region"}
    assert set(golden.verdict) == {"reliable", "not_reliable"}  # the golden file tries both verdicts
    for dim, expected in golden.groupby("dimension"):
        got = run("participation_change", year=2024, since=2020, by=dim, db=demo_db).data
        got = got.set_index("category").loc[expected.category]
        for col in ("estimate", "se", "ci_low", "ci_high"):
            assert got[col].to_numpy() == pytest.approx(expected[col].to_numpy(), rel=1e-9, abs=1e-12), (dim, col)
        assert list(got.n) == list(expected.n) and list(got.n_since) == list(expected.n_since)
        assert list(got.verdict) == list(expected.verdict), dim
        assert set(got.flag) == {"ok"}


def test_the_default_change_of_2024_is_since_2020(demo_db):
    got = run("participation_change", year=2024, by="total", db=demo_db).data
    assert list(got.since) == [2020]


@pytest.mark.stats_tools
def test_golden_file_is_what_the_r_script_writes(tmp_path, demo_db):
    assert_r_script_writes(SCRIPT, GOLDEN, tmp_path)


@pytest.mark.parametrize("metric", ["participation_change", "hours_per_month_change", "volunteers_count_change",
                                    "total_hours_per_year_change", "fte_change", "area_share_change",
                                    "organisation_form_share_change", "recruitment_share_change"])
def test_a_change_across_the_series_break_is_refused(demo_db, metric):
    with pytest.raises(QueryError, match=r"2004 and 2012 are not comparable \(2004 is a wave of the national "
                                         r"volunteer survey \(SFI/VIVE\) and 2012 of CFSA's population survey"):
        run(metric, year=2012, since=2004, db=demo_db)


def test_a_change_between_definitions_of_one_series_is_refused(demo_db):
    with pytest.raises(QueryError, match=r"2004 and 2024 are not comparable \(both are waves of the national volunteer "
                                         r"survey \(SFI/VIVE\), but they measure volunteering with different "
                                         r"definitions\).*waves comparable with 2024: 2020"):
        run("participation_change", year=2024, since=2004, db=demo_db)


def test_a_wave_without_an_earlier_comparable_one_is_refused(demo_db):
    with pytest.raises(QueryError, match=r"year 2020 has no earlier wave comparable with it"):
        run("participation_change", year=2020, db=demo_db)


def test_cli_refuses_the_change_across_the_break_with_exit_2(demo_db):
    proc = run_main("queries", "run", "participation_change", "--year", "2012", "--by", "total", "--param",
                    "since=2004", "--db", demo_db)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: participation_change: 2004 and 2012 are not comparable"), proc.stderr
    assert "waves comparable with 2012: 2014, 2017, 2021" in proc.stderr
