"""grants_s18.csv and grant_budgets.csv -> grants_s18, grant_budgets (Serviceloven §18)."""
from __future__ import annotations

from etl.errors import every_problem
from etl.rules import CODE, TEXT, Column, RowRule, SourceSpec, amount_dkk, municipality_code, year
from etl.staging import stage

GRANTS = SourceSpec(
    file="grants_s18.csv",
    table="grants_s18",
    columns=(
        year(),
        municipality_code(),
        Column("organisation", TEXT),
        Column("target_group", CODE, codes="target_group"),
        amount_dkk("applied_dkk"),
        amount_dkk("granted_dkk"),
    ),
    warnings=(RowRule("granted_dkk", "v_granted_dkk > v_applied_dkk", "granted more than applied for"),),
)

BUDGETS = SourceSpec(
    file="grant_budgets.csv",
    table="grant_budgets",
    columns=(year(), municipality_code(), amount_dkk("budget_dkk")),
    unique=(("year", "municipality_code"),),
)


def load(build) -> None:
    """Validate the grant applications and budgets (the problems of both files at once) and load grants_s18 and
    grant_budgets."""
    grants, budgets = every_problem(lambda spec=spec: stage(build, spec) for spec in (GRANTS, BUDGETS))
    build.con.execute(f"""
        insert into grants_s18
        select row_number() over (order by line), v_year, v_municipality_code, organisation, target_group,
               v_applied_dkk, v_granted_dkk
        from {grants.view} order by line""")
    build.con.execute(f"""
        insert into grant_budgets select v_year, v_municipality_code, v_budget_dkk from {budgets.view} order by line""")
