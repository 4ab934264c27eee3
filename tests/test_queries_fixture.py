"""Every metric on the fixture warehouse against answers computed here, independently, from the fixture CSV files.

The expectations use pandas/numpy on tests/fixtures/raw/*.csv (not the warehouse, not the metric SQL); the survey
standard errors use the textbook two-pass influence-value formula of R's svyby/svymean for a design
svydesign(ids = ~1, weights = ~weight) per wave, so they also check the one-pass algebra of queries/_macros.sql.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURE_RAW, REPO
from queries import load_metric, run
from queries.catalog import QUERY_DIR

Z = 1.959964
AREAS = ["culture_sport_leisure", "social_health", "housing_local", "politics_religion_interest", "education"]
FRAMEWORK = ["has_volunteer_policy", "has_volunteer_council", "has_active_citizenship_strategy",
             "organises_volunteers", "cooperation_increased", "has_volunteer_centre",
             "has_association_directory", "has_volunteer_consultant"]
SCORED = [e for e in FRAMEWORK if e != "cooperation_increased"]


def read_raw(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURE_RAW / f"{name}.csv", comment=None, skiprows=1, keep_default_na=True)


@pytest.fixture(scope="module")
def geo() -> pd.DataFrame:
    m = pd.read_csv(REPO / "data" / "reference" / "municipalities.csv")
    return pd.DataFrame({
        "municipality_code": m.kommunekode,
        "municipality_name": m.kommune,
        "region_code": m.regionskode,
        "landsdel_code": m.landsdelskode,
        "east_west": np.where(m.landsdel_side == "øst", "east", "west"),
    })


@pytest.fixture(scope="module")
def survey(geo) -> pd.DataFrame:
    s = read_raw("survey_respondents").merge(geo, on="municipality_code", how="left")
    s["age_group"] = pd.cut(s.age, [0, 29, 39, 49, 59, 69, 200],
                            labels=["16-29", "30-39", "40-49", "50-59", "60-69", "70+"]).astype(str)
    s["total"] = "all"
    s["region"] = s.region_code.astype(str)
    s["landsdel"] = s.landsdel_code.astype(str)
    return s


@pytest.fixture(scope="module")
def population(geo) -> pd.DataFrame:
    return read_raw("population").merge(geo, on="municipality_code", how="left")


def domain_mean(wave: pd.DataFrame, y: pd.Series, in_domain: pd.Series) -> tuple[float, float, int]:
    """Weighted domain mean, its linearisation SE over the whole wave (svyby), and the domain's n."""
    n_wave = len(wave)
    dom = in_domain.to_numpy(bool)
    w = wave.weight.to_numpy(float)
    yy = y.to_numpy(float)
    total = w[dom].sum()
    mean = (w[dom] * yy[dom]).sum() / total
    z = np.where(dom, w * (np.where(dom, yy, 0) - mean) / total, 0.0)  # influence values, 0 outside the domain
    var = n_wave / (n_wave - 1) * ((z - z.mean()) ** 2).sum()
    return mean, math.sqrt(var), int(dom.sum())


def same_n(got, n: int) -> bool:
    """n as the query layer shows it: a count of persons of 1-4 is null (the small-count rule), others exact."""
    return pd.isna(got) if 1 <= n <= 4 else got == n


def flag(n: int) -> str:
    return "suppressed" if n < 50 else "uncertain" if n < 100 else "ok"


def close(a, b, rel=1e-9) -> bool:
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12)


def rows_by(df: pd.DataFrame, *keys: str) -> dict:
    if len(keys) == 1:
        return {r[keys[0]]: r for _, r in df.iterrows()}
    return {tuple(r[k] for k in keys): r for _, r in df.iterrows()}


# --- survey metrics ----------------------------------------------------------------------------------------------

def test_hand_computed_rates_from_the_fixture_rules(fixture_db):
    """tests/fixtures/make_raw.py: 2012 rate 7.5/16, men 5.5/8, women 2/8; 2014 rate 8/16."""
    got = rows_by(run("participation_rate", by="gender", db=fixture_db).data, "year", "category")
    assert close(got[(2012, "male")].estimate, 5.5 / 8) and close(got[(2012, "female")].estimate, 2 / 8)
    assert got[(2012, "male")].flag == "ok" and got[(2012, "male")].n == 100
    assert got[(2014, "female")].flag == "uncertain" and got[(2014, "female")].n == 60  # 50 <= n < 100: shown
    assert got[(2014, "female")].estimate == pytest.approx(2.5 / 8)
    total = rows_by(run("participation_rate", db=fixture_db).data, "year")
    assert close(total[2012].estimate, 7.5 / 16) and close(total[2014].estimate, 0.5)
    assert total[2012].label_da == "I alt" and total[2012].category == "all"


