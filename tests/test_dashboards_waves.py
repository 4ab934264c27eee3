"""The dashboards and the survey series (issue 25): the trend of a survey metric draws one line per survey (series
and definition), never joining waves across a series break, and says so under the chart; the change panel compares
a wave only with earlier waves of its survey; the pages open on the latest wave."""
from __future__ import annotations

import pytest

from views import changes, data, survey as panels


@pytest.fixture(autouse=True)
def demo(demo_db):
    with data.using(str(demo_db)):
        yield


@pytest.mark.parametrize("lang, words", [("da", "Hver linje er én undersøgelse"), ("en", "Each line is one survey")])
def test_the_trend_draws_one_line_per_survey_and_says_so(lang, words):
    view = panels.survey_trend("participation_rate", "total", lang)
    assert [list(t.x) for t in view.fig.data] == [[2004], [2012, 2014, 2017, 2021], [2020, 2024]]
    names = [t.name for t in view.fig.data]
    assert names[1].endswith("2012-2021") and names[2].endswith("2020-2024") and names[0].endswith("2004")
    assert words in view.note


def test_a_breakdown_gets_one_line_per_category_and_survey():
    view = panels.survey_trend("participation_rate", "gender", "en")
    assert len(view.fig.data) == 2 * 3
    assert {t.line.dash for t in view.fig.data} == {"solid", "dash", "dot"}
    for t in view.fig.data:  # no trace spans two surveys
        assert list(t.x) in ([2004], [2012, 2014, 2017, 2021], [2020, 2024])


def test_the_change_panel_compares_within_the_survey():
    assert {r["compared_with"] for r in changes.change_rows("participation_rate", 2024, "total", "da")} == {
        "siden 2020"}
    assert {r["compared_with"] for r in changes.change_rows("participation_rate", 2021, "total", "da")} == {
        "siden 2017", "siden 2012"}
    view = changes.change_view("participation_rate", 2020, "total", "en")
    assert view.fig is None and "No earlier wave of the same survey with the same definition to compare 2020" in view.note


def test_the_year_control_opens_on_the_latest_wave():
    from pages.controls import Year

    assert Year("participation_rate").build("da").default == "2024"
