"""survey_respondents.csv -> survey_respondents (with age group and the municipality's region, landsdel, side)."""
from __future__ import annotations

from etl.rules import (CODE, FLAG, FLOAT, MAX_HOURS_PER_MONTH, MAX_WEIGHT, TEXT, Column, SourceSpec,
                       municipality_code, year)
from etl.staging import stage

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
    ),
    unique=(("year", "respondent_id"),),
)

AGE_GROUP_SQL = """case when v_age < 30 then '16-29' when v_age < 40 then '30-39' when v_age < 50 then '40-49'
    when v_age < 60 then '50-59' when v_age < 70 then '60-69' else '70+' end"""


def load(build) -> None:
    """Validate the survey file and load survey_respondents."""
    staged = stage(build, SPEC)
    areas = ", ".join(f"v_area_{a}" for a in AREAS)
    build.con.execute(f"""
        insert into survey_respondents
        select s.v_year, s.respondent_id, s.v_weight, s.gender, s.v_age, {AGE_GROUP_SQL},
               s.v_municipality_code, m.region_code, m.landsdel_code, m.east_west,
               s.urbanisation, s.education, s.employment, s.v_volunteered, s.v_hours_per_month, {areas},
               s.organisation_form, s.recruited
        from {staged.view} s join municipalities m on m.municipality_code = s.v_municipality_code
        order by s.line""")