DIMENSIONS = ["total", "gender", "age_group", "region", "landsdel", "east_west", "urbanisation", "education",
              "employment"]


@pytest.mark.parametrize("by", DIMENSIONS)
def test_participation_rate_every_dimension(fixture_db, survey, by):
    res = run("participation_rate", by=by, db=fixture_db, suppress=False).data
    got = rows_by(res, "year", "category")
    expected_keys = set()
    for year, wave in survey.groupby("year"):
        wave = wave.reset_index(drop=True)
        for cat in wave[by].unique():
            mean, se, n = domain_mean(wave, wave.volunteered, wave[by] == cat)
            row = got[(year, str(cat))]
            expected_keys.add((year, str(cat)))
            assert close(row.estimate, mean) and close(row.se, se), (year, cat)
            assert same_n(row.n, n) and row.flag == flag(n) and row.dimension == by
            assert close(row.ci_low, max(mean - Z * se, 0)) and close(row.ci_high, min(mean + Z * se, 1))
    assert set(got) == expected_keys
    assert res.label_da.notna().all() and res.label_en.notna().all()


def test_counts_of_persons_of_1_to_4_are_not_shown_and_flags_use_the_true_count(fixture_db, survey):
    """The one small-count rule (person_count in queries/_macros.sql): n of 1-4 is null in every survey metric."""
    seen = 0
    for name in ("participation_rate", "hours_per_month", "total_hours_per_year", "volunteers_count", "fte"):
        for by in load_metric(name).dimensions:
            res = run(name, by=by, db=fixture_db, suppress=False).data
            small = res[res.n.isna()]
            assert (small.flag == "suppressed").all() and small.estimate.notna().all(), (name, by)
            assert not ((res.n >= 1) & (res.n <= 4)).any(), (name, by)
            seen += len(small)
    assert seen > 0, "the fixture has survey cells of 1-4 persons"
    macros_text = (QUERY_DIR / "_macros.sql").read_text(encoding="utf-8")
    assert "min_persons_shown() as 5" in macros_text
    for path in QUERY_DIR.glob("*.sql"):  # the rule lives in one place
        sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        assert not re.search(r"between 1 and 4|<\s*5\b", sql), path.name


def test_suppression_nulls_small_domains_but_keeps_n_and_flag(fixture_db):
    res = run("participation_rate", year=2012, by="age_group", db=fixture_db).data
    assert (res.n < 50).all()  # about 33 respondents per age group in the fixture
    assert res.estimate.isna().all() and res.se.isna().all() and res.ci_low.isna().all() and res.ci_high.isna().all()
    assert (res.flag == "suppressed").all()
    assert list(res.category) == ["16-29", "30-39", "40-49", "50-59", "60-69", "70+"]  # label sort order


def test_rate_interval_clipped_to_unit_interval(fixture_db):
    # a landsdel with few respondents and an extreme rate gives an interval reaching past 0 or 1 unclipped
    res = run("participation_rate", by="landsdel", db=fixture_db, suppress=False).data
    assert (res.ci_low >= 0).all() and (res.ci_high <= 1).all()
    assert ((res.estimate - Z * res.se < 0) | (res.estimate + Z * res.se > 1)).any()


