"""The annual report (issues 5 and 14): built once in both languages from the demo warehouse through the CLI, then read
as a user and an accessibility checker would.

Every expected number is recomputed here with the query layer and formatted with reports.fmt; the test looks
for that text in the HTML (summary rows, figure data) and in the PDF's text.
"""
from __future__ import annotations

import base64
import html as htmllib
import pathlib
import re
import os
import subprocess
import sys
import types
import unicodedata

import pytest

import queries
from views import present
from reports import fmt

REPO = pathlib.Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow
YEAR = 2012
PREVIOUS = 2004  # the wave before 2012 in the demo data: the national survey's, 2012 is CFSA's (docs/surveys.md)
NO_COMPARABLE = "ingen tidligere måling i samme undersøgelse med samme definition"


def build_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reports", "build", *args], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture(scope="module")
def report(demo_db, tmp_path_factory):
    """`python -m reports build --year 2012 --lang da,en` on the demo warehouse: both languages into one folder by one
    process (one Chromium, the warehouse read once), as `make report LANG=all` does."""
    out = tmp_path_factory.mktemp("report")
    proc = build_cli("--year", str(YEAR), "--lang", "da,en", "--db", str(demo_db), "--out", str(out))
    assert proc.returncode == 0, f"report build failed:\n{proc.stdout}\n{proc.stderr}"
    da_html = out / f"frivilligrapport-{YEAR}.da.html"
    return types.SimpleNamespace(dir=out, html=da_html.read_text(encoding="utf-8"), html_path=da_html,
                                 pdf=out / f"frivilligrapport-{YEAR}.da.pdf", stdout=proc.stdout, stderr=proc.stderr,
                                 en_html=out / f"frivilligrapport-{YEAR}.en.html",
                                 en_pdf=out / f"frivilligrapport-{YEAR}.en.pdf")


def q(metric: str, db, **params):
    return queries.run(metric, db=db, **params).data


# ------------------------------------------------------------------------------------------------ HTML parsing

FIGURE_RE = re.compile(r'<figure id="(?P<id>fig-\d+)" class="report-figure" data-metric="(?P<metric>[a-z_0-9]+)"[^>]*>'
                       r'(?P<body>.*?)</figure>', re.S)
IMG_RE = re.compile(r'<img class="chart" src="data:image/svg\+xml;base64,(?P<b64>[A-Za-z0-9+/=]+)" alt="(?P<alt>[^"]*)">')
KEY_RE = re.compile(r'<tr class="key" data-key="(?P<key>[^"]+)">\s*<td>(?P<label>.*?)</td>\s*'
                    r'<td class="value">(?P<value>.*?)</td>\s*<td class="ci"[^>]*>(?P<ci>.*?)</td>\s*'
                    r'<td class="change"[^>]*>(?P<change>.*?)</td>', re.S)
# Plotly's SVG: bars and markers are path.point, lines path.js-line; tick labels are <text> elements.
MARK_RE = re.compile(r'class="(?:point|js-line)\b')


def figures(html: str) -> list[dict]:
    """Every figure: id, metric, caption, its SVG (decoded), its alternative text and the whole <figure> body."""
    out = []
    for m in FIGURE_RE.finditer(html):
        img = IMG_RE.search(m["body"])
        assert img, f"{m['id']} has no chart image"
        caption = re.search(r"<figcaption>(.*?)</figcaption>", m["body"], re.S).group(1)
        out.append({"id": m["id"], "metric": m["metric"], "svg": base64.b64decode(img["b64"]).decode("utf-8"),
                    "alt": htmllib.unescape(img["alt"]),
                    "caption": htmllib.unescape(re.sub(r"<[^>]+>", "", caption)).strip(), "body": m["body"]})
    return out


def svg_texts(svg: str) -> list[str]:
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def key_rows(html: str) -> dict[str, dict]:
    return {m["key"]: {k: htmllib.unescape(re.sub(r"<[^>]+>", "", m[k])).strip() for k in ("value", "ci", "change")}
            for m in KEY_RE.finditer(html)}


