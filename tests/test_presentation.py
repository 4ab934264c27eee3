"""The presentation layer (dashboards/present.py) and the metrics' presentation metadata (queries/<metric>.yml)."""
from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

import queries
from conftest import REPO
from views import present
from views import numbers
from queries import provenance, rules
from queries.catalog import parse_presentation


@pytest.mark.parametrize("metric", queries.metric_names())
def test_every_metric_has_valid_presentation_metadata(metric):
    """queries/<metric>.yml parses, names only the metric's columns and speaks plain language (queries/rules.py)."""
    assert rules.presentation_valid(queries.load_metric(metric)) == []


def test_a_broken_yaml_file_is_refused_naming_file_and_key():
    good = (REPO / "queries" / "participation_rate.yml").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"queries/x.yml, key format: .*'fraction'"):
        parse_presentation(good.replace("format: percent", "format: fraction"), "x")
    with pytest.raises(ValueError, match=r"queries/x.yml: missing keys \['decimals'\]"):
        parse_presentation(good.replace("decimals: 1\n", ""), "x")
    with pytest.raises(ValueError, match=r"queries/x.yml, key range"):
        parse_presentation(good.replace("range: [0, 1]", "range: [1, 0]"), "x")


def test_the_thresholds_come_from_the_sql_macros():
    th = queries.survey_thresholds()
    macros = (REPO / "queries" / "_macros.sql").read_text(encoding="utf-8")
    assert f"min_n_shown() as {th['min_n_shown']};" in macros
    assert f"min_n_reliable() as {th['min_n_reliable']};" in macros
    text = present.t("uncertain_reason", "da")
    assert text == f"usikkert ({th['min_n_shown']}-{th['min_n_reliable'] - 1} svar)"
    assert str(th["min_n_shown"]) in present.methods_html("da")


def test_layer_imports_without_ipywidgets():
    code = ("import sys\nclass B:\n def find_spec(self, n, p, t=None):\n  if n.split('.')[0] == 'ipywidgets': "
            "raise ImportError(n)\nsys.meta_path.insert(0, B())\n"
            "import views.present, views.charts, views.survey, reports.content, reports.build\n"
            "assert 'ipywidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_numbers_in_danish_and_english():
    assert numbers.percent(0.40012, "da", 1) == "40,0 %"
    assert numbers.percent(0.40012, "en", 1) == "40.0%"
    assert numbers.number(8878, "da") == "8.878" and numbers.number(8878, "en") == "8,878"
    assert numbers.interval(0.388, 0.4114, "da", fmt="percent", decimals=1) == "38,8-41,1 %"
    assert numbers.number(-0.0001, "da", 1) == "0,0"
    assert numbers.count(None, small=True) == numbers.SMALL_COUNT == "<5"


def test_hover_text_has_estimate_interval_and_responses(demo_db):
    row = queries.run("participation_rate", db=demo_db, year=2021, by="total").data.iloc[0]
    text = present.hover_estimate(row["estimate"], row["ci_low"], row["ci_high"], row["n"], "participation_rate")
    assert text == (f"{numbers.percent(row['estimate'], 'da', 1)} "
                    f"({numbers.interval(row['ci_low'], row['ci_high'], 'da', fmt='percent', decimals=1)}) "
                    f"· {numbers.number(row['n'], 'da')} svar")


def test_people_table_rounds_as_shown_in_danish_without_true_false(demo_db):
    df = queries.run("partnership_share", db=demo_db, by="municipality", municipality_code=147).data
    table = present.people_table(df, "partnership_share", "da")
    flat = table.astype(str).to_string()
    assert "True" not in flat and "False" not in flat and "small_count" not in table.columns
    assert "Andel partnerskabsaftaler" in table.columns
    assert all(v.endswith(" %") for v in table["Andel partnerskabsaftaler"] if v)
    exact = present.people_table(df, "partnership_share", "da", rounded=False)
    assert exact["Andel partnerskabsaftaler"].tolist() == df["partnership_share"].tolist()


def test_small_counts_of_persons_are_written_as_less_than_5():
    df = pd.DataFrame({"year": [2021, 2021], "category": ["a", "b"], "n": pd.array([None, 812], dtype="Int64"),
                       "estimate": [None, 0.4], "flag": ["suppressed", "ok"]})
    table = present.people_table(df, "participation_rate", "da")
    assert table["Antal svar (n)"].tolist() == ["<5", "812"]
    assert table.iloc[0][next(c for c in table.columns if c.startswith("Vores"))] == ""


def test_csv_starts_with_source_year_and_demo_warning(demo_db):
    df = queries.run("participation_rate", db=demo_db, year=2012, by="gender").data
    text = present.csv_text(df, "participation_rate", "da", demo=True, years=[2012])
    first, header = text.splitlines()[:2]
    assert first == "# Kilde: Frivilligundersøgelsen 2012. Demodata: syntetiske svar, ikke den rigtige undersøgelse"
    assert header.startswith("År;Kategori;")
    # the provenance every output carries (queries/provenance.py), on the same one comment line
    prov = provenance.of_warehouse(demo_db)
    text = present.csv_text(df, "participation_rate", "da", demo=True, years=[2012], provenance=prov)
    first, header = text.splitlines()[:2]
    assert first.startswith("# Kilde: Frivilligundersøgelsen 2012. Demodata") and header.startswith("År;Kategori;")
    assert first.endswith(" | " + provenance.line(prov)) and f"build_id={prov['build_id']}" in first
    assert len(pd.read_csv(io.StringIO(text), sep=";", decimal=",", comment="#")) == len(df)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(present.xlsx_bytes(df, "participation_rate", "da", demo=True, years=[2012],
                                                       provenance=prov)))
    assert [ws.title for ws in book.worksheets] == ["Som vist", "Alle decimaler", "Herkomst"]
    assert dict(book["Herkomst"].iter_rows(values_only=True)) == prov
    assert present.slug("Andel der har arbejdet frivilligt", 2021, "Køn") == "andel-der-har-arbejdet-frivilligt-2021-koen"