@pytest.mark.parametrize("by", ["total", "gender", "age_group", "region", "urbanisation"])
def test_hours_per_month_among_volunteers(fixture_db, survey, by):
    got = rows_by(run("hours_per_month", by=by, db=fixture_db, suppress=False).data, "year", "category")
    for year, wave in survey.groupby("year"):
        wave = wave.reset_index(drop=True)
        for cat in wave[by].unique():
            dom = (wave[by] == cat) & (wave.volunteered == 1) & wave.hours_per_month.notna()
            row = got[(year, str(cat))]
            if not dom.any():  # no volunteers in the category: no mean
                assert row.n == 0 and pd.isna(row.estimate) and row.flag == "suppressed"
                continue
            mean, se, n = domain_mean(wave, wave.hours_per_month.fillna(0), dom)
            assert close(row.estimate, mean) and close(row.se, se) and same_n(row.n, n)
            assert close(row.ci_low, max(mean - Z * se, 0)) and close(row.ci_high, mean + Z * se)
    if by == "total":  # 2012 hours cycle 2, 4, 5.5, 10, 0.5 over the volunteers, weights balanced: mean 4.4
        assert close(got[(2012, "all")].estimate, 4.4)


@pytest.mark.parametrize("by", ["total", "gender", "age_group", "region", "landsdel", "east_west"])
def test_volunteers_count_is_rate_times_population_16plus(fixture_db, survey, population, by):
    pop = population[population.age_group != "0-15"].copy()
    pop["total"] = "all"
    pop["region"] = pop.region_code.astype(str)
    pop["landsdel"] = pop.landsdel_code.astype(str)
    pop16 = pop.groupby(["year", by]).persons.sum()
    got = rows_by(run("volunteers_count", by=by, db=fixture_db, suppress=False).data, "year", "category")
    for year, wave in survey.groupby("year"):
        wave = wave.reset_index(drop=True)
        for cat in wave[by].unique():
            rate, se, n = domain_mean(wave, wave.volunteered, wave[by] == cat)
            p = pop16[(year, cat)]
            row = got[(year, str(cat))]
            assert row.population == p
            assert close(row.estimate, rate * p) and close(row.se, se * p)
            assert close(row.ci_low, max(rate - Z * se, 0) * p) and close(row.ci_high, min(rate + Z * se, 1) * p)
    if by == "total":  # 97 municipalities x 1000 + Copenhagen 5000, per gender and each of the six age groups 16+
        assert got[(2012, "all")].population == (97 * 1000 + 5000) * 2 * 6


def test_total_hours_and_fte(fixture_db, survey, population):
    pop16 = population[population.age_group != "0-15"].groupby("year").persons.sum()
    hours = run("total_hours_per_year", db=fixture_db, suppress=False).data.set_index("year")
    fte = run("fte", db=fixture_db, suppress=False).data.set_index("year")
    fte1000 = run("fte", db=fixture_db, suppress=False, hours_per_fte=1000).data.set_index("year")
    for year, wave in survey.groupby("year"):
        wave = wave.reset_index(drop=True)
        y = (wave.volunteered * wave.hours_per_month.fillna(0))
        mean, se, n = domain_mean(wave, y, pd.Series(True, index=wave.index))
        total = mean * 12 * pop16[year]
        assert close(hours.loc[year, "estimate"], total) and close(hours.loc[year, "se"], se * 12 * pop16[year])
        assert close(hours.loc[year, "ci_low"], max(mean - Z * se, 0) * 12 * pop16[year])
        assert close(fte.loc[year, "estimate"], total / 1924) and fte.loc[year, "hours_per_fte"] == 1924
        assert close(fte1000.loc[year, "estimate"], total / 1000)
        assert close(fte.loc[year, "ci_high"], (mean + Z * se) * 12 * pop16[year] / 1924)
    # total hours = participation x hours per volunteer x 12 x population (the ratio identity)
    rate = run("participation_rate", year=2012, db=fixture_db).data.estimate[0]
    per_volunteer = run("hours_per_month", year=2012, db=fixture_db).data.estimate[0]
    assert close(hours.loc[2012, "estimate"], rate * per_volunteer * 12 * pop16[2012])


@pytest.mark.parametrize("base", ["volunteers", "population"])
def test_area_share(fixture_db, survey, base):
    res = run("area_share", base=base, db=fixture_db, suppress=False).data
    got = rows_by(res, "year", "category")
    for year, wave in survey.groupby("year"):
        wave = wave.reset_index(drop=True)
        for area in AREAS:
            col = wave[f"area_{area}"]
            if base == "volunteers":
                mean, se, n = domain_mean(wave, col.fillna(0), (wave.volunteered == 1) & col.notna())
            else:
                mean, se, n = domain_mean(wave, col.fillna(0) * wave.volunteered, pd.Series(True, index=wave.index))
            row = got[(year, area)]
            assert close(row.estimate, mean) and close(row.se, se) and same_n(row.n, n) and row.base == base
    assert list(res[res.year == 2012].category) == AREAS
    if base == "population":  # the population share is the volunteer share times the participation rate
        vol = rows_by(run("area_share", year=2012, db=fixture_db, suppress=False).data, "category")
        assert close(got[(2012, "social_health")].estimate, vol["social_health"].estimate * 7.5 / 16)