# ------------------------------------------------------------------------------------------------ tests


def test_cli_reports_what_it_wrote(report):
    assert f"frivilligrapport-{YEAR}.da.html" in report.stdout and f"frivilligrapport-{YEAR}.da.pdf" in report.stdout
    assert report.pdf.exists() and report.pdf.stat().st_size > 10_000
    # nothing wider than the A4 print width (else Chromium shrinks every page of the PDF)
    assert "warning" not in report.stderr, report.stderr
    # only the finished files: no temporary file is left beside them
    assert sorted(p.name for p in report.dir.iterdir()) == sorted(
        f"frivilligrapport-{YEAR}.{lang}.{ext}" for lang in ("da", "en") for ext in ("html", "pdf"))


def test_danish_and_english_are_distinct_files(report):
    """English is written after Danish, into its own files beside the Danish ones, and leaves those Danish."""
    assert report.en_html.exists() and report.en_pdf.exists()
    lines = report.stdout.splitlines()
    wrote = [line.rsplit("/", 1)[-1] for line in lines if line.startswith("wrote ")]
    assert wrote == [f"frivilligrapport-{YEAR}.{lang}.{ext}" for lang in ("da", "en") for ext in ("html", "pdf")]
    assert sum(" figures, " in line for line in lines) == 2
    en = report.en_html.read_text(encoding="utf-8")
    assert '<html lang="en">' in en and '<html lang="da">' in report.html
    assert report.en_pdf.read_bytes() != report.pdf.read_bytes()


def test_every_dashboard_topic_has_a_figure_with_data(report):
    figs = figures(report.html)
    by_metric: dict[str, int] = {}
    for f in figs:
        by_metric[f["metric"]] = by_metric.get(f["metric"], 0) + 1
        assert f["svg"].lstrip().startswith("<svg") and "viewBox" in f["svg"][:500], f["id"]
        assert len(MARK_RE.findall(f["svg"])) > 0, f"{f['id']} ({f['metric']}) draws no data marks"
        assert len(f["alt"]) > 20, f"{f['id']} has no text summary"
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
    """The report prints the dashboards' boundary map: 98 municipalities, those with a value coloured (not all the
    grey of "no figure"), the map's credit and a text alternative that counts them."""
    from views.map import NO_VALUE

    grey = "rgb({}, {}, {})".format(*(int(NO_VALUE[i:i + 2], 16) for i in (1, 3, 5)))
    maps = [f for f in figures(report.html) if f["metric"] in ("framework_score", "granted_per_inhabitant")]
    assert len(maps) == 2
    for f in maps:
        fills = re.findall(r"<path class=\"choroplethlocation\" fill=\"(rgb\([^)]*\))\"", f["svg"])
        coloured = [c for c in fills if c != grey]
        assert len(fills) == 98 and len(coloured) >= 50, f"{f['id']} colours only {len(coloured)} municipalities"
        assert "Geodatastyrelsen" in f["svg"]
        assert re.search(r"\d+ kommuner", f["alt"]), f["alt"]


def test_breakdown_figures_describe_the_query_results(report, demo_db):
    """The text summary of a participation figure lists the query layer's estimate of every category."""
    from views import charts

    figs = {f["caption"]: f for f in figures(report.html)}
    for dim, word in (("gender", "køn"), ("age_group", "alder"), ("region", "region")):
        caption = next(c for c in figs if f"efter {word}, {YEAR}" in c and "frivilligt" in c)
        df = q("participation_rate", demo_db, year=YEAR, by=dim)
        alt = figs[caption]["alt"]
        for lab, est in zip(charts.category_labels(df, "da"), df["estimate"]):
            assert f"{lab.replace('<br>', ' ')} {fmt.pct(est, decimals=1)}" in alt, (caption, lab, alt)
        # and the SVG draws one bar per category
        assert len(MARK_RE.findall(figs[caption]["svg"])) >= len(df)


