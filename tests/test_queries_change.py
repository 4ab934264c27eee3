"""Changes between survey waves and contrasts within a wave (participation_change, participation_contrast,
hours_per_month_change, hours_per_month_contrast).

- Against R: tests/r/change_golden.csv, written by tests/r/change_golden.R with R's survey package (svyby with
  covmat = TRUE and svycontrast; changes as sqrt(se1^2 + se2^2)) on the fixture survey and on a second synthetic
  survey with unequal weights (tests/r/change_survey.csv, written by tests/r/make_change_survey.py). CI does not need
  R; where R is installed the golden file is checked to be what the script writes.
- By hand on the tiny fixture (tests/fixtures/make_raw.py's rules), with the covariance computed the textbook way,
  n/(n-1) sum (z_d - zbar_d)(z_e - zbar_e), not through the simplification in queries/_macros.sql.
- Flags at the 50 and 100 edges: the second survey's regions have 49, 50, 99 and 100 respondents in 2015.
"""
from __future__ import annotations

import math
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURE_RAW, REPO, assert_r_script_writes, run_etl_build, run_main
from queries import QueryError, connect, run

GOLDEN = REPO / "tests" / "r" / "change_golden.csv"
SCRIPT = REPO / "tests" / "r" / "change_golden.R"
UNEQUAL_SURVEY = REPO / "tests" / "r" / "change_survey.csv"
UNEQUAL_POPULATION = REPO / "tests" / "r" / "change_population.csv"
# its waves, declared as a data owner declares waves that are not in data/reference/survey_waves.csv
UNEQUAL_WAVES = REPO / "tests" / "r" / "change_waves.csv"
# The metric behind each golden metric's changes (the level metric's name in the golden file).
CHANGE_METRIC = {"participation_rate": "participation_change", "hours_per_month": "hours_per_month_change",
                 "volunteers_count": "volunteers_count_change", "total_hours_per_year": "total_hours_per_year_change",
                 "fte": "fte_change", "area_share": "area_share_change", "area_share_population": "area_share_change",
                 "organisation_form_share": "organisation_form_share_change",
                 "recruitment_share": "recruitment_share_change"}
# Extra parameters of a golden metric's change metric, and the question a share metric's rows are the codes of.
CHANGE_PARAMS = {"area_share_population": {"base": "population"}}
SHARE_DIMENSION = {"area_share": "area", "area_share_population": "area",
                   "organisation_form_share": "organisation_form", "recruitment_share": "recruited"}
Z = 1.959964
REL = 1e-6  # the issue's tolerance: our estimates and SEs equal R's to 1e-6 relative
# A domain whose answers are all equal has SE 0: R's svyby gives 0 (or 1e-17), R's delta method and our one-pass sums
# leave rounding noise of about 1e-8 of the mean. Such SEs are compared absolutely.
TINY_SE = 1e-6


@pytest.fixture(scope="module")
def unequal_db(tmp_path_factory):
    """The fixture contract files with the survey replaced by the unequal-weights survey, built by the real ETL."""
    raw = tmp_path_factory.mktemp("unequal_raw")
    for f in FIXTURE_RAW.iterdir():
        shutil.copy(f, raw / f.name)
    shutil.copy(UNEQUAL_SURVEY, raw / "survey_respondents.csv")
    shutil.copy(UNEQUAL_POPULATION, raw / "population.csv")  # its waves' population, different in every wave
    shutil.copy(UNEQUAL_WAVES, raw / "survey_waves.csv")
    db = tmp_path_factory.mktemp("unequal_warehouse") / "warehouse.duckdb"
    proc = run_etl_build(raw, db)
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    return pd.read_csv(GOLDEN, dtype={"category": str, "other": str, "answer": str})


@pytest.fixture(scope="module")
def dbs(fixture_db, unequal_db) -> dict:
    return {"fixture": fixture_db, "unequal": unequal_db}


