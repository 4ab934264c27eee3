"""The annual report (issue 5): built once from the demo warehouse through the CLI, then read as a user would.

Every expected number is recomputed here with the query layer and formatted with reports.fmt; the test looks
for that text in the HTML (summary rows, figure data) and in the PDF's text.
"""
from __future__ import annotations

import base64
import html as htmllib
import json
import pathlib
import re
import os
import subprocess
import sys
import types
import unicodedata

import numpy as np
import pytest

import queries
from reports import fmt

REPO = pathlib.Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow
YEAR = 2012
PREVIOUS = 2004  # the wave before 2012 in the demo data (checked below against the query layer)


def build_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reports", "build", *args], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture(scope="module")
def report(demo_db, tmp_path_factory):
    """`python -m reports build --year 2012` on the demo warehouse: HTML text, PDF path, CLI output."""
    out = tmp_path_factory.mktemp("report")
    proc = build_cli("--year", str(YEAR), "--db", str(demo_db), "--out", str(out))
    assert proc.returncode == 0, f"report build failed:\n{proc.stdout}\n{proc.stderr}"
    html_path = out / f"frivilligrapport-{YEAR}.html"
    return types.SimpleNamespace(dir=out, html=html_path.read_text(encoding="utf-8"),
                                 pdf=out / f"frivilligrapport-{YEAR}.pdf", stdout=proc.stdout, stderr=proc.stderr)


def q(metric: str, db, **params):
    return queries.run(metric, db=db, **params).data


# ------------------------------------------------------------------------------------------------ HTML parsing

FIGURE_RE = re.compile(r'<figure id="(?P<id>fig-\d+)" class="report-figure" data-metric="(?P<metric>[a-z_0-9]+)">'
                       r'(?P<body>.*?)</figure>', re.S)
JSON_RE = re.compile(r'<script type="application/json" class="figure-json"[^>]*>(?P<json>.*?)</script>', re.S)
KEY_RE = re.compile(r'<tr class="key" data-key="(?P<key>[^"]+)">\s*<td>(?P<label>.*?)</td>\s*'
                    r'<td class="value">(?P<value>.*?)</td>\s*<td class="ci">(?P<ci>.*?)</td>\s*'
                    r'<td class="change">(?P<change>.*?)</td>', re.S)


def figures(html: str) -> list[dict]:
    out = []
    for m in FIGURE_RE.finditer(html):
        spec = JSON_RE.search(m["body"])
        assert spec, f"{m['id']} has no embedded figure JSON"
        caption = re.search(r"<figcaption>(.*?)</figcaption>", m["body"], re.S).group(1)
        out.append({"id": m["id"], "metric": m["metric"], "fig": json.loads(spec["json"].replace("<\\/", "</")),
                    "caption": htmllib.unescape(re.sub(r"<[^>]+>", "", caption)), "body": m["body"]})
    return out


def values(v) -> list:
    """A trace's data array as a list: plain JSON lists or plotly's base64 typed arrays ({dtype, bdata})."""
    if v is None:
        return []
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v]


def data_points(trace: dict) -> int:
    """Number of non-null values drawn by a trace (bars, lines, markers, tiles)."""
    best = 0
    for key in ("y", "x", "values", "z"):
        vals = [x for x in values(trace.get(key)) if x is not None and not (isinstance(x, float) and np.isnan(x))]
        best = max(best, len(vals))
    return best


def key_rows(html: str) -> dict[str, dict]:
    return {m["key"]: {k: htmllib.unescape(re.sub(r"<[^>]+>", "", m[k])).strip() for k in ("value", "ci", "change")}
            for m in KEY_RE.finditer(html)}


# ------------------------------------------------------------------------------------------------ tests


def test_cli_reports_what_it_wrote(report):
    assert f"frivilligrapport-{YEAR}.html" in report.stdout and f"frivilligrapport-{YEAR}.pdf" in report.stdout
    assert report.pdf.exists() and report.pdf.stat().st_size > 10_000
    # nothing wider than the A4 print width (else Chromium shrinks every page of the PDF)
    assert "warning" not in report.stderr, report.stderr


