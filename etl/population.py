"""population.csv -> population, from the contract format or a Statistics Denmark StatBank FOLK1A export.

The StatBank export (semicolon, UTF-8 with BOM, columns OMRÅDE;KØN;ALDER;TID;INDHOLD, labels such as
`101 København`, `Mænd`, `16 år`, `2012K1`) is recognised by its INDHOLD column. Single ages are summed into the
warehouse age groups; total rows (`Alder i alt`, `I alt`, `Hele landet`, regions) are skipped; when a year has
several quarters or months, the first (population on 1 January for K1) is used. StatBank's own area labels
(`Vesthimmerlands`) and English-language exports (`REGION;SEX;AGE;TIME;INDHOLD`, `Men`, `16 years`) are read
through data/reference/statbank_areas.csv; `411 Christiansø`, which is no municipality, is skipped with a warning.
"""
from __future__ import annotations

from etl.dialect import sniff
from etl.errors import Problem
from etl.reference import REFERENCE_DIR
from etl.rules import CODE, INT, MAX_PERSONS, TEXT, Column, RowRule, SourceSpec, municipality_code, year
from etl.staging import lit, stage


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
AREA_LABEL = "lower(regexp_replace(\"område\", '^[0-9]+\\s+', ''))"
AREA_MUNI = (f"coalesce((select m.municipality_code from municipalities m where m.municipality_code = {AREA_CODE}), "
             f"(select m.municipality_code from municipalities m where lower(m.municipality_name) = {AREA_LABEL}), "
             f"(select min(a.municipality_code) from statbank_areas a where lower(a.label) = {AREA_LABEL}))")
# An area StatBank lists that is no municipality (411 Christiansø): skipped with a warning, by code or label.
AREA_SKIPPED = (f"(coalesce({AREA_CODE} in (select code from statbank_areas where municipality_code is null), false) "
                f"or {AREA_LABEL} in (select lower(label) from statbank_areas where municipality_code is null))")
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
        Column("område", TEXT, aliases=("region",)),   # the English export's header names
        Column("køn", TEXT, aliases=("sex",)),
        Column("alder", TEXT, aliases=("age",)),
        Column("tid", TEXT, aliases=("time",)),
        Column("indhold", INT, min=0, max=MAX_PERSONS),
    ),
    unique=(("område", "køn", "alder", "tid"),),
    rules=(
        RowRule("område",
                f"\"område\" is not null and not {AREA_TOTAL} and not {AREA_SKIPPED} and {AREA_MUNI} is null",
                "unknown area: neither one of the 98 municipalities (by code or by name, ours or Statistics "
                "Denmark's) nor a total (Hele landet, Region ...)"),
        RowRule("køn", f"\"køn\" is not null and ({SEX}) is null",
                "unknown sex: expected Mænd, Kvinder or I alt (Men, Women or Total)"),
        RowRule("alder", f"\"alder\" is not null and {AGE} is null and not ({AGE_TOTAL})",
                "unknown age: expected single years such as '16 år' or '16 years' (or 'Alder i alt', 'Age, total')"),
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
    con = build.con
    con.execute(f"""
        create or replace temp table statbank_areas as
        select code::integer as code, label, municipality_code::integer as municipality_code, note
        from read_csv({lit(str(REFERENCE_DIR / 'statbank_areas.csv'))}, header = true, all_varchar = true)""")
    staged = stage(build, STATBANK, dialect)
    build.population_format = "statbank"
    con.execute(f"""
        create temp table population_statbank_singles as
        with parsed as (
            select {TID_YEAR} as year, "tid" as tid, {AREA_MUNI} as municipality_code, ({SEX}) as gender,
                   {AGE} as age, v_indhold as persons, {AREA_SKIPPED} as skipped, "område" as area, line
            from {staged.view}
            where not {AREA_TOTAL}
        )
        select * from parsed
        where gender in ('male', 'female') and age is not null
        qualify tid = min(tid) over (partition by year)""")
    con.execute(f"""
        insert into population
        select year, municipality_code, gender, {AGE_GROUP} as age_group, sum(persons)::integer as persons
        from population_statbank_singles
        where not skipped
        group by all
        order by year, municipality_code, gender, age_group""")
    skipped = con.execute("""
        select area, min(line), string_agg(year || ': ' || persons, ', ' order by year)
        from (select area, year, min(line) as line, sum(persons) as persons from population_statbank_singles
              where skipped group by all)
        group by area order by 2""").fetchall()
    notes = dict(con.execute("select lower(label), note from statbank_areas").fetchall())
    build.warn([Problem(CONTRACT.file, line, "område", area,
                        f"skipped: {notes.get(area.split(' ', 1)[-1].lower(), 'not a municipality')}; here its "
                        f"residents ({persons}) are in no municipality's population and in no total summed over the 98")
                for area, line, persons in skipped])
    con.execute("drop table population_statbank_singles")