def test_figures_come_from_the_warehouse_asked_for(fixture_db, demo_db, tmp_path, monkeypatch):
    """build(db=...) draws every figure from that warehouse, whatever $FRIVILLIGDATA_DB says, and leaves it alone."""
    from reports.build import build

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    result = build(YEAR, db=fixture_db, out=tmp_path, pdf=False)
    assert os.environ["FRIVILLIGDATA_DB"] == str(demo_db)
    assert result.pdf is None and not list(tmp_path.glob("*.pdf"))
    figs = {f["caption"]: f for f in figures(result.html.read_text(encoding="utf-8"))}
    caption = next(c for c in figs if f"efter køn, {YEAR}" in c and "frivilligt" in c)
    ours = [fmt.pct(v, decimals=1) for v in q("participation_rate", fixture_db, year=YEAR, by="gender")["estimate"]]
    demo = [fmt.pct(v, decimals=1) for v in q("participation_rate", demo_db, year=YEAR, by="gender")["estimate"]]
    assert all(v in figs[caption]["alt"] for v in ours)
    assert ours != demo


def expected_key_figures(db) -> dict[str, tuple[str, str]]:
    """key -> (value text, interval text), recomputed from the query layer; census figures have no interval."""
    out = {}
    nb = fmt.NBSP
    pr = q("participation_rate", db, year=YEAR, by="total").iloc[0]
    out["participation_rate"] = (fmt.pct(pr.estimate, decimals=1), fmt.pct_interval(pr.ci_low, pr.ci_high, decimals=1))
    vc = q("volunteers_count", db, year=YEAR, by="total").iloc[0]
    d = fmt.millions_decimals(fmt.step_for(vc.se))
    out["volunteers_count"] = (fmt.millions(vc.estimate, decimals=d), fmt.interval(vc.ci_low / 1e6, vc.ci_high / 1e6, decimals=d) + f"{nb}mio.")
    h = q("hours_per_month", db, year=YEAR, by="total").iloc[0]
    out["hours_per_month"] = (fmt.number(h.estimate, decimals=1) + f"{nb}timer", fmt.interval(h.ci_low, h.ci_high, decimals=1) + f"{nb}timer")
    th = q("total_hours_per_year", db, year=YEAR, by="total").iloc[0]
    d = fmt.millions_decimals(fmt.step_for(th.se))
    out["total_hours_per_year"] = (fmt.millions(th.estimate, decimals=d) + f"{nb}timer",
                                   fmt.interval(th.ci_low / 1e6, th.ci_high / 1e6, decimals=d) + f"{nb}mio.")
    f = q("fte", db, year=YEAR, by="total").iloc[0]
    step = fmt.step_for(f.se)
    out["fte"] = (fmt.rounded(f.estimate, step), fmt.rounded_interval(f.ci_low, f.ci_high, step))
    mr = q("municipal_response", db, year=YEAR).iloc[0]
    out["municipal_response"] = (fmt.count(mr.responded), fmt.MISSING)
    fs = q("framework_share", db, year=YEAR, by="total").set_index("element")
    for element in ("has_volunteer_policy", "has_volunteer_council", "organises_volunteers"):
        out[f"framework_share:{element}"] = (fmt.pct(fs.loc[element, "share"], decimals=0), fmt.MISSING)
    st = q("staff_fte_total", db, year=YEAR, by="total").iloc[0]
    out["staff_fte_total"] = (fmt.number(st.staff_fte_total, decimals=0), fmt.MISSING)
    pay = q("payout_ratio", db, year=YEAR, by="total").iloc[0]
    out["granted_dkk"] = (fmt.dkk_millions(pay.granted_dkk, decimals=1), fmt.MISSING)
    out["payout_ratio"] = (fmt.pct(pay.payout_ratio, decimals=0), fmt.MISSING)
    ps = q("partnership_share", db, year=YEAR, by="total").iloc[0]
    out["partnership_share"] = (fmt.pct(ps.partnership_share, decimals=1), fmt.MISSING)
    return out


