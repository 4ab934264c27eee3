"""The report and the survey series (issue 25): `python -m reports build` without --year reports on the latest wave
(2024 in the demo: no wave year in code), its "since the last wave" compares within the survey series (2024 against
2020, with interval and verdict from the change metrics), and the trend of participation draws one line per survey
and says so under the chart. The report of a wave without an earlier one of its series (the demo's 2012, CFSA's)
says that there is none instead of a change across the series break (tests/test_report.py)."""
from __future__ import annotations

import html as htmllib
import re
import types

import pytest

import queries
from test_report import CHANGE_TEXT, _change_words, build_cli, figures, key_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def latest(demo_db, tmp_path_factory):
    """The report of the latest wave, HTML only (the PDF is the same content: tests/test_report.py checks it)."""
    out = tmp_path_factory.mktemp("latest_report")
    proc = build_cli("--db", str(demo_db), "--out", str(out), "--no-pdf")
    assert proc.returncode == 0, f"report build failed:\n{proc.stdout}\n{proc.stderr}"
    year = max(queries.comparable_waves(demo_db))  # the latest wave, from the warehouse
    path = out / f"frivilligrapport-{year}.da.html"
    return types.SimpleNamespace(year=year, html=path.read_text(encoding="utf-8"), stdout=proc.stdout)


def test_the_report_opens_on_the_latest_wave(latest, demo_db):
    waves = sorted(queries.run("participation_rate", db=demo_db, by="total").data["year"])
    assert latest.year == waves[-1] == 2024
    assert f"frivilligrapport-{latest.year}.da.html" in latest.stdout
    assert f"Frivilligrapport {latest.year}" in latest.html and len(figures(latest.html)) >= 10


def test_since_the_last_wave_compares_within_the_series(latest, demo_db):
    rows = key_rows(latest.html)
    assert queries.comparable_waves(demo_db)[latest.year] == [2020]  # not 2021, CFSA's wave
    for metric in CHANGE_TEXT:
        change, interval, verdict = _change_words(metric, demo_db, 2020, latest.year)
        cell = rows[metric]["change"]
        assert cell.startswith(change), (metric, cell)
        assert f"{interval} · {verdict}" in cell, (metric, cell)
        assert "2021" not in cell, (metric, cell)
    before = queries.run("participation_rate", db=demo_db, year=2020, by="total").data.iloc[0].estimate
    assert "2020: 36,0" in rows["participation_rate"]["change"] and abs(before - 0.36) < 0.0005
    assert rows["participation_rate"]["change"].startswith("+4,0")


def test_the_trend_draws_one_line_per_survey_and_says_so(latest, demo_db):
    text = htmllib.unescape(latest.html)
    assert "Hver linje er én undersøgelse med én definition af frivilligt arbejde" in text
    for line in ("Frivillighedsundersøgelsen (SFI/VIVE) 2004", "CFSA's befolkningsundersøgelse (Frivilligrapport) "
                 "2012-2021", "Frivillighedsundersøgelsen (SFI/VIVE) 2020-2024"):
        assert line in text, line
    # the change under the trend is within the series: 2024 against 2020, never against 2021 or 2004
    change, interval, verdict = _change_words("participation_rate", demo_db, 2020, latest.year)
    assert f"{change} siden 2020 ({interval}) · {verdict}" in text
    assert not re.search(r"siden (2021|2004) \(95", text)
