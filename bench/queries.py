"""Benchmark of the survey SQL: participation_rate by every dimension through the query layer, against the floor.

    .venv/bin/python bench/queries.py [--sizes 1000000 10000000] [--repeats 5]

For each size: writes a synthetic survey_respondents.csv (vectorised numpy, CSV written by DuckDB), builds a
warehouse through the ETL (`python -m etl build`, the small other contract files taken from tests/fixtures/raw),
then in this one process times, median of --repeats runs:
  (a) run("participation_rate", by=dim) for every dimension through the query layer (estimates, SEs, intervals,
      flags, labels);
  (b) the floor: a bare `select year, dim, sum(weight * volunteered) / sum(weight) ... group by` per dimension on
      the same connection;
  (c) the same estimates and SEs with pandas groupby on the table already read into memory (load time excluded):
      c2 = two passes (the domain mean joined back, the usual way), c1 = one pass of grouped sums.
Prints a table with a/b, c/a and the peak resident memory; writes bench/out/queries.csv and .md.
Targets: a/b <= 1.5 and c/a >= 15.
"""
from __future__ import annotations

import argparse
import math
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import queries  # noqa: E402

OUT = REPO / "bench" / "out"
FIXTURE_RAW = REPO / "tests" / "fixtures" / "raw"
DIMENSIONS = {  # dimension -> column in survey_respondents
    "total": None, "gender": "gender", "age_group": "age_group", "region": "region_code",
    "landsdel": "landsdel_code", "east_west": "east_west", "urbanisation": "urbanisation",
    "education": "education", "employment": "employment",
}
Z = 1.959964
PANDAS_REPEATS = 3  # pandas has nothing to warm up and takes long at 10 million rows


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_survey(path: Path, n: int, year: int = 2012, seed: int = 1) -> None:
    """A synthetic survey wave of n respondents in the contract format (numpy arrays, CSV written by DuckDB)."""
    rng = np.random.default_rng(seed)
    codes = pd.read_csv(REPO / "data" / "reference" / "municipalities.csv").kommunekode.to_numpy()
    age = rng.integers(16, 96, n, dtype=np.int16)
    vol = (rng.random(n) < 0.25 + 0.3 * (age >= 30) * (age < 60)).astype(np.int8)
    frame = pd.DataFrame({
        "weight": np.round(rng.lognormal(0.0, 0.4, n), 6),
        "gender": rng.integers(0, 2, n, dtype=np.int8),
        "age": age,
        "municipality_code": codes[rng.integers(0, len(codes), n)],
        "urbanisation": rng.integers(0, 5, n, dtype=np.int8),
        "education": rng.integers(0, 7, n, dtype=np.int8),
        "employment": rng.integers(0, 5, n, dtype=np.int8),
        "volunteered": vol,
        "hours": np.round(rng.gamma(1.2, 12.0, n), 1),
        "areas": rng.integers(0, 32, n, dtype=np.int8),
        "org": rng.integers(0, 4, n, dtype=np.int8),
        "rec": rng.integers(0, 3, n, dtype=np.int8),
    })
    con = duckdb.connect()
    con.register("frame", frame)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# synthetic benchmark data (bench/queries.py), {n} respondents\n")
    tmp = path.with_suffix(".body.csv")
    con.execute(f"""
        copy (
            select
                'b' || (row_number() over ()) as respondent_id,
                {year} as year,
                printf('%.6f', weight) as weight,  -- six decimals: never read as a thousands grouping (1.711)
                ['male', 'female'][gender + 1] as gender,
                age,
                municipality_code,
                ['capital_area', 'city_100k', 'town_10k', 'town_1k', 'rural'][urbanisation + 1] as urbanisation,
                ['basic', 'upper_secondary', 'vocational', 'short_tertiary', 'medium_tertiary', 'long_tertiary',
                 'unknown'][education + 1] as education,
                ['employed', 'unemployed', 'student', 'retired', 'other'][employment + 1] as employment,
                volunteered,
                case when volunteered = 1 then hours end as hours_per_month,
                case when volunteered = 1 then (areas & 1 > 0)::int end as area_culture_sport_leisure,
                case when volunteered = 1 then (areas & 2 > 0)::int end as area_social_health,
                case when volunteered = 1 then (areas & 4 > 0)::int end as area_housing_local,
                case when volunteered = 1 then (areas & 8 > 0)::int end as area_politics_religion_interest,
                case when volunteered = 1 then (areas & 16 > 0)::int end as area_education,
                case when volunteered = 1 then ['association', 'public_institution', 'private_company',
                    'informal'][org + 1] end as organisation_form,
                case when volunteered = 1 then ['asked', 'own_initiative', 'other'][rec + 1] end as recruited
            from frame
        ) to '{tmp}' (header, delimiter ',')
    """)
    con.close()
    with open(path, "ab") as out, open(tmp, "rb") as body:
        shutil.copyfileobj(body, out, length=16 << 20)
    tmp.unlink()


