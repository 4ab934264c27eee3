"""dashboards/changes.py: the change and contrast views put the query layer's numbers into words and dots."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboards import changes, data
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
    assert len(view.table) == 2 and list(view.table["Gruppe"]) == list(expected.label_da)
    assert list(view.table["Forskel (procentpoint)"]) == pytest.approx(list(expected.estimate * 100))
    assert f"Kvinder: {fmt.signed(100 * (2.5 / 8 - 2 / 8), 1)} procentpoint siden 2012" in view.note
    assert "Mænd: 0,0 procentpoint siden 2012" in view.note  # 5.5/8 both waves
    assert [trace.name for trace in view.fig.data] == ["siden 2012"]
    assert first.fig is None and len(first.table) == 0  # the page says "Ingen data for dette valg."


def test_contrast_view_total_shows_gender_and_follows_the_query(fixture_db):
    with data.using(fixture_db):
        view = changes.contrast_view("participation_rate", 2012, "total", "en")
    assert view.note.startswith("The breakdown is Total; the differences are shown by gender.")
    assert "Men: +21.9 percentage points compared with the whole population" in view.note  # 5.5/8 - 7.5/16
    assert "a reliable difference; \u221243.8 percentage points compared with Men" in view.note  # women: 2/8 - 5.5/8
    assert {trace.name for trace in view.fig.data} == {"compared with the whole population", "compared with Men"}
    reliable = [s for trace in view.fig.data for s in trace.marker.symbol]
    assert set(reliable) <= {"circle", "circle-open"} and "circle" in reliable
