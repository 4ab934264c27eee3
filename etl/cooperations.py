"""cooperations.csv -> cooperations (municipality-organisation cooperations on the formalisation ladder)."""
from __future__ import annotations

from etl.rules import CODE, TEXT, Column, RowRule, SourceSpec, municipality_code, year
from etl.staging import stage

SPEC = SourceSpec(
    file="cooperations.csv",
    table="cooperations",
    columns=(
        Column("cooperation_id", TEXT),
        municipality_code(),
        Column("organisation", TEXT),
        Column("sector", CODE, codes="sector"),
        Column("form", CODE, codes="form"),
        Column("area", CODE, codes="area"),
        Column("target_group", CODE, codes="target_group"),
        year("start_year"),
        year("end_year", required=False),
    ),
    unique=(("cooperation_id",),),
    rules=(RowRule("end_year", "v_end_year < v_start_year", "end_year before start_year"),),
)


def load(build) -> None:
    """Validate the cooperations and load cooperations."""
    staged = stage(build, SPEC)
    build.con.execute(f"""
        insert into cooperations
        select cooperation_id, v_municipality_code, organisation, sector, form, area, target_group,
               v_start_year, v_end_year
        from {staged.view} order by line""")
