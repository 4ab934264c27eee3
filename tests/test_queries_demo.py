"""The metrics on the demo warehouse (built by `make warehouse` / CI): the published 2012 figures are reproduced."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import REPO, run_main
from queries import list_metrics, run

SURVEY_FIGURES = ["P01", "P03", "P04", "P15", "P16", "P09", "P10", "P11", "P12", "P13"]
MUNICIPAL_FIGURES = [f"M{i:02d}" for i in range(1, 11)]


@pytest.fixture(scope="module")
def comparison(demo_db) -> pd.DataFrame:
    return run("published_comparison", db=demo_db).data.set_index("figure_id")


@pytest.mark.parametrize("figure", SURVEY_FIGURES)
def test_2012_survey_estimates_within_1_5_points_of_published(comparison, figure):
    row = comparison.loc[figure]
    assert row.year == 2012 and row.unit == "pct" and row.flag in ("ok", "uncertain")
    assert abs(row.difference) <= 1.5, f"{figure}: ours {row.our_value:.2f} vs published {row.published_value}"
    assert row.our_ci_low <= row.our_value <= row.our_ci_high


@pytest.mark.parametrize("figure", MUNICIPAL_FIGURES)
def test_municipal_figures_exact_after_rounding(comparison, figure):
    row = comparison.loc[figure]
    assert row.rounded_value == row.published_value and row.agrees, (figure, row.our_value, row.published_value)


def test_every_published_row_is_listed_and_missing_ones_say_why(comparison, demo_db):
    published = pd.read_csv(REPO / "data" / "reference" / "published_figures.csv")
    assert sorted(comparison.index) == sorted(published.figure_id)
    missing = comparison[comparison.our_value.isna()]
    assert missing.reason.notna().all() and len(missing) >= 1
    assert comparison[comparison.our_value.notna()].reason.isna().all()


def test_orders_published_for_2012_hold(comparison):
    assert comparison.loc["P05", "our_value"] == 1 and comparison.loc["P05", "agrees"]  # 40-49 the most active
    assert comparison.loc["P06", "agrees"]  # west more than east


@pytest.mark.parametrize("metric", [m.name for m in list_metrics()])
def test_every_metric_runs_on_the_demo(demo_db, metric):
    res = run(metric, db=demo_db)
    assert len(res.data) > 0


def test_cli_on_the_demo_warehouse(demo_db):
    proc = run_main("queries", "run", "participation_rate", "--year", "2012", "--by", "gender", "--format", "csv",
                    "--db", demo_db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("# provenance: data_kind=demo; ")
    assert proc.stdout.splitlines()[1].startswith("year,dimension,category,label_da,label_en,estimate,se,ci_low")
    assert len(proc.stdout.splitlines()) == 4