def test_every_dashboard_topic_has_a_figure_with_data(report):
    figs = figures(report.html)
    by_metric: dict[str, int] = {}
    for f in figs:
        by_metric[f["metric"]] = by_metric.get(f["metric"], 0) + 1
        traces = f["fig"]["data"]
        assert traces, f"{f['id']} ({f['metric']}) has no traces"
        assert sum(data_points(t) for t in traces) > 0, f"{f['id']} ({f['metric']}) draws no data points"
    expected = {
        "participation_rate": 9,  # the trend and the eight breakdowns
        "hours_per_month": 1, "fte": 1, "area_share": 1, "organisation_form_share": 1, "recruitment_share": 1,
        "framework_share": 1, "framework_score": 1, "staff_fte_total": 1, "granted_per_inhabitant": 1,
        "payout_ratio": 1, "cooperation_counts": 4, "partnership_share": 1,
    }
    for metric, n in expected.items():
        assert by_metric.get(metric, 0) >= n, f"expected {n} figure(s) of {metric}, found {by_metric.get(metric, 0)}"
    # numbered 1..N in order, each with a caption, definition, source and n
    assert [f["id"] for f in figs] == [f"fig-{i}" for i in range(1, len(figs) + 1)]
    for i, f in enumerate(figs, 1):
        assert f["caption"].startswith(f"Figur {i}.")
        meta = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", f["body"], re.S))
        for key in ("Definition", "Kilde", "n"):
            assert meta.get(key, "").strip(), f"{f['id']} lacks {key}"


def test_maps_colour_municipalities_with_values(report):
    """A map always places 98 tiles; it must also colour those with a value (not all grey "no value")."""
    from dashboards.tilemap import NO_VALUE

    maps = [f for f in figures(report.html) if f["metric"] in ("framework_score", "granted_per_inhabitant")]
    assert len(maps) == 2
    for f in maps:
        colours = [c for t in f["fig"]["data"] for c in values((t.get("marker") or {}).get("color"))
                   if isinstance(c, str)]
        coloured = [c for c in colours if c.lower() != NO_VALUE]
        assert len(coloured) >= 50, f"{f['id']} ({f['metric']}) colours only {len(coloured)} municipalities"


def test_breakdown_figures_plot_the_query_results(report, demo_db):
    """The bars of the participation figures are the query layer's estimates for the same parameters."""
    figs = {f["caption"]: f for f in figures(report.html)}
    for dim, word in (("gender", "køn"), ("age_group", "alder"), ("region", "region")):
        caption = next(c for c in figs if f"efter {word}, {YEAR}" in c and "frivilligt" in c)
        trace = figs[caption]["fig"]["data"][0]
        plotted = values(trace["x"] if trace.get("orientation") == "h" else trace["y"])
        expected = q("participation_rate", demo_db, year=YEAR, by=dim)["estimate"].tolist()
        assert plotted == pytest.approx(expected, rel=1e-12), caption


def test_figures_come_from_the_warehouse_asked_for(fixture_db, demo_db, tmp_path, monkeypatch):
    """build(db=...) draws every figure from that warehouse, whatever $FRIVILLIGDATA_DB says, and leaves it alone."""
    from reports.build import build

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    result = build(YEAR, db=fixture_db, out=tmp_path, pdf=False)
    assert os.environ["FRIVILLIGDATA_DB"] == str(demo_db)
    figs = {f["caption"]: f for f in figures(result.html.read_text(encoding="utf-8"))}
    caption = next(c for c in figs if f"efter køn, {YEAR}" in c and "frivilligt" in c)
    trace = figs[caption]["fig"]["data"][0]
    plotted = values(trace["x"] if trace.get("orientation") == "h" else trace["y"])
    expected = q("participation_rate", fixture_db, year=YEAR, by="gender")["estimate"].tolist()
    assert plotted == pytest.approx(expected, rel=1e-12)
    assert plotted != pytest.approx(q("participation_rate", demo_db, year=YEAR, by="gender")["estimate"].tolist())