def test_golden_file_covers_what_the_issue_asks(golden):
    for survey, years in (("fixture", [2012, 2014]), ("unequal", [2015, 2018, 2021])):
        g = golden[golden.survey == survey]
        changes = g[g.kind == "change"]
        assert set(changes.metric) == set(CHANGE_METRIC)
        for metric in CHANGE_METRIC:
            of_metric = changes[changes.metric == metric]
            dims = ({SHARE_DIMENSION[metric]} if metric in SHARE_DIMENSION
                    else {"total", "gender", "age_group", "region"})
            assert set(of_metric.dimension) == dims
            pairs = {(y2, int(y1)) for y2, y1 in zip(of_metric.year, of_metric.other)}
            assert pairs == {(b, a) for a in years for b in years if a < b}  # every pair of waves
        contrasts = g[g.kind == "contrast"]
        for metric in ("participation_rate", "hours_per_month"):
            of_metric = contrasts[contrasts.metric == metric]
            assert set(of_metric.dimension) == {"gender", "age_group", "region"}
            assert set(of_metric.year) == set(years) and "all" in set(of_metric.other)
        for metric, question in SHARE_DIMENSION.items():
            of_metric = contrasts[contrasts.metric == metric]
            assert set(of_metric.dimension) == {"gender", "region"} and set(of_metric.year) == set(years)
            assert "all" in set(of_metric.other) and len(set(of_metric.other)) >= 3  # the whole domain and categories
            assert of_metric.answer.notna().all() and len(set(of_metric.answer)) >= 3


def _ours(kind: str, metric: str, db, year: int, other: str, dim: str) -> pd.DataFrame:
    if kind == "change":
        params = CHANGE_PARAMS.get(metric, {}) if metric in SHARE_DIMENSION else {"by": dim}
        return run(CHANGE_METRIC[metric], year=year, since=int(other), db=db, suppress=False,
                   **params).data.rename(columns={"n_since": "n_other"})
    if metric in SHARE_DIMENSION:  # one row per answer code and category
        name = f"{metric.replace('_population', '')}_contrast"
        return run(name, year=year, by=dim, reference=other, db=db, suppress=False, **CHANGE_PARAMS.get(metric, {})
                   ).data.rename(columns={"n_reference": "n_other"}).set_index(["answer", "category"], drop=False)
    return run(f"{metric.replace('participation_rate', 'participation')}_contrast", year=year, by=dim,
               reference=other, db=db, suppress=False).data.rename(columns={"n_reference": "n_other"})


def relative_difference(ours: float, r: float, tiny: float = 0.0) -> float:
    if abs(r) <= tiny and abs(ours) <= tiny:
        return 0.0
    return abs(ours - r) / max(abs(r), 1e-300)


def _count(n):
    return None if pd.isna(n) else int(n)