def test_a_survey_total_in_a_headline_is_rounded_as_the_report_rounds_it(demo_db):
    from reports import fmt

    row = queries.run("fte", year=2021, by="total").data.iloc[0].to_dict()
    value, sentence = present.headline("fte", row, "da")
    step = fmt.step_for(row["se"])
    assert step >= 100 and value == fmt.rounded(row["estimate"], step) and value.endswith("000")
    assert fmt.rounded(row["ci_low"], step) in sentence
    # a mean keeps its decimals
    hours = queries.run("hours_per_month", year=2021, by="total").data.iloc[0].to_dict()
    assert present.headline("hours_per_month", hours, "da")[0] == numbers.number(hours["estimate"], "da", 1)


def test_percent_axes_read_40_space_percent_in_danish_and_40_percent_in_english(demo_db):
    from views import survey as panels

    assert numbers.percent_tick_labels("da")["40%"] == "40 %" and numbers.percent_tick_labels("en") == {}
    for lang, expected in (("da", "40 %"), ("en", None)):
        fig = panels.survey_bars("participation_rate", 2021, "gender", lang).fig
        axis = fig.layout.yaxis
        assert axis.tickformat == ".0%"
        assert (axis.labelalias or {}).get("40%") == expected


def test_a_survey_total_says_the_same_rounded_figure_in_the_chart_its_table_and_the_headline(demo_db):
    """One rounding rule (present.total_step): the FTE bar's label, its hover, the table as shown and the headline
    all say 166.000, not 165.972; the unrounded CSV keeps every decimal."""
    from views import survey as panels

    view = panels.fte_view(2021, "total", "da")
    row = view.table.iloc[0].to_dict()
    value, sentence = present.headline("fte", row, "da")
    assert value.endswith("000") and value != numbers.number(row["estimate"], "da")
    bar = view.fig.data[0]
    assert bar.text[0] == value and bar.customdata[0][1].startswith(f"{value} (")
    shown = present.people_table(view.table, view.meta, "da").iloc[0]
    assert shown[present.column_heading("estimate", "fte", "da")] == value
    low, high = (shown[present.column_heading(c, "fte", "da")] for c in ("ci_low", "ci_high"))
    assert f"{low}-{high}" in sentence
    exact = present.people_table(view.table, view.meta, "da", rounded=False).iloc[0]
    assert exact[present.column_heading("estimate", "fte", "da")] == row["estimate"]
    # a share keeps its decimals
    share = panels.survey_bars("participation_rate", 2021, "total", "da")
    assert share.fig.data[0].text[0] == numbers.percent(share.table["estimate"].iloc[0], "da", 1)
