"""municipal_survey.csv -> municipal_survey (all 98 municipalities per wave; no answers from non-respondents)."""
from __future__ import annotations

from etl.rules import FLAG, FLOAT, MAX_STAFF_FTE, Column, SourceSpec, municipality_code, year
from etl.staging import stage

FRAMEWORK = ("has_volunteer_policy", "has_volunteer_council", "has_active_citizenship_strategy",
             "organises_volunteers", "cooperation_increased", "has_volunteer_centre",
             "has_association_directory", "has_volunteer_consultant")

SPEC = SourceSpec(
    file="municipal_survey.csv",
    table="municipal_survey",
    columns=(
        year(),
        municipality_code(),
        Column("responded", FLAG),
        # item non-response (an empty answer from a responding municipality) is allowed
        *(Column(name, FLAG, required=False, when="responded") for name in FRAMEWORK),
        Column("staff_fte", FLOAT, required=False, min=0, max=MAX_STAFF_FTE, when="responded"),
    ),
    unique=(("year", "municipality_code"),),
    every_municipality_per="year",
)


def load(build) -> None:
    """Validate the municipal survey and load municipal_survey."""
    staged = stage(build, SPEC)
    answers = ", ".join(f"v_{name}" for name in FRAMEWORK)
    build.con.execute(f"""
        insert into municipal_survey
        select v_year, v_municipality_code, v_responded, {answers}, v_staff_fte
        from {staged.view} order by line""")
