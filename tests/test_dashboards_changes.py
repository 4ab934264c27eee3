"""dashboards/changes.py: the change and contrast views put the query layer's numbers into words and dots."""
from __future__ import annotations

import pandas as pd
import pytest

from views import changes, data
from views import numbers
from queries import run
from reports import fmt


def row(**values) -> pd.Series:
    base = {"estimate": 0.012, "ci_low": -0.009, "ci_high": 0.033, "flag": "ok", "verdict": "not_reliable"}
    return pd.Series({**base, **values})


def test_sentence_in_the_words_of_the_issue():
    assert changes.sentence(row(), "participation_rate", "da", "siden 2017", "change") == \
        "+1,2 procentpoint siden 2017 (95 %-interval \u22120,9 til 3,3) · ikke en sikker ændring"
    assert changes.sentence(row(estimate=-0.05, ci_low=-0.08, ci_high=-0.02, verdict="reliable"), "participation_rate",
                            "en", "since 2004", "change") == \
        "\u22125.0 percentage points since 2004 (95% interval \u22128.0 to \u22122.0) · a reliable change"
    assert changes.sentence(row(estimate=1.26, ci_low=0.5, ci_high=2.0, verdict="reliable", flag="uncertain"),
                            "hours_per_month", "da", "i forhold til Mænd", "difference") == \
        "+1,3 timer i forhold til Mænd (95 %-interval 0,5 til 2,0) · en sikker forskel · usikkert tal (under 100 svar)"
    suppressed = row(estimate=None, ci_low=None, ci_high=None, verdict=None, flag="suppressed")
    assert changes.sentence(suppressed, "participation_rate", "da", "siden 2012", "change") == \
        "siden 2012: ikke vist: for få svar (under 50)"


def test_change_view_on_the_fixture(fixture_db):
    """The fixture has two waves: 2014 against 2012 once (previous = first), 2012 has nothing before it."""
    with data.using(fixture_db):
        view = changes.change_view("participation_rate", 2014, "gender", "da")
        first = changes.change_view("participation_rate", 2012, "gender", "da")
    expected = run("participation_change", year=2014, since=2012, by="gender", db=fixture_db).data
    assert len(view.table) == 2 and list(view.table["group"]) == list(expected.label_da)
    assert list(view.table["estimate"]) == pytest.approx(list(expected.estimate))
    assert f"Kvinder: {fmt.signed(100 * (2.5 / 8 - 2 / 8), decimals=1)} procentpoint siden 2012" in view.note
    assert "Mænd: 0,0 procentpoint siden 2012" in view.note  # 5.5/8 both waves
    assert [trace.name for trace in view.fig.data if trace.showlegend is False] == ["siden 2012"]
    assert first.fig is None and len(first.table) == 0  # the page says "Ingen data for dette valg."


def test_contrast_view_total_shows_gender_and_follows_the_query(fixture_db):
    with data.using(fixture_db):
        view = changes.contrast_view("participation_rate", 2012, "total", "en")
    assert view.note.startswith("The breakdown is Total; the differences are shown by gender.")
    assert "Men: +21.9 percentage points compared with the whole population" in view.note  # 5.5/8 - 7.5/16
    assert "a reliable difference; \u221243.8 percentage points compared with Men" in view.note  # women: 2/8 - 5.5/8
    assert {trace.name for trace in view.fig.data} == {"compared with the whole population", "compared with Men"}
    reliable = [s for trace in view.fig.data if trace.showlegend is False for s in trace.marker.symbol]
    legend = [trace for trace in view.fig.data if trace.showlegend is not False]
    assert len(legend) == 2 and all(trace.marker.symbol is None for trace in legend)  # filled dots in the legend
    assert set(reliable) <= {"circle", "circle-open"} and "circle" in reliable


def test_contrast_view_against_a_chosen_reference(fixture_db):
    """Women as the reference: men's difference is the negative of women's against men, from the query layer."""
    with data.using(fixture_db):
        view = changes.contrast_view("participation_rate", 2012, "gender", "en", "female")
        fallback = changes.contrast_view("participation_rate", 2012, "gender", "en", "1081")
    row_ = run("participation_contrast", year=2012, by="gender", reference="female", db=fixture_db).data.iloc[0]
    assert row_.category == "male"
    assert f"; {fmt.signed(100 * row_.estimate, 'en', 1)} percentage points compared with Women" in view.note
    assert "+43.8 percentage points compared with Women" in view.note  # 5.5/8 - 2/8
    assert "compared with Men" not in view.note
    assert {trace.name for trace in view.fig.data} == {"compared with the whole population", "compared with Women"}
    assert "compared with Men" in fallback.note  # a code of another breakdown: the first category