@pytest.mark.parametrize("metric,column,codes", [
    ("organisation_form_share", "organisation_form", ["association", "public_institution", "private_company", "informal"]),
    ("recruitment_share", "recruited", ["asked", "own_initiative", "other"]),
])
def test_category_shares_among_volunteers(fixture_db, survey, metric, column, codes):
    res = run(metric, db=fixture_db, suppress=False).data
    got = rows_by(res, "year", "category")
    for year, wave in survey.groupby("year"):
        wave = wave.reset_index(drop=True)
        dom = (wave.volunteered == 1) & wave[column].notna()
        for code in codes:
            mean, se, n = domain_mean(wave, (wave[column] == code).astype(float), dom)
            row = got[(year, code)]
            assert close(row.estimate, mean) and close(row.se, se) and same_n(row.n, n)
        assert math.isclose(res[res.year == year].estimate.sum(), 1.0)
    assert set(res.dimension) == {column}


# --- municipal survey -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def municipal() -> pd.DataFrame:
    return read_raw("municipal_survey")


def test_municipal_response(fixture_db, municipal):
    res = run("municipal_response", db=fixture_db).data.set_index("year")
    for year, g in municipal.groupby("year"):
        assert res.loc[year, "responded"] == g.responded.sum()
        assert res.loc[year, "municipalities"] == 98
        assert close(res.loc[year, "response_rate"], g.responded.sum() / 98)
    # make_raw.py: every 5th municipality did not respond in 2010, every 6th in 2012
    assert res.loc[2010, "responded"] == 98 - 19 and res.loc[2012, "responded"] == 98 - 16
    assert "small_count" not in res.columns  # municipalities are public records: exact counts


@pytest.mark.parametrize("by", ["total", "region"])
def test_framework_share(fixture_db, municipal, geo, by):
    res = run("framework_share", by=by, db=fixture_db).data
    got = rows_by(res, "year", "category", "element")
    m = municipal[municipal.responded == 1].merge(geo, on="municipality_code")
    m["total"] = "all"
    m["region"] = m.region_code.astype(str)
    for (year, cat), g in m.groupby(["year", by]):
        for element in FRAMEWORK:
            answered = g[element].notna().sum()
            yes = (g[element] == 1).sum()
            row = got[(year, str(cat), element)]
            assert row.yes_count == yes and row.answer_count == answered
            assert close(row.share, yes / answered)
            assert row.yes_count == yes  # exact, also 1-4 (administrative records)
    assert len(res) == m.groupby(["year", by]).ngroups * 8
    # item non-response: in 2012 one responding municipality skipped the council question
    if by == "total":
        assert got[(2012, "all", "has_volunteer_council")].answer_count == 98 - 16 - 1
        assert got[(2012, "all", "has_volunteer_council")].element_label_da == "Frivilligråd"


def test_framework_score(fixture_db, municipal):
    res = run("framework_score", db=fixture_db).data
    got = rows_by(res, "year", "municipality_code")
    assert len(res) == len(municipal)
    for _, r in municipal.iterrows():
        row = got[(r.year, r.municipality_code)]
        if r.responded:
            assert row.framework_score == int(sum(r[e] == 1 for e in SCORED))
            assert row.elements_answered == int(sum(pd.notna(r[e]) for e in SCORED))
        else:
            assert pd.isna(row.framework_score)
    assert (res.max_score == 7).all()
    one = run("framework_score", year=2012, municipality_code=147, db=fixture_db).data
    assert list(one.municipality_code) == [147] and one.municipality_name[0] == "Frederiksberg"