def build_warehouse(n: int) -> tuple[Path, float, float]:
    raw = OUT / f"raw_{n}"
    raw.mkdir(parents=True, exist_ok=True)
    for f in FIXTURE_RAW.glob("*.csv"):
        if f.name != "survey_respondents.csv":
            shutil.copy(f, raw / f.name)
    t0 = time.perf_counter()
    generate_survey(raw / "survey_respondents.csv", n)
    t_gen = time.perf_counter() - t0
    db = OUT / f"warehouse_{n}.duckdb"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)], cwd=REPO,
                          capture_output=True, text=True)
    t_build = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"ETL build failed for n={n}:\n{proc.stdout}\n{proc.stderr}")
    (raw / "survey_respondents.csv").unlink()  # the warehouse is what we time; keep bench/out small
    return db, t_gen, t_build


def median_times(fns, repeats: int, warm_up: bool = True) -> tuple[list[float], list]:
    """Median wall time of each function and its last result; the functions run interleaved so that they share
    any background load."""
    results = [fn() if warm_up else None for fn in fns]  # warm-up: connection, caches
    times = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times], results


def layer_all_dimensions(db: Path) -> dict[str, pd.DataFrame]:
    return {dim: queries.run("participation_rate", by=dim, db=db).data for dim in DIMENSIONS}


def floor_all_dimensions(con) -> dict[str, pd.DataFrame]:
    out = {}
    for dim, col in DIMENSIONS.items():
        expr = col or "'all'"
        out[dim] = con.execute(
            f"select year, {expr} as category, sum(weight * volunteered) / sum(weight) as estimate "
            f"from survey_respondents group by year, {expr}").df()
    return out