def test_changes_and_contrasts_equal_r(golden, dbs):
    """Every golden row (1984): estimate and SE to 1e-6 relative, both n (R's count under the small-count rule,
    person_count in queries/_macros.sql: 1-4 persons not shown); prints the worst relative difference."""
    min_persons = connect(dbs["fixture"]).execute("select min_persons_shown()").fetchone()[0]

    def shown(n):
        return None if 0 < n < min_persons else int(n)

    worst = {"estimate": (0.0, None), "se": (0.0, None)}
    tiny_se_rows, tiny_se_worst = 0, 0.0
    for (survey, kind, metric, dim, year, other), expected in golden.groupby(
            ["survey", "kind", "metric", "dimension", "year", "other"]):
        ours = _ours(kind, metric, dbs[survey], int(year), other, dim)
        share_contrast = kind == "contrast" and metric in SHARE_DIMENSION
        if not share_contrast:
            ours = ours.set_index("category")
        assert len(ours.dropna(subset=["estimate"])) == len(expected), (survey, kind, metric, dim, year, other)
        for _, r in expected.iterrows():
            row = ours.loc[(r.answer, r.category)] if share_contrast else ours.loc[r.category]
            assert (_count(row.n), _count(row.n_other)) == (shown(r.n), shown(r.n_other)), \
                (survey, kind, metric, dim, year, other, r.category)
            # an estimate that is 0 in exact arithmetic (equal rates) is compared absolutely
            d_est = relative_difference(row.estimate, r.estimate, tiny=1e-12)
            tiny = r.se < TINY_SE
            tiny_se_rows += tiny
            tiny_se_worst = max(tiny_se_worst, abs(row.se - r.se) if tiny else 0.0)
            d_se = abs(row.se - r.se) if tiny else relative_difference(row.se, r.se)
            where = (survey, kind, metric, dim, int(year), other, r.category)
            assert d_est <= REL, (where, row.estimate, r.estimate)
            assert d_se <= (TINY_SE if tiny else REL), (where, row.se, r.se)
            if d_est > worst["estimate"][0]:
                worst["estimate"] = (d_est, where)
            if not tiny and d_se > worst["se"][0]:
                worst["se"] = (d_se, where)
    print(f"\nworst relative difference to R over {len(golden)} rows: estimate {worst['estimate'][0]:.3g} "
          f"{worst['estimate'][1]}, se {worst['se'][0]:.3g} {worst['se'][1]}; {tiny_se_rows} rows with R's se < "
          f"{TINY_SE} compared absolutely (largest difference {tiny_se_worst:.3g})")


@pytest.mark.stats_tools
def test_golden_file_is_what_the_r_script_writes(tmp_path):
    assert_r_script_writes(SCRIPT, GOLDEN, tmp_path)


