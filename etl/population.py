"""population.csv -> population, from the contract format or a Statistics Denmark StatBank FOLK1A export.

The StatBank export (semicolon, UTF-8 with BOM, columns OMRÅDE;KØN;ALDER;TID;INDHOLD, labels such as
`101 København`, `Mænd`, `16 år`, `2012K1`) is recognised by its INDHOLD column. Single ages are summed into the
warehouse age groups; total rows (`Alder i alt`, `I alt`, `Hele landet`, regions) are skipped; when a year has
several quarters or months, the first (population on 1 January for K1) is used.
"""
from __future__ import annotations

from etl.dialect import sniff
from etl.rules import CODE, INT, MAX_PERSONS, TEXT, Column, RowRule, SourceSpec, municipality_code, year
from etl.staging import stage


CONTRACT = SourceSpec(
    file="population.csv",
    table="population",
    columns=(
        year(),
        municipality_code(),
        Column("gender", CODE, codes="gender"),
        Column("age_group", CODE, codes="age_group"),
        Column("persons", INT, min=0, max=MAX_PERSONS),
    ),
    unique=(("year", "municipality_code", "gender", "age_group"),),
)

# Parsed StatBank labels (SQL over the staged text columns).
AREA_CODE = "try_cast(regexp_extract(\"område\", '^([0-9]+)\\s', 1) as integer)"
AREA_MUNI = (f"coalesce((select m.municipality_code from municipalities m where m.municipality_code = {AREA_CODE}), "
             "(select m.municipality_code from municipalities m where lower(m.municipality_name) = lower(\"område\")))")
AREA_TOTAL = (f"(coalesce({AREA_CODE} in (0, 81, 82, 83, 84, 85), false) or regexp_matches(\"område\", "
              "'^([0-9]+ )?(Hele landet|All Denmark|Region |Landsdel |Province )', 'i'))")
SEX = """case when regexp_matches("køn", '(kvinder|women|female)', 'i') or "køn" in ('2', 'K') then 'female'
    when regexp_matches("køn", '(mænd|men|male)', 'i') or "køn" in ('1', 'M') then 'male'
    when regexp_matches("køn", '(i alt|total)', 'i') or "køn" = 'TOT' then 'total' end"""
AGE = "try_cast(regexp_extract(\"alder\", '^([0-9]+) ?(år|years?)?$', 1) as integer)"
AGE_TOTAL = "regexp_matches(\"alder\", '(i alt|total)', 'i') or \"alder\" = 'IALT'"
TID_YEAR = "try_cast(regexp_extract(\"tid\", '^([0-9]{4})([KQ][1-4]|M[0-9]{2})?$', 1) as integer)"

STATBANK = SourceSpec(
    file="population.csv",
    table="population_statbank",
    columns=(
        Column("område", TEXT),
        Column("køn", TEXT),
        Column("alder", TEXT),
        Column("tid", TEXT),
        Column("indhold", INT, min=0, max=MAX_PERSONS),
    ),
    unique=(("område", "køn", "alder", "tid"),),
    rules=(
        RowRule("område", f"\"område\" is not null and not {AREA_TOTAL} and {AREA_MUNI} is null",
                "unknown area: neither one of the 98 municipalities nor a total (Hele landet, Region ...)"),
        RowRule("køn", f"\"køn\" is not null and ({SEX}) is null", "unknown sex: expected Mænd, Kvinder or I alt"),
        RowRule("alder", f"\"alder\" is not null and {AGE} is null and not ({AGE_TOTAL})",
                "unknown age: expected single years such as '16 år' (or 'Alder i alt')"),
        RowRule("tid", f"\"tid\" is not null and {TID_YEAR} is null", "unknown time: expected e.g. 2012K1 or 2012"),
    ),
)

AGE_GROUP = """case when age < 16 then '0-15' when age < 30 then '16-29' when age < 40 then '30-39'
    when age < 50 then '40-49' when age < 60 then '50-59' when age < 70 then '60-69' else '70+' end"""


def is_statbank(header: list[str]) -> bool:
    return any(h.strip().upper() == "INDHOLD" for h in header)


def load(build) -> None:
    """Validate the population file (either format) and load population."""
    dialect = sniff(build.raw_dir / CONTRACT.file)
    if not is_statbank(dialect.header):
        staged = stage(build, CONTRACT, dialect)
        build.con.execute(f"""
            insert into population
            select v_year, v_municipality_code, gender, age_group, v_persons from {staged.view} order by line""")
        return
    staged = stage(build, STATBANK, dialect)
    build.population_format = "statbank"
    build.con.execute(f"""
        insert into population
        with parsed as (
            select {TID_YEAR} as year, "tid" as tid, {AREA_MUNI} as municipality_code, ({SEX}) as gender,
                   {AGE} as age, v_indhold as persons
            from {staged.view}
            where not {AREA_TOTAL}
        ),
        singles as (
            select * from parsed
            where gender in ('male', 'female') and age is not null
            qualify tid = min(tid) over (partition by year)
        )
        select year, municipality_code, gender, {AGE_GROUP} as age_group, sum(persons)::integer as persons
        from singles
        group by all
        order by year, municipality_code, gender, age_group""")