@pytest.mark.parametrize("by", ["region", "total"])
def test_framework_score_region_and_country_mean_of_responding(fixture_db, municipal, geo, by):
    res = run("framework_score", by=by, db=fixture_db).data
    got = rows_by(res, "year", "category")
    m = municipal.merge(geo, on="municipality_code")
    m["score"] = m[SCORED].eq(1).sum(axis=1).where(m.responded == 1)
    m["total"] = "all"
    m["region"] = m.region_code.astype(str)
    groups = m.groupby(["year", by])
    assert len(res) == groups.ngroups and (res.dimension == by).all()
    for (year, cat), g in groups:
        row = got[(year, str(cat))]
        assert row.municipalities == len(g) and row.responded == (g.responded == 1).sum()
        assert close(row.framework_score, g.score.mean())  # mean over responding municipalities only
        assert pd.isna(row.municipality_code) and pd.isna(row.elements_answered)
    if by == "region":
        assert got[(2012, "1084")].label_da == "Region Hovedstaden"
    else:
        assert got[(2012, "all")].responded == 98 - 16


def test_staff_fte_total(fixture_db, municipal):
    res = run("staff_fte_total", db=fixture_db).data.set_index("year")
    for year, g in municipal[municipal.responded == 1].groupby("year"):
        assert close(res.loc[year, "staff_fte_total"], g.staff_fte.sum())
        assert res.loc[year, "municipalities_reporting"] == g.staff_fte.notna().sum()
    # 2010: one responding municipality left staff_fte empty
    assert res.loc[2010, "municipalities_reporting"] == 98 - 19 - 1


# --- §18 grants -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def grants() -> pd.DataFrame:
    return read_raw("grants_s18")


@pytest.fixture(scope="module")
def budgets() -> pd.DataFrame:
    return read_raw("grant_budgets")


def test_granted_per_inhabitant(fixture_db, grants, budgets, population):
    res = run("granted_per_inhabitant", db=fixture_db).data
    got = rows_by(res, "year", "municipality_code")
    keys = set(map(tuple, budgets[["year", "municipality_code"]].to_numpy())) | set(
        map(tuple, grants[["year", "municipality_code"]].to_numpy()))
    assert set(got) == keys
    inhabitants = population.groupby(["year", "municipality_code"]).persons.sum()
    for year, code in keys:
        g = grants[(grants.year == year) & (grants.municipality_code == code)]
        row = got[(year, code)]
        assert row.granted_dkk == g.granted_dkk.sum() and row.applications == len(g)
        if (year, code) in inhabitants.index:
            assert close(row.granted_dkk_per_inhabitant, g.granted_dkk.sum() / inhabitants[(year, code)])
        else:  # the fixture population has no 2011
            assert pd.isna(row.granted_dkk_per_inhabitant)
        assert row.applications == len(g)  # exact, also 1-4 (administrative records)
    # Frederiksberg 2012: 90,000 kr. over 14 x 1,000 inhabitants
    assert close(got[(2012, 147)].granted_dkk_per_inhabitant, 90000 / 14000)
    only = run("granted_per_inhabitant", year=2012, municipality_code=147, db=fixture_db).data
    assert len(only) == 1 and only.municipality_name[0] == "Frederiksberg"


@pytest.mark.parametrize("by", ["region", "total"])
def test_granted_per_inhabitant_region_and_country_ratio_of_sums(fixture_db, grants, budgets, population, geo, by):
    res = run("granted_per_inhabitant", by=by, db=fixture_db).data
    got = rows_by(res, "year", "category")
    listed = pd.concat([budgets[["year", "municipality_code"]], grants[["year", "municipality_code"]]]).drop_duplicates()
    listed = listed.merge(geo, on="municipality_code")
    granted = grants.groupby(["year", "municipality_code"]).granted_dkk.agg(["sum", "count"])
    inhabitants = population.groupby(["year", "municipality_code"]).persons.sum()
    keys = list(zip(listed.year, listed.municipality_code))
    listed["granted"] = [granted["sum"].get(k, 0) for k in keys]
    listed["applications"] = [granted["count"].get(k, 0) for k in keys]
    listed["inhabitants"] = [inhabitants.get(k, np.nan) for k in keys]
    listed["total"] = "all"
    listed["region"] = listed.region_code.astype(str)
    groups = listed.groupby(["year", by])
    assert len(res) == groups.ngroups and (res.dimension == by).all()
    for (year, cat), g in groups:
        row = got[(year, str(cat))]
        assert row.municipalities == len(g) and row.applications == g.applications.sum()
        assert close(row.granted_dkk, g.granted.sum())
        if g.inhabitants.notna().all():
            # total granted / total inhabitants, not the mean of the municipal ratios
            assert close(row.granted_dkk_per_inhabitant, g.granted.sum() / g.inhabitants.sum())
        else:  # the fixture population has no 2011
            assert year == 2011 and pd.isna(row.granted_dkk_per_inhabitant)
    ratio_2012 = listed[listed.year == 2012]
    mean_of_ratios = (ratio_2012.granted / ratio_2012.inhabitants).mean()
    if by == "total":
        assert not close(got[(2012, "all")].granted_dkk_per_inhabitant, mean_of_ratios)


