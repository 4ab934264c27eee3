"""The map of the 98 municipalities (dashboards/map.py, data/reference/municipalities.geojson and its script), the
similar-municipalities metric and the Kommuneprofil / Kommunerne views built on them (dashboards/municipal.py)."""
from __future__ import annotations

import collections
import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import queries
from views import data, map as dmap, municipal

REPO = Path(__file__).resolve().parents[1]
GEOJSON = REPO / "data" / "reference" / "municipalities.geojson"
SCRIPT = REPO / "data" / "reference" / "simplify_boundaries.py"


def reference_codes() -> set[int]:
    with open(REPO / "data" / "reference" / "municipalities.csv", encoding="utf-8") as f:
        return {int(r["kommunekode"]) for r in csv.DictReader(f)}


def rings(feature):
    for poly in feature["geometry"]["coordinates"]:
        yield from poly


# -- the committed geometry --------------------------------------------------------------------------------------

def test_the_boundaries_are_the_98_municipalities_once_each():
    gj = json.loads(GEOJSON.read_text(encoding="utf-8"))
    codes = [f["properties"]["municipality_code"] for f in gj["features"]]
    assert len(codes) == 98 and set(codes) == reference_codes()
    assert 411 not in codes  # Christiansø is not a municipality
    assert "Geodatastyrelsen, DAGI" in gj["source"]
    for f in gj["features"]:
        assert f["geometry"]["type"] == "MultiPolygon"
        for ring in rings(f):
            assert ring[0] == ring[-1] and len(ring) >= 4, f["properties"]
    assert 50_000 < GEOJSON.stat().st_size < 300_000


def test_neighbours_share_their_simplified_border_exactly():
    """Each edge lies on the coast (one ring) or between two municipalities (two rings), never three: a border
    simplified twice, differently, would leave edges used once on both sides and gaps between them."""
    gj = json.loads(GEOJSON.read_text(encoding="utf-8"))
    use = collections.Counter()
    for f in gj["features"]:
        for ring in rings(f):
            for a, b in zip(ring, ring[1:]):
                use[frozenset((tuple(a), tuple(b)))] += 1
    counts = collections.Counter(use.values())
    assert set(counts) == {1, 2} and counts[2] > 2000
    # København's hole is Frederiksberg, ring for ring
    by_code = {f["properties"]["municipality_code"]: f for f in gj["features"]}
    holes = [poly[1] for poly in by_code[101]["geometry"]["coordinates"] if len(poly) > 1]
    frederiksberg = by_code[147]["geometry"]["coordinates"][0][0]
    assert len(holes) == 1 and set(map(tuple, holes[0])) == set(map(tuple, frederiksberg))


def test_the_script_simplifies_a_shared_border_once(tmp_path):
    """Two squares sharing a wiggly border: after simplification both keep the same border points."""
    wiggle = [(10.0, 55.0 + i / 100, ) for i in range(0, 101)]
    wiggle = [(x + (0.0004 if i % 2 else 0.0) + (0.05 if i == 50 else 0.0), y) for i, (x, y) in enumerate(wiggle)]
    west = [(9.0, 55.0)] + wiggle + [(9.0, 56.0), (9.0, 55.0)]
    west = list(reversed(west))  # clockwise exterior, as in DAGI
    east = [(11.0, 55.0), (11.0, 56.0)] + list(reversed(wiggle)) + [(11.0, 55.0)]
    east = list(reversed(east))
    source = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"KOMKODE": f"{code:04d}"},
         "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}}
        for code, ring in ((101, west), (147, east))]}
    src = tmp_path / "in.geojson"
    src.write_text(json.dumps(source), encoding="utf-8")
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import simplify_boundaries as sb
    finally:
        sys.path.pop(0)
    simple = sb.simplify(sb.read_source(src), tolerance_m=200, min_island_m2=0)
    border_w = {tuple(p) for p in simple[101][0][0] if 9.5 < p[0] < 10.5}
    border_e = {tuple(p) for p in simple[147][0][0] if 9.5 < p[0] < 10.5}
    assert border_w == border_e
    assert 3 <= len(border_w) < 20  # the 0.0004° wiggles go, the 0.05° bump stays
    assert any(abs(x - 10.05) < 1e-9 for x, _ in border_w)


def test_the_script_refuses_a_missing_source(tmp_path):
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "absent.geojson"), "--out",
                           str(tmp_path / "out.geojson")], capture_output=True, text=True)
    assert proc.returncode == 2 and "absent.geojson not found" in proc.stderr


def test_a_bad_boundary_file_is_refused_naming_file_feature_and_value(tmp_path):
    gj = json.loads(GEOJSON.read_text(encoding="utf-8"))
    gj["features"][3]["properties"]["municipality_code"] = 9999
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(gj), encoding="utf-8")
    with pytest.raises(dmap.BoundaryError, match=r"bad\.geojson: feature 3: municipality_code 9999 is not one"):
        dmap.boundaries(path)
    with pytest.raises(dmap.BoundaryError, match="not found"):
        dmap.boundaries(tmp_path / "absent.geojson")


