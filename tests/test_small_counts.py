"""End to end: no count of persons of 1-4 reaches a page, a table or a CSV, and a suppressed survey cell shows no
estimate anywhere (issue 10).

Every dashboard notebook is run as Voilà runs it (its code cells, `main()` included, with the address in
$QUERY_STRING); the page's widgets are then moved through the choices it offers (every wave x every breakdown,
every indicator x its years, several municipalities including the smallest), and after each change every panel
is read as the browser gets it: the table behind the chart (HTML), both CSV downloads (the data: links, rounded and
unrounded), the XLSX built on click, the figure's text, hover text and customdata, and the headline figures.

Which result columns count persons is declared once per metric in queries/<metric>.yml (`person_counts`); every
other count (municipalities, §18 applications, cooperations, inhabitants) is a public record shown exactly.
"""
from __future__ import annotations

import base64
import csv
import io
import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest

import queries
from queries import rules
from views import cache, present
from views import numbers
from dashboards import ui
from views.labels import REPO, municipalities

NOTEBOOKS = REPO / "dashboards"
SMALL = numbers.SMALL_COUNT
# columns holding a survey estimate (or what is computed from one): empty in a suppressed row
ESTIMATE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "rate", "verdict")
# the smallest municipalities by inhabitants in the demo's population table, and two large ones
MUNICIPALITIES = ("all", "825", "563", "147", "101")

pytestmark = pytest.mark.notebook


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch, demo_db):
    """The pages compute their views afresh (a cache of their own, as a new warehouse build would), and know the
    map geometry's address as the server's kernels do (the geometry itself in every map, as a notebook in
    JupyterLab draws it, made two thirds of Kommunerne's cost here: test_map.py checks that variant)."""
    from views import geo

    monkeypatch.setenv("FRIVILLIGDATA_CACHE", str(tmp_path_factory.getbasetemp() / "small-counts-cache"))
    monkeypatch.setenv(geo.URL_ENV, geo.served_url("/"))
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)


def open_page(notebook: str, query: str, monkeypatch) -> ui.Dashboard:
    """Run a dashboard notebook as Voilà does, with `query` as the page's address; return its Dashboard."""
    monkeypatch.setenv("QUERY_STRING", query)
    pages: list[ui.Dashboard] = []

    def show(self):
        self.redraw()
        self._draw_headlines()
        pages.append(self)

    monkeypatch.setattr(ui.Dashboard, "show", show)
    ns: dict = {}
    for cell in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, notebook, "exec"), ns)
    assert len(pages) == 1, f"{notebook} did not show one page"
    return pages[0]