def test_second_survey_is_what_its_generator_writes(tmp_path):
    out = tmp_path / "survey.csv"
    population = tmp_path / "population.csv"
    proc = subprocess.run([sys.executable, str(REPO / "tests" / "r" / "make_change_survey.py"), str(out),
                           str(population)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == UNEQUAL_SURVEY.read_text()
    assert population.read_text() == UNEQUAL_POPULATION.read_text()
    residents = pd.read_csv(population, skiprows=1).query("age_group != '0-15'").groupby("year").persons.sum()
    assert residents.is_unique  # every wave has its own population: a change mixing them up would not match R
    regions = pd.read_csv(out, skiprows=1).merge(
        pd.read_csv(REPO / "data" / "reference" / "municipalities.csv"), left_on="municipality_code",
        right_on="kommunekode").groupby(["year", "regionskode"]).size()
    assert [regions[(2015, r)] for r in (1081, 1082, 1083, 1084)] == [49, 50, 99, 100]  # the flag edges


# --- by hand on the fixture --------------------------------------------------------------------------------------

def _fixture_wave(year: int) -> pd.DataFrame:
    s = pd.read_csv(FIXTURE_RAW / "survey_respondents.csv", skiprows=1)
    return s[s.year == year].reset_index(drop=True)


def _influence(wave: pd.DataFrame, y: np.ndarray, in_domain: np.ndarray) -> tuple[float, np.ndarray]:
    """The domain mean and its influence values z_i = w_i 1{i in d} (y_i - mean) / W_d over the whole wave."""
    w = wave.weight.to_numpy(float)
    total = w[in_domain].sum()
    mean = (w[in_domain] * y[in_domain]).sum() / total
    return mean, np.where(in_domain, w * (np.where(in_domain, y, 0) - mean) / total, 0.0)


def _cov(z1: np.ndarray, z2: np.ndarray) -> float:
    n = len(z1)
    return n / (n - 1) * ((z1 - z1.mean()) * (z2 - z2.mean())).sum()


def test_hand_computed_changes_on_the_fixture(fixture_db):
    """make_raw.py: rate 7.5/16 in 2012 and 8/16 in 2014; men 5.5/8 both waves; women 2/8 then 2.5/8."""
    got = run("participation_change", year=2014, since=2012, by="gender", db=fixture_db).data.set_index("category")
    assert got.loc["male"].estimate == pytest.approx(0, abs=1e-15)
    assert got.loc["female"].estimate == pytest.approx(2.5 / 8 - 2 / 8, rel=1e-12)
    total = run("participation_change", year=2014, since=2012, db=fixture_db).data.iloc[0]
    assert total.estimate == pytest.approx(0.5 - 7.5 / 16, rel=1e-12)
    variances = []
    for year in (2012, 2014):
        wave = _fixture_wave(year)
        _, z = _influence(wave, wave.volunteered.to_numpy(float), np.ones(len(wave), bool))
        variances.append(_cov(z, z))
    se = math.sqrt(sum(variances))
    assert total.se == pytest.approx(se, rel=1e-9)
    assert total.ci_low == pytest.approx(total.estimate - Z * se, rel=1e-9)
    assert total.ci_high == pytest.approx(total.estimate + Z * se, rel=1e-9)
    assert (total.n, total.n_since, total.flag, total.verdict) == (120, 200, "ok", "not_reliable")
    assert (got.loc["female"].n, got.loc["female"].n_since, got.loc["female"].flag) == (60, 100, "uncertain")


def test_hand_computed_contrasts_on_the_fixture(fixture_db):
    """2012: men 5.5/8, women 2/8, everyone 7.5/16; covariances the textbook way over all 200 respondents."""
    wave = _fixture_wave(2012)
    y = wave.volunteered.to_numpy(float)
    men, z_men = _influence(wave, y, (wave.gender == "male").to_numpy())
    women, z_women = _influence(wave, y, (wave.gender == "female").to_numpy())
    everyone, z_all = _influence(wave, y, np.ones(len(wave), bool))
    assert (men, women, everyone) == pytest.approx((5.5 / 8, 2 / 8, 7.5 / 16), rel=1e-12)
    assert _cov(z_men, z_women) == pytest.approx(0, abs=1e-18)  # disjoint domains: covariance 0
    assert _cov(z_men, z_all) > 0

    got = run("participation_contrast", year=2012, by="gender", reference="female", db=fixture_db).data
    assert list(got.category) == ["male"]  # the reference is not a row
    row = got.iloc[0]
    se = math.sqrt(_cov(z_men, z_men) + _cov(z_women, z_women) - 2 * _cov(z_men, z_women))
    assert row.estimate == pytest.approx(0.4375, rel=1e-12) and row.se == pytest.approx(se, rel=1e-9)
    assert (row.n, row.n_reference, row.flag, row.verdict) == (100, 100, "ok", "reliable")
    assert (row.label_da, row.reference_label_da) == ("Mænd", "Kvinder")

    got = run("participation_contrast", year=2012, by="gender", db=fixture_db).data.set_index("category")
    row = got.loc["male"]
    se = math.sqrt(_cov(z_men, z_men) + _cov(z_all, z_all) - 2 * _cov(z_men, z_all))
    assert row.estimate == pytest.approx(5.5 / 8 - 7.5 / 16, rel=1e-12) and row.se == pytest.approx(se, rel=1e-9)
    assert (row.reference, row.n_reference, row.reference_label_da, row.reference_label_en) == ("all", 200, "I alt", "Total")
    # against the whole population the covariance shrinks the SE below the independent-samples formula
    assert row.se < math.sqrt(_cov(z_men, z_men) + _cov(z_all, z_all))


def test_hours_contrast_against_all_volunteers_by_hand(fixture_db):
    wave = _fixture_wave(2014)
    vol = (wave.volunteered == 1).to_numpy() & wave.hours_per_month.notna().to_numpy()
    y = wave.hours_per_month.fillna(0).to_numpy(float)
    men, z_men = _influence(wave, y, vol & (wave.gender == "male").to_numpy())
    everyone, z_all = _influence(wave, y, vol)
    row = run("hours_per_month_contrast", year=2014, by="gender", db=fixture_db, suppress=False).data
    row = row.set_index("category").loc["male"]
    assert row.estimate == pytest.approx(men - everyone, rel=1e-12)
    assert row.se == pytest.approx(math.sqrt(_cov(z_men, z_men) + _cov(z_all, z_all) - 2 * _cov(z_men, z_all)), rel=1e-9)
    assert (row.n, row.n_reference) == (int((vol & (wave.gender == "male")).sum()), int(vol.sum()))


def test_covariance_macro_of_a_domain_with_itself_is_its_variance(fixture_db):
    """domain_mean_cov(d, d) = domain_mean_se(d)^2: the two macros are one estimator."""
    con = connect(fixture_db)
    se, cov = con.execute("""
        with s as (
            select sum(weight) sw, sum(weight * volunteered) swy, sum(weight * weight) sw2,
                   sum(weight * weight * volunteered) sw2y, count(*) n
            from survey_respondents where year = 2012 and gender = 'male'
        )
        select domain_mean_se(sw, swy, sw2, sw2y, sw2y, 200),
               domain_mean_cov(sw2y, sw2y, sw2, swy / sw, swy / sw, sw, sw, 200)
        from s""").fetchone()
    assert cov == pytest.approx(se * se, rel=1e-12)


# --- flags at the reporting edges --------------------------------------------------------------------------------

EDGES = {"1081": (49, "suppressed"), "1082": (50, "uncertain"), "1083": (99, "uncertain"), "1084": (100, "ok")}


def test_change_flags_at_the_50_and_100_edges(unequal_db):
    got = run("participation_change", year=2018, since=2015, by="region", db=unequal_db).data.set_index("category")
    for region, (n, flag) in EDGES.items():
        row = got.loc[region]
        assert (row.n_since, row.n, row.flag) == (n, 100, flag), region
        shown = flag != "suppressed"
        for col in ("estimate", "se", "ci_low", "ci_high", "estimate_year", "estimate_since", "verdict"):
            assert pd.notna(row[col]) == shown, (region, col)


def test_contrast_flags_at_the_50_and_100_edges(unequal_db):
    got = run("participation_contrast", year=2015, by="region", reference="1085", db=unequal_db).data
    got = got.set_index("category")
    for region, (n, flag) in EDGES.items():
        row = got.loc[region]
        assert (row.n, row.n_reference, row.flag) == (n, 302, flag), region
        assert pd.notna(row.estimate) == (flag != "suppressed") and pd.notna(row.verdict) == (flag != "suppressed")
    # a reference under 50 suppresses every contrast with it, however large the other side
    against_small = run("participation_contrast", year=2015, by="region", reference="1081", db=unequal_db).data
    assert (against_small.flag == "suppressed").all() and against_small.estimate.isna().all()
    assert (against_small.n_reference == 49).all() and len(against_small) == 4
    # suppress=False shows the numbers but keeps the flag
    shown = run("participation_contrast", year=2015, by="region", reference="1081", db=unequal_db, suppress=False).data
    assert shown.estimate.notna().all() and (shown.flag == "suppressed").all()


def first_of_series(db) -> tuple[int, list[int]]:
    """The earliest wave with later waves comparable with it (the demo: CFSA's 2012) and those later waves."""
    from queries import comparable_waves

    pairs = comparable_waves(db)
    first = min(y for y, others in pairs.items() if any(o > y for o in others))
    return first, [o for o in pairs[first] if o > first]


@pytest.mark.parametrize("metric", ["participation_change", "hours_per_month_change", "participation_contrast",
                                    "hours_per_month_contrast"])
def test_verdict_says_whether_the_interval_excludes_zero(demo_db, metric):
    if metric.endswith("change"):  # every wave against its previous comparable one (2020 -> 2024 moves: reliable)
        res = run(metric, by="age_group", db=demo_db).data
    else:
        res = run(metric, by="region", db=demo_db).data
    assert len(res) > 0
    shown = res[res.flag != "suppressed"]
    excludes = (shown.ci_low > 0) | (shown.ci_high < 0)
    assert (shown.verdict == np.where(excludes, "reliable", "not_reliable")).all()
    assert set(shown.verdict) == {"reliable", "not_reliable"}  # the demo has both
    assert res[res.flag == "suppressed"].verdict.isna().all()
    assert np.allclose(shown.ci_high - shown.estimate, Z * shown.se) and np.allclose(shown.estimate - shown.ci_low, Z * shown.se)


def test_change_defaults_to_the_previous_comparable_wave_and_agrees_with_the_levels(demo_db):
    """Without since, each wave is compared with the latest earlier wave of its series and definition: in the demo
    CFSA's 2012 -> 2014 -> 2017 -> 2021 and the national 2020 -> 2024; the national 2004 and 2020 have none (2004 is
    SFI's definition, 2012 CFSA's; 2020 follows the 2024 report's definition)."""
    from queries import comparable_waves

    changes = run("participation_change", by="gender", db=demo_db).data
    levels = run("participation_rate", by="gender", db=demo_db).data.set_index(["year", "category"])
    pairs = comparable_waves(demo_db)
    expected = sorted((y, max(o for o in others if o < y)) for y, others in pairs.items() if min(others) < y)
    assert sorted(set(zip(changes.year, changes.since))) == expected
    assert expected == [(2014, 2012), (2017, 2014), (2021, 2017), (2024, 2020)]
    for _, c in changes.iterrows():
        a, b = levels.loc[(c.year, c.category)], levels.loc[(c.since, c.category)]
        assert c.estimate == pytest.approx(a.estimate - b.estimate, rel=1e-12)
        assert c.se == pytest.approx(math.hypot(a.se, b.se), rel=1e-12)
        assert (c.n, c.n_since) == (a.n, b.n)
    first, later = first_of_series(demo_db)
    since_first = run("participation_change", since=first, by="total", db=demo_db).data
    assert list(since_first.year) == later and set(since_first.since) == {first}



@pytest.mark.parametrize("change, level, unscaled", [
    ("volunteers_count_change", "volunteers_count", "participation_rate"),
    ("total_hours_per_year_change", "total_hours_per_year", None),
    ("fte_change", "fte", None),
])
def test_scaled_changes_agree_with_their_levels(demo_db, change, level, unscaled):
    """A change of a count or total is the difference of the level metric's estimates, and its SE combines the two
    waves' SEs (each the mean's SE times its own population), not the SE of the change of the mean times one
    population."""
    first, later = first_of_series(demo_db)
    changes = run(change, by="gender", since=first, db=demo_db).data
    levels = run(level, by="gender", db=demo_db).data.set_index(["year", "category"])
    assert len(changes) == 2 * len(later) and (changes.flag == "ok").all()
    for _, c in changes.iterrows():
        a, b = levels.loc[(c.year, c.category)], levels.loc[(c.since, c.category)]
        assert c.estimate_year == pytest.approx(a.estimate, rel=1e-12)
        assert c.estimate_since == pytest.approx(b.estimate, rel=1e-12)
        assert c.estimate == pytest.approx(a.estimate - b.estimate, rel=1e-12)
        assert c.se == pytest.approx(math.hypot(a.se, b.se), rel=1e-12)
        assert c.verdict == ("reliable" if c.ci_low > 0 or c.ci_high < 0 else "not_reliable")
        assert a.population != b.population
    if unscaled:
        rates = run(unscaled.replace("_rate", "") + "_change", by="gender", since=first, db=demo_db).data
        populations = levels.loc[list(zip(changes.year, changes.category))].population.to_numpy()
        one_population = rates.se.to_numpy() * populations
        assert not np.allclose(changes.se.to_numpy(), one_population, rtol=1e-6)


@pytest.mark.parametrize("change, level, params", [
    ("area_share_change", "area_share", {}),
    ("area_share_change", "area_share", {"base": "population"}),
    ("organisation_form_share_change", "organisation_form_share", {}),
    ("recruitment_share_change", "recruitment_share", {}),
])
def test_share_changes_agree_with_their_levels(demo_db, change, level, params):
    """Every later comparable wave against the first: the level metric's shares, their difference and
    sqrt(se1^2 + se2^2)."""
    first, later = first_of_series(demo_db)
    changes = run(change, since=first, db=demo_db, **params).data
    levels = run(level, db=demo_db, **params).data.set_index(["year", "category"])
    codes = levels.loc[first].index
    assert len(changes) == len(later) * len(codes) and set(changes.category) == set(codes)
    for _, c in changes.iterrows():
        a, b = levels.loc[(c.year, c.category)], levels.loc[(c.since, c.category)]
        assert c.estimate == pytest.approx(a.estimate - b.estimate, rel=1e-12, abs=1e-15)
        assert c.se == pytest.approx(math.hypot(a.se, b.se), rel=1e-12)
        assert (c.n, c.n_since, c.flag) == (a.n, b.n, "ok")

# --- requests ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("metric, params, message", [
    ("participation_change", {"year": 2014, "since": 2014}, r"since \(2014\) must be a wave before year \(2014\)"),
    ("participation_change", {"year": 2012, "since": 2014}, r"since \(2014\) must be a wave before year \(2012\)"),
    ("participation_change", {"since": 2013}, r"no data for since 2013; valid years: 2012, 2014"),
    ("participation_change", {"since": 2014}, r"since 2014 is the latest wave"),
    ("hours_per_month_change", {"year": 2012}, r"year 2012 is the first wave; no earlier wave"),
    ("participation_change", {"since": "2012x"}, r"parameter since must be of type int"),
    ("participation_contrast", {"by": "gender", "reference": "1081"}, r"invalid reference '1081' for by=gender; valid values: all, male, female"),
    ("hours_per_month_contrast", {"by": "total"}, r"invalid dimension 'total'"),
    ("participation_contrast", {"year": 1999}, r"no data for year 1999"),
])
def test_invalid_requests_are_refused_with_the_valid_values(fixture_db, metric, params, message):
    with pytest.raises(QueryError, match=message):
        run(metric, db=fixture_db, **params)