# -- the map figure ------------------------------------------------------------------------------------------------

def _framework_map(highlight=None, lang="da"):
    return municipal.map_view("framework_score", 2012, lang, highlight=highlight)


def test_the_map_draws_every_municipality_with_its_figure_or_grey(demo_db):
    view = _framework_map(highlight=147)
    fig = view.fig.to_dict()
    choro = [t for t in fig["data"] if t["type"] == "choropleth"]
    assert len(choro) == 1
    c = choro[0]
    assert sorted(c["locations"]) == sorted(reference_codes())
    df = data.run("framework_score", year=2012, by="municipality").data
    expected = dict(zip(df["municipality_code"], df["framework_score"]))
    z = dict(zip(c["locations"], c["z"]))
    for code, v in expected.items():
        if pd.isna(v):
            assert z[code] == c["zmin"] < 0  # the grey bottom of the scale
        else:
            assert z[code] == pytest.approx(v)
    assert c["zmax"] == 7 and c["colorscale"][0][1] == dmap.NO_VALUE
    silent = df[df["responded"] == 0]["municipality_code"]
    assert len(silent) > 0
    texts = dict(zip(c["locations"], c["text"]))
    assert all("Ikke svaret" in texts[code] for code in silent)
    assert "Frederiksberg" in texts[147] and "Region Hovedstaden" in texts[147]
    assert c["colorbar"]["title"]["text"] == "Antal elementer"


def test_the_map_draws_offline_and_credits_dagi(demo_db):
    fig = _framework_map(highlight=400).fig.to_dict()
    # plotly.js fetches its world map when the first geo trace has a locationmode or a base layer is shown
    first = fig["data"][0]
    assert first["type"] == "scattergeo" and "locationmode" not in first and "locations" not in first
    geo = fig["layout"]["geo"]
    assert geo["visible"] is False and geo["fitbounds"] == "locations"
    assert not any(geo.get(k) for k in ("showland", "showcoastlines", "showcountries", "showocean", "showlakes"))
    assert any("Indeholder data fra Geodatastyrelsen, DAGI" in a["text"] for a in fig["layout"]["annotations"])
    # Bornholm drawn inside the inset frame
    feature = next(f for f in dmap.drawn_geojson()["features"] if f["id"] == 400)
    (x0, y0), (x1, y1) = dmap.INSET_BOX
    assert all(x0 < x < x1 and y0 < y < y1 for ring in rings(feature) for x, y in ring)


def test_the_chosen_municipality_is_outlined(demo_db):
    fig = _framework_map(highlight=147).fig.to_dict()
    outline = [t for t in fig["data"] if t["type"] == "scattergeo" and t.get("mode") == "lines"
               and t.get("legendgroup") == "chosen"]
    assert outline and outline[-1]["line"]["color"] == dmap.OUTLINE and outline[-1]["name"] == "Valgt: Frederiksberg"
    feature = next(f for f in dmap.drawn_geojson()["features"] if f["id"] == 147)
    assert [p for p in outline[-1]["lon"] if p is not None] == [p[0] for ring in rings(feature) for p in ring]
    english = _framework_map(highlight=147, lang="en").fig.to_dict()
    assert any(t.get("name") == "Chosen: Frederiksberg" for t in english["data"])
    assert not any(t.get("legendgroup") == "chosen" for t in _framework_map().fig.to_dict()["data"])


def test_map_of_a_share_uses_percent_and_names_missing_figures(demo_db):
    view = municipal.map_view("payout_ratio", 2012, "da")
    c = next(t for t in view.fig.to_dict()["data"] if t["type"] == "choropleth")
    assert c["colorbar"]["tickformat"] in (".0%", ",~r")
    assert len(c["locations"]) == 98
    assert "map.py" not in json.dumps(c)  # nothing internal in the figure


# -- similar municipalities ---------------------------------------------------------------------------------------

def test_similar_municipalities_are_the_closest_in_population(fixture_db):
    pop = pd.read_csv(REPO / "tests" / "fixtures" / "raw" / "population.csv", comment="#")
    year = int(pop["year"].max())
    inhabitants = pop[pop["year"] == year].groupby("municipality_code")["persons"].sum()
    res = queries.run("similar_municipalities", db=fixture_db)
    df = res.data
    assert set(df["year"]) == {year} and len(df) == 6 * len(inhabitants)
    for code, own in inhabitants.items():
        rows = df[df["municipality_code"] == code].sort_values("rank")
        assert list(rows["rank"]) == [0, 1, 2, 3, 4, 5] and rows["similar_code"].iloc[0] == code
        others = inhabitants.drop(code)
        expected = sorted(others.index, key=lambda c: (abs(int(others[c]) - int(own)), c))[:5]
        assert list(rows["similar_code"].iloc[1:]) == expected, code
        assert list(rows["difference"]) == [int(inhabitants[c]) - int(own) for c in rows["similar_code"]]


