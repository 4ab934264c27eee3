"""Unit tests of the dashboard module: URL state, labels and number formats, tile placement, chart builders,
and the shape of the notebooks (thin, no SQL, outputs cleared)."""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from views import charts, labels
from views import numbers
from dashboards import state, ui
from pages import PAGES
from pages import address
from pages.address import Choice, parse_query, to_query, validate

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "dashboards").glob("*.ipynb"))
YEAR = Choice("year", ("2004", "2012", "2021"), "2021")
BY = Choice("by", ("total", "gender", "age_group"), "total")
KOMMUNE = Choice("kommune", ("all", "101", "147"), "all")


# -- URL state ------------------------------------------------------------------------------------------------

def test_parse_query_valid_values_set_the_widgets():
    s = parse_query("?year=2012&by=gender&kommune=147&lang=en", [YEAR, BY, KOMMUNE])
    assert s.values == {"lang": "en", "year": "2012", "by": "gender", "kommune": "147"}
    assert s.notes == []
    assert s.lang == "en"


def test_parse_query_defaults_without_query():
    for q in (None, "", "?"):
        s = parse_query(q, [YEAR, BY])
        assert s.values == {"lang": "da", "year": "2021", "by": "total"}
        assert s.notes == []


def test_parse_query_invalid_values_fall_back_with_a_note():
    s = parse_query("year=1999&by=gender';drop table x;--&lang=fr", [YEAR, BY])
    assert s.values == {"lang": "da", "year": "2021", "by": "total"}
    assert [(n.name, n.default) for n in s.notes] == [("year", "2021"), ("by", "total"), ("lang", "da")]
    assert s.notes[1].value.startswith("gender'")


def test_parse_query_unknown_parameter_is_noted_and_ignored():
    s = parse_query("year=2012&colour=red", [YEAR])
    assert s.values["year"] == "2012"
    assert len(s.notes) == 1 and s.notes[0].unknown and s.notes[0].name == "colour"


def test_parse_query_case_insensitive_first_occurrence_wins():
    s = parse_query("by=GENDER&by=age_group&lang=EN", [BY])
    assert s.values["by"] == "gender" and s.lang == "en"


def test_parse_query_long_value_is_rejected_and_shortened_in_the_note():
    s = parse_query("year=" + "9" * 500, [YEAR])
    assert s.values["year"] == "2021"
    assert len(s.notes[0].value) <= address.MAX_VALUE_LEN + 1


def test_choice_default_must_be_an_option():
    with pytest.raises(ValueError):
        Choice("year", ("2012",), "2013")


def test_validate_widget_value_against_whitelist():
    assert validate("2012", YEAR) == "2012"
    assert validate(2012, YEAR) == "2012"
    assert validate("1900", YEAR) == "2021"
    assert validate(None, BY) == "total"


def test_to_query_round_trip_leaves_defaults_out():
    values = {"lang": "en", "year": "2012", "by": "total"}
    q = to_query(values, [YEAR, BY])
    assert q == "?lang=en&year=2012"
    assert parse_query(q, [YEAR, BY]).values == values
    assert to_query({"lang": "da", "year": "2021", "by": "total"}, [YEAR, BY]) == ""


def test_current_query_string_reads_voila_environment(monkeypatch):
    state.request_query_string.cache_clear()
    monkeypatch.setenv("QUERY_STRING", "year=2012")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    try:
        assert state.current_query_string() == "year=2012"
    finally:
        state.request_query_string.cache_clear()


def _record_pages(monkeypatch, record) -> None:
    """ui.run's pages record an event instead of being drawn."""
    class Recorded:
        def __init__(self, page):
            assert page is PAGES["1_frivillige.ipynb"]

        def show(self):
            record()

    monkeypatch.setattr(ui, "Dashboard", Recorded)


@pytest.mark.parametrize("query, rebuilt", [("", False), ("lang=en", True), ("by=gender&year=2012", True)])
def test_a_preheated_kernel_builds_the_plain_page_before_its_visitor_comes(monkeypatch, query, rebuilt):
    """ui.run builds the page of the plain address while the kernel waits for its visitor, and builds it again
    (the first one cleared) only when the visitor's address has parameters."""
    events = []
    monkeypatch.setattr(state, "preheated", lambda: True)
    monkeypatch.setattr(state, "request_arrived", lambda timeout: events.append("no visitor yet") or False)
    # the request comes once (the real one waits for it and keeps it)
    monkeypatch.setattr(state, "request_query_string", functools.cache(lambda: events.append("request") or query))
    monkeypatch.setattr(ui, "clear_output", lambda: events.append("clear"))
    monkeypatch.setattr(ui.widgets.Widget, "close_all", classmethod(lambda cls: events.append("close")))
    _record_pages(monkeypatch, lambda: events.append(("page", state.current_query_string(), ui.lang())))
    ui.run(PAGES["1_frivillige.ipynb"])
    lang = "en" if "lang=en" in query else "da"
    again = ["clear", "close", ("page", query, lang)] if rebuilt else []
    assert events == ["no visitor yet", ("page", "", "da"), "request", *again]
    assert state.current_query_string() == query  # the page's later changes see the visitor's address


