"""Synthetic demo data: writes the six contract files, calibrated to data/reference/published_figures.csv.

Deterministic: every component draws from its own numpy Generator seeded with (seed, component), floats are
formatted explicitly, and nothing depends on time or hash ordering, so two runs give byte-identical files.
The published 2012 figures are hit by construction (thresholds per cell on weighted counts), not by luck.
"""
from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

from etl import demo_data as D

DEFAULT_SEED = 20121
REFERENCE_DIR = pathlib.Path(__file__).resolve().parent.parent / "data" / "reference"

FILES = ("survey_respondents.csv", "municipal_survey.csv", "grants_s18.csv", "grant_budgets.csv",
         "cooperations.csv", "population.csv")

POPULATION_YEARS = range(2004, 2025)
# The demo's waves and their series (data/reference/survey_waves.csv): the national survey (SFI/VIVE) in 2004, 2020
# and 2024, CFSA's population survey in 2012 (the seed's Frivilligundersøgelsen 2012), 2014, 2017 and 2021. The
# national 2012 wave (SFI, 35 %) is not in the demo: the demo's 2012 mirrors the seed's CFSA figures.
SURVEY_WAVES = {2004: 3000, 2012: 8878, 2014: 6000, 2017: 6331, 2020: 7191, 2021: 6000, 2024: 6000}  # P17, C02, N13
WAVE_SERIES = {2004: "national", 2012: "cfsa", 2014: "cfsa", 2017: "cfsa", 2020: "national", 2021: "cfsa",
               2024: "national"}
# Headline participation per wave (published_figures T01, P01, T02, T04, T06; N15, N14: the 2024 report's 36 % for
# 2020, on the definition of its 40 % for 2024, so that the demo's change 2020 -> 2024 is the one VIVE reports).
PARTICIPATION = {2004: 0.33, 2012: 0.40, 2014: 0.42, 2017: 0.39, 2020: 0.36, 2021: 0.40, 2024: 0.40}
# 2012 rates by age group (P15 40-49 = 46 %, P16 70+ = 27 %; the others free, shifted to hit the total).
AGE_RATE_2012 = (0.385, 0.430, 0.460, 0.425, 0.405, 0.270)
AGE_RATE_FIXED = (False, False, True, False, False, True)
GENDER_RATE_2012 = (0.42, 0.38)  # male, female (P03, P04)
AREAS = ("culture_sport_leisure", "social_health", "housing_local", "politics_religion_interest", "education")
# Share of volunteers active in each area (P09-P13); social/health drifts up slightly over the waves.
AREA_SHARES = {
    2004: (0.47, 0.31, 0.14, 0.15, 0.13),
    2012: (0.46, 0.33, 0.14, 0.14, 0.13),
    2014: (0.46, 0.33, 0.14, 0.14, 0.13),
    2017: (0.45, 0.34, 0.15, 0.13, 0.13),
    2020: (0.45, 0.35, 0.15, 0.13, 0.12),
    2021: (0.45, 0.35, 0.15, 0.13, 0.12),
    2024: (0.44, 0.36, 0.15, 0.13, 0.12),
}
# Total hours per year where published (P14, T03); otherwise the mean hours per month (T05, T07).
TOTAL_HOURS = {2012: 350e6, 2014: 365e6}
# 2020 and 2024: the 2024 report's 15 and 18 hours a month (N17, N16).
MEAN_HOURS = {2004: 16.5, 2017: 15.0, 2020: 15.0, 2021: 14.0, 2024: 18.0}

URBANISATION = ("capital_area", "city_100k", "town_10k", "town_1k", "rural")
EDUCATION = ("basic", "upper_secondary", "vocational", "short_tertiary", "medium_tertiary", "long_tertiary",
             "unknown")
EMPLOYMENT = ("employed", "unemployed", "student", "retired", "other")
ORG_FORMS = ("association", "public_institution", "private_company", "informal")
RECRUITED = ("asked", "own_initiative", "other")

GRANT_YEARS = range(2009, 2016)
# National §18 totals (G04, G06, G09 granted; G05 budget 2009; 2012 budget so that 156.2 mio = 102 %).
GRANTED_TOTAL = {2009: 144_700_000, 2010: 148_500_000, 2011: 152_350_000, 2012: 156_200_000,
                 2013: 161_750_000, 2014: 167_300_000, 2015: 172_850_000}
BUDGET_TOTAL = {2009: 143_900_000, 2010: 146_000_000, 2011: 149_500_000, 2012: 153_100_000,
                2013: 157_000_000, 2014: 161_000_000, 2015: 165_000_000}
OVER_BUDGET_2012 = 35  # 35/98 = 35.7 % -> 36 % (G08)
FREDERIKSBERG = 147
PAYOUT_CAP_PER_INHABITANT = 62.0  # dkk; published payouts spread roughly 3-62 kr. per inhabitant
FREDERIKSBERG_2010 = {"budget": 4_000_000, "applications": 80, "applied": 9_000_000}  # G01-G03

