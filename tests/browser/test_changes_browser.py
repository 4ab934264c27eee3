"""End-to-end: the change and contrast panels of "Hvem er de frivillige?" in headless Chromium (issue 13).

The panels' words must state the numbers of the query layer: each expected sentence is built here from
queries.run(...) with the shared number format, the verdict decided here from the interval. Screenshots of the
panels at 1400 and 390 px, Danish and English, go to screenshots/ (git-ignored).
"""
from __future__ import annotations

import pytest

from queries import comparable_waves, run
from reports import fmt

from .conftest import SCREENSHOTS, open_dashboard, painted, wait_laid_out

pytestmark = pytest.mark.browser
PAGE = "1_frivillige.ipynb"
WORDS = {
    "da": {"unit": "procentpoint", "since": "siden {}", "interval": "95 %-interval {} til {}",
           True: "en sikker ændring", False: "ikke en sikker ændring", "all": "i forhold til hele befolkningen",
           "diff": {True: "en sikker forskel", False: "ikke en sikker forskel"}},
    "en": {"unit": "percentage points", "since": "since {}", "interval": "95% interval {} to {}",
           True: "a reliable change", False: "not a reliable change", "all": "compared with the whole population",
           "diff": {True: "a reliable difference", False: "not a reliable difference"}},
}


def pp(x, lang, signed=False) -> str:
    text = (fmt.signed if signed else fmt.number)(100 * x, lang, 1)
    return text.replace("-", "\u2212")


def expected(row, lang: str, compared: str, verdicts: dict) -> str:
    w = WORDS[lang]
    reliable = row.ci_low > 0 or row.ci_high < 0
    return (f"{pp(row.estimate, lang, True)} {w['unit']} {compared} "
            f"({w['interval'].format(pp(row.ci_low, lang), pp(row.ci_high, lang))}) · {verdicts[reliable]}")


def shoot(rpage, base, query: str, name: str, reopen: bool) -> None:
    """Screenshots of both panels: the page as it is (opened at 1400 px), then at 390 px: opened again at that width
    (`reopen`: a phone opens it at its width), else the window narrowed (as the face test narrows every page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1400, 390):
        if width != 1400:
            if reopen:
                open_dashboard(rpage, base, PAGE, query, width)
            else:
                rpage.page.set_viewport_size({"width": width, "height": 1000})
                wait_laid_out(rpage.page)
        page = rpage.page
        for panel in ("change", "contrast"):
            # the viewport scrolled to the panel: an element screenshot of a panel taller than the window loses its top
            page.evaluate(f"() => document.querySelector('.fd-panel-{panel}').scrollIntoView()")
            painted(page)
            page.screenshot(path=str(SCREENSHOTS / f"1_frivillige_{panel}_{name}_{width}.png"))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_change_column_states_the_query_layers_change_and_verdict(rpage, voila_url, demo_db, lang):
    # the latest wave with two earlier waves of its survey (the demo: CFSA's 2021, since 2017 and 2012); changes
    # compare only within a survey series (docs/surveys.md)
    pairs = comparable_waves(demo_db)
    year = max(y for y, others in pairs.items() if len([o for o in others if o < y]) >= 2)
    earlier = sorted(o for o in pairs[year] if o < year)
    previous, first = earlier[-1], earlier[0]
    query = f"?year={year}&by=gender" + ("&lang=en" if lang == "en" else "")
    page = open_dashboard(rpage, voila_url, PAGE, query)
    panel = page.locator(".fd-panel-change")
    note = panel.locator(".fd-note").inner_text()
    words = WORDS[lang]
    sentences = 0
    for since in (previous, first):
        changes = run("participation_change", year=year, since=since, by="gender", db=demo_db).data
        assert len(changes) == 2 and (changes.flag == "ok").all()
        for _, row in changes.iterrows():
            text = expected(row, lang, words["since"].format(since), words)
            label = row.label_en if lang == "en" else row.label_da
            assert text in note, (text, note)
            assert f"{label}: " in note
            sentences += 1
    # the chart: one dot per category and comparison, filled where the change is reliable
    assert panel.locator(".scatterlayer .point").count() == sentences == 4
    assert panel.locator("details table tbody tr").count() == 4
    legend = " ".join(panel.locator(".legend text").all_text_contents())
    assert words["since"].format(previous) in legend and words["since"].format(first) in legend
    assert page.locator(".fd-error").count() == 0

    contrast = page.locator(".fd-panel-contrast")
    text = contrast.locator(".fd-note").inner_text()
    for _, row in run("participation_contrast", year=year, by="gender", db=demo_db).data.iterrows():
        assert expected(row, lang, words["all"], words["diff"]) in text, text
    shoot(rpage, voila_url, query, lang, reopen=lang == "da")
    assert rpage.external == []


def test_change_panel_follows_the_widgets(rpage, voila_url, demo_db):
    page = open_dashboard(rpage, voila_url, PAGE, "?year=2014&by=gender")
    page.select_option(".fd-control-by select", label="Region")
    page.wait_for_function("() => (document.querySelector('.fd-panel-change .fd-note') || {}).innerText"
                           " && document.querySelector('.fd-panel-change .fd-note').innerText.includes('Region')")
    note = page.locator(".fd-panel-change .fd-note").inner_text()
    row = run("participation_change", year=2014, by="region", db=demo_db).data.iloc[0]
    assert expected(row, "da", f"siden {row.since}", WORDS["da"]) in note
    # the contrast panel is redrawn after the change panel: wait for it too (reading at once raced under load)
    page.wait_for_function("() => (document.querySelector('.fd-panel-contrast .fd-note') || {}).innerText"
                           " && document.querySelector('.fd-panel-contrast .fd-note').innerText.includes('Region')")


def _contrast_note_with(page, text: str) -> str:
    page.wait_for_function("(t) => { const n = document.querySelector('.fd-panel-contrast .fd-note');"
                           " return n && n.innerText.includes(t); }", arg=text)
    return page.locator(".fd-panel-contrast .fd-note").inner_text()


def _reference_sentences(demo_db, year: int, by: str, reference: str, lang: str) -> list[str]:
    """The panel's sentences against `reference`, rebuilt from the query layer."""
    rows = run("participation_contrast", year=year, by=by, reference=reference, db=demo_db).data
    assert len(rows) > 0
    out = []
    for _, row in rows.iterrows():
        ref_label = row.reference_label_en if lang == "en" else row.reference_label_da
        compared = ("compared with {}" if lang == "en" else "i forhold til {}").format(ref_label)
        out.append(expected(row, lang, compared, WORDS[lang]["diff"]))
    return out