def pandas_two_pass(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Domain means, then the influence values with the domain mean joined back (as R), per dimension."""
    out = {}
    n_wave = df.groupby("year").size().rename("n_wave")
    for dim, col in DIMENSIONS.items():
        keys = ["year"] + ([col] if col else [])
        g = df.groupby(keys, observed=True, sort=False)
        s = pd.DataFrame({"sw": g.weight.sum(), "swy": g.wy.sum(), "n": g.size()})
        s["estimate"] = s.swy / s.sw
        joined = df[keys + ["weight", "volunteered"]].join(s[["estimate", "sw"]], on=keys)
        z2 = (joined.weight * (joined.volunteered - joined.estimate) / joined.sw) ** 2
        s["sz2"] = z2.groupby([joined[k] for k in keys], observed=True, sort=False).sum()
        s = s.join(n_wave, on="year")
        s["se"] = np.sqrt(s.n_wave / (s.n_wave - 1) * s.sz2)
        s["ci_low"] = (s.estimate - Z * s.se).clip(0, 1)
        s["ci_high"] = (s.estimate + Z * s.se).clip(0, 1)
        out[dim] = s
    return out


def pandas_one_pass(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The same from grouped sums of w, w y, w^2, w^2 y in one groupby (the algebra of queries/_macros.sql)."""
    out = {}
    n_wave = df.groupby("year").size().rename("n_wave")
    for dim, col in DIMENSIONS.items():
        keys = ["year"] + ([col] if col else [])
        s = df.groupby(keys, observed=True, sort=False).agg(
            sw=("weight", "sum"), swy=("wy", "sum"), sw2=("w2", "sum"), sw2y=("w2y", "sum"), n=("weight", "size"))
        s = s.join(n_wave, on="year")
        m = s.swy / s.sw
        s["estimate"] = m
        s["se"] = np.sqrt(s.n_wave / (s.n_wave - 1) * (s.sw2y - 2 * m * s.sw2y + m * m * s.sw2) / s.sw ** 2)
        s["ci_low"] = (m - Z * s.se).clip(0, 1)
        s["ci_high"] = (m + Z * s.se).clip(0, 1)
        out[dim] = s
    return out


def check_agreement(layer: dict, pandas_out: dict) -> float:
    """Largest relative difference of estimate and SE between the query layer and pandas."""
    worst = 0.0
    for dim, col in DIMENSIONS.items():
        ours = layer[dim].set_index(["year", "category"])
        theirs = pandas_out[dim].reset_index()
        cat = theirs[col].astype(str) if col else pd.Series("all", index=theirs.index)
        theirs = theirs.assign(category=cat).set_index(["year", "category"])
        both = ours[["estimate", "se"]].join(theirs[["estimate", "se"]].add_suffix("_pd"), how="inner")
        assert len(both) == len(ours) == len(theirs), dim
        for c in ("estimate", "se"):
            worst = max(worst, float(((both[c] - both[c + "_pd"]).abs() / both[c + "_pd"].abs()).max()))
    return worst


def bench_size(n: int, repeats: int) -> dict:
    print(f"\n== {n:,} respondents", flush=True)
    db, t_gen, t_build = build_warehouse(n)
    print(f"generated in {t_gen:.1f} s, ETL build in {t_build:.1f} s ({db.stat().st_size / 2**20:.0f} MiB)", flush=True)
    queries.close_all()
    con = queries.connect(db)
    (a, b), (layer, _) = median_times([lambda: layer_all_dimensions(db), lambda: floor_all_dimensions(con)], repeats)
    print(f"(a) query layer {a:.3f} s, (b) floor {b:.3f} s", flush=True)
    cols = ["year", "weight", "volunteered"] + [c for c in DIMENSIONS.values() if c]
    df = con.execute(f"select {', '.join(cols)} from survey_respondents").df()
    df["wy"] = df.weight * df.volunteered
    df["w2"] = df.weight * df.weight
    df["w2y"] = df.w2 * df.volunteered
    (c2, c1), (two_pass, one_pass) = median_times([lambda: pandas_two_pass(df), lambda: pandas_one_pass(df)],
                                                  PANDAS_REPEATS, warm_up=False)
    diff = max(check_agreement(layer, two_pass), check_agreement(layer, one_pass))
    del df
    queries.close_all()
    row = {"respondents": n, "a_layer_s": a, "b_floor_s": b, "c2_pandas_two_pass_s": c2, "c1_pandas_one_pass_s": c1,
           "a_over_b": a / b, "c2_over_a": c2 / a, "c1_over_a": c1 / a, "max_rel_diff_vs_pandas": diff,
           "etl_build_s": t_build, "peak_rss_mib": peak_rss_mib(),
           "etl_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
    print(f"(c2) pandas two-pass {c2:.3f} s, (c1) pandas one-pass {c1:.3f} s; max rel. diff {diff:.1e}", flush=True)
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.threads:
        queries.configure(threads=args.threads)
    rows = [bench_size(n, args.repeats) for n in args.sizes]
    table = pd.DataFrame(rows)
    table.to_csv(OUT / "queries.csv", index=False)
    lines = [
        f"participation_rate by all {len(DIMENSIONS)} dimensions, median of {args.repeats} runs "
        f"(pandas: of {PANDAS_REPEATS}); duckdb {duckdb.__version__}, pandas {pd.__version__}",
        "",
        "| respondents | (a) query layer s | (b) floor s | a/b | (c) pandas two-pass s | c/a | pandas one-pass s "
        "| one-pass/a | ETL build s | peak RSS MiB (bench / ETL) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['respondents']:,} | {r['a_layer_s']:.3f} | {r['b_floor_s']:.3f} | {r['a_over_b']:.2f} "
            f"| {r['c2_pandas_two_pass_s']:.2f} | {r['c2_over_a']:.1f} | {r['c1_pandas_one_pass_s']:.2f} "
            f"| {r['c1_over_a']:.1f} | {r['etl_build_s']:.1f} | {r['peak_rss_mib']:.0f} / {r['etl_peak_rss_mib']:.0f} |")
    ok = all(r["a_over_b"] <= 1.5 for r in rows), all(r["c2_over_a"] >= 15 for r in rows)
    lines += ["", f"targets: a/b <= 1.5 {'met' if ok[0] else 'NOT met'}; c/a >= 15 {'met' if ok[1] else 'NOT met'}; "
              f"estimates and SEs agree with pandas to {max(r['max_rel_diff_vs_pandas'] for r in rows):.1e} (relative)"]
    text = "\n".join(lines)
    print("\n" + text)
    (OUT / "queries.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