def expected_key_figures(db) -> dict[str, tuple[str, str | None]]:
    """key -> (value text, interval text or None), recomputed from the query layer."""
    out = {}
    pr = q("participation_rate", db, year=YEAR, by="total").iloc[0]
    out["participation_rate"] = (fmt.pct(pr.estimate, 1), fmt.pct_interval(pr.ci_low, pr.ci_high, 1))
    vc = q("volunteers_count", db, year=YEAR, by="total").iloc[0]
    out["volunteers_count"] = (fmt.millions(vc.estimate, 2),
                               fmt.interval(vc.ci_low / 1e6, vc.ci_high / 1e6, 2) + " mio.")
    h = q("hours_per_month", db, year=YEAR, by="total").iloc[0]
    out["hours_per_month"] = (fmt.number(h.estimate, 1) + " timer", fmt.interval(h.ci_low, h.ci_high, 1))
    th = q("total_hours_per_year", db, year=YEAR, by="total").iloc[0]
    out["total_hours_per_year"] = (fmt.millions(th.estimate, 1) + " timer",
                                   fmt.interval(th.ci_low / 1e6, th.ci_high / 1e6, 1) + " mio.")
    f = q("fte", db, year=YEAR, by="total").iloc[0]
    out["fte"] = (fmt.number(f.estimate, 0), fmt.interval(f.ci_low, f.ci_high, 0))
    mr = q("municipal_response", db, year=YEAR).iloc[0]
    out["municipal_response"] = (fmt.count(mr.responded), None)
    fs = q("framework_share", db, year=YEAR, by="total").set_index("element")
    for element in ("has_volunteer_policy", "has_volunteer_council", "organises_volunteers"):
        out[f"framework_share:{element}"] = (fmt.pct(fs.loc[element, "share"], 0), None)
    st = q("staff_fte_total", db, year=YEAR, by="total").iloc[0]
    out["staff_fte_total"] = (fmt.number(st.staff_fte_total, 0), None)
    pay = q("payout_ratio", db, year=YEAR, by="total").iloc[0]
    out["granted_dkk"] = (fmt.dkk_millions(pay.granted_dkk, 1), None)
    out["payout_ratio"] = (fmt.pct(pay.payout_ratio, 0), None)
    ps = q("partnership_share", db, year=YEAR, by="total").iloc[0]
    out["partnership_share"] = (fmt.pct(ps.partnership_share, 1), None)
    return out


def test_summary_key_figures_equal_the_query_layer(report, demo_db):
    rows = key_rows(report.html)
    expected = expected_key_figures(demo_db)
    assert set(expected) <= set(rows), f"missing key figures: {set(expected) - set(rows)}"
    for key, (value, interval) in expected.items():
        assert rows[key]["value"] == value, key
        if interval is not None:
            assert rows[key]["ci"] == interval, key
    # the change since the previous wave, from the same queries
    waves = sorted(q("participation_rate", demo_db, by="total")["year"])
    assert waves[waves.index(YEAR) - 1] == PREVIOUS
    now = q("participation_rate", demo_db, year=YEAR, by="total").iloc[0].estimate
    before = q("participation_rate", demo_db, year=PREVIOUS, by="total").iloc[0].estimate
    assert rows["participation_rate"]["change"].startswith(fmt.pp(now - before, 1))
    assert f"{PREVIOUS}: {fmt.pct(before, 1)}" in rows["participation_rate"]["change"]


def test_tables_carry_query_numbers(report, demo_db):
    """A spot check of the tables: every breakdown row of participation and every published figure."""
    text = htmllib.unescape(report.html)
    for dim in ("gender", "education"):
        for r in q("participation_rate", demo_db, year=YEAR, by=dim).itertuples():
            if r.flag != "suppressed":
                assert fmt.pct_interval(r.ci_low, r.ci_high, 1) in text, (dim, r.category)
    table = re.search(r'data-metric="published_comparison">(.*?)</table>', report.html, re.S).group(1)
    ids = re.findall(r"<tr[^>]*><td>([A-Z]\d\d)</td>", table)
    published = q("published_comparison", demo_db)
    assert ids == published.loc[published["year"] <= YEAR, "figure_id"].tolist()


