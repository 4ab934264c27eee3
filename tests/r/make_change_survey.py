"""Write tests/r/change_survey.csv: a second synthetic survey (contract format) with unequal weights, for the change
and contrast tests (tests/test_queries_change.py, tests/r/change_golden.R). Committed; rerun only to change it
(`python tests/r/make_change_survey.py [OUT]`).

Three waves (2015, 2018, 2021). Weights are log-normal, so they are unequal within every category. The regions
have fixed sizes per wave, chosen to sit on the reporting edges: in 2015 regions 1081-1084 have 49, 50, 99 and 100
respondents, in 2018 every region but Sjælland has 100, so the changes 2015-2018 by region are suppressed (49),
uncertain (50, 99) and ok (100), and so are the 2015 contrasts against Region Sjælland.
Deterministic: Python's random with a fixed seed (its generator is stable across Python versions).

Beside it, change_population.csv: the population of the waves (contract format) for the changes of counts and totals
(volunteers, hours per year, full-time equivalents), the fixture's 2014 population grown differently per wave, gender
and age group, so that the two waves of a change have different populations (no randomness).
"""
from __future__ import annotations

import csv
import math
import pathlib
import random

OUT = pathlib.Path(__file__).with_name("change_survey.csv")
POPULATION_OUT = pathlib.Path(__file__).with_name("change_population.csv")
REF = pathlib.Path(__file__).resolve().parents[2] / "data" / "reference" / "municipalities.csv"
FIXTURE_POPULATION = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "raw" / "population.csv"
AGE_GROUPS = ["0-15", "16-29", "30-39", "40-49", "50-59", "60-69", "70+"]
REGION_SIZES = {
    2015: {1081: 49, 1082: 50, 1083: 99, 1084: 100, 1085: 302},
    2018: {1081: 100, 1082: 100, 1083: 100, 1084: 100, 1085: 300},
    2021: {1081: 150, 1082: 60, 1083: 200, 1084: 400, 1085: 190},
}
URBANISATION = ["capital_area", "city_100k", "town_10k", "town_1k", "rural"]
EDUCATION = ["basic", "upper_secondary", "vocational", "short_tertiary", "medium_tertiary", "long_tertiary", "unknown"]
EMPLOYMENT = ["employed", "unemployed", "student", "retired", "other"]
AREAS = ["culture_sport_leisure", "social_health", "housing_local", "politics_religion_interest", "education"]
ORG_FORMS = ["association", "public_institution", "private_company", "informal"]
RECRUITED = ["asked", "own_initiative", "other"]
HEADER = ["respondent_id", "year", "weight", "gender", "age", "municipality_code", "urbanisation", "education",
          "employment", "volunteered", "hours_per_month", *[f"area_{a}" for a in AREAS], "organisation_form",
          "recruited"]


def main(out: pathlib.Path = OUT) -> None:
    rng = random.Random(20131)
    with open(REF, encoding="utf-8") as f:
        munis: dict[int, list[int]] = {}
        for r in csv.DictReader(f):
            munis.setdefault(int(r["regionskode"]), []).append(int(r["kommunekode"]))
    rows = []
    for year, sizes in REGION_SIZES.items():
        trend = {2015: 0.0, 2018: 0.04, 2021: -0.02}[year]
        i = 0
        for region, size in sizes.items():
            for _ in range(size):
                i += 1
                gender = rng.choice(["male", "female"])
                age = rng.randint(16, 90)
                weight = round(math.exp(rng.gauss(0, 0.6)) * (1.4 if age < 30 else 1.0), 4)
                p = 0.30 + trend + (0.06 if gender == "male" else 0) + (0.08 if 40 <= age < 70 else 0) \
                    + (0.05 if region == 1082 else 0)
                vol = int(rng.random() < p)
                row = [f"{year}-{i:05d}", year, f"{weight:.4f}", gender, age, rng.choice(munis[region]),
                       rng.choice(URBANISATION), rng.choice(EDUCATION), rng.choice(EMPLOYMENT), vol]
                if vol:
                    hours = round(math.exp(rng.gauss(2.0 + (0.3 if age >= 60 else 0), 0.8)) * 2) / 2
                    areas = [int(rng.random() < 0.35) for _ in AREAS]
                    row += [f"{hours:g}", *areas, rng.choice(ORG_FORMS), rng.choice(RECRUITED)]
                else:
                    row += [""] * 8
                rows.append(row)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("# synthetic survey with unequal weights for the change tests (tests/r/make_change_survey.py)\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"wrote {len(rows)} respondents to {out}")


def population(out: pathlib.Path = POPULATION_OUT) -> None:
    """The fixture's 2014 population, grown per wave, gender and age group (every wave has its own population)."""
    with open(FIXTURE_POPULATION, encoding="utf-8") as f:
        base = [r for r in csv.DictReader(line for line in f if not line.startswith("#")) if r["year"] == "2014"]
    rows = []
    for k, year in enumerate(REGION_SIZES):
        for r in base:
            growth = (1 + 0.03 * k + 0.01 * k * AGE_GROUPS.index(r["age_group"])
                      + (0.02 * k if r["gender"] == "female" else 0))
            rows.append([year, r["municipality_code"], r["gender"], r["age_group"], round(int(r["persons"]) * growth)])
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("# population of the synthetic change survey's waves (tests/r/make_change_survey.py)\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["year", "municipality_code", "gender", "age_group", "persons"])
        w.writerows(rows)
    print(f"wrote {len(rows)} population rows to {out}")


if __name__ == "__main__":
    import sys

    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    population(pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else POPULATION_OUT)