def test_summary_key_figures_equal_the_query_layer(report, demo_db):
    rows = key_rows(report.html)
    expected = expected_key_figures(demo_db)
    assert set(expected) <= set(rows), f"missing key figures: {set(expected) - set(rows)}"
    for key, (value, interval) in expected.items():
        assert rows[key]["value"] == value, key
        assert rows[key]["ci"] == interval, key  # the interval column holds the interval and nothing else
    # the change since the previous wave of the same survey: the wave before 2012 is of the other series, so none
    # (the 2024 report's changes against 2020: tests/test_report_waves.py)
    waves = sorted(q("participation_rate", demo_db, by="total")["year"])
    assert waves[waves.index(YEAR) - 1] == PREVIOUS
    assert not [w for w in queries.comparable_waves(demo_db).get(YEAR, []) if w < YEAR]
    assert rows["participation_rate"]["change"] == NO_COMPARABLE


# How the report writes each survey figure's change (the expected text is rebuilt here from the change metrics).
NB = "\u00a0"
CHANGE_TEXT = {
    "participation_rate": ("participation_change", lambda x: fmt.pp(x, decimals=1)),
    "volunteers_count": ("volunteers_count_change", lambda x: fmt.signed(round(x / 1000) * 1000, decimals=0)),
    "hours_per_month": ("hours_per_month_change", lambda x: fmt.signed(x, decimals=1) + f"{NB}timer"),
    "total_hours_per_year": ("total_hours_per_year_change", lambda x: fmt.signed(x / 1e6, decimals=0) + f"{NB}mio."),
    "fte": ("fte_change", lambda x: fmt.signed(round(x / 1000) * 1000, decimals=0)),
}


def _change_words(metric: str, db, since: int, year: int = YEAR) -> tuple[str, str, str]:
    """(change, 95 % interval, verdict) of a survey figure as the report must print them, from the query layer; the
    verdict decided here from the interval."""
    name, text = CHANGE_TEXT[metric]
    c = q(name, db, year=year, since=since, by="total").iloc[0]
    assert c.flag == "ok"
    verdict = "en sikker ændring" if c.ci_low > 0 or c.ci_high < 0 else "ikke en sikker ændring"
    return text(c.estimate), f"95{NB}%-interval {text(c.ci_low)} til {text(c.ci_high)}", verdict


def test_every_change_in_the_summary_carries_its_interval_and_verdict(report, demo_db):
    """The summary's changes since the previous wave (share, number of volunteers, hours, total hours, full-time
    equivalents): the change metric's estimate, 95 % interval and verdict; no plain difference is left ("and say so")."""
    rows = key_rows(report.html)
    for metric in CHANGE_TEXT:  # 2012 has no earlier wave of its survey: no change (2024: test_report_waves.py)
        assert rows[metric]["change"] == NO_COMPARABLE, (metric, rows[metric]["change"])
    assert "ikke beregnet" not in htmllib.unescape(report.html)  # the note on changes without an interval is gone


def test_every_change_under_the_figures_over_the_waves_carries_its_interval_and_verdict(report, demo_db):
    """The trend of participation (since the previous and the first wave) and the table of hours, total hours and
    full-time equivalents over the waves state their changes with interval and verdict, in the dashboards' form."""
    text = htmllib.unescape(report.html)
    # 2012 (CFSA's) has no earlier wave of its survey: no change across the series break to 2004 (the 2024 report's
    # changes against 2020: tests/test_report_waves.py)
    assert f"siden {PREVIOUS} (95" not in text