def test_choosing_a_reference_changes_the_contrast_sentences_and_the_address(rpage, voila_url, demo_db):
    year = int(max(run("participation_rate", db=demo_db).data.year))
    page = open_dashboard(rpage, voila_url, PAGE, f"?year={year}&by=gender")
    ref = page.locator(".fd-control-ref select")
    assert ref.input_value() == "Mænd"  # default: the breakdown's first category (ipywidgets' option values are labels)
    assert [o.strip() for o in ref.locator("option").all_inner_texts()] == ["Mænd", "Kvinder"]
    before = page.locator(".fd-panel-contrast .fd-note").inner_text()
    for sentence in _reference_sentences(demo_db, year, "gender", "male", "da"):
        assert sentence in before, (sentence, before)

    page.select_option(".fd-control-ref select", label="Kvinder")
    after = _contrast_note_with(page, "i forhold til Kvinder")
    assert after != before
    for sentence in _reference_sentences(demo_db, year, "gender", "female", "da"):
        assert sentence in after, (sentence, after)
    assert "i forhold til Mænd" not in after
    page.wait_for_function("() => location.search.includes('ref=female')")
    assert "ref=female" in page.locator("#fd-share-url").input_value()

    # another breakdown offers its own categories, and the reference goes back to the first of them
    page.select_option(".fd-control-by select", label="Region")
    page.wait_for_function("() => !location.search.includes('ref=')")
    first = run("participation_contrast", year=year, by="region", reference="all", db=demo_db).data.iloc[0]
    note = _contrast_note_with(page, f"i forhold til {first.label_da}")
    for sentence in _reference_sentences(demo_db, year, "region", first.category, "da"):
        assert sentence in note, (sentence, note)
    assert page.locator(".fd-control-ref select option").count() == 5
    assert page.locator(".fd-error").count() == 0


def test_the_reference_is_restored_from_the_address_in_english(rpage, voila_url, demo_db):
    year = int(max(run("participation_rate", db=demo_db).data.year))
    page = open_dashboard(rpage, voila_url, PAGE, f"?year={year}&by=age_group&ref=70%2B&lang=en")
    assert page.locator(".fd-control-ref select").input_value() == "70 years and over"
    note = page.locator(".fd-panel-contrast .fd-note").inner_text()
    for sentence in _reference_sentences(demo_db, year, "age_group", "70+", "en"):
        assert sentence in note, (sentence, note)
    assert page.locator(".fd-fallback").count() == 0
    shoot(rpage, voila_url, f"?year={year}&by=age_group&ref=70%2B&lang=en", "ref_en", reopen=False)


def test_a_bad_reference_in_the_address_falls_back_with_a_note(rpage, voila_url, demo_db):
    """SQL-looking text as the reference: the first category, a note, no error. (A code of another breakdown and an
    over-long value take the same path: tests/test_dashboards_changes.py opens the page's Dashboard with each.)"""
    from urllib.parse import quote

    value = "'; drop table labels; --"
    year = int(max(run("participation_rate", db=demo_db).data.year))
    page = open_dashboard(rpage, voila_url, PAGE, f"?year={year}&by=gender&ref={quote(value)}")
    notes = page.locator(".fd-fallback").all_inner_texts()
    assert len(notes) == 1 and "ref=" in notes[0] and "Mænd" in notes[0], notes
    assert page.locator(".fd-error").count() == 0
    assert page.locator(".fd-control-ref select").input_value() == "Mænd"
    note = page.locator(".fd-panel-contrast .fd-note").inner_text()
    for sentence in _reference_sentences(demo_db, year, "gender", "male", "da"):
        assert sentence in note, (sentence, note)
    page.wait_for_function("() => !location.search.includes('ref=')")