def dd(body: str, term: str) -> str:
    """The text of a figure's <dd> after <dt>term</dt>, unescaped."""
    return htmllib.unescape(dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body, re.S))[term]).strip()


def test_definitions_come_from_the_metric_headers(report):
    """A figure's definition is its metric's definition_da, word for word (one source for report and dashboards)."""
    figs = figures(report.html)
    for f in figs:
        assert dd(f["body"], "Definition") == queries.load_metric(f["metric"]).definition_da, f["id"]
    assert {f["metric"] for f in figs} >= {"participation_rate", "fte", "framework_score", "cooperation_counts"}


def test_appendix_gives_the_reasons_in_danish(report, demo_db):
    table = htmllib.unescape(re.search(r'data-metric="published_comparison">(.*?)</table>', report.html, re.S).group(1))
    published = q("published_comparison", demo_db)
    missing = published[(published["year"] <= YEAR) & published["our_value"].isna()]
    assert len(missing) >= 1
    for r in missing.itertuples():
        row = re.search(rf"<tr[^>]*><td>{r.figure_id}</td>(.*?)</tr>", table, re.S).group(1)
        assert r.reason_da in row and r.reason not in row, r.figure_id


def test_time_series_stop_at_the_report_year(report, demo_db):
    """The dashboards show every year; the 2012 report shows 2012 and before (the demo data run to 2021)."""
    assert max(q("cooperation_counts", demo_db, by="total")["year"]) > YEAR
    series = [f for f in figures(report.html) if f["metric"] in ("cooperation_counts", "partnership_share",
                                                                  "staff_fte_total", "payout_ratio")]
    assert len(series) == 7
    shown = set()
    for f in figures(report.html):
        for trace in f["fig"]["data"]:
            if f["fig"]["layout"].get("xaxis", {}).get("type") == "category":
                years = [int(x) for x in values(trace.get("x")) if re.fullmatch(r"(19|20)\d\d", str(x))]
                assert all(y <= YEAR for y in years), f"{f['id']} ({f['metric']}) shows years after {YEAR}"
                shown.update(years)
    assert YEAR in shown and 2005 in shown


def test_methods_appendix_sources_and_demo_banner(report):
    html = report.html
    title_page = re.search(r'<section class="title-page".*?</section>', html, re.S).group(0)
    assert 'id="demo-banner"' in title_page and "Demodata" in title_page
    methods = re.search(r'<section class="chapter" id="methods">.*?</section>', html, re.S).group(0)
    for needle in ("svydesign(ids = ~1, weights = ~weight)", "svyby", "1,959964", "under 50", "50-99", "&lt;5",
                   "Demodata", "1.924"):
        assert needle in methods, needle
    assert 'id="appendix"' in html and 'id="sources"' in html
    assert "002_8ca6ca6754b4fc27.txt" in html  # the CFSA 2012 slides are cited
    assert '<html lang="da">' in html