@pytest.mark.parametrize("preheated", [True, False])
def test_a_kernel_whose_visitor_is_there_builds_the_page_once(monkeypatch, preheated):
    """A kernel started for a visitor already waiting (the pool was empty), or not preheated at all, builds that
    visitor's page and no other."""
    events = []
    monkeypatch.setattr(state, "preheated", lambda: preheated)
    if preheated:
        monkeypatch.setattr(state, "request_arrived", lambda timeout: True)
    monkeypatch.setattr(state, "request_query_string", lambda: "by=gender")
    _record_pages(monkeypatch, lambda: events.append(state.current_query_string()))
    ui.run(PAGES["1_frivillige.ipynb"])
    assert events == ["by=gender"]


def test_a_failed_panel_hides_its_xlsx_button_and_the_buttons_share_one_layout():
    shared = ui._Shared()
    a, b = ui.ChartPanel("a", "da", shared), ui.ChartPanel("b", "da", shared)
    assert a.xlsx.layout is b.xlsx.layout  # hidden by a class, so one layout model serves every button
    a.fail("Ingen tal")
    assert "fd-off" in a.xlsx._dom_classes and "fd-off" not in b.xlsx._dom_classes
    assert ".fd-xlsx.fd-off { display: none; }" in ui.CSS

# -- labels and formats -----------------------------------------------------------------------------------------

def test_fmt_number_danish_and_english():
    assert numbers.fmt_number(1234567.891, "da", 1) == "1.234.567,9"
    assert numbers.fmt_number(1234567.891, "en", 1) == "1,234,567.9"
    assert numbers.fmt_number(0.4012, "da", 1, percent=True) == "40,1 %"
    assert numbers.fmt_number(0.4012, "en", 1, percent=True) == "40.1%"
    assert numbers.fmt_number(None, "da") == ""
    assert numbers.fmt_number(float("nan"), "da") == ""


def test_labels_from_label_file_and_municipality_names():
    assert labels.label("gender", "male", "da") == "Mænd"
    assert labels.label("gender", "male", "en") == "Men"
    assert labels.label("municipality", 147) == "Frederiksberg"
    assert labels.label("gender", "unknown_code") == "unknown_code"
    assert labels.codes("gender") == ["male", "female"]


def test_every_ui_text_has_both_languages():
    for key, pair in labels.UI.items():
        assert len(pair) == 2 and all(pair), key
    assert labels.t("bad_param", "en", name="year", value="1999", default="2021").startswith("Invalid value")


def _meta(unit="rate (fraction 0-1)", columns=()):
    from queries import Column, Metric

    return Metric(name="m", summary="s", title_da="Titel", title_en="Title", method="d", unit=unit,
                  source=("x",), params=(), dimensions={}, columns=tuple(Column(*c) for c in columns),
                  years_sql=None, sql="", path=Path("m.sql"))


def test_the_report_draws_the_boundary_map_of_the_dashboards(demo_db, monkeypatch):
    """The report and the Kommunerne page draw the map through the same view (pages/kommunerne.py declares it)."""
    from views import municipal

    monkeypatch.setenv("FRIVILLIGDATA_CACHE", "off")
    page = PAGES["2_kommunerne.ipynb"]
    assert page.panel("municipality_map").view is municipal.map_view
    report = municipal.map_view("framework_score", 2012, "da").fig.to_dict()
    assert [tr["type"] for tr in report["data"]][:2] == ["scattergeo", "choropleth"]  # views/map.py
    assert any("municipal.map_view(" in line for line in (REPO / "reports" / "content.py").read_text().splitlines())


# -- chart builders ---------------------------------------------------------------------------------------------

def _survey_rows():
    return pd.DataFrame({
        "year": [2012, 2012, 2012], "dimension": ["gender", "gender", "region"], "category": ["male", "female", "1081"],
        "label_da": ["Mænd", "Kvinder", None], "label_en": ["Men", "Women", None],
        "estimate": [0.42, None, 0.39], "se": [0.01, None, 0.03], "ci_low": [0.40, None, 0.33],
        "ci_high": [0.44, None, 0.45], "n": [3000, 40, 80], "flag": ["ok", "suppressed", "uncertain"]})