def test_reference_control_follows_the_breakdown_and_refuses_other_values(fixture_db):
    """The reference's options are the shown breakdown's categories; an address value outside them falls back with a
    note, and a new breakdown resets a choice it does not offer."""
    from views import survey as panels
    from dashboards import ui
    from pages import PAGES

    with data.using(fixture_db):
        dims = panels.dimensions("participation_rate")
        options = changes.reference_options("participation_rate", dims, "da")
        assert options["total"] == options["gender"] == [("Mænd", "male"), ("Kvinder", "female")]
        assert "0-15" not in [code for _, code in options["age_group"]]  # no respondents under 16
        page = PAGES["1_frivillige.ipynb"]
        ok = ui.Dashboard(page, query="?by=gender&ref=female")
        assert ok.values().ref == "female" and ok.state.notes == [] and ok.query_string() == "?by=gender&ref=female"
        for bad in ("1081", "drop table", "x" * 80):
            d = ui.Dashboard(page, query=f"?by=gender&ref={bad}")
            assert d.state.values["ref"] is None and d.values().ref == "male" and d.widgets["ref"].value == "male"
            assert [n.name for n in d.state.notes] == ["ref"] and "Viser i stedet Mænd" in d.head.value
            assert d.query_string() == "?by=gender"
        ok.widgets["by"].value = "region"
        assert ok.state.values["ref"] is None and ok.widgets["ref"].value == options["region"][0][1]
        ok.widgets["ref"].value = options["region"][-1][1]
        assert ok.query_string() == f"?by=region&ref={options['region'][-1][1]}"


def test_change_table_goes_through_the_people_table(fixture_db):
    """The panel's table is formatted like every table: percentage points with the metric's decimals, headings from
    the catalogue, the flag as its reason with the thresholds of the SQL, and a count of 1-4 persons (nulled by the
    query layer) as '<5' on both sides."""
    from views import present

    with data.using(fixture_db):
        view = changes.change_view("participation_rate", 2014, "gender", "da")
        expected = run("participation_change", year=2014, since=2012, by="gender", db=fixture_db).data
        table = view.table.copy()
        table.loc[0, ["n", "n_since"]] = None  # what person_count gives for 1-4 respondents
        table.loc[1, "flag"] = "uncertain"
        shown = present.people_table(table, view.meta, "da")
    th = present.thresholds()
    assert list(shown.columns[:4]) == ["Gruppe", "Sammenlignet med", "Ændring (procentpoint)", "95 %-interval, nedre"]
    assert shown.loc[0, "Antal svar (n)"] == "<5" and shown.loc[0, "Antal svar (n), tidligere måling"] == "<5"
    assert shown.loc[1, "Antal svar (n)"] == numbers.number(expected.n.iloc[1], "da")
    assert shown.loc[1, "Ændring (procentpoint)"] == numbers.number(100 * expected.estimate.iloc[1], "da", 1)
    assert shown.loc[1, "Bemærkning"] == f"usikkert ({th['min_n_shown']}-{th['min_n_reliable'] - 1} svar)"


def test_panel_texts_take_the_thresholds_from_the_sql(monkeypatch):
    """The 'under 50' and 'under 100' of the panels' sentences are the query layer's thresholds: other thresholds
    from the SQL give other words."""
    import queries

    monkeypatch.setattr(queries, "survey_thresholds", lambda *a, **k: {"min_n_shown": 30, "min_n_reliable": 70})
    suppressed = changes.sentence(row(flag="suppressed", estimate=None), "participation_rate", "da", "siden 2012",
                                  "change")
    assert suppressed == "siden 2012: ikke vist: for få svar (under 30)"
    uncertain = changes.sentence(row(flag="uncertain"), "participation_rate", "en", "since 2012", "change")
    assert uncertain.endswith("· uncertain figure (under 70 responses)")


def test_the_dashboards_do_not_import_the_report():
    """Layering: the report builds on the presentation layer, never the other way round (signed changes and
    percentage points live in views.present; reports.fmt adapts them)."""
    import pathlib
    import re

    folder = pathlib.Path(changes.__file__).parent
    offenders = [f.name for f in folder.glob("*.py") if re.search(r"^\s*(from|import) reports\b", f.read_text(), re.M)]
    assert offenders == []


def test_the_view_cache_keys_a_panel_on_the_reference_only_when_it_uses_it(fixture_db, monkeypatch):
    """A panel's view is keyed on the values of the controls it uses: choosing another reference recomputes the
    contrast panel and no other."""
    from views import cache
    from dashboards import ui
    from pages import PAGES

    keys: dict[str, list] = {}

    def record(warehouse, page, panel, inputs, lang, compute, kind="views"):
        keys.setdefault(panel, []).append((dict(inputs), lang))
        return None

    monkeypatch.setattr(cache, "view", record)
    with data.using(fixture_db):
        dash = ui.Dashboard(PAGES["1_frivillige.ipynb"], query="?by=gender&ref=female")
        dash.redraw()
        year = dash.values().year
        assert keys["contrast"] == [({"year": year, "by": "gender", "ref": "female"}, "da")]
        assert keys["trend"] == [({"by": "gender"}, "da")]
        assert keys["areas"] == [({"year": year}, "da")]  # the same view whatever the breakdown
        keys.clear()
        dash.widgets["ref"].value = "male"
    assert list(keys) == ["contrast"] and keys["contrast"] == [({"year": year, "by": "gender", "ref": "male"}, "da")]