def test_no_python_missing_values_in_the_text(report):
    """Missing values are shown as an en dash or explained, never as Python/pandas' None, nan or <NA>."""
    body = re.sub(r"<script.*?</script>", "", report.html[report.html.index("<body"):], flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
    assert not re.findall(r".{0,40}(?:\b(?:None|nan|NaN)\b|<NA>).{0,20}", text)


def test_html_is_self_contained(report):
    html = report.html
    for pattern in (r'src\s*=\s*["\']?(https?:)?//', r'<link[^>]+href\s*=\s*["\']?(https?:)?//', r"@import",
                    r"url\(\s*['\"]?(https?:)?//", r"@font-face"):
        assert not re.search(pattern, html, re.I), pattern
    import plotly.offline

    assert html.count(plotly.offline.get_plotlyjs()[:300]) == 1  # plotly.js inlined exactly once
    assert html.count("<script") == html.count("</script>")


def test_pdf_has_pages_and_the_key_figures(report, demo_db):
    from pypdf import PdfReader

    reader = PdfReader(str(report.pdf))
    pages = len(reader.pages)
    assert pages >= 10
    page_texts = [unicodedata.normalize("NFKC", page.extract_text() or "") for page in reader.pages]
    text = "\n".join(page_texts)
    squeeze = re.sub(r"\s+", "", text)
    for key, (value, _) in expected_key_figures(demo_db).items():
        assert re.sub(r"\s+", "", value) in squeeze, f"PDF text lacks {key} = {value!r}"
    assert f"1/{pages}" in squeeze and f"{pages}/{pages}" in squeeze  # page numbers in the footer
    assert "Demodata" in text


def test_pdf_keeps_each_figure_on_one_page(report):
    """Every figure's caption and its definition/source/n block print on the same page (nothing cut)."""
    from pypdf import PdfReader

    n_figures = len(figures(report.html))
    seen = set()
    for number, page in enumerate(PdfReader(str(report.pdf)).pages, 1):
        text = unicodedata.normalize("NFKC", page.extract_text() or "")
        if "Indhold" in text[:200]:  # the table of contents lists every caption
            continue
        for m in re.finditer(r"Figur (\d+)\.", text):
            seen.add(int(m.group(1)))
            following = text[m.end():]
            nxt = re.search(r"Figur \d+\.", following)
            block = following[:nxt.start()] if nxt else following
            assert "Definition" in block and "Kilde" in block, f"figure {m.group(1)} is cut at page {number}"
    assert seen == set(range(1, n_figures + 1))


def test_year_without_a_wave_exits_2_and_names_the_years(demo_db, tmp_path):
    proc = build_cli("--year", "2013", "--db", str(demo_db), "--out", str(tmp_path), timeout=120)
    assert proc.returncode == 2
    waves = sorted(q("participation_rate", demo_db, by="total")["year"])
    assert "2013" in proc.stderr and ", ".join(map(str, waves)) in proc.stderr
    assert not list(tmp_path.iterdir()), "nothing is written for a year without a wave"


def test_english_build(demo_db, tmp_path):
    proc = build_cli("--year", str(YEAR), "--lang", "en", "--db", str(demo_db), "--out", str(tmp_path), "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / f"frivilligrapport-{YEAR}.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Volunteering Report 2012" in html and "Demo data" in html
    rows = key_rows(html)
    pr = q("participation_rate", demo_db, year=YEAR, by="total").iloc[0]
    assert rows["participation_rate"]["value"] == fmt.pct(pr.estimate, 1, "en")
    assert all(f["caption"].startswith("Figure ") for f in figures(html))
    for f in figures(html):
        assert dd(f["body"], "Definition") == queries.load_metric(f["metric"]).definition, f["id"]


@pytest.mark.parametrize("value, call, expected", [
    (1808404.3, lambda v: fmt.number(v, 0), "1.808.404"),
    (1808404.3, lambda v: fmt.number(v, 0, "en"), "1,808,404"),
    (0.39974, lambda v: fmt.pct(v, 1), "40,0 %"),
    (0.39974, lambda v: fmt.pct(v, 1, "en"), "40.0%"),
    (0.0123, lambda v: fmt.pp(v, 1), "+1,2 procentpoint"),
    (-0.00004, lambda v: fmt.signed(v, 1), "0,0"),
    (156_200_000, lambda v: fmt.dkk_millions(v, 1), "156,2 mio. kr."),
    (3, lambda v: fmt.count(v), "<5"),
    (5, lambda v: fmt.count(v), "5"),
    (None, lambda v: fmt.pct(v), fmt.MISSING),
])
def test_danish_number_formatting(value, call, expected):
    assert call(value) == expected