def test_payout_ratio(fixture_db, grants, budgets, geo):
    granted = grants.groupby(["year", "municipality_code"]).granted_dkk.sum()
    per = budgets.copy()
    per["granted"] = [granted.get((y, m), 0) for y, m in zip(per.year, per.municipality_code)]
    national = run("payout_ratio", db=fixture_db).data.set_index("year")
    for year, g in per.groupby("year"):
        assert close(national.loc[year, "payout_ratio"], g.granted.sum() / g.budget_dkk.sum())
        assert national.loc[year, "municipalities"] == len(g)
        assert national.loc[year, "municipalities_over_budget"] == (g.granted > g.budget_dkk).sum()
        assert close(national.loc[year, "share_over_budget"], (g.granted > g.budget_dkk).mean())
    # 2010: København 450,000 of 1,000,000 and Frederiksberg 330,000 of 400,000; Odense and Aarhus nothing
    assert close(national.loc[2010, "payout_ratio"], 780000 / 1900000)
    muni = rows_by(run("payout_ratio", year=2010, by="municipality", db=fixture_db).data, "category")
    assert close(muni["147"].payout_ratio, 330000 / 400000) and muni["147"].label_da == "Frederiksberg"
    assert muni["461"].payout_ratio == 0
    region = rows_by(run("payout_ratio", year=2010, by="region", db=fixture_db).data, "category")
    assert close(region["1084"].payout_ratio, 780000 / 1400000)
    one = run("payout_ratio", year=2012, by="municipality", municipality_code=751, db=fixture_db).data
    assert list(one.category) == ["751"] and close(one.payout_ratio[0], 65000 / 300000)


@pytest.mark.parametrize("by", ["total", "municipality", "target_group", "region"])
def test_application_coverage(fixture_db, grants, geo, by):
    g = grants.merge(geo, on="municipality_code")
    g["total"] = "all"
    g["municipality"] = g.municipality_code.astype(str)
    g["region"] = g.region_code.astype(str)
    got = rows_by(run("application_coverage", by=by, db=fixture_db).data, "year", "category")
    for (year, cat), x in g.groupby(["year", by]):
        row = got[(year, str(cat))]
        assert close(row.coverage, x.granted_dkk.sum() / x.applied_dkk.sum()) and row.applications == len(x)
    assert len(got) == g.groupby(["year", by]).ngroups
    if by == "total":
        assert close(got[(2010, "all")].coverage, 780000 / 1000000)


def test_grants_by_target_group(fixture_db, grants):
    res = run("grants_by_target_group", db=fixture_db).data
    assert len(res) == grants.year.nunique() * 9  # every target group of the label file, every year
    got = rows_by(res, "year", "target_group")
    for (year, tg), x in grants.groupby(["year", "target_group"]):
        row = got[(year, tg)]
        assert row.applications == len(x) and row.granted_dkk == x.granted_dkk.sum()
        assert close(row.share_of_granted, x.granted_dkk.sum() / grants[grants.year == year].granted_dkk.sum())
    assert got[(2012, "homeless")].applications == 0 and got[(2012, "elderly")].applications == 2  # exact
    one = run("grants_by_target_group", year=2010, municipality_code=147, db=fixture_db).data
    assert one.applications.sum() == 3 and close(one.granted_dkk.sum(), 330000)


# --- cooperations -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cooperations() -> pd.DataFrame:
    return read_raw("cooperations")


def active_in(c: pd.DataFrame, year: int) -> pd.DataFrame:
    return c[(c.start_year <= year) & (c.end_year.isna() | (c.end_year >= year))]