def cli(*args) -> subprocess.CompletedProcess:
    return run_main("queries", *args)  # in this process (tests/test_queries.py runs the CLI end to end)


def test_cli_change_and_contrast(fixture_db):
    proc = cli("run", "participation_change", "--year", 2014, "--since", 2012, "--by", "gender", "--db", fixture_db,
               "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# provenance: data_kind=demo; ")  # line 1, as in every CSV of the project
    out = pd.read_csv(pd.io.common.StringIO(proc.stdout), skiprows=1)
    assert list(out.category) == ["male", "female"] and {"estimate", "se", "ci_low", "ci_high", "n", "n_since",
                                                          "flag", "verdict"} <= set(out.columns)
    proc = cli("run", "participation_contrast", "--year", 2012, "--by", "gender", "--reference", "male",
               "--db", fixture_db, "--format", "csv")
    assert proc.returncode == 0, proc.stderr and "female" in proc.stdout
    proc = cli("run", "participation_change", "--year", 2012, "--since", 2014, "--db", fixture_db)
    assert proc.returncode == 2 and "since (2014) must be a wave before year (2012)" in proc.stderr
    proc = cli("run", "participation_contrast", "--by", "region", "--reference", "9999", "--db", fixture_db)
    assert proc.returncode == 2 and "invalid reference '9999' for by=region" in proc.stderr