def test_tables_carry_query_numbers(report, demo_db):
    """A spot check of the tables: every breakdown row of participation and every published figure."""
    text = htmllib.unescape(report.html)
    for dim in ("gender", "education"):
        for r in q("participation_rate", demo_db, year=YEAR, by=dim).itertuples():
            if r.flag != "suppressed":
                assert fmt.pct_interval(r.ci_low, r.ci_high, decimals=1) in text, (dim, r.category)
    table = re.search(r'data-metric="published_comparison">(.*?)</table>', report.html, re.S).group(1)
    ids = re.findall(r"<tr[^>]*><td>([A-Z]\d\d)</td>", table)
    published = q("published_comparison", demo_db).loc[lambda d: d["year"] <= YEAR]
    assert ids == published.loc[published["our_value"].notna(), "figure_id"].tolist()


def dd(body: str, term: str) -> str:
    """The text of a figure's <dd> after <dt>term</dt>, unescaped."""
    return htmllib.unescape(dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body, re.S))[term]).strip()


def test_definitions_are_plain_words_from_one_place(report):
    """A figure's definition is reports.captions.definition of its metric (the one place the report reads captions),
    or a reference to the earlier figure with the same definition; no R formula in any of them."""
    from reports.captions import definition

    figs = figures(report.html)
    printed: dict[str, str] = {}  # figure label -> the definition printed under it
    for f in figs:
        text = dd(f["body"], "Definition")
        label = f["caption"].split(".")[0]
        ref = re.fullmatch(r"Som under (Figur \d+)\.", text)
        if ref:
            assert printed[ref.group(1)] == definition(f["metric"], "da"), f["id"]
            continue
        assert text == definition(f["metric"], "da"), f["id"]
        printed[label] = text
        assert not re.search(r"svy|~|\bsubset\(", text), (f["id"], text)
    assert {f["metric"] for f in figs} >= {"participation_rate", "fte", "framework_score", "cooperation_counts"}


def test_appendix_names_figures_in_words_without_internal_notes(report, demo_db):
    table = htmllib.unescape(re.search(r'data-metric="published_comparison">(.*?)</table>', report.html, re.S).group(1))
    text = re.sub(r"<[^>]+>", " ", table)
    published = q("published_comparison", demo_db).loc[lambda d: d["year"] <= YEAR]
    for name in set(published["measure"]) | set(published["metric"].dropna()):
        assert name not in text, name
    for note in list(published["reason_da"].dropna()) + list(published["reason"].dropna()):
        assert note not in report.html, note
    missing = published.loc[published["our_value"].isna(), "figure_id"].tolist()
    assert missing and all(m in report.html for m in missing)  # listed by number under the table


def test_time_series_stop_at_the_report_year(report, demo_db):
    """The dashboards show every year; the 2012 report shows 2012 and before (the demo data run to 2021)."""
    assert max(q("cooperation_counts", demo_db, by="total")["year"]) > YEAR
    series = [f for f in figures(report.html) if f["metric"] in ("cooperation_counts", "partnership_share",
                                                                  "staff_fte_total", "payout_ratio")]
    assert len(series) == 7
    shown = set()
    for f in series:
        years = {int(t) for t in svg_texts(f["svg"]) + re.findall(r"\b(?:19|20)\d\d\b", f["alt"])
                 if re.fullmatch(r"(19|20)\d\d", t.strip())}
        assert years and max(years) <= YEAR, f"{f['id']} ({f['metric']}) shows years after {YEAR}: {sorted(years)}"
        shown.update(years)
    assert YEAR in shown and 2005 in shown