@pytest.mark.parametrize("by", ["total", "form", "sector", "area", "target_group"])
def test_cooperation_counts(fixture_db, cooperations, by):
    res = run("cooperation_counts", by=by, db=fixture_db).data
    years = range(cooperations.start_year.min(), int(max(cooperations.start_year.max(), cooperations.end_year.max())) + 1)
    assert sorted(res.year.unique()) == list(years)
    got = rows_by(res, "year", "category")
    for year in years:
        active = active_in(cooperations, year)
        counts = active.groupby(by).size() if by != "total" else pd.Series({"all": len(active)})
        for (y, cat), row in got.items():
            if y == year:
                assert row.cooperations == counts.get(cat, 0), (year, cat)
    # hand count: 2012 has C001, C002 (ends 2012), C003, C004, C007, C008, C010 active
    if by == "total":
        assert got[(2012, "all")].cooperations == 7


def test_cooperation_counts_one_municipality(fixture_db, cooperations):
    res = run("cooperation_counts", year=2012, by="form", municipality_code=751, db=fixture_db).data
    assert dict(zip(res.category, res.cooperations)) == {
        "grant_only": 0, "oral_agreement": 1, "cooperation_agreement": 0, "partnership_agreement": 0}


@pytest.mark.parametrize("by", ["total", "municipality", "region"])
def test_partnership_share(fixture_db, cooperations, geo, by):
    c = cooperations.merge(geo, on="municipality_code")
    c["total"] = "all"
    c["municipality"] = c.municipality_code.astype(str)
    c["region"] = c.region_code.astype(str)
    got = rows_by(run("partnership_share", by=by, db=fixture_db).data, "year", "category")
    for year in range(2005, 2016):
        for cat, x in active_in(c, year).groupby(by):
            row = got[(year, str(cat))]
            partners = (x.form == "partnership_agreement").sum()
            assert row.cooperations == len(x) and row.partnerships == partners
            assert close(row.partnership_share, partners / len(x))
    if by == "total":
        assert close(got[(2014, "all")].partnership_share, 2 / 8)  # C004 and C006 among 8 active in 2014


# --- published comparison ---------------------------------------------------------------------------------------

def test_published_comparison_on_the_fixture(fixture_db):
    res = run("published_comparison", db=fixture_db).data
    published = pd.read_csv(REPO / "data" / "reference" / "published_figures.csv")
    assert sorted(res.figure_id) == sorted(published.figure_id)  # every published row, once
    r = res.set_index("figure_id")
    assert close(r.loc["P01", "our_value"], 100 * 7.5 / 16) and close(r.loc["P03", "our_value"], 68.75)
    assert close(r.loc["P04", "our_value"], 25.0) and close(r.loc["P04", "difference"], 25.0 - 38)
    assert r.loc["P03", "within_interval"] == (r.loc["P03", "our_ci_low"] <= 42 <= r.loc["P03", "our_ci_high"])
    assert r.loc["P17", "our_value"] == 200 and not r.loc["P17", "agrees"]
    # age groups have about 33 respondents in the fixture: suppressed, with the reason
    assert pd.isna(r.loc["P15", "our_value"]) and "fewer than 50" in r.loc["P15", "reason"]
    assert r.loc["P15", "flag"] == "suppressed"
    # municipal figures: exact counts and shares after rounding to whole units
    assert r.loc["M01", "our_value"] == 82 and not r.loc["M01", "agrees"]
    assert close(r.loc["M02", "our_value"], 100 * 82 / 98) and r.loc["M02", "rounded_value"] == 84
    # register figures for Frederiksberg 2010: budget 400,000 (published 4 mio.), 3 applications
    assert r.loc["G01", "our_value"] == 400000 and r.loc["G02", "our_value"] == 3
    # rows we cannot compute say why
    assert "2004" in r.loc["T01", "reason"] and pd.isna(r.loc["T01", "our_value"])
    assert "større byer" in r.loc["P07", "reason"] and pd.isna(r.loc["P07", "metric"])
    assert "2009" in r.loc["G04", "reason"]
    computed = res[res.our_value.notna()]
    assert computed.reason.isna().all() and res[res.our_value.isna()].reason.notna().all()
    only2010 = run("published_comparison", year=2010, db=fixture_db).data
    assert set(only2010.year) == {2010}