def test_estimate_bars_whiskers_gaps_and_danish_separators():
    df = _survey_rows()
    fig = charts.estimate_bars(df, _meta(), "da")
    bar = fig.data[0]
    assert list(bar.x) == ["Mænd", "Kvinder", "Region Nordjylland"]
    assert bar.y[1] is None                                   # the suppressed cell is a gap
    assert bar.error_y.array[0] == pytest.approx(0.02)
    assert fig.layout.separators == ",."
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "Kvinder" in notes and "for få svar" in notes
    assert list(bar.marker.pattern.shape) == ["", "", "/"]   # uncertain is hatched
    en = charts.estimate_bars(df, _meta(), "en")
    assert en.layout.separators == ".," and list(en.data[0].x)[0] == "Men"


def test_estimate_bars_published_figure_beside_ours():
    pub = pd.DataFrame({"category": ["male"], "value": [0.42]})
    fig = charts.estimate_bars(_survey_rows(), _meta(), "da", published=pub)
    assert [tr.name for tr in fig.data] == ["Vores beregning", "Offentliggjort tal"]
    assert fig.data[1].y[0] == 0.42 and fig.data[1].y[1] is None


def test_trend_lines_one_line_per_category():
    df = pd.concat([_survey_rows().iloc[:2].assign(year=y) for y in (2004, 2012)], ignore_index=True)
    fig = charts.trend_lines(df, _meta(), "da")
    assert [tr.name for tr in fig.data] == ["Mænd", "Kvinder"]
    assert list(fig.data[0].x) == [2004, 2012]
    # the year axis is spaced by real years (2004 -> 2012 is eight years wide), ticks at the waves only
    assert fig.layout.xaxis.type == "linear" and list(fig.layout.xaxis.tickvals) == [2004, 2012]


def test_palette_is_okabe_ito():
    fig = charts.estimate_bars(_survey_rows(), _meta(), "da")
    assert list(fig.layout.colorway) == charts.OKABE_ITO


def test_display_table_and_csv_keep_the_rows():
    df = _survey_rows()
    shown = charts.display_table(df, _meta(), "da")
    assert len(shown) == len(df)
    assert shown.loc[0, "Estimat"] == "42,0 %" and shown.loc[1, "Bemærkning"] == "for få svar (under 50)"
    text = charts.csv_text(df, "da")
    assert text.splitlines()[0].startswith("year;dimension;category")
    assert len(text.strip().splitlines()) == len(df) + 1
    assert "0,42" in text


def test_is_fraction_follows_the_column_documentation():
    meta = _meta(unit="ratio; share as a fraction 0-1",
                 columns=[("payout_ratio", "double", "granted / budget"), ("share", "double", "x / y (0-1)")])
    assert not charts.is_fraction(meta, "payout_ratio")
    assert charts.is_fraction(meta, "share")


# -- notebooks --------------------------------------------------------------------------------------------------