MUNICIPAL_WAVES = (2010, 2012, 2018)
MUNICIPAL_ITEMS = ("has_volunteer_policy", "has_volunteer_council", "has_active_citizenship_strategy",
                   "organises_volunteers", "cooperation_increased", "has_volunteer_centre",
                   "has_association_directory", "has_volunteer_consultant")
MUNICIPAL_RESPONDENTS = {2010: 70, 2012: 78, 2018: 77}  # M01, M11; 2010 chosen
# Per wave and item: (number answering yes, number of responding municipalities leaving the item empty).
# 2012: 54/77 = 70 % (M03), 43 councils (M04), 17/78 = 22 % (M10), 44/77 = 57 % (M09), 61/78 = 78 % (M05);
# 2010: 29/70 = 41 % (M08).
MUNICIPAL_YES = {
    2010: {"has_volunteer_policy": (38, 0), "has_volunteer_council": (31, 0),
           "has_active_citizenship_strategy": (10, 0), "organises_volunteers": (29, 0),
           "cooperation_increased": (47, 0), "has_volunteer_centre": (41, 0),
           "has_association_directory": (44, 0), "has_volunteer_consultant": (33, 0)},
    2012: {"has_volunteer_policy": (54, 1), "has_volunteer_council": (43, 0),
           "has_active_citizenship_strategy": (17, 0), "organises_volunteers": (44, 1),
           "cooperation_increased": (61, 0), "has_volunteer_centre": (52, 0),
           "has_association_directory": (56, 0), "has_volunteer_consultant": (47, 0)},
    2018: {"has_volunteer_policy": (63, 0), "has_volunteer_council": (50, 1),
           "has_active_citizenship_strategy": (29, 0), "organises_volunteers": (55, 0),
           "cooperation_increased": (60, 0), "has_volunteer_centre": (62, 0),
           "has_association_directory": (61, 0), "has_volunteer_consultant": (58, 0)},
}
STAFF_FTE_TENTHS = {2010: 1000, 2012: 1750, 2018: 2380}  # M06 100, M07 175 full-time staff

COOPERATION_COUNT = 3600
COOPERATION_YEARS = range(2005, 2022)
SECTORS = ("civil_society", "private", "social_economy")
FORMS = ("grant_only", "oral_agreement", "cooperation_agreement", "partnership_agreement")


# ---------------------------------------------------------------------------------------------- helpers

def _rng(seed: int, component: int) -> np.random.Generator:
    return np.random.default_rng([seed, component])