def test_similar_municipalities_parameters(demo_db):
    one = queries.run("similar_municipalities", municipality_code=400, year=2012, neighbours=3, db=demo_db).data
    assert list(one["rank"]) == [0, 1, 2, 3] and set(one["municipality_code"]) == {400}
    assert set(one["year"]) == {2012}
    with pytest.raises(queries.QueryError, match="1999"):
        queries.run("similar_municipalities", year=1999, db=demo_db)


# -- Kommuneprofil ------------------------------------------------------------------------------------------------

def test_profile_compares_with_region_country_and_the_five_peers(demo_db):
    view = municipal.comparison("granted_per_inhabitant", 147, "da", explain=True)
    table = view.table
    assert list(table["role"]) == ["municipality", "region", "country"] + ["similar"] * 5
    peers = queries.run("similar_municipalities", municipality_code=147, db=demo_db).data
    assert list(table["municipality_code"].iloc[3:]) == list(peers["similar_code"].iloc[1:])
    year = int(table["year"].iloc[0])
    per = data.run("granted_per_inhabitant", year=year, by="municipality").data.set_index("municipality_code")
    for code, v in zip(table["municipality_code"].iloc[3:], table["granted_dkk_per_inhabitant"].iloc[3:]):
        assert v == pytest.approx(per.loc[int(code), "granted_dkk_per_inhabitant"])
    nat = data.run("granted_per_inhabitant", year=year, by="total").data
    assert table["granted_dkk_per_inhabitant"].iloc[2] == pytest.approx(nat["granted_dkk_per_inhabitant"].iloc[0])
    assert "Frederiksberg" in view.note and peers["similar_name"].iloc[1] in view.note


def test_profile_colours_mean_the_same_role_on_every_chart(demo_db):
    seen: dict[str, set] = collections.defaultdict(set)
    views = [municipal.comparison(i, 101, "da") for i in municipal.MUNICIPAL_INDICATORS]
    views += [municipal.survey_comparison(m, 101, "da") for m in ("participation_rate", "hours_per_month")]
    views += [municipal.participation_comparison(k, "da") for k in (101, 155)]
    for view in views:
        for trace in view.fig.data:
            seen[trace.name].add(trace.marker.color)
    assert all(len(colours) == 1 for colours in seen.values()), seen
    assert {next(iter(c)) for c in seen.values()} <= set(municipal.ROLE_COLOURS.values())
    assert seen["Kommunen"] == {municipal.ROLE_COLOURS["municipality"]}


def test_profile_axes_do_not_move_with_the_municipality(demo_db):
    for indicator in municipal.MUNICIPAL_INDICATORS:
        ranges = {tuple(municipal.comparison(indicator, k, "da").fig.layout.xaxis.range) for k in (101, 147, 400, 825)}
        assert len(ranges) == 1, (indicator, ranges)
    assert municipal.comparison("framework_score", 825, "da").fig.layout.xaxis.range == (0, 7)
    assert municipal.survey_comparison("participation_rate", 400, "da").fig.layout.xaxis.range == (0, 1)


# -- Kommunerne: the year dropdown agrees with the year drawn -----------------------------------------------------

def test_year_dropdown_follows_the_indicator(demo_db, monkeypatch):
    """The year is a control depending on the indicator (pages/controls.py IndicatorYear): the dropdown offers the
    indicator's years, a year it lacks becomes the closest earlier one, in the dropdown and on the map."""
    from dashboards import ui
    from pages import PAGES

    monkeypatch.setenv("FRIVILLIGDATA_DB", str(demo_db))
    page = PAGES["2_kommunerne.ipynb"]
    dash = ui.Dashboard(page, query="?indikator=framework_score&year=2012")
    drawn = []
    monkeypatch.setattr(type(page), "view", lambda self, panel, values, lang: drawn.append(
        (panel.name, values["indikator"], values["year"])))
    w_ind, w_year = dash.widgets["indikator"], dash.widgets["year"]
    assert [v for _, v in w_year.options] == ["2010", "2012", "2018"]
    w_ind.value = "partnership_share"  # has 2012: the year stays, the map drawn once
    assert w_year.value == "2012" and [v for _, v in w_year.options][0] == "2005"
    assert [d for d in drawn if d[0] == "municipality_map"] == [("municipality_map", "partnership_share", 2012)]
    w_year.value = "2016"
    w_ind.value = "framework_score"  # no 2016: the closest earlier year, in the dropdown and on the map
    assert w_year.value == "2012" and dash.state.values["year"] == "2012"
    assert [d for d in drawn if d[0] == "municipality_map"][-1] == ("municipality_map", "framework_score", 2012)
    # the year followed the indicator: the panels that use only the year are drawn for it too
    assert drawn[-1] == ("elements", "framework_score", 2012)
    assert dash.query_string() == "?year=2012"  # framework_score is the default indicator; 2012 not its latest
    assert municipal.map_view("framework_score", 2012, "da").fig.layout.title.text.endswith("2012")