SQL = re.compile(r"\b(select|from\s+\w+\s+where|group by|insert|create table)\b", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "title cell first"
    code = [c for c in nb.cells if c.cell_type == "code"]
    page = PAGES[path.name]
    declared = next(m for m in ("frivillige", "kommunerne", "samarbejde", "kommuneprofil", "om_data")
                    if f"pages.{m} import PAGE" in code[0].source)
    assert code[0].source == f"from dashboards import ui\nfrom pages.{declared} import PAGE", "imports first"
    assert __import__(f"pages.{declared}", fromlist=["PAGE"]).PAGE is page, "the notebook shows its own page"
    assert code[-1].source.strip() == "ui.run(PAGE)", "one final call"
    assert len(code) == 2, "the page is declared in pages/, the notebook only shows it"
    assert f"pages/{declared}.py" in nb.cells[0].source, "the title cell says where the page is declared"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "outputs must be cleared before commit"
        assert not SQL.search(cell.source), f"SQL text in a notebook: {cell.source[:80]}"


def test_five_dashboards_are_listed_and_exist():
    files = [d[0] for d in labels.DASHBOARDS]
    assert files == [p.name for p in NOTEBOOKS] == list(PAGES), "each listed page is declared and has its notebook"


def test_voila_configuration_is_committed():
    conf = json.loads((REPO / "voila.json").read_text())
    assert conf["VoilaConfiguration"]["strip_sources"] is True
    assert conf["VoilaConfiguration"]["show_tracebacks"] is False
    assert conf["MappingKernelManager"]["cull_idle_timeout"] > 0


def test_templates_load_nothing_from_the_network():
    root = REPO / "server" / "share" / "jupyter" / "voila" / "templates" / "frivillig"
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            # the only URLs allowed are the CDN links the index template removes from Voilà's own template
            for url in re.findall(r"https?://[^\s\"')]+", text):
                assert "cdn.jsdelivr.net" in url and path.name == "index.html.j2", f"{path.name}: {url}"


# -- metadata in the page language ------------------------------------------------------------------------------

def test_meta_html_shows_danish_definition_and_unit_in_danish_english_in_english():
    from queries import load_metric
    from views.html import meta_html

    meta = load_metric("participation_rate")
    da, en = meta_html(meta, "da"), meta_html(meta, "en")
    assert meta.method_da[:40] in da.replace("&#x27;", "'") and meta.unit_da in da
    assert meta.method[:40] not in da and f"{meta.unit}<" not in da
    assert meta.method[:40] in en.replace("&#x27;", "'") and meta.unit in en
    assert meta.method_da[:40] not in en
    assert charts.title(meta, "da") == meta.title_da and charts.title(meta, "en") == meta.title_en


def test_published_comparison_table_has_one_reason_column_in_the_page_language(demo_db, monkeypatch):
    from views import data, survey as panels

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    da, en = panels.published_vs_computed("da").table, panels.published_vs_computed("en").table
    assert "reason_da" in da.columns and "reason" not in da.columns
    assert "reason" in en.columns and "reason_da" not in en.columns
    full = data.run("published_comparison").data
    assert da["reason_da"].fillna("").tolist() == full["reason_da"].fillna("").tolist()


@pytest.mark.parametrize("indicator", ["framework_score", "granted_per_inhabitant", "payout_ratio"])
def test_profile_takes_region_and_country_from_the_query_layer(demo_db, monkeypatch, indicator):
    """Kommuneprofil's comparison: the municipality, its region and the country as the query layer computes them."""
    from views import municipal
    from queries import run

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    metric, value, _ = municipal.MUNICIPAL_INDICATORS[indicator]
    view = municipal.comparison(indicator, 101, "da", year=2012)
    got = dict(zip(view.table["role"], view.table[value]))
    own = run(metric, year=2012, by="municipality", municipality_code=101, db=demo_db).data
    region = run(metric, year=2012, by="region", db=demo_db).data.set_index("category")
    country = run(metric, year=2012, by="total", db=demo_db).data
    assert got["municipality"] == pytest.approx(own[value].iloc[0])
    assert got["region"] == pytest.approx(region.loc["1084", value])  # København lies in Region Hovedstaden
    assert got["country"] == pytest.approx(country[value].iloc[0])


# -- data access: one warehouse per call, no SQL outside the query layer ---------------------------------------------

def test_data_run_and_build_info_are_keyed_on_the_warehouse(fixture_db, demo_db, monkeypatch):
    from views import data, survey as panels
    from queries import run

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    fix = run("participation_rate", year=2012, by="gender", db=fixture_db).data
    demo = run("participation_rate", year=2012, by="gender", db=demo_db).data
    assert not fix["estimate"].equals(demo["estimate"])
    assert data.run("participation_rate", year=2012, by="gender", db=fixture_db).data["estimate"].equals(fix["estimate"])
    assert data.run("participation_rate", year=2012, by="gender").data["estimate"].equals(demo["estimate"])
    assert data.build_info(fixture_db)["raw_dir"] != data.build_info()["raw_dir"]
    with data.using(fixture_db):  # what the report does: the panels read its warehouse, not $FRIVILLIGDATA_DB
        assert panels.survey_bars("participation_rate", 2012, "gender", "da").table["estimate"].equals(fix["estimate"])
        assert data.build_info() == data.build_info(fixture_db)
    assert data.run("participation_rate", year=2012, by="gender").data["estimate"].equals(demo["estimate"])


def test_codebook_and_sources_come_from_the_query_layer(demo_db, monkeypatch):
    from views import data, survey as panels
    from queries import build_inputs, codebook

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    assert data.codebook().equals(codebook(demo_db))
    assert data.build_inputs().equals(build_inputs(demo_db))
    html = panels.about_codebook("da")
    assert "granted_dkk" in html and html.count("<tr>") >= len(codebook(demo_db))


SQL_WORDS = re.compile(r"\b(select|from|where|join)\b[^\n]*\b(from|where|order by|group by|key|value)\b", re.IGNORECASE)


@pytest.mark.parametrize("module", sorted(str(p.relative_to(REPO)) for package in ("dashboards", "server")
                                           for p in (REPO / package).glob("*.py")))
def test_dashboard_modules_hold_no_sql(module):
    text = (REPO / module).read_text(encoding="utf-8")
    # no database connection of its own (a websocket connect, as in preheat.py, is not one)
    assert not re.search(r"\b(duckdb|queries)\.connect\(", text) and "import duckdb" not in text, module
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    hits = [m.group(0) for m in SQL_WORDS.finditer(code) if re.search(r"\bselect\b", m.group(0), re.IGNORECASE)]
    assert not hits, f"{module}: {hits}"


@pytest.mark.parametrize("fn, args, kwargs", [
    ("survey_trend", ("participation_rate", "gender", "da"), {}),
    ("national_series", ("payout_ratio", "da"), {"value": "payout_ratio"}),
    ("counts_over_time", ("cooperation_counts", "form", "da"), {"value": "cooperations"}),
    ("share_over_time", ("partnership_share", "da"), {"value": "partnership_share"}),
])
def test_time_series_views_stop_at_until_year(demo_db, monkeypatch, fn, args, kwargs):
    from views import survey as panels

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    everything = getattr(panels, fn)(*args, **kwargs)
    until_2012 = getattr(panels, fn)(*args, until_year=2012, **kwargs)
    assert everything.table["year"].max() > 2012
    assert until_2012.table["year"].max() == 2012
    assert until_2012.table.equals(everything.table[everything.table["year"] <= 2012].reset_index(drop=True))
    drawn = {int(x) for trace in until_2012.fig.data for x in trace.x}
    assert drawn and max(drawn) == 2012 and drawn == set(until_2012.table["year"])


def test_horizontal_bars_show_long_labels_in_full():
    long = "Social, humanitær, velfærd, sundhed og forebyggelse"
    df = pd.DataFrame({"dimension": "area", "category": ["social_health", "education"],
                       "label_da": [long, "Uddannelse"], "label_en": [long, "Education"],
                       "estimate": [None, 0.2], "n": [10, 500], "flag": ["suppressed", "ok"]})
    fig = charts.estimate_bars(df, _meta(), "da", horizontal=True)
    shown = list(fig.data[0].y)
    assert shown[0].replace("<br>", " ") == long and all(len(line) <= charts.WRAP_CHARS for line in shown[0].split("<br>"))
    assert shown[1] == "Uddannelse"
    assert fig.layout.yaxis.automargin is True
    assert any(long in (a.text or "") for a in fig.layout.annotations)  # the gap note names it unwrapped
    prof = charts.profile_bars(pd.DataFrame({"level": [long], "estimate": [0.3]}), _meta(), "da")
    assert prof.layout.yaxis.automargin is True and prof.data[0].y[0].replace("<br>", " ") == long


def test_framework_shares_draw_the_published_shares_beside_ours(demo_db, monkeypatch):
    from views import survey as panels
    from queries import run

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    comparison = run("published_comparison", db=demo_db).data
    pub = comparison[(comparison["metric"] == "framework_share") & (comparison["measure"] == "share_municipalities")
                     & (comparison["year"] == 2012)]
    assert set(pub["figure_id"]) >= {"M03", "M05", "M09", "M10"}
    view = panels.element_shares(2012, "da")
    ours, published = view.fig.data
    assert published.name == labels.t("published", "da")
    by_element = dict(zip(view.table["element"], published.x))
    for r in pub.itertuples():
        assert by_element[r.code] == pytest.approx(r.published_value / 100)
        assert view.table.set_index("element").loc[r.code, "published"] == pytest.approx(r.published_value / 100)
    assert sum(x is not None and x == x for x in published.x) == len(pub)
    assert len(panels.element_shares(2018, "da").fig.data) == 1  # nothing published for 2018: our bars only


def test_permalink_and_language_switch_follow_the_widgets(demo_db, monkeypatch):
    from dashboards import ui

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    dash = ui.Dashboard(PAGES["1_frivillige.ipynb"], query="?by=gender")
    link = re.search(r'<a id="fd-permalink"[^>]*>(.*?)</a>', dash.link.value).group(1)
    assert "?by=gender" in link
    dash.widgets["by"].value = "total"
    assert 'href="?"' in dash.link.value
    dash.widgets["by"].value = "gender"
    switch = re.search(r'<a href="([^"]*)" id="fd-lang"', dash.head.value).group(1)
    assert "by=gender" in switch and "lang=en" in switch
    # the address bar follows: the page script replaces the address with the current view (no reload)
    js = dash.js.outputs[0]["data"]["application/javascript"]
    assert "history.replaceState" in js and '"?by=gender"' in js
    dash.widgets["by"].value = "total"
    assert '"?by=gender"' not in dash.js.outputs[0]["data"]["application/javascript"]
