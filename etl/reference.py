"""data/reference/*.csv -> municipalities, labels, published_figures (committed facts, loaded first)."""
from __future__ import annotations

import pathlib

from etl.errors import InvalidInput, Problem
from etl.staging import lit

REFERENCE_DIR = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference"


def _csv(name: str) -> str:
    return f"read_csv({lit(str(REFERENCE_DIR / name))}, header = true, delim = ',', quote = '\"', all_varchar = true)"


def load(build) -> None:
    """Load the three reference tables; the municipality list is what every municipality_code is checked against."""
    con = build.con
    con.execute(f"""
        insert into municipalities
        select kommunekode::integer, kommune, regionskode::integer, region, landsdelskode::integer, landsdel,
               case landsdel_side when 'øst' then 'east' when 'vest' then 'west' end
        from {_csv('municipalities.csv')} order by kommunekode::integer""")
    con.execute(f"""
        insert into labels select dimension, code, label_da, label_en, sort_order::integer
        from {_csv('labels.csv')}""")
    con.execute(f"""
        insert into published_figures
        select figure_id, survey, year::integer, population, breakdown, category, measure, value::double, unit,
               comparator, source, source_ref, source_quote
        from {_csv('published_figures.csv')}""")
    n = con.execute("select count(*) from municipalities").fetchone()[0]
    if n != 98:
        raise InvalidInput([Problem("data/reference/municipalities.csv", None, None, str(n),
                                    "expected the 98 Danish municipalities")])
    build.municipality_codes = [r[0] for r in con.execute(
        "select municipality_code from municipalities order by 1").fetchall()]
