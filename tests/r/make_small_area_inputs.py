"""Write tests/r/small_area_inputs.csv: the inputs of the Fay-Herriot model (queries/small_area.py) for the R check
(tests/r/small_area_golden.R, tests/test_small_area.py). Committed; rerun only to change it
(`python tests/r/make_small_area_inputs.py [WAREHOUSE]`, default data/warehouse.duckdb, the demo).

The rows are queries/municipal_participation.sql's rows of the demo's 2017 wave as they were when the file was
written (98 municipalities, one without respondents), with y_direct and psi printed to 17 significant digits so
that R reads the very numbers Python fits. They are a fixed input: the test does not depend on the demo staying as
it is.
"""
from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUT = pathlib.Path(__file__).with_name("small_area_inputs.csv")
COLUMNS = ["municipality_code", "y_direct", "psi", "share_16_29", "share_70_plus", "share_women",
           "log_population_16plus"]


def main(db: str | None = None) -> None:
    import queries
    from queries import engine

    m = queries.load_metric("municipal_participation")
    con = queries.connect(db)
    con.execute("set variable year = 2017")
    con.execute("set variable suppress = false")
    rows = con.sql(m.sql).df()[COLUMNS]
    con.execute("reset variable year")
    con.execute("reset variable suppress")
    assert engine.FINISHERS[m.finish] == "queries.small_area"
    rows.to_csv(OUT, index=False, float_format="%.17g", na_rep="NA")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
