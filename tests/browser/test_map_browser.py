"""Kommunerne and the Kommuneprofil in headless Chromium against the demo warehouse: the map of the 98
municipalities, every one drawn with its figure or grey, the chosen one outlined, names on hover, nothing fetched
from outside localhost, the year dropdown in step with the map, no horizontal scrolling on a phone (opened at
390 px; test_face.py narrows every page to 390 px), and the headline figures equal to the query layer's.
Screenshots (1400 and 390 px, Danish and English) go to screenshots/ (git-ignored)."""
from __future__ import annotations

import pytest

import queries
from views import data, geo as dgeo, map as dmap, numbers
from views.labels import municipalities
from views.municipal import indicator_options

from .conftest import SCREENSHOTS, open_dashboard, selected, ticks, wait_laid_out

pytestmark = pytest.mark.browser

KOMMUNERNE = "2_kommunerne.ipynb"
PROFIL = "4_kommuneprofil.ipynb"


def map_state(page, panel: str) -> dict:
    """What the map panel's plotly graph drew: paths, their fills, and the traces' names and locations."""
    return page.evaluate(
        """(p) => { const gd = document.querySelector('.fd-panel-' + p + ' .js-plotly-plot');
            const paths = Array.from(gd.querySelectorAll('.choroplethlayer .choroplethlocation'));
            return {
              paths: paths.length,
              fills: paths.map(e => getComputedStyle(e).fill),
              traces: gd.data.map(t => ({type: t.type, name: t.name, locations: t.locations || null,
                                         legendgroup: t.legendgroup || null, mode: t.mode || null,
                                         geojson: typeof t.geojson === 'string' ? t.geojson : null})),
              title: gd._fullLayout.title.text,
              legend: Array.from(gd.querySelectorAll('.legendtext')).map(e => e.textContent),
              credit: Array.from(gd.querySelectorAll('.annotation-text')).map(e => e.textContent),
            }; }""", panel)


def no_horizontal_overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def headline(page, key: str) -> str:
    return page.locator(f".fd-headline[data-metric={key}]").inner_text().replace("\n", " ")


def assert_profile_headlines(page, code: str, lang: str) -> None:
    """The Kommuneprofil's headline figures: the municipality's latest figure beside the whole country's."""
    name = municipalities()[int(code)]["name"]
    assert selected(page, "kommune") == name and name in ticks(page, "framework", "y")
    for metric, value, decimals in (("framework_score", "framework_score", 1),
                                    ("granted_per_inhabitant", "granted_dkk_per_inhabitant", 2),
                                    ("partnership_share", "partnership_share", 0)):
        trend = queries.run(metric, by="municipality").data
        year = int(trend["year"].max())
        own = trend[(trend["year"] == year) & (trend["category"].astype(str) == code)][value].iloc[0]
        country = queries.run(metric, year=year, by="total").data[value].iloc[0]
        fmt = (lambda v: numbers.percent(v, lang, 0)) if value == "partnership_share" else \
            (lambda v: numbers.number(v, lang, decimals))
        shown = headline(page, metric)
        assert shown.startswith(fmt(own)) and name in shown and str(year) in shown
        assert f"({'whole country' if lang == 'en' else 'hele landet'}: {fmt(country)})" in shown


def test_kommunerne_map_draws_the_98_municipalities_offline_and_the_headlines_follow_the_indicator(rpage, voila_url):
    page = open_dashboard(rpage, voila_url, KOMMUNERNE, "?indikator=framework_score&year=2012")
    drawn = map_state(page, "municipality_map")
    assert drawn["paths"] == 98
    choro = [t for t in drawn["traces"] if t["type"] == "choropleth"]
    assert len(choro) == 1 and len(set(choro[0]["locations"])) == 98
    # the geometry comes once from the dashboard server (views.geo), not inside every redraw
    assert choro[0]["geojson"] and choro[0]["geojson"].startswith("/" + dgeo.ROUTE + "?v="), choro[0]["geojson"]
    served = page.request.get(voila_url + choro[0]["geojson"])
    assert served.ok and served.body() == dgeo.drawn_bytes()[0]
    assert "immutable" in served.headers["cache-control"]
    df = data.run("framework_score", year=2012, by="municipality").data
    silent = int((df["responded"] == 0).sum())
    grey = sum(1 for f in drawn["fills"] if f.replace(" ", "") == "rgb(189,189,189)")  # dmap.NO_VALUE
    assert dmap.NO_VALUE == "#bdbdbd" and grey == silent > 0
    assert "Ikke svaret" in drawn["legend"]
    assert any("Geodatastyrelsen, DAGI" in c for c in drawn["credit"])
    assert drawn["title"].endswith("2012")
    # names on hover
    page.locator(".fd-panel-municipality_map .choroplethlocation").nth(0).hover(force=True)
    page.wait_for_selector(".fd-panel-municipality_map .hoverlayer .hovertext", timeout=10_000)
    hover = page.locator(".fd-panel-municipality_map .hoverlayer .hovertext").first.text_content()
    names = {m["name"] for m in municipalities().values()}
    assert any(n in hover for n in names), hover
    page.screenshot(path=str(SCREENSHOTS / "map_2_kommunerne_1400.png"), full_page=False)
    page.locator(".fd-panel-municipality_map").screenshot(path=str(SCREENSHOTS / "map_1400.png"))
    assert rpage.external == [], f"requests left localhost: {rpage.external}"
    # the headline figures are the query layer's
    national = queries.run("framework_score", year=2012, by="total").data.iloc[0]
    assert numbers.number(national["framework_score"], "da", 1) + " elementer" in headline(page, "framework_score")
    answered = int(df["framework_score"].notna().sum())
    response = queries.run("municipal_response").data
    assert answered == int(response.loc[response["year"] == 2012, "responded"].iloc[0]) < 98
    assert f"{answered} af de 98 kommuner har et tal i 2012" in headline(page, "municipalities")
    # another indicator: the headlines follow it
    page.select_option(".fd-control-indikator select", label=queries.load_metric("payout_ratio").title_for("da"))
    page.wait_for_selector(".fd-headline[data-metric=payout_ratio]")
    year = int(selected(page, "year"))
    ratio = queries.run("payout_ratio", year=year, by="total").data.iloc[0]["payout_ratio"]
    shown = headline(page, "payout_ratio")
    assert numbers.percent(ratio, "da", 0) in shown and str(year) in shown