def test_methods_appendix_sources_and_demo_banner(report):
    html = report.html
    title_page = re.search(r'<section class="title-page".*?</section>', html, re.S).group(0)
    assert 'id="demo-banner"' in title_page and "Demodata" in title_page
    methods = re.search(r'<section class="chapter" id="methods">.*?</section>', html, re.S).group(0)
    for item in present.methods_items("da"):  # the one methods text, shared with Om data (units kept on the line)
        assert item.replace(" %", fmt.NBSP + "%") in methods, item
    for needle in ("svydesign(ids = ~1, weights = ~weight)", "svyby", "Under 50", "50-99", "&lt;5", "Demodata", "1.924"):
        assert needle in methods, needle
    assert 'id="appendix"' in html and 'id="sources"' in html
    assert "002_8ca6ca6754b4fc27.txt" in html  # the CFSA 2012 slides are cited
    assert '<html lang="da">' in html


def test_no_python_missing_values_in_the_text(report):
    """Missing values are shown as an en dash or explained, never as Python/pandas' None, nan or <NA>."""
    body = re.sub(r"<script.*?</script>", "", report.html[report.html.index("<body"):], flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
    assert not re.findall(r".{0,40}(?:\b(?:None|nan|NaN)\b|<NA>).{0,20}", text)


def test_html_is_small_and_self_contained(report):
    """No plotly.js, no script at all: every figure is an SVG image inside the file; under 2 MB."""
    html = report.html
    for pattern in (r'src\s*=\s*["\']?(https?:)?//', r'<link[^>]+href\s*=\s*["\']?(https?:)?//', r"@import",
                    r"url\(\s*['\"]?(https?:)?//", r"@font-face", r"<script", r"<iframe"):
        assert not re.search(pattern, html, re.I), pattern
    assert re.findall(r'<img [^>]*src="([a-z]+):', html) and set(re.findall(r'<img [^>]*src="([a-z]+):', html)) == {"data"}
    for path in (report.html_path, report.en_html):
        assert path.stat().st_size < 2_000_000, f"{path.name}: {path.stat().st_size} bytes"


def pdftotext(pdf: pathlib.Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_is_tagged_with_language_title_outline_and_alt_texts(report):
    """What an accessibility check reads: /Lang, title (document info and XMP, shown as window title), a structure
    tree with a /Figure and alternative text for every chart and real /Table, /TR, /TH, /TD elements, and an
    outline with one entry per chapter and per figure and table."""
    from reports.pdf import pdf_structure

    figs = figures(report.html)
    n_tables = report.html.count("<table")
    for pdf, lang, title, chapters in (
            (report.pdf, "da", f"Frivilligrapport {YEAR}", ["1. Hvem er de frivillige?", "2. Kommunerne",
                                                          "3. Samarbejde", "Metode", "Sammenfatning"]),
            (report.en_pdf, "en", f"Volunteering Report {YEAR}", ["1. Who are the volunteers?",
                                                                   "2. The municipalities", "3. Cooperation",
                                                                   "Methods", "Summary"])):
        st = pdf_structure(pdf)
        assert st.lang == lang and st.title == title and st.xmp_title == title and st.display_doc_title
        assert st.marked and st.tags.get("/Document") == 1
        assert st.tags.get("/Table", 0) == n_tables and st.tags.get("/TH", 0) > 0 and st.tags.get("/TD", 0) > 100
        assert st.tags.get("/H2", 0) >= 7 and st.tags.get("/Caption", 0) >= len(figs)
        # every chart is a /Figure whose /Alt is its text summary, and there is no /Figure without one
        assert len(st.figure_alts) == len(figs) == st.tags.get("/Figure"), (st.figure_alts, st.tags)
        if lang == "da":
            assert st.figure_alts == [f["alt"] for f in figs]
        titles = {t for _, t, _ in st.outline}
        for ch in chapters:
            assert any(t.replace(" ", "") == ch.replace(" ", "") for t in titles), (ch, sorted(titles)[:10])
        word = "Figur" if lang == "da" else "Figure"
        numbered = {int(m.group(1)) for t in titles for m in [re.match(rf"{word} (\d+)\.", t)] if m}
        assert numbered == set(range(1, len(figs) + 1))
        assert all(page >= 1 for _, _, page in st.outline)


def test_contents_page_numbers_are_the_pages_where_chapters_start(report):
    """The numbers printed on the contents page equal the page where each chapter's heading is printed."""
    pages = pdftotext(report.pdf).split("\f")
    contents = [i for i, p in enumerate(pages) if p.lstrip().startswith("Indhold")]
    assert contents, "no contents page"
    toc = "\n".join(pages[i] for i in contents)
    headings = ["Sammenfatning", "1. Hvem er de frivillige?", "2. Kommunerne", "3. Samarbejde", "Metode",
                "Bilag: vores tal sammenlignet med de offentliggjorte", "Kilder"]
    for heading in headings:
        m = re.search(rf"^\s*{re.escape(heading)}\s+(\d+)\s*$", toc, re.M)
        assert m, f"contents page lacks a page number for {heading!r}"
        printed = int(m.group(1))
        starts = [i + 1 for i, p in enumerate(pages)
                  if i not in contents and re.search(rf"^\s*{re.escape(heading)}\s*$", p, re.M)]
        assert starts and starts[0] == printed, f"{heading!r}: contents says {printed}, printed on {starts}"
    # figures too: 'Figur 7. ...  12' points at the page whose text holds 'Figur 7.'
    for m in re.finditer(r"^\s*(Figur \d+)\. .*?\s(\d+)\s*$", toc, re.M):
        page = pages[int(m.group(2)) - 1]
        assert re.search(rf"^\s*{m.group(1)}\.", page, re.M), f"{m.group(1)} is not on page {m.group(2)}"


def test_pdf_text_has_no_code_names_internal_notes_or_stray_percent(report, demo_db):
    published = q("published_comparison", demo_db)
    internal = list(published["reason_da"].dropna()) + list(published["reason"].dropna())
    for pdf in (report.pdf, report.en_pdf):
        text = pdftotext(pdf)
        squeezed = re.sub(r"\s+", " ", text)
        for name in queries.metric_names():
            assert not re.search(rf"\b{name}\b", squeezed), f"{pdf.name} names the metric {name}"
        for note in internal:
            assert note[:40] not in squeezed, f"{pdf.name} prints the internal note {note[:40]!r}"
        bad = [line for line in text.splitlines() if re.match(r"\s*%", line)]
        assert not bad, f"{pdf.name}: lines starting with %: {bad[:3]}"


def test_report_opens_in_chromium_without_requests_and_reflows(report):
    """Opened from disk in headless Chromium: every chart image decodes, no request leaves the file, and at a
    phone's 390 px nothing is wider than the screen. Screenshots go to screenshots/ to look at."""
    from playwright.sync_api import sync_playwright

    from reports.pdf import CHROMIUM, LAUNCH_ARGS, LOCAL_SCHEMES

    shots = REPO / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for width in (1400, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                outside: list[str] = []
                page.on("request", lambda r: None if r.url.startswith(LOCAL_SCHEMES) else outside.append(r.url))
                page.goto(report.html_path.resolve().as_uri(), wait_until="load")
                broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
                assert broken == 0
                assert page.evaluate("document.images.length") == len(figures(report.html))
                assert not outside, outside
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= width, f"page is {wide} px wide at a {width} px viewport"
                page.screenshot(path=str(shots / f"report-{width}.png"))
                page.close()
        finally:
            browser.close()


def test_pdf_keeps_each_figure_on_one_page(report):
    """Every figure's caption and its definition/source/n block print on the same page (nothing cut)."""
    from pypdf import PdfReader

    n_figures = len(figures(report.html))
    seen = set()
    for number, page in enumerate(PdfReader(str(report.pdf)).pages, 1):
        text = unicodedata.normalize("NFKC", page.extract_text() or "")
        if "Indhold" in text[:200]:  # the table of contents lists every caption
            continue
        for m in re.finditer(r"(?m)^Figur (\d+)\.", text):  # captions start a line ("Som under Figur 2." does not)
            seen.add(int(m.group(1)))
            following = text[m.end():]
            nxt = re.search(r"(?m)^Figur \d+\.", following)
            block = following[:nxt.start()] if nxt else following
            assert "Definition" in block and "Kilde" in block, f"figure {m.group(1)} is cut at page {number}"
    assert seen == set(range(1, n_figures + 1))


def test_year_without_a_wave_exits_2_and_names_the_years(demo_db, tmp_path):
    proc = build_cli("--year", "2013", "--db", str(demo_db), "--out", str(tmp_path), timeout=120)
    assert proc.returncode == 2
    waves = sorted(q("participation_rate", demo_db, by="total")["year"])
    assert "2013" in proc.stderr and ", ".join(map(str, waves)) in proc.stderr
    assert not list(tmp_path.iterdir()), "nothing is written for a year without a wave"


def test_english_report(report, demo_db):
    html = report.en_html.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Volunteering Report 2012" in html and "Demo data" in html
    rows = key_rows(html)
    pr = q("participation_rate", demo_db, year=YEAR, by="total").iloc[0]
    assert rows["participation_rate"]["value"] == fmt.pct(pr.estimate, "en", 1)
    assert all(f["caption"].startswith("Figure ") for f in figures(html))
    from reports.captions import definition

    for f in figures(html):
        text = dd(f["body"], "Definition")
        assert text == definition(f["metric"], "en") or text.startswith("As for Figure "), f["id"]


def test_the_first_wave_builds(demo_db, tmp_path):
    """The first wave, with nothing to compare with, builds too (HTML only, in this process: the module's fixture
    runs the command; the latest wave: tests/test_report_waves.py)."""
    from reports.build import build

    year = 2004
    build(year, db=demo_db, out=tmp_path, pdf=False)
    html = (tmp_path / f"frivilligrapport-{year}.da.html").read_text(encoding="utf-8")
    assert f"Frivilligrapport {year}" in html and len(figures(html)) >= 10


def test_lang_option_takes_one_language_a_list_or_all(capsys):
    from reports.__main__ import languages, main

    assert languages("en") == ["en"] and languages("all") == ["da", "en"] and languages("en,da,en") == ["en", "da"]
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--year", str(YEAR), "--lang", "da,fr"])
    assert exit_.value.code == 2 and "unknown language 'fr'" in capsys.readouterr().err


def test_rounding_follows_the_standard_error():
    assert fmt.step_for(4321) == 1000 and fmt.step_for(250) == 100 and fmt.step_for(0.3) == 1
    assert fmt.rounded(181_913, 1000) == "182.000" and fmt.rounded(181_913, 100, "en") == "181,900"
    assert fmt.millions_decimals(10_000) == 2 and fmt.millions_decimals(1_000_000) == 0
    assert fmt.rounding_note(1000) == "afrundet til nærmeste 1.000"


@pytest.mark.parametrize("value, call, expected", [
    (1808404.3, lambda v: fmt.number(v, decimals=0), "1.808.404"),
    (1808404.3, lambda v: fmt.number(v, "en", 0), "1,808,404"),
    (0.39974, lambda v: fmt.pct(v, decimals=1), "40,0\u00a0%"),
    (0.39974, lambda v: fmt.pct(v, "en", 1), "40.0%"),
    (0.0123, lambda v: fmt.pp(v, decimals=1), "+1,2\u00a0procentpoint"),
    (-0.00004, lambda v: fmt.signed(v, decimals=1), "0,0"),
    (156_200_000, lambda v: fmt.dkk_millions(v, decimals=1), "156,2\u00a0mio.\u00a0kr."),
    (3, lambda v: fmt.count(v), "<5"),
    (5, lambda v: fmt.count(v), "5"),
    (None, lambda v: fmt.pct(v), fmt.MISSING),
])
def test_danish_number_formatting(value, call, expected):
    assert call(value) == expected
