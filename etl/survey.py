"""survey_respondents.csv -> survey_respondents (with age group and the municipality's region, landsdel, side, and
the series of the respondent's wave).

Every respondent belongs to a wave (series, year) of the build's wave table (survey_waves, etl.reference): the file
says the series in a `series` column, or leaves it out (or empty) when its year is a wave of one series only. A year
that is no declared wave, or a wave of more than one series without a series, is refused with the line.
"""
from __future__ import annotations

import dataclasses

from etl.errors import InvalidInput, Problem
from etl.reference import shown_name, waves_path
from etl.rules import (CODE, FLAG, FLOAT, MAX_HOURS_PER_MONTH, MAX_WEIGHT, TEXT, Column, RowRule, SourceSpec,
                       municipality_code, year)
from etl.staging import lit, stage

AREAS = ("culture_sport_leisure", "social_health", "housing_local", "politics_religion_interest", "education")
ANSWERS = ("hours_per_month", *(f"area_{a}" for a in AREAS), "organisation_form", "recruited")

SPEC = SourceSpec(
    file="survey_respondents.csv",
    table="survey_respondents",
    columns=(
        Column("respondent_id", TEXT),
        year(),
        Column("weight", FLOAT, min=0, min_exclusive=True, max=MAX_WEIGHT),
        Column("gender", CODE, codes="gender"),
        Column("age", "int", min=16, max=110),
        municipality_code(),
        Column("urbanisation", CODE, codes="urbanisation"),
        Column("education", CODE, codes="education"),
        Column("employment", CODE, codes="employment"),
        Column("volunteered", FLAG),
        Column("hours_per_month", FLOAT, min=0, max=MAX_HOURS_PER_MONTH, when="volunteered"),
        *(Column(f"area_{a}", FLAG, when="volunteered") for a in AREAS),
        Column("organisation_form", CODE, codes="organisation_form", when="volunteered"),
        Column("recruited", CODE, codes="recruited", when="volunteered"),
        Column("series", CODE, codes="series", required=False, may_be_absent=True),
    ),
    unique=(("year", "respondent_id"),),
)

AGE_GROUP_SQL = """case when v_age < 30 then '16-29' when v_age < 40 then '30-39' when v_age < 50 then '40-49'
    when v_age < 60 then '50-59' when v_age < 70 then '60-69' else '70+' end"""


def wave_rules(build) -> tuple[RowRule, ...]:
    """The rules that put every row in a declared wave, stated with the build's waves (survey_waves)."""
    waves = build.con.execute("select series, year from survey_waves order by year, series").fetchall()
    table = shown_name(waves_path(build.waves_dir))
    declared = ", ".join(f"{s} {y}" for s, y in waves)
    by_year: dict[int, list[str]] = {}
    for s, y in waves:
        by_year.setdefault(y, []).append(s)
    single = [y for y, ss in by_year.items() if len(ss) == 1]
    shared = {y: ss for y, ss in by_year.items() if len(ss) > 1}
    codes = build.codes("series")
    pairs = ", ".join(lit(f"{s}:{y}") for s, y in waves) or "''"
    rules = [RowRule("series", f"series in ({', '.join(map(lit, codes))}) and v_year is not null and "
                     f"series || ':' || v_year::varchar not in ({pairs})",
                     f"this series has no wave in the row's year in {table} (declared waves: {declared}); "
                     f"correct the series or year, or declare the wave in {table} (docs/input-contract.md)")]
    for y, ss in shared.items():
        rules.append(RowRule("year", f"series is null and v_year = {y}",
                             f"{y} is a wave of more than one series ({', '.join(ss)}): say which in a series "
                             f"column (docs/input-contract.md)"))
    known = ", ".join(str(y) for y in single + list(shared)) or "null"
    rules.append(RowRule("year", f"series is null and v_year is not null and v_year not in ({known})",
                         f"not a declared survey wave (declared waves: {declared}): add a series column and "
                         f"declare the wave (series, year) in {table} (docs/input-contract.md)"))
    return tuple(rules)


def spec_for(build) -> SourceSpec:
    """The survey file's rules with the build's waves."""
    return dataclasses.replace(SPEC, rules=SPEC.rules + wave_rules(build))


def load(build) -> None:
    """Validate the survey file (every row in a declared wave, one series per year) and load survey_respondents."""
    staged = stage(build, spec_for(build))
    areas = ", ".join(f"v_area_{a}" for a in AREAS)
    build.con.execute(f"""
        insert into survey_respondents
        select s.v_year, s.respondent_id, s.v_weight, s.gender, s.v_age, {AGE_GROUP_SQL},
               s.v_municipality_code, m.region_code, m.landsdel_code, m.east_west,
               s.urbanisation, s.education, s.employment, s.v_volunteered, s.v_hours_per_month, {areas},
               s.organisation_form, s.recruited,
               coalesce(s.series, w.series)
        from {staged.view} s join municipalities m on m.municipality_code = s.v_municipality_code
        left join (select year, any_value(series) as series from survey_waves group by year having count(*) = 1) w
            on w.year = s.v_year
        order by s.line""")
    mixed = build.con.execute("""
        select year, string_agg(distinct series, ', ' order by series) from survey_respondents
        group by year having count(distinct series) > 1 order by year limit 1""").fetchone()
    if mixed:
        line = build.con.execute(f"""
            select min(line) from {staged.view} s
            where s.v_year = ? and coalesce(s.series, '') <> (
                select series from survey_respondents where year = ? order by series limit 1)""",
            [mixed[0], mixed[0]]).fetchone()[0]
        raise InvalidInput([Problem(SPEC.file, line, "series", None,
                                    f"the year {mixed[0]} holds waves of two series ({mixed[1]}): the metrics are per "
                                    "year, so a warehouse holds one series per year; load the other series' wave in "
                                    "a warehouse of its own")])