def _draw(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of probs (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    cum = cum / cum[:, -1:]
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p / (1.0 - p))


def _shift_to(logits: np.ndarray, weights: np.ndarray, target: float) -> float:
    """Logit shift d such that sum(weights * expit(logits + d)) / sum(weights) == target (Newton)."""
    d = 0.0
    total = weights.sum()
    for _ in range(30):
        p = _expit(logits + d)
        f = (weights * p).sum() / total - target
        if abs(f) < 1e-13:
            break
        d -= f / ((weights * p * (1 - p)).sum() / total)
    return d


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Integers proportional to shares summing exactly to total (ties broken by position, deterministic)."""
    shares = np.asarray(shares, dtype=float)
    raw = total * shares / shares.sum()
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    if rest:
        order = np.argsort(-(raw - out), kind="stable")
        out[order[:rest]] += 1
    return out


def _fmt(values, decimals: int) -> list[str]:
    """Fixed-decimal text, '' for NaN (stable across platforms and pandas versions)."""
    return ["" if v != v else f"{v:.{decimals}f}" for v in np.asarray(values, dtype=float)]


def _flag_text(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    return np.where(present, np.asarray(values).astype(np.int64).astype(str), "")


def _write(out_dir: pathlib.Path, name: str, frame: pd.DataFrame, seed: int) -> pathlib.Path:
    path = out_dir / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# synthetic demo data generated by etl.demo (seed {seed}); not the real survey\n")
        frame.to_csv(fh, index=False, lineterminator="\n")
    return path


def load_municipalities() -> pd.DataFrame:
    """The 98 municipalities in code order with the columns the generator needs."""
    m = pd.read_csv(REFERENCE_DIR / "municipalities.csv", encoding="utf-8")
    m = m[["kommunekode", "kommune", "regionskode", "landsdelskode"]].rename(
        columns={"kommunekode": "code", "kommune": "name", "regionskode": "region", "landsdelskode": "landsdel"})
    m = m.sort_values("code", kind="stable").reset_index(drop=True)
    m["west"] = (m["landsdel"] >= 7).astype(int)
    m["pop2012"] = m["code"].map(D.POP_2012).astype(np.int64)
    m["kind"] = [_kind(c) for c in m["code"]]
    return m[["code", "name", "region", "landsdel", "west", "pop2012", "kind"]]


def _kind(code: int) -> str:
    if code in D.CAPITAL_CITY:
        return "capital_city"
    if code in D.CAPITAL_SUBURB:
        return "capital_suburb"
    if code in D.CAPITAL_PARTIAL:
        return "capital_partial"
    if code in D.BIG_CITY:
        return "big_city"
    if code in D.OLD_PERIPHERY:
        return "old_periphery"
    return "normal"


# ---------------------------------------------------------------------------------------------- population

def _population_array(munis: pd.DataFrame, seed: int) -> np.ndarray:
    """Persons as an int array [year, municipality, gender (male, female), age group (7)]."""
    rng = _rng(seed, 1)
    base = np.array(D.AGE_SHARES)
    adjust = np.array([D.AGE_ADJUST[k] for k in munis["kind"]])
    shares = np.clip(base + adjust, 0.02, None) * rng.lognormal(0.0, 0.03, size=adjust.shape)
    # within a kind, municipalities are older or younger along one axis (an ageing rural municipality has fewer
    # residents 16-39 and more 60+): its own draws, so the other draws above stay what they were
    ageing = _rng(seed, 8).normal(0.0, 1.0, size=len(munis))
    shares = np.clip(shares + ageing[:, None] * np.array(D.AGE_TILT), 0.02, None)
    pop = munis["pop2012"].to_numpy(dtype=float)
    growth = np.select(
        [munis["kind"] == "capital_city", munis["kind"] == "big_city", munis["kind"] == "capital_suburb",
         munis["kind"] == "capital_partial", munis["kind"] == "old_periphery", pop >= 50_000],
        [0.013, 0.010, 0.004, 0.003, -0.006, 0.004], default=0.0)
    growth = growth + rng.normal(0.0, 0.001, size=len(pop))
    male = np.array(D.MALE_SHARE)
    trend = np.array(D.AGE_TREND)
    years = list(POPULATION_YEARS)
    out = np.zeros((len(years), len(pop), 2, len(base)), dtype=np.int64)
    for i, year in enumerate(years):
        t = year - 2012
        total = pop * (1.0 + growth) ** t
        s = np.clip(shares + trend * t, 0.01, None)
        s = s / s.sum(axis=1, keepdims=True)
        persons = total[:, None] * s
        out[i, :, 0, :] = np.rint(persons * male)
        out[i, :, 1, :] = np.rint(persons * (1.0 - male))
    return out


def _population_frame(munis: pd.DataFrame, pop: np.ndarray) -> pd.DataFrame:
    years = np.array(list(POPULATION_YEARS))
    y, m, g, a = np.meshgrid(np.arange(len(years)), np.arange(len(munis)), np.arange(2),
                             np.arange(len(D.AGE_GROUPS)), indexing="ij")
    return pd.DataFrame({
        "year": years[y.ravel()],
        "municipality_code": munis["code"].to_numpy()[m.ravel()],
        "gender": np.array(["male", "female"])[g.ravel()],
        "age_group": np.array(D.AGE_GROUPS)[a.ravel()],
        "persons": pop.ravel(),
    })


# ---------------------------------------------------------------------------------------------- survey

def _urbanisation_probs(munis: pd.DataFrame) -> np.ndarray:
    probs = []
    for kind, pop in zip(munis["kind"], munis["pop2012"]):
        if kind == "capital_city":
            p = (1.0, 0, 0, 0, 0)
        elif kind == "capital_suburb":
            p = (0.95, 0, 0.03, 0.01, 0.01)
        elif kind == "capital_partial":
            p = (0.60, 0, 0.10, 0.15, 0.15)
        elif kind == "big_city":
            p = (0, 0.82, 0.03, 0.07, 0.08)
        elif pop >= 80_000:
            p = (0, 0, 0.60, 0.20, 0.20)
        elif pop >= 40_000:
            p = (0, 0, 0.45, 0.28, 0.27)
        elif pop >= 20_000:
            p = (0, 0, 0.30, 0.38, 0.32)
        else:
            p = (0, 0, 0, 0.55, 0.45)
        probs.append(p)
    return np.array(probs, dtype=float)


# Education by adult age group (16-29 ... 70+), columns as EDUCATION.
_EDUCATION_BY_AGE = np.array([
    [0.30, 0.30, 0.14, 0.04, 0.12, 0.07, 0.03],
    [0.12, 0.10, 0.28, 0.07, 0.22, 0.18, 0.03],
    [0.15, 0.07, 0.33, 0.07, 0.21, 0.14, 0.03],
    [0.22, 0.05, 0.36, 0.05, 0.19, 0.09, 0.04],
    [0.28, 0.04, 0.35, 0.05, 0.17, 0.07, 0.04],
    [0.42, 0.03, 0.27, 0.04, 0.13, 0.05, 0.06],
])
# Employment by age band: 16-24, 25-29, 30-59, 60-64, 65-69, 70+ ; columns as EMPLOYMENT.
_EMPLOYMENT_BY_BAND = np.array([
    [0.32, 0.05, 0.58, 0.00, 0.05],
    [0.72, 0.07, 0.15, 0.00, 0.06],
    [0.83, 0.05, 0.02, 0.00, 0.10],
    [0.55, 0.05, 0.00, 0.30, 0.10],
    [0.20, 0.01, 0.00, 0.75, 0.04],
    [0.02, 0.00, 0.00, 0.97, 0.01],
])
# Over-/under-representation in the sample (why weights vary): by region code order 1081..1085, gender, age.
_SAMPLE_REGION = np.array([1.35, 1.05, 1.00, 0.85, 1.10])
_SAMPLE_GENDER = np.array([0.90, 1.10])
_SAMPLE_AGE = np.array([0.60, 0.95, 1.20, 1.20, 1.15, 0.80])
# The well educated answer surveys more often (and volunteer more): the unweighted rate is too high.
_SAMPLE_EDUCATION = np.array([0.70, 1.00, 0.90, 1.10, 1.35, 1.55, 0.80])
# Effects on the volunteering latent (logit scale) within gender x age cells.
_URBAN_EFFECT = np.array([-0.18, -0.10, 0.00, 0.12, 0.20])
_WEST_EFFECT = 0.06
_EDUCATION_EFFECT = np.array([-0.35, 0.05, -0.05, 0.05, 0.25, 0.30, -0.30])
_EMPLOYMENT_EFFECT = np.array([0.10, -0.30, 0.05, 0.00, -0.20])


def _cell_rates(cell_weights: np.ndarray, year: int) -> np.ndarray:
    """Target participation per gender x adult age group for a wave, given the wave's weight totals [2, 6].

    The 2012 shape is raked (in logit space) to the published margins: gender 42/38, age 40-49 46 % and 70+
    27 %, the free age groups shifted so that the total is 40 %. Other waves shift that shape to their total.
    """
    w_age = cell_weights.sum(axis=0)
    w_gender = cell_weights.sum(axis=1)
    total_w = cell_weights.sum()
    base = _logit(AGE_RATE_2012)
    fixed = np.array(AGE_RATE_FIXED)
    target_total = PARTICIPATION[2012]
    # free age groups: one shift so the age profile gives the total
    fixed_mass = (w_age[fixed] * np.array(AGE_RATE_2012)[fixed]).sum()
    free_target = (target_total * total_w - fixed_mass) / w_age[~fixed].sum()
    d = _shift_to(base[~fixed], w_age[~fixed], free_target)
    age_target = np.where(fixed, np.array(AGE_RATE_2012), _expit(base + d))
    c = (target_total * total_w - (np.array(GENDER_RATE_2012) * w_gender).sum()) / total_w
    gender_target = np.array(GENDER_RATE_2012) + c
    logits = base[None, :] + np.array([[0.08], [-0.08]])
    for _ in range(60):
        for a in range(6):
            logits[:, a] += _shift_to(logits[:, a], cell_weights[:, a], age_target[a])
        for g in range(2):
            logits[g, :] += _shift_to(logits[g, :], cell_weights[g, :], gender_target[g])
    if year != 2012:
        logits += _shift_to(logits.ravel(), cell_weights.ravel(), PARTICIPATION[year])
    return _expit(logits)


def _select_weighted(score: np.ndarray, weight: np.ndarray, share: float) -> np.ndarray:
    """Boolean mask of the highest-scoring rows whose weight sum is closest to share * total weight."""
    order = np.argsort(-score, kind="stable")
    cum = np.cumsum(weight[order])
    k = int(np.argmin(np.abs(np.concatenate([[0.0], cum]) - share * weight.sum())))
    mask = np.zeros(len(score), dtype=bool)
    mask[order[:k]] = True
    return mask


# The municipality's own effect on the volunteering latent (logit scale), so that municipal rates differ beyond the
# make-up of their residents and the small-area model (queries/municipal_participation.sql) has something real to
# find: per standard deviation of the share 16-29 and of the share 70+ among residents 16+, and the sd of a random
# part. A shift of 0.15 on the latent moves a municipality's rate by about 0.15 p (1 - p), some 4 points.
_AREA_YOUNG_EFFECT = -0.15
_AREA_OLD_EFFECT = 0.12
_AREA_RANDOM_SD = 0.15


def _area_effects(munis: pd.DataFrame, pop_2012: np.ndarray, seed: int) -> np.ndarray:
    """Per municipality (code order) its effect on the volunteering latent, the same in every wave: the age
    structure of 2012 (standardised shares 16-29 and 70+ of residents 16+) plus a normal random part, centred
    (population-weighted) within each region so that the regional and east/west figures the generator is
    calibrated to stay where they were."""
    adult = pop_2012[:, :, 1:].sum(axis=1).astype(float)  # [muni, 6 adult age groups]
    total = adult.sum(axis=1)
    young, old = adult[:, 0] / total, adult[:, 5] / total
    effect = (_AREA_YOUNG_EFFECT * (young - young.mean()) / young.std()
              + _AREA_OLD_EFFECT * (old - old.mean()) / old.std()
              + _rng(seed, 7).normal(0.0, _AREA_RANDOM_SD, size=len(total)))
    region = munis["region"].to_numpy()
    for r in np.unique(region):
        inside = region == r
        effect[inside] -= np.average(effect[inside], weights=total[inside])
    return effect


def _survey_wave(rng: np.random.Generator, year: int, n: int, munis: pd.DataFrame,
                 pop_year: np.ndarray, area_effect: np.ndarray) -> pd.DataFrame:
    adult = pop_year[:, :, 1:].astype(float)                  # [muni, gender, 6 adult groups]
    region_idx = munis["region"].to_numpy() - 1081
    factor = (_SAMPLE_REGION[region_idx][:, None, None] * _SAMPLE_GENDER[None, :, None]
              * _SAMPLE_AGE[None, None, :])
    p = (adult * factor).ravel()
    cell = rng.choice(p.size, size=n, p=p / p.sum())
    m_idx, g_idx, a_idx = np.unravel_index(cell, adult.shape)

    # education: drawn with the response tilt; the weight carries the ratio population/sample
    edu_pop = _EDUCATION_BY_AGE[a_idx]
    edu_tilted = edu_pop * _SAMPLE_EDUCATION
    education = _draw(rng, edu_tilted)
    edu_ratio = (edu_pop[np.arange(n), education] / edu_pop.sum(axis=1)) / (
        edu_tilted[np.arange(n), education] / edu_tilted.sum(axis=1))

    # design weights: post-stratified on gender x age x region, times the education ratio and noise, mean 1
    strata = (g_idx * 6 + a_idx) * 5 + region_idx[m_idx]
    pop_strata = np.zeros(60)
    np.add.at(pop_strata, _strata_index(region_idx).ravel(), adult.ravel())
    count = np.bincount(strata, minlength=60).astype(float)
    noise = rng.lognormal(0.0, 0.30, size=n)
    noise = noise / (np.bincount(strata, weights=noise, minlength=60) / np.maximum(count, 1))[strata]
    weight = (pop_strata[strata] / pop_strata.sum()) / (count[strata] / n) * noise * edu_ratio
    weight = np.clip(weight / weight.mean(), 0.3, 3.0)
    weight = np.round(weight / weight.mean(), 4)

    lo = np.array([16, 30, 40, 50, 60, 70])
    width = np.array([14, 10, 10, 10, 10, 1])
    age = lo[a_idx] + np.floor(rng.random(n) * width[a_idx]).astype(int)
    old = a_idx == 5
    age[old] = 70 + np.minimum(np.floor(rng.exponential(8.0, size=old.sum())).astype(int), 32)

    urban = _draw(rng, _urbanisation_probs(munis)[m_idx])
    band = np.select([age < 25, age < 30, age < 60, age < 65, age < 70], [0, 1, 2, 3, 4], default=5)
    employment = _draw(rng, _EMPLOYMENT_BY_BAND[band])
    west = munis["west"].to_numpy()[m_idx]

    # volunteering: latent with covariate effects, thresholded per gender x age cell on weighted counts
    latent = (_URBAN_EFFECT[urban] + _WEST_EFFECT * west + _EDUCATION_EFFECT[education]
              + _EMPLOYMENT_EFFECT[employment] + area_effect[m_idx] + rng.logistic(size=n))
    cell_weights = np.zeros((2, 6))
    np.add.at(cell_weights, (g_idx, a_idx), weight)
    rates = _cell_rates(cell_weights, year)
    volunteered = np.zeros(n, dtype=bool)
    for g in range(2):
        for a in range(6):
            idx = np.flatnonzero((g_idx == g) & (a_idx == a))
            volunteered[idx[_select_weighted(latent[idx], weight[idx], rates[g, a])]] = True

    # areas: a primary area (or another area not in the list) plus further areas, calibrated per area
    vol = np.flatnonzero(volunteered)
    nv = len(vol)
    gv, av = g_idx[vol], a_idx[vol]
    primary_p = np.tile(np.array([0.40, 0.26, 0.11, 0.10, 0.10, 0.03]), (nv, 1))
    primary_p[:, 0] *= np.where(gv == 0, 1.15, 0.87) * np.where(av <= 1, 1.15, np.where(av >= 4, 0.8, 1.0))
    primary_p[:, 1] *= np.where(gv == 1, 1.2, 0.85) * np.where(av >= 4, 1.25, 1.0)
    primary_p[:, 2] *= np.where(av >= 3, 1.15, 0.85)
    primary_p[:, 3] *= np.where(av >= 4, 1.3, 0.9)
    primary_p[:, 4] *= np.where((av == 1) | (av == 2), 1.5, 0.75)
    primary = _draw(rng, primary_p)
    shares = AREA_SHARES[year]
    area_flags = np.zeros((nv, len(AREAS)), dtype=bool)
    for k in range(len(AREAS)):
        score = 10.0 * (primary == k) + np.log(primary_p[:, k]) + rng.logistic(size=nv)
        area_flags[:, k] = _select_weighted(score, weight[vol], shares[k])

    # hours per month: lognormal, older and retired give more, scaled to the wave's calibrated mean
    log_h = (rng.normal(0.0, 0.95, size=nv) + 0.12 * (av >= 4) + 0.15 * (employment[vol] == 3)
             - 0.10 * (employment[vol] == 0))
    hours = np.exp(log_h)
    hours = np.minimum(hours, np.quantile(hours, 0.995))
    mean_target = _mean_hours(year, weight, volunteered, pop_year)
    wv = weight[vol]
    for _ in range(3):
        hours = np.clip(np.round(hours * mean_target / ((wv * hours).sum() / wv.sum()), 1), 0.5, None)

    form_p = np.tile(np.array([0.74, 0.12, 0.03, 0.11]), (nv, 1))
    form_p[:, 1] *= np.where(av == 1, 1.5, 1.0)
    form = _draw(rng, form_p)
    recruited_p = np.tile(np.array([0.55, 0.36, 0.09]), (nv, 1))
    recruited_p[:, 0] *= np.where(av >= 4, 1.15, 1.0)
    recruited = _draw(rng, recruited_p)

    hours_full = np.full(n, np.nan)
    hours_full[vol] = hours
    area_full = np.zeros((n, len(AREAS)), dtype=np.int64)
    area_full[vol] = area_flags
    form_full = np.full(n, "", dtype=object)
    form_full[vol] = np.array(ORG_FORMS, dtype=object)[form]
    rec_full = np.full(n, "", dtype=object)
    rec_full[vol] = np.array(RECRUITED, dtype=object)[recruited]

    frame = pd.DataFrame({
        "respondent_id": [f"{year}-{i:06d}" for i in range(1, n + 1)],
        "year": np.full(n, year),
        "weight": _fmt(weight, 4),
        "gender": np.array(["male", "female"])[g_idx],
        "age": age,
        "municipality_code": munis["code"].to_numpy()[m_idx],
        "urbanisation": np.array(URBANISATION)[urban],
        "education": np.array(EDUCATION)[education],
        "employment": np.array(EMPLOYMENT)[employment],
        "volunteered": volunteered.astype(np.int64),
        "hours_per_month": _fmt(hours_full, 1),
    })
    for k, area in enumerate(AREAS):
        frame[f"area_{area}"] = _flag_text(area_full[:, k], volunteered)
    frame["organisation_form"] = form_full
    frame["recruited"] = rec_full
    frame["series"] = WAVE_SERIES[year]
    return frame


def _strata_index(region_idx: np.ndarray) -> np.ndarray:
    """Stratum number (gender x age x region) of each [muni, gender, age] population cell."""
    g = np.arange(2)[None, :, None]
    a = np.arange(6)[None, None, :]
    return (g * 6 + a) * 5 + region_idx[:, None, None]


def _mean_hours(year: int, weight: np.ndarray, volunteered: np.ndarray, pop_year: np.ndarray) -> float:
    if year in TOTAL_HOURS:
        rate = (weight * volunteered).sum() / weight.sum()
        adults = pop_year[:, :, 1:].sum()
        return TOTAL_HOURS[year] / (rate * adults * 12.0)
    return MEAN_HOURS[year]


def _survey(munis: pd.DataFrame, pop: np.ndarray, seed: int) -> pd.DataFrame:
    years = list(POPULATION_YEARS)
    area_effect = _area_effects(munis, pop[years.index(2012)], seed)
    frames = [_survey_wave(_rng(seed, 100 + year), year, n, munis, pop[years.index(year)], area_effect)
              for year, n in SURVEY_WAVES.items()]
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------- municipal survey

def _municipal_survey(munis: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = _rng(seed, 2)
    n = len(munis)
    size = np.log(munis["pop2012"].to_numpy(dtype=float))
    # persistent propensities per item (a municipality with a policy in 2010 tends to keep it)
    propensity = {item: 0.35 * (size - size.mean()) + rng.normal(0.0, 1.0, size=n) for item in MUNICIPAL_ITEMS}
    response_score = 0.3 * (size - size.mean()) + rng.normal(0.0, 1.0, size=n)
    rows = []
    for wave in MUNICIPAL_WAVES:
        wave_score = response_score + rng.normal(0.0, 0.8, size=n)
        responded = np.zeros(n, dtype=bool)
        responded[np.argsort(-wave_score, kind="stable")[:MUNICIPAL_RESPONDENTS[wave]]] = True
        resp_idx = np.flatnonzero(responded)
        answers = {}
        for item in MUNICIPAL_ITEMS:
            yes, empty = MUNICIPAL_YES[wave][item]
            score = propensity[item][resp_idx] + rng.normal(0.0, 0.5, size=len(resp_idx))
            order = np.argsort(-score, kind="stable")
            values = np.full(n, np.nan)
            values[resp_idx] = 0.0
            values[resp_idx[order[:yes]]] = 1.0
            if empty:  # item non-response among the municipalities answering no
                no_idx = resp_idx[order[yes:]]
                values[rng.choice(no_idx, size=empty, replace=False)] = np.nan
            answers[item] = values
        fte = np.full(n, np.nan)
        staff_share = munis["pop2012"].to_numpy(dtype=float)[resp_idx] ** 0.8 * rng.lognormal(0, 0.5, len(resp_idx))
        tenths = 2 + _largest_remainder(STAFF_FTE_TENTHS[wave] - 2 * len(resp_idx), staff_share)
        fte[resp_idx] = tenths / 10.0
        frame = pd.DataFrame({"year": wave, "municipality_code": munis["code"].to_numpy(),
                              "responded": responded.astype(np.int64)})
        for item in MUNICIPAL_ITEMS:
            frame[item] = _flag_text(np.nan_to_num(answers[item]), ~np.isnan(answers[item]))
        frame["staff_fte"] = _fmt(fte, 1)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------------------------------------- §18 grants

_SOCIAL_ORGS = tuple(org for org in D.CIVIL_ORGS if org[3])


def _org_names(rng: np.random.Generator, town: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Applicants for §18 grants (organisations doing social work) and their target groups."""
    idx = rng.integers(0, len(_SOCIAL_ORGS), size=size)
    names = np.array([org[0].format(by=town) for org in _SOCIAL_ORGS], dtype=object)
    groups = np.array([org[1] for org in _SOCIAL_ORGS], dtype=object)
    return names[idx], groups[idx]


def _grants(munis: pd.DataFrame, pop: np.ndarray, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng(seed, 3)
    n = len(munis)
    codes = munis["code"].to_numpy()
    fb = int(np.flatnonzero(codes == FREDERIKSBERG)[0])
    years = list(POPULATION_YEARS)
    # persistent per-capita budget level and payout habit per municipality
    budget_level = rng.lognormal(0.0, 0.18, size=n)
    habit = rng.normal(0.0, 1.0, size=n)
    budget_rows, grant_frames = [], []
    for year in GRANT_YEARS:
        inhabitants = pop[years.index(year)].sum(axis=(1, 2)).astype(float)
        # budgets in whole thousands, proportional-ish to population, exact national total
        share = inhabitants * budget_level * rng.lognormal(0.0, 0.04, size=n)
        total_k = BUDGET_TOTAL[year] // 1000
        if year == 2010:
            fixed_k = FREDERIKSBERG_2010["budget"] // 1000
            mask = np.arange(n) != fb
            budget_k = np.zeros(n, dtype=np.int64)
            budget_k[mask] = _largest_remainder(total_k - fixed_k, share[mask])
            budget_k[fb] = fixed_k
        else:
            budget_k = _largest_remainder(total_k, share)
        budget = budget_k * 1000

        # which municipalities pay out more than their budget
        n_over = OVER_BUDGET_2012 if year == 2012 else int(rng.integers(28, 42))
        over_score = habit + rng.normal(0.0, 0.7, size=n)
        over = np.zeros(n, dtype=bool)
        over[np.argsort(-over_score, kind="stable")[:n_over]] = True
        if year == 2010:
            over[fb] = False
        # payout ratios: under-spenders mostly close to the budget, a few far below
        ratio = np.clip(1.0 - rng.beta(1.2, 9.0, size=n), 0.05, 0.995)
        ratio[np.argsort(habit, kind="stable")[:2]] = rng.uniform(0.10, 0.16, size=2)
        if year == 2010:
            ratio[fb] = 0.985
        excess = rng.uniform(0.1, 1.0, size=n) * budget
        granted = np.where(over, budget, ratio * budget)
        cap = np.maximum(rng.uniform(0.88, 1.0, size=n) * PAYOUT_CAP_PER_INHABITANT * inhabitants, budget)
        for _ in range(20):  # spread the remaining excess over the over-spenders below the cap
            room = over & (granted < cap - 1.0)
            missing = GRANTED_TOTAL[year] - granted.sum()
            if missing < 1.0 or not room.any():
                break
            add = np.where(room, excess, 0.0)
            granted = np.minimum(granted + missing * add / add.sum(), cap)
        granted_m = _largest_remainder(GRANTED_TOTAL[year], granted)
        # ensure 'over' still means strictly above budget after integer rounding
        granted_m = np.where(over & (granted_m <= budget), budget + 1, granted_m)
        granted_m[int(np.argmax(granted_m))] += GRANTED_TOTAL[year] - granted_m.sum()
        budget_rows.append(pd.DataFrame({"year": year, "municipality_code": codes, "budget_dkk": budget}))

        for m in range(n):
            n_apps = max(3, int(round(inhabitants[m] / 1400.0 * rng.lognormal(0.0, 0.2))))
            if year == 2010 and m == fb:
                n_apps = FREDERIKSBERG_2010["applications"]
            grant_frames.append(_applications(rng, year, codes[m], munis["name"].iat[m], n_apps,
                                              int(granted_m[m]),
                                              FREDERIKSBERG_2010["applied"] if (year == 2010 and m == fb)
                                              else None))
    grants = pd.concat(grant_frames, ignore_index=True)
    # a couple of grants larger than the application (the ETL records them as warnings)
    candidates = np.flatnonzero((grants["granted_dkk"].to_numpy() >= 20_000)
                                & ~((grants["year"] == 2010) & (grants["municipality_code"] == FREDERIKSBERG)))
    for i in rng.choice(candidates, size=2, replace=False):
        grants.loc[i, "applied_dkk"] = grants.loc[i, "granted_dkk"] - 5_000
    return pd.concat(budget_rows, ignore_index=True), grants


def _applications(rng: np.random.Generator, year: int, code: int, town: str, n_apps: int, granted_total: int,
                  applied_total: int | None) -> pd.DataFrame:
    orgs, groups = _org_names(rng, town, n_apps)
    rejected = rng.random(n_apps) < 0.10
    rejected[0] = False
    size = rng.lognormal(0.0, 0.8, size=n_apps) * ~rejected
    granted = np.round(granted_total * size / size.sum() / 500.0) * 500.0
    top = int(np.argmax(granted))
    granted[top] += granted_total - granted.sum()
    if granted[top] < 0:  # tiny totals: give everything to one application
        granted[:] = 0.0
        granted[top] = granted_total
    coverage = np.where(rng.random(n_apps) < 0.25, 1.0, np.clip(rng.beta(4.0, 2.0, size=n_apps), 0.25, 1.0))
    typical = max(granted_total / n_apps, 5_000.0)
    applied = np.where(granted > 0, granted / coverage, typical * rng.lognormal(0.0, 0.6, size=n_apps))
    if applied_total is not None:
        applied = np.maximum(applied * applied_total / applied.sum(), granted)
    applied = np.maximum(np.ceil(applied / 1000.0) * 1000.0, granted)
    if applied_total is not None:
        big = int(np.argmax(applied - granted))
        applied[big] += applied_total - applied.sum()
    return pd.DataFrame({"year": year, "municipality_code": code, "organisation": orgs,
                         "target_group": groups, "applied_dkk": applied.astype(np.int64),
                         "granted_dkk": granted.astype(np.int64)})


# ---------------------------------------------------------------------------------------------- cooperations

def _cooperations(munis: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = _rng(seed, 4)
    n = COOPERATION_COUNT
    years = np.array(list(COOPERATION_YEARS))
    year_p = np.linspace(1.0, 2.6, len(years))
    start = years[_draw(rng, np.tile(year_p, (n, 1)))]
    start.sort(kind="stable")
    m_p = munis["pop2012"].to_numpy(dtype=float) ** 0.6
    m_idx = _draw(rng, np.tile(m_p, (n, 1)))
    t = (start - 2005) / 16.0
    form_p = np.column_stack([0.52 - 0.14 * t, 0.26 - 0.04 * t, 0.18 + 0.08 * t, 0.04 + 0.10 * t])
    form = _draw(rng, form_p)
    sector_p = np.column_stack([0.80 - 0.08 * t, 0.12 + 0.02 * t, 0.08 + 0.06 * t])
    sector = _draw(rng, sector_p)
    random_area = _draw(rng, np.tile(np.array([0.26, 0.40, 0.14, 0.08, 0.12]), (n, 1)))
    own_area = rng.random(n) < 0.8  # a civil-society organisation mostly cooperates in its own area
    towns = munis["name"].to_numpy()[m_idx]
    civil_i = rng.integers(0, len(D.CIVIL_ORGS), size=n)
    private_i = rng.integers(0, len(D.PRIVATE_ORGS), size=n)
    social_i = rng.integers(0, len(D.SOCIAL_ECONOMY_ORGS), size=n)
    tg_other = np.array(D.TARGET_GROUPS)[_draw(rng, np.tile(np.array([3, 3, 2, 2, 2, 1, 1, 2, 2.0]), (n, 1)))]
    orgs, groups, areas = [], [], []
    for i in range(n):
        area = AREAS[random_area[i]]
        if sector[i] == 0:
            name, group, main_area, _ = D.CIVIL_ORGS[civil_i[i]]
            area = main_area if own_area[i] else area
        elif sector[i] == 1:
            name, group = D.PRIVATE_ORGS[private_i[i]], tg_other[i]
        else:
            name, group = D.SOCIAL_ECONOMY_ORGS[social_i[i]], tg_other[i]
        orgs.append(name.format(by=towns[i]))
        groups.append(group)
        areas.append(area)
    ended = rng.random(n) < 0.35
    end = start + np.floor(rng.exponential(3.0, size=n)).astype(int)
    ended &= end <= 2021
    return pd.DataFrame({
        "cooperation_id": [f"S{i:05d}" for i in range(1, n + 1)],
        "municipality_code": munis["code"].to_numpy()[m_idx],
        "organisation": orgs,
        "sector": np.array(SECTORS)[sector],
        "form": np.array(FORMS)[form],
        "area": areas,
        "target_group": groups,
        "start_year": start,
        "end_year": np.where(ended, end.astype(str), ""),
    })


# ---------------------------------------------------------------------------------------------- entry point

def generate(out_dir: pathlib.Path, seed: int = DEFAULT_SEED) -> list[pathlib.Path]:
    """Write the six contract files into out_dir and return their paths (in FILES order)."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    munis = load_municipalities()
    pop = _population_array(munis, seed)
    budgets, grants = _grants(munis, pop, seed)
    frames = {
        "survey_respondents.csv": _survey(munis, pop, seed),
        "municipal_survey.csv": _municipal_survey(munis, seed),
        "grants_s18.csv": grants,
        "grant_budgets.csv": budgets,
        "cooperations.csv": _cooperations(munis, seed),
        "population.csv": _population_frame(munis, pop),
    }
    return [_write(out_dir, name, frames[name], seed) for name in FILES]


if __name__ == "__main__":  # pragma: no cover - convenience; the CLI is `python -m etl demo`
    import sys
    for p in generate(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "data/raw/demo")):
        print(p)