class _Tables(HTMLParser):
    """The rows of every <table> in an HTML fragment as lists of cell texts (first row: the headings)."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_table(fragment: str) -> list[dict[str, str]]:
    parser = _Tables()
    parser.feed(fragment)
    head, *rows = parser.rows
    return [dict(zip(head, r)) for r in rows]


def csv_downloads(info_html: str) -> dict[str, list[dict[str, str]]]:
    """The CSV files of a panel's data: links (class -> rows), read as Excel would (first line: the source)."""
    out = {}
    for cls, payload in re.findall(r'<a class="(fd-csv(?:-exact)?)" download="[^"]*" '
                                   r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', info_html):
        text = base64.b64decode(payload).decode("utf-8-sig")
        first, rest = text.split("\n", 1)
        assert first.startswith("# ")
        delimiter = "," if first.startswith("# Source") else ";"
        out[cls] = list(csv.DictReader(io.StringIO(rest), delimiter=delimiter))
    assert set(out) == {"fd-csv", "fd-csv-exact"}, "a panel offers both CSV files"
    return out


def _whole(text: str) -> float | None:
    """A count as written ('1.234', '1,234', '7'); None for anything else."""
    t = text.strip()
    if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", t):
        return None
    return float(t.replace(".", "").replace(",", ""))


def _walk_strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _walk_strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _walk_strings(v)


RESPONSES = re.compile(r"(\d[\d.,]*)\s*(?:svar|responses)\b")


class Checker:
    """Reads every panel of a page as shown and counts what it checked (so no check passes by not running)."""

    def __init__(self):
        self.person_cells = 0
        self.small_cells = 0
        self.suppressed_cells = 0
        self.suppressed_points = 0
        self.views = 0
        self.xlsx_files = 0

    def page(self, dash: ui.Dashboard) -> None:
        lang = dash.lang
        for match in RESPONSES.finditer(dash.headlines.value):
            assert not 1 <= _whole(match.group(1)) <= 4, match.group(0)
        for p in dash.panels:
            if p.panel._download is not None:
                self.panel(p.panel, lang)

    def panel(self, panel: ui.ChartPanel, lang: str) -> None:
        table, meta, _, _ = panel._download
        table = cache.frame(table)
        self.views += 1
        pres = present.pres(meta)
        persons = [c for c in pres.person_counts if c in table.columns]
        heading = {c: present.column_heading(c, meta, lang) for c in table.columns}
        shown = html_table(panel.info.value)  # the table behind the chart, last in the HTML under it
        files = csv_downloads(panel.info.value)
        assert len(shown) == len(table) == len(files["fd-csv"]) == len(files["fd-csv-exact"])
        suppressed = (table["flag"] == "suppressed").tolist() if "flag" in table.columns else [False] * len(table)
        estimates = [c for c in table.columns if c in ESTIMATE_COLUMNS or c.startswith("estimate_")]
        for i, raw in enumerate(table.to_dict("records")):
            for col in persons:
                value = raw[col]
                self.person_cells += 1
                # the query layer: a count of persons is null, 0 or at least 5
                assert pd.isna(value) or value == 0 or value >= 5, (meta.name, col, value)
                # a null count in a row without a survey flag is a figure that is not from the survey: no one to count
                small = pd.isna(value) and ("flag" not in table.columns or pd.notna(raw["flag"]))
                self.small_cells += small
                for where, rows in (("table", shown), ("csv", files["fd-csv"])):
                    cell = rows[i][heading[col]]
                    if small:
                        assert cell == SMALL, (meta.name, where, col, cell)
                    elif pd.isna(value):
                        assert cell == "", (meta.name, where, col, cell)
                    else:
                        assert _whole(cell) == value, (meta.name, where, col, cell, value)
                exact = files["fd-csv-exact"][i][heading[col]]
                assert (exact == "") if pd.isna(value) else (float(exact) == value), (meta.name, "exact csv", col, exact)
            if suppressed[i]:
                self.suppressed_cells += 1
                for col in estimates:
                    for where, rows in (("table", shown), ("csv", files["fd-csv"]), ("exact csv", files["fd-csv-exact"])):
                        assert rows[i][heading[col]] == "", (meta.name, where, col, rows[i][heading[col]])
        if any(suppressed) or any(table[c].isna().any() for c in persons):
            self.xlsx(panel, table, persons, estimates, heading, suppressed)
        self.figure(panel, table, suppressed, lang)

    def xlsx(self, panel, table, persons, estimates, heading, suppressed) -> None:
        """The XLSX the button hands to the browser: both sheets like the CSV files."""
        from openpyxl import load_workbook

        panel._send_xlsx()
        script = panel.send.outputs[0]["data"]["application/javascript"]
        payload = base64.b64decode(re.search(r'atob\("([^"]+)"\)', script).group(1))
        for sheet in load_workbook(io.BytesIO(payload)).worksheets[:2]:  # the third is the provenance
            head, *rows = list(sheet.iter_rows(values_only=True))[1:]
            rows = [dict(zip(head, r)) for r in rows]
            for i, raw in enumerate(table.to_dict("records")):
                for col in persons:
                    cell = rows[i][heading[col]]
                    assert cell in (None, SMALL) or float(str(cell).replace(".", "")) == 0 \
                        or float(str(cell).replace(".", "")) >= 5, (sheet.title, col, cell)
                if suppressed[i]:
                    assert all(rows[i][heading[c]] in (None, "") for c in estimates), (sheet.title, rows[i])
            self.xlsx_files += 1

    def figure(self, panel: ui.ChartPanel, table: pd.DataFrame, suppressed: list[bool], lang: str) -> None:
        fig = panel.out.outputs[0]["data"]["application/vnd.plotly.v1+json"]
        for text in _walk_strings(fig.get("data", [])):
            for match in RESPONSES.finditer(text):
                assert not 1 <= _whole(match.group(1)) <= 4, match.group(0)
        if not any(suppressed):
            return
        label_col = "label_en" if lang == "en" else "label_da"
        if label_col not in table.columns or "year" not in table.columns:
            return
        gone = {(str(r[label_col]), int(r["year"])) for r, s in zip(table.to_dict("records"), suppressed) if s}
        years = {int(y) for y in table["year"]}
        for trace in fig["data"]:
            if trace.get("type") == "bar" and len(years) == 1 and trace.get("name") == present.t("ours", lang):
                horizontal = trace.get("orientation") == "h"
                cats, vals = (trace["y"], trace["x"]) if horizontal else (trace["x"], trace["y"])
                texts = trace.get("text") or [""] * len(cats)
                custom = trace.get("customdata") or [["", ""]] * len(cats)
                for c, v, txt, cd in zip(cats, vals, texts, custom):
                    if (str(c).replace("<br>", " "), next(iter(years))) in gone:
                        self.suppressed_points += 1
                        assert v is None and not txt and not cd[1], (c, v, txt, cd)
            elif trace.get("type") == "scatter" and trace.get("mode") == "lines+markers":
                for x, y, cd in zip(trace["x"], trace["y"], trace.get("customdata") or [""] * len(trace["x"])):
                    if (trace["name"], int(x)) in gone:
                        self.suppressed_points += 1
                        assert y is None and not cd, (trace["name"], x, y, cd)


def select(dash: ui.Dashboard, name: str, value: str) -> None:
    """Choose a value in a dropdown as the reader does (the page's change handlers run)."""
    dash.widgets[name].value = value


def options(dash: ui.Dashboard, name: str) -> list[str]:
    return [v for _, v in dash.widgets[name].options]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_frivillige_every_wave_and_breakdown(monkeypatch, lang):
    dash = open_page("1_frivillige.ipynb", "lang=en" if lang == "en" else "", monkeypatch)
    check = Checker()
    check.page(dash)
    years = options(dash, "year") if lang == "da" else ["2004", options(dash, "year")[-1]]
    for year in years:
        select(dash, "year", year)
        for by in options(dash, "by"):
            select(dash, "by", by)
            check.page(dash)
    # the walk met the demo's suppressed cells (since the demo's municipalities differ in their volunteering, issue
    # 28, no category of this page has 1-4 respondents: the Kommuneprofil walk below meets those, Læsø and Fanø)
    assert check.suppressed_cells >= 4 and check.suppressed_points >= 4, vars(check)
    assert check.xlsx_files >= 2, vars(check)
    assert check.person_cells > 500


def test_kommunerne_every_indicator_and_year(monkeypatch):
    dash = open_page("2_kommunerne.ipynb", "", monkeypatch)
    check, model = Checker(), Checker()
    for indicator in options(dash, "indikator"):
        select(dash, "indikator", indicator)
        for year in options(dash, "year"):
            select(dash, "year", year)
            (model if indicator == "municipal_participation" else check).page(dash)
    # municipal figures count public records (municipalities, applications), shown exactly: no person columns
    assert check.views > 20 and check.person_cells == 0
    # the model-based share carries each municipality's respondents, a count of persons: 1-4 shown as '<5'
    assert model.person_cells >= 98 * 5 and model.small_cells >= 1, vars(model)


def test_samarbejde_every_breakdown_and_small_municipalities(monkeypatch):
    dash = open_page("3_samarbejde.ipynb", "", monkeypatch)
    check = Checker()
    for kommune in MUNICIPALITIES:
        select(dash, "kommune", kommune)
        for by in options(dash, "by"):
            select(dash, "by", by)
            check.page(dash)
    assert check.views >= len(MUNICIPALITIES) * 2 and check.person_cells == 0


@pytest.mark.parametrize("lang", ["da", "en"])
def test_kommuneprofil_and_om_data(monkeypatch, lang):
    query = "lang=en" if lang == "en" else ""
    dash = open_page("4_kommuneprofil.ipynb", query, monkeypatch)
    check = Checker()
    for kommune in MUNICIPALITIES[1:]:
        select(dash, "kommune", kommune)
        check.page(dash)
    # the profile shows survey figures for the municipality (direct), the region and the country: their n are person
    # counts, and Læsø's and Fanø's 1-4 respondents are shown as '<5'
    assert check.person_cells >= 2 * len(MUNICIPALITIES[1:]) and check.small_cells >= 2, vars(check)
    check.page(open_page("5_om_data.ipynb", query, monkeypatch))
    assert check.person_cells > 2 * len(MUNICIPALITIES[1:])


def test_the_walked_municipalities_include_the_smallest():
    inhabitants = queries.run("similar_municipalities", municipality_code=101, neighbours=97).data
    smallest = inhabitants.sort_values("inhabitants")["similar_code"].head(2).astype(int).tolist()
    assert {str(c) for c in smallest} <= set(MUNICIPALITIES), smallest
    assert all(int(c) in municipalities() for c in MUNICIPALITIES[1:])


def test_person_counts_are_declared_where_the_sql_applies_the_rule():
    """Every column whose description says the small-count rule applies is in the .yml's person_counts, and those
    are columns of the metric (queries/rules.py, presentation_valid)."""
    for name in queries.metric_names():
        problems = [p for p in rules.presentation_valid(queries.load_metric(name)) if "person_counts" in p]
        assert problems == [], name