def test_kommuneprofil_map_outlines_the_chosen_municipality_and_the_headlines_set_it_beside_the_country(
        rpage, voila_url):
    page = open_dashboard(rpage, voila_url, PROFIL, "?kommune=147")
    drawn = map_state(page, "placement")
    assert drawn["paths"] == 98
    chosen = [t for t in drawn["traces"] if t["legendgroup"] == "chosen" and t["mode"] == "lines"]
    assert chosen and all(t["name"] == "Valgt: Frederiksberg" for t in chosen)
    assert "Valgt: Frederiksberg" in drawn["legend"]
    # the outline is drawn (a line path in the geo subplot's scatter layer, not an empty one)
    lines = page.locator(".fd-panel-placement .scatterlayer .js-line")
    assert lines.count() >= 3 and all(len(d or "") > 20 for d in lines.evaluate_all("ls => ls.map(l => l.getAttribute('d'))"))
    # every chart of the page shows the roles in the same colours
    colours = page.evaluate(
        """() => { const out = {};
            document.querySelectorAll('.fd-panel .js-plotly-plot').forEach(gd => gd.data.forEach(t => {
              if (t.type === 'bar') { (out[t.name] = out[t.name] || new Set()).add(t.marker.color); } }));
            return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v)])); }""")
    assert colours and all(len(v) == 1 for v in colours.values()), colours
    assert set(colours) >= {"Kommunen", "Regionen", "Hele landet"}
    page.screenshot(path=str(SCREENSHOTS / "map_4_kommuneprofil_1400.png"), full_page=True)
    assert rpage.external == [], f"requests left localhost: {rpage.external}"
    assert_profile_headlines(page, "147", "da")


def test_year_dropdown_shows_the_year_drawn(rpage, voila_url):
    page = open_dashboard(rpage, voila_url, KOMMUNERNE, "?indikator=partnership_share&year=2016")
    assert page.locator(".fd-control-year select").input_value() == "2016" or \
        selected(page, "year") == "2016"
    assert map_state(page, "municipality_map")["title"].endswith("2016")
    page.locator(".fd-control-indikator select").select_option(
        label=next(lab for lab, key in indicator_options("da") if key == "framework_score"))
    # framework_score has no 2016: the map draws 2012 and the dropdown says 2012
    page.wait_for_function(
        """() => { const gd = document.querySelector('.fd-panel-municipality_map .js-plotly-plot');
                   const s = document.querySelector('.fd-control-year select');
                   return gd && gd._fullLayout && gd._fullLayout.title.text.endsWith('2012')
                       && s.options[s.selectedIndex].text === '2012'; }""", timeout=60_000)
    options = page.eval_on_selector_all(".fd-control-year select option", "os => os.map(o => o.textContent)")
    assert options == ["2010", "2012", "2018"]


@pytest.mark.parametrize("file,query", [(KOMMUNERNE, "?lang=en"), (PROFIL, "?kommune=400&lang=en")])
def test_no_horizontal_scrolling_at_390_px(rpage, voila_url, file, query):
    """Opened on a phone in English (test_face.py narrows every page in both languages to 390 px); the
    Kommuneprofil's headlines in English."""
    page = open_dashboard(rpage, voila_url, file, query, width=390)
    wait_laid_out(page)  # plotly's responsive relayout
    scroll, client = no_horizontal_overflow(page)
    name = file.replace(".ipynb", "") + ("_en" if "lang=en" in query else "_da")
    page.screenshot(path=str(SCREENSHOTS / f"map_{name}_390.png"), full_page=True)
    assert scroll <= client + 1, f"{file}{query}: page is {scroll} px wide in a {client} px viewport"
    panel = "municipality_map" if file == KOMMUNERNE else "placement"
    assert map_state(page, panel)["paths"] == 98
    if file == PROFIL:
        assert_profile_headlines(page, "400", "en")
    assert rpage.external == []